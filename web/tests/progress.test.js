// The organiser's progress matrix and review queue: a missing sheet turns into a sent one when
// the judge submits it, and a sheet far below the rest of the panel is flagged for review.
import { test } from "node:test";
import assert from "node:assert/strict";
import { start_server, launch_browser, shot } from "./server.js";
import { sign_in_judge, sign_in_organiser, fill_hostage_sheet, no_j01_hostage } from "./judge-steps.js";

test("the progress matrix follows submissions and the review queue flags an outlier judge", { timeout: 120000 }, async () => {
    const srv = await start_server({ drop: no_j01_hostage });
    const browser = await launch_browser();
    try {
        const org = await sign_in_organiser(browser, srv);
        await org.locator("#progress-scenario option").first().waitFor({ state: "attached" });
        await org.getByLabel("Scenario", { exact: true }).selectOption("hostage-rescue");
        const cell = org.locator('#matrix tr[data-entrant="SGP"] td[data-judge="J01"]');
        assert.equal(await cell.getAttribute("data-state"), "missing");
        assert.equal(await cell.textContent(), "missing");
        assert.equal(await org.locator('#matrix tr[data-entrant="SGP"] td[data-judge="J02"]').getAttribute("data-state"), "submitted");
        const sgp_hostage = '[data-entrant="SGP"][data-scenario="hostage-rescue"]';
        assert.equal(await org.locator(`#review li${sgp_hostage}`).count(), 0, "J02 and J03 agree on SGP");

        const judge = await browser.newPage({ viewport: { width: 1024, height: 768 } });
        await sign_in_judge(judge, srv, "J01");
        await fill_hostage_sheet(judge, "SGP", ["3", "3.5", "3"]);
        await judge.getByRole("button", { name: "Submit sheet" }).click();
        await judge.locator("#sheet-state", { hasText: "Committed" }).waitFor();

        await org.waitForFunction(() => document.querySelector('#matrix tr[data-entrant="SGP"] td[data-judge="J01"]')?.dataset.state === "submitted");
        const outlier = org.locator(`#review li[data-kind="outlier"]${sgp_hostage}`);
        await outlier.waitFor();
        assert.match(await outlier.textContent(), /J01 is [\d.]+ below the panel median/);
        assert.equal(await org.locator(`#review li[data-kind="disagreement"]${sgp_hostage}`).count(), 1);
        await shot(org, "organiser-progress", { fullPage: true });
    } finally {
        await browser.close();
        await srv.stop();
    }
});
