// The display's rotation schedule (display/rotation.js), without a browser: which view is on at a
// given moment, and how long until the next.
import { test } from "node:test";
import assert from "node:assert/strict";
import { rotation_at, same_views } from "../display/rotation.js";

const views = [{ topic: "overall", seconds: 30 }, { topic: "scenario/riot-control", seconds: 10 }, { topic: "latest", seconds: 5 }];
const t0 = 1_700_000_000_000;

test("each view is on for its seconds, then the next, then the first again", () => {
    const at = (s) => rotation_at(views, t0, t0 + s * 1000);
    assert.equal(at(0).view.topic, "overall");
    assert.equal(at(29.9).view.topic, "overall");
    assert.equal(at(30).view.topic, "scenario/riot-control");
    assert.equal(at(39.9).view.topic, "scenario/riot-control");
    assert.equal(at(40).view.topic, "latest");
    assert.equal(at(45).view.topic, "overall");
    assert.equal(at(45 * 20 + 31).index, 1, "the cycle repeats without drifting");
});

test("the next view and the time left count down within a view", () => {
    const now = rotation_at(views, t0, t0 + 42_500);
    assert.equal(now.index, 2);
    assert.equal(now.next.topic, "overall");
    assert.equal(now.left_ms, 2_500);
    assert.equal(now.fraction, 0.5);
    assert.equal(rotation_at([views[0]], t0, t0 + 1000).next.topic, "overall", "one view follows itself");
});

test("a moment before the start (the clock set back) still gives a view", () => {
    assert.equal(rotation_at(views, t0, t0 - 1000).view.topic, "latest");
});

test("a rotation needs a view; the same views for the same times are the same rotation", () => {
    assert.throws(() => rotation_at([], t0, t0), RangeError);
    assert.ok(same_views(views, views.map((v) => ({ ...v }))));
    assert.ok(!same_views(views, views.slice(0, 2)));
    assert.ok(!same_views(views, views.map((v, i) => (i === 1 ? { ...v, seconds: 11 } : v))));
});
