// A judge on a tablet submits a sheet and the hall display shows the new standings.
import { test } from "node:test";
import assert from "node:assert/strict";
import { start_server, launch_browser, shot } from "./server.js";
import { sign_in_judge, fill_hostage_sheet, no_j01_hostage } from "./judge-steps.js";

test("a judge's submitted sheet reaches the hall display's standings", { timeout: 120000 }, async () => {
    const srv = await start_server({ drop: no_j01_hostage });
    const browser = await launch_browser();
    try {
        const display = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
        await display.goto(`${srv.url}/display/?view=overall`);
        const sgp_total = display.locator('#board tr[data-entrant="SGP"] .total');
        await sgp_total.waitFor();
        const before = await sgp_total.textContent();
        const version_before = Number(await display.locator("#board").getAttribute("data-version"));
        await shot(display, "display-before");

        const ctx = await browser.newContext({ viewport: { width: 1024, height: 768 }, hasTouch: true });
        const judge = await ctx.newPage();
        await sign_in_judge(judge, srv, "J01");
        await fill_hostage_sheet(judge, "SGP");
        await judge.getByText("Team result with this sheet:").waitFor();
        await shot(judge, "judge-landscape-sheet");
        await judge.getByRole("button", { name: "Submit sheet" }).click();
        await judge.locator("#sheet-state", { hasText: "Committed" }).waitFor();
        const seq = Number((await judge.locator("#sheet-state").textContent()).match(/#(\d+)/)[1]);
        assert.ok(seq > version_before);
        await shot(judge, "judge-landscape-committed");

        await display.waitForFunction((s) => Number(document.querySelector("#board").dataset.version) >= s, seq);
        const after = await sgp_total.textContent();
        assert.notEqual(after, before, "SGP's total changes once its hostage-rescue result is complete");
        assert.ok(Number(after) > Number(before));
        await shot(display, "display-after");

        const portrait = await browser.newContext({ viewport: { width: 768, height: 1024 }, hasTouch: true });
        const p2 = await portrait.newPage();
        await sign_in_judge(p2, srv, "J01");
        await p2.locator('#order button[data-entrant="SGP"]', { hasText: "Done" }).waitFor();
        await shot(p2, "judge-portrait");
    } finally {
        await browser.close();
        await srv.stop();
    }
});
