// An organiser freezes the overall board: the public display stops changing while the jury
// (organiser's live) view does not; ending the freeze brings the display up to date.
import { test } from "node:test";
import assert from "node:assert/strict";
import { start_server, launch_browser, shot } from "./server.js";
import { sign_in_judge, sign_in_organiser, fill_hostage_sheet, no_j01_hostage } from "./judge-steps.js";

test("a frozen public board stops changing while the jury view goes on", { timeout: 120000 }, async () => {
    const srv = await start_server({ drop: no_j01_hostage });
    const browser = await launch_browser();
    try {
        const org = await sign_in_organiser(browser, srv);
        const jury_sgp = org.locator('#live tr[data-entrant="SGP"] .total');
        await jury_sgp.waitFor();
        const total_before = await jury_sgp.textContent();

        const display = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
        await display.goto(`${srv.url}/display/?view=overall`);
        const public_sgp = display.locator('#board tr[data-entrant="SGP"] .total');
        await public_sgp.waitFor();
        assert.equal(await public_sgp.textContent(), total_before);

        await org.getByRole("button", { name: "Freeze public board" }).click();
        await org.locator("#boards-msg", { hasText: "Frozen" }).waitFor();
        await display.locator("#status", { hasText: "Frozen" }).waitFor();
        await shot(org, "organiser-frozen");

        const judge = await browser.newPage({ viewport: { width: 1024, height: 768 } });
        await sign_in_judge(judge, srv, "J01");
        await fill_hostage_sheet(judge, "SGP");
        await judge.getByRole("button", { name: "Submit sheet" }).click();
        await judge.locator("#sheet-state", { hasText: "Committed" }).waitFor();

        await org.waitForFunction((before) => {
            const cell = document.querySelector('#live tr[data-entrant="SGP"] .total');
            return cell && cell.textContent !== before;
        }, total_before);
        const jury_after = await jury_sgp.textContent();
        await display.waitForTimeout(1500);
        assert.equal(await public_sgp.textContent(), total_before, "the public display stays frozen");
        await shot(display, "display-frozen");
        await shot(org, "organiser-jury-view-moved");

        await org.getByRole("button", { name: "End freeze" }).click();
        await display.waitForFunction((after) => {
            const cell = document.querySelector('#board tr[data-entrant="SGP"] .total');
            return cell && cell.textContent === after;
        }, jury_after);
        await display.locator("#status", { hasText: "Live" }).waitFor();
        await shot(display, "display-unfrozen");
    } finally {
        await browser.close();
        await srv.stop();
    }
});
