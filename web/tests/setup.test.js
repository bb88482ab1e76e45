// A new event created in the organiser console, against the real server on a database with no
// event: only the event card shows; a missing name and a bad id are refused beside their fields,
// a timekeeper who is not in the judges file beside the scenarios file;
// the teams, judges and scenarios come from CSV and JSON files; "Create the event" stores one
// entry, the whole console appears, and a hall display that was waiting shows the new board.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { start_server, launch_browser, shot, repo_root, healthz_seq } from "./server.js";
import { sign_in_organiser } from "./judge-steps.js";

const demo = JSON.parse(readFileSync(path.join(repo_root, "examples/aplc-demo.json"), "utf8"));
const quoted = (text) => `"${text.replace(/"/g, '""')}"`;

// The demo's teams and judges as a spreadsheet would export them, and its scenarios and rankings.
const teams_csv = ["id,name,country,members", ...demo.teams.map((t) =>
    [t.id, quoted(t.name), t.country, quoted(t.members.map((m) => `${m.id}: ${m.name}`).join("; "))].join(","))].join("\n");
const judges_csv = ["id,name,country", ...demo.judges.map((j) => [j.id, quoted(j.name), j.country].join(","))].join("\n");
// With `timekeeper`, the first scenario's timekeeper is that judge.
function rules_json(timekeeper = null) {
    const scenarios = structuredClone(demo.scenarios);
    if (timekeeper) scenarios[0].roles.timekeeper = timekeeper;
    return JSON.stringify({ scenarios, rankings: demo.rankings });
}
const file = (name, mimeType, text) => ({ name, mimeType, buffer: Buffer.from(text) });

test("an organiser creates the event in the console on a new database", { timeout: 180000 }, async () => {
    const srv = await start_server({ empty: true });
    const browser = await launch_browser();
    try {
        assert.match(srv.log(), /set-up: .* holds no event yet/);
        assert.equal(await healthz_seq(srv.url), 0);
        const hall = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
        await hall.goto(`${srv.url}/display/`);
        await hall.locator("#status", { hasText: "Waiting" }).waitFor();
        await shot(hall, "display-during-setup");

        const org = await sign_in_organiser(browser, srv);
        const other = await sign_in_organiser(browser, srv); // a second console, also in set-up
        await org.getByRole("heading", { name: "Create the event" }).waitFor();
        assert.ok(!(await org.getByRole("heading", { name: "Freeze and reveal" }).isVisible()), "only the event card in set-up");
        assert.ok(!(await org.getByRole("button", { name: "Download the event file" }).isVisible()));

        // No results to export yet: a clear refusal.
        const refused = await org.evaluate(async () => {
            const { get_export } = await import("/organiser/api.js");
            return get_export("results.json").then(() => "exported", (err) => err.message);
        });
        assert.match(refused, /^404 .*\[no_event\]$/);

        // 1. Nothing filled in: the id and the name are asked for beside the fields, nothing sent.
        await org.getByRole("button", { name: "Check the event" }).click();
        const asked = org.locator("#event-new-problems li");
        await asked.first().waitFor();
        assert.deepEqual(await asked.allTextContents(), ["The event needs an id.", "The event needs a name."]);
        assert.equal(await org.getByLabel(/^Event id/).getAttribute("aria-invalid"), "true");

        // 2. An id with a space, and the files: the id's rule is given beside it, nothing sent.
        await org.getByLabel(/^Event id/).fill("APLC 2027");
        await org.getByLabel("Event name").fill("Asian Prisons Lockdown Challenge 2027");
        await org.getByLabel("Venue (optional)").fill("Kajang, Selangor");
        await org.getByLabel(/^Teams \(CSV/).setInputFiles(file("teams.csv", "text/csv", teams_csv));
        await org.getByLabel(/^Judges \(CSV/).setInputFiles(file("judges.csv", "text/csv", judges_csv));
        await org.getByLabel(/^Scenarios and rules/).setInputFiles(file("scenarios.json", "application/json", rules_json("J99")));
        await org.getByRole("button", { name: "Check the event" }).click();
        await org.locator("#event-msg", { hasText: "mend the problems" }).waitFor();
        assert.match(await asked.first().textContent(), /^“APLC 2027” cannot be an event id: use letters, digits/);
        assert.equal(await org.getByLabel(/^Event id/).getAttribute("aria-invalid"), "true");

        // 3. A scenario whose timekeeper is not in the judges file: the server's problem,
        //    under the scenarios file.
        await org.getByLabel(/^Event id/).fill("aplc-2027");
        await org.getByRole("button", { name: "Check the event" }).click();
        await org.locator("#event-msg", { hasText: "problem(s)" }).waitFor();
        const rules_problems = await org.locator("#rules-file-problems li").allTextContents();
        assert.ok(rules_problems.some((p) => /^scenarios\[0\]\.roles.*J99/.test(p)), rules_problems.join("\n"));
        assert.equal(await asked.count(), 0);
        assert.ok(await org.getByRole("button", { name: "Create the event" }).isDisabled());
        await shot(org, "organiser-setup-problems");

        // 4. The scenarios file mended: checked, then created as one entry.
        await org.getByLabel(/^Scenarios and rules/).setInputFiles(file("scenarios.json", "application/json", rules_json()));
        await org.getByRole("button", { name: "Check the event" }).click();
        await org.locator("#event-msg", { hasText: "ready to create" }).waitFor();
        assert.match(await org.locator("#event-msg").textContent(), /10 teams, 14 judges and 7 scenarios/);
        assert.equal(await healthz_seq(srv.url), 0, "a check stores nothing");
        await org.getByRole("button", { name: "Create the event" }).click();
        await org.getByRole("heading", { name: "Freeze and reveal" }).waitFor();
        assert.equal(await healthz_seq(srv.url), 1, "one rules.apply entry");
        await org.locator("#event-summary", { hasText: "Asian Prisons Lockdown Challenge 2027 · rules version 1 · 10 teams · 14 judges · 7 scenarios" }).waitFor();
        await org.locator("#live td", { hasText: demo.teams[0].name }).first().waitFor();
        assert.ok(await org.getByLabel(/^J01 .* on the Hostage Rescue in a Cell Block panel$/).isChecked());

        // 5. The judges' codes can be issued now.
        await org.getByLabel("Judge id or display name").fill("J01");
        await org.getByRole("button", { name: "Issue a new code" }).click();
        await org.locator("#codes tr", { hasText: "J01" }).waitFor();
        await shot(org, "organiser-setup-created");

        // 6. The waiting display asks again and shows the new event's board.
        await hall.locator("body", { hasText: "Asian Prisons Lockdown Challenge 2027" }).waitFor({ timeout: 20000 });
        await hall.locator("main", { hasText: demo.teams[0].name }).waitFor();
        await shot(hall, "display-after-setup");

        // 7. The second console, still in set-up, creates it again from a whole event file (which
        //    fills in the id and name): refused as stale, and it shows the event as created.
        await other.getByRole("heading", { name: "Create the event" }).waitFor();
        const whole = { ...demo, event: { ...demo.event, id: "aplc-2027", name: "APLC 2027 (second console)" } };
        await other.getByLabel(/^Scenarios and rules/).setInputFiles(file("aplc-2027.json", "application/json", JSON.stringify(whole)));
        await other.waitForFunction(() => document.getElementById("new-event-name").value !== "");
        assert.equal(await other.getByLabel("Event name").inputValue(), "APLC 2027 (second console)");
        await other.getByRole("button", { name: "Check the event" }).click();
        await other.locator("#event-msg", { hasText: "ready to create" }).waitFor();
        await other.getByRole("button", { name: "Create the event" }).click();
        await other.locator("#event-msg", { hasText: "Another console created the event meanwhile" }).waitFor();
        await other.getByRole("heading", { name: "Freeze and reveal" }).waitFor();
        await other.locator("#event-summary", { hasText: "Asian Prisons Lockdown Challenge 2027 · rules version 1" }).waitFor();
        assert.equal(await healthz_seq(srv.url), 1, "nothing stored by the second console");

        // The results export now names the new event.
        const exported = await org.evaluate(async () => {
            const { get_export } = await import("/organiser/api.js");
            return (await get_export("results.json")).text();
        });
        assert.match(exported, /"aplc-2027"/);
    } finally {
        await browser.close();
        await srv.stop();
    }
});
