// The organiser console's event editor, run history, log check and backup, against the real
// server: a teams CSV with mistakes is refused with each problem beside its row, a corrected
// one and a panel change are previewed and applied, a run's history lists its sheets, the log
// verifies and the backup is an SQLite database.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { start_server, launch_browser, shot, repo_root, healthz_seq } from "./server.js";
import { sign_in_organiser } from "./judge-steps.js";

const demo = JSON.parse(readFileSync(path.join(repo_root, "examples/aplc-demo.json"), "utf8"));

// The demo's teams as the organiser's spreadsheet would export them (no members column: each
// team keeps its members), with `edit(rows)` applied to the rows after the header.
function teams_csv(edit = (rows) => rows) {
    const rows = demo.teams.map((t) => [t.id, `"${t.name.replace(/"/g, '""')}"`, t.country]);
    return ["id,name,country", ...edit(rows).map((r) => r.join(","))].join("\r\n") + "\r\n";
}

const csv_file = (name, text) => ({ name, mimeType: "text/csv", buffer: Buffer.from(text) });

test("the console imports teams from CSV, assigns judges, shows history, checks the log and backs up", { timeout: 180000 }, async () => {
    const srv = await start_server();
    const browser = await launch_browser();
    try {
        const org = await sign_in_organiser(browser, srv);
        const summary = org.locator("#event-summary");
        await summary.filter({ hasText: "rules version 1" }).waitFor();
        assert.match(await summary.textContent(), /10 teams · 14 judges · 7 scenarios/);

        // 1. A CSV with a repeated id: refused in the browser, beside the file, nothing sent.
        await org.getByLabel(/^Teams \(CSV/).setInputFiles(csv_file("teams.csv", teams_csv((rows) => [...rows, rows[0]])));
        await org.getByRole("button", { name: "Check changes" }).click();
        const teams_problems = org.locator("#teams-file-problems li");
        await teams_problems.first().waitFor();
        assert.equal(await teams_problems.first().textContent(), 'teams.csv, row 12: the id "SGP" is also on row 2');
        assert.equal(await org.getByLabel(/^Teams \(CSV/).getAttribute("aria-invalid"), "true");
        assert.ok(await org.getByRole("button", { name: "Apply changes" }).isDisabled());

        // 2. A country the event schema refuses: the server's problem is shown at its CSV row.
        await org.getByLabel(/^Teams \(CSV/).setInputFiles(csv_file("teams.csv", teams_csv((rows) => {
            rows[3][2] = "XX";
            return rows;
        })));
        await org.getByRole("button", { name: "Check changes" }).click();
        await org.locator("#event-msg", { hasText: "problem(s)" }).waitFor();
        const server_problem = await teams_problems.first().textContent();
        assert.match(server_problem, /^teams\.csv, row 5 \(country\): /, server_problem);
        assert.ok(await org.getByRole("button", { name: "Apply changes" }).isDisabled());
        await org.locator("#panels-title").scrollIntoViewIfNeeded();
        await shot(org, "organiser-import-problems");

        // 3. A corrected CSV (one team renamed) and J04 in place of J03 on the hostage-rescue
        //    panel: previewed with the standings it changes, then applied.
        await org.getByLabel(/^Teams \(CSV/).setInputFiles(csv_file("teams.csv", teams_csv((rows) => {
            rows[0][1] = "Singapore Prison Service ERT";
            return rows;
        })));
        await org.getByLabel("J03 Takeshi Morimoto on the Hostage Rescue in a Cell Block panel").uncheck();
        await org.getByLabel(/^J04 .* on the Hostage Rescue in a Cell Block panel$/).check();
        await org.getByLabel("Embargo the results of Riot Control in the Exercise Yard until everyone has run it").check();
        await org.getByRole("button", { name: "Check changes" }).click();
        await org.locator("#event-msg", { hasText: "No problems" }).waitFor();
        assert.equal(await teams_problems.count(), 0);
        assert.ok((await org.locator("#changes li").count()) > 0, "J03's hostage-rescue marks no longer count");
        assert.match(await org.locator("#changes").textContent(), /scenario\/hostage-rescue/);
        const seq_before = await healthz_seq(srv.url);
        await org.getByRole("button", { name: "Apply changes" }).click();
        await org.locator("#event-msg", { hasText: "Applied" }).waitFor();
        assert.equal(await healthz_seq(srv.url), seq_before + 1, "one rules.apply entry");
        await summary.filter({ hasText: "rules version 2" }).waitFor();
        assert.ok(await org.getByLabel(/^J04 .* on the Hostage Rescue in a Cell Block panel$/).isChecked());
        assert.ok(!(await org.getByLabel("J03 Takeshi Morimoto on the Hostage Rescue in a Cell Block panel").isChecked()));
        await org.locator("#live td", { hasText: "Singapore Prison Service ERT" }).waitFor();
        // The stored event downloads as an event file that `aplc score` would read.
        const [event_file] = await Promise.all([
            org.waitForEvent("download"),
            org.getByRole("button", { name: "Download the event file" }).click(),
        ]);
        assert.equal(event_file.suggestedFilename(), `${demo.event.id}.event.json`);
        const stored = JSON.parse(readFileSync(await event_file.path(), "utf8"));
        assert.equal(stored.teams[0].name, "Singapore Prison Service ERT");
        assert.deepEqual(stored.teams[0].members, demo.teams[0].members, "members kept");
        assert.deepEqual(stored.scenarios.find((x) => x.id === "hostage-rescue").panel, ["J01", "J02", "J04"]);
        assert.equal(stored.scenarios.find((x) => x.id === "riot-control").embargo, true);
        assert.ok(await org.getByLabel("Embargo the results of Riot Control in the Exercise Yard until everyone has run it").isChecked());
        assert.equal(stored.sheets, undefined);
        const binary = process.env.APLC_BINARY || path.join(repo_root, "build/debug/server/aplc");
        const scored = spawnSync(binary, ["score", await event_file.path()], { encoding: "utf8" });
        assert.equal(scored.status, 0, scored.stderr);

        // 4. The history of one run, from the progress matrix.
        await org.getByLabel("Scenario", { exact: true }).selectOption("riot-control");
        await org.getByRole("button", { name: /^History of Riot Control.* SGP / }).click();
        const history = org.locator("#history li");
        await history.first().waitFor();
        const riot_panel = demo.scenarios.find((s) => s.id === "riot-control").panel;
        await org.locator("#history-note", { hasText: "entries" }).waitFor();
        assert.equal(await history.count(), riot_panel.length, "one sheet per panel judge");
        assert.match(await history.first().textContent(), /^#\d+ · \d\d:\d\d:\d\d UTC · organiser sent a sheet for J04: arrest_technique [\d.]+ · command [\d.]+ · formation /);

        // 5. A protest filed and ruled on from the history; a repeated id is refused beside the form.
        await org.getByLabel("New protest's id").fill("P-SGP-1");
        await org.getByLabel("What the team protests").fill("The team asks for the shield-work video to be reviewed.");
        await org.getByRole("button", { name: "File the protest" }).click();
        await org.locator('#protests-open li[data-protest="P-SGP-1"]').waitFor();
        await history.filter({ hasText: "filed protest P-SGP-1 — “The team asks for the shield-work video to be reviewed.”" }).waitFor();
        await org.locator('#matrix tr.disputed[data-entrant="SGP"]').waitFor();
        await org.getByLabel("New protest's id").fill("P-SGP-1");
        await org.getByLabel("What the team protests").fill("Again.");
        await org.getByRole("button", { name: "File the protest" }).click();
        await org.locator("#protest-msg.error-text", { hasText: "already filed" }).waitFor();
        await org.getByRole("button", { name: "Not upheld" }).click();
        await org.locator('#protests-open li[data-protest="P-SGP-1"] .error-text', { hasText: "Write the reason" }).waitFor();
        await shot(org, "organiser-history");
        await org.getByLabel("Reason for the ruling on P-SGP-1").fill("The video shows the marks were right.");
        await org.getByRole("button", { name: "Not upheld" }).click();
        await history.filter({ hasText: "ruled protest P-SGP-1 not upheld — “The video shows the marks were right.”" }).waitFor();
        assert.equal(await org.locator("#protests-open li").count(), 0);
        await org.locator('#matrix tr.disputed[data-entrant="SGP"]').waitFor({ state: "detached" });

        // 6. The log check and the backup.
        await org.getByRole("button", { name: "Check the log" }).click();
        const upkeep = org.locator("#upkeep-msg");
        await upkeep.filter({ hasText: "The log verifies" }).waitFor();
        assert.equal(await upkeep.getAttribute("data-ok"), "true");
        assert.equal(Number(await upkeep.getAttribute("data-entries")), await healthz_seq(srv.url));
        const [download] = await Promise.all([
            org.waitForEvent("download"),
            org.getByRole("button", { name: "Download a backup" }).click(),
        ]);
        assert.match(download.suggestedFilename(), /^aplc-backup-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.sqlite$/);
        const bytes = readFileSync(await download.path());
        assert.equal(bytes.subarray(0, 16).toString("latin1"), "SQLite format 3\0");

        // 7. New codes for every judge, printed as slips; a head judge stays a head judge; a new
        //    code signs its judge in.
        await org.getByLabel("Judge id or display name").fill("J04");
        await org.getByLabel("Role", { exact: true }).selectOption("head_judge");
        await org.getByRole("button", { name: "Issue a new code" }).click();
        await org.locator('#codes tr[data-subject="J04"]').waitFor();
        org.once("dialog", (d) => d.accept());
        await org.getByRole("button", { name: "New codes for every judge" }).click();
        await org.locator("#issue-all-msg", { hasText: "14 codes issued" }).waitFor();
        const rows = org.locator("#codes tr");
        assert.equal(await rows.count(), 15);
        assert.match(await org.locator('#codes tr[data-subject="J04"]').first().textContent(), /^J04 Sarah McAllisterhead judge\d+$/);
        assert.match(await rows.first().textContent(), /^J01 Graham Whitfieldjudge\d{6,}$/);
        const j05_code = await org.locator('#codes tr[data-subject="J05"] td').last().textContent();
        const judge = await browser.newPage({ viewport: { width: 1024, height: 768 } });
        await judge.goto(`${srv.url}/judge/`);
        await judge.getByLabel("Judge id").fill("J05");
        await judge.getByLabel("Code").fill(j05_code);
        await judge.getByRole("button", { name: "Sign in" }).click();
        await judge.locator("#order button").first().waitFor();
        await org.emulateMedia({ media: "print" });
        assert.equal(await org.locator("#event-title").evaluate((e) => getComputedStyle(e).visibility), "hidden");
        assert.equal(await org.locator("#codes").evaluate((e) => getComputedStyle(e).visibility), "visible");
        await shot(org, "organiser-codes-print");
        await org.emulateMedia({ media: "screen" });

        await org.setViewportSize({ width: 1024, height: 768 });
        await org.locator("#event-title").scrollIntoViewIfNeeded();
        await shot(org, "organiser-event-1024");
    } finally {
        await browser.close();
        await srv.stop();
    }
});
