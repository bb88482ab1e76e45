// The organiser sets the hall display's rotation from the console: the display, signed in with
// its code, shows the two views in turn for their seconds, in the chosen theme, and says which
// view comes next; a refused rotation is shown next to the field at fault.
import { test } from "node:test";
import assert from "node:assert/strict";
import { start_server, launch_browser, shot } from "./server.js";
import { sign_in_organiser } from "./judge-steps.js";

const shown_topic = (page) => page.locator("#board").getAttribute("data-topic");

test("the organiser's two-view rotation plays on the named display", { timeout: 120000 }, async () => {
    const srv = await start_server();
    const browser = await launch_browser();
    try {
        const display = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
        await display.goto(`${srv.url}/display/?display=hall&code=${srv.display_code}&view=overall`);
        await display.locator('#board tr[data-entrant="SGP"]').waitFor();
        assert.equal(await display.locator("#rotation").isHidden(), true, "no rotation until the organiser sets one");

        const org = await sign_in_organiser(browser, srv);
        await org.setViewportSize({ width: 1024, height: 768 });
        const hall = org.locator('#display-list tr[data-display="hall"]');
        await hall.locator(".state", { hasText: "Connected" }).waitFor();

        await org.getByLabel("Show on").selectOption("hall");
        await org.getByLabel("View 1: board").selectOption("overall");
        await org.getByLabel("View 1: seconds").fill("5");
        await org.getByRole("button", { name: "Add view" }).click();
        await org.getByLabel("View 2: board").selectOption("scenario/riot-control");
        await org.getByLabel("View 2: seconds").fill("3");
        await org.getByLabel("Theme").selectOption("light");
        await org.getByRole("button", { name: "Send to displays" }).click();
        // Three seconds is too short: the refusal stands beside that field, and nothing is sent.
        const error = org.locator("#display-views li:nth-child(2) .view-error");
        await error.filter({ hasText: /\S/ }).waitFor();
        assert.equal(await org.getByLabel("View 2: seconds").getAttribute("aria-invalid"), "true");
        await org.locator("#display-editor").scrollIntoViewIfNeeded();
        await shot(org, "organiser-displays-refused");
        assert.equal(await display.locator("body").getAttribute("data-theme"), "dark");

        await org.getByLabel("View 2: seconds").fill("5");
        await org.getByRole("button", { name: "Send to displays" }).click();
        await org.locator("#display-msg", { hasText: "display:hall now shows" }).waitFor();
        assert.equal(await error.textContent(), "");
        await hall.locator("td", { hasText: "Overall 5 s → Day 2 · Riot Control in the Exercise Yard 5 s · light" }).waitFor();
        await org.locator("#display-list").scrollIntoViewIfNeeded();
        await shot(org, "organiser-displays");

        await display.waitForFunction(() => document.body.dataset.theme === "light");
        const rotation = display.locator("#rotation");
        await rotation.filter({ hasText: /^\d\/2 · Next: .+ in \d s$/ }).waitFor();
        // Both views come in turn, each for its five seconds: overall, riot control, overall.
        const seen = [];
        const started = Date.now();
        while (seen.length < 3 && Date.now() - started < 30000) {
            const topic = await shown_topic(display);
            if (topic !== seen.at(-1)?.topic) {
                seen.push({ topic, at: Date.now() });
                if (topic === "scenario/riot-control") {
                    await display.locator("#view-title", { hasText: "Riot Control in the Exercise Yard" }).waitFor();
                    assert.match(await rotation.textContent(), /^2\/2 · Next: Overall in \d s$/);
                    await shot(display, "display-rotation-scenario");
                } else if (seen.length === 1) {
                    assert.match(await rotation.textContent(), /^1\/2 · Next: Riot Control in the Exercise Yard in \d s$/);
                    await shot(display, "display-rotation-overall");
                }
            }
            await display.waitForTimeout(100);
        }
        assert.deepEqual(seen.map((s) => s.topic), ["overall", "scenario/riot-control", "overall"]);
        const shown_for = seen[2].at - seen[1].at;
        assert.ok(shown_for > 4000 && shown_for < 6500, `riot control was shown for ${shown_for} ms`);
        await display.locator('#board tr[data-entrant="SGP"]').waitFor();
    } finally {
        await browser.close();
        await srv.stop();
    }
});
