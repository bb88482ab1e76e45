// A judge goes offline, submits two sheets, reloads the app, comes back online: the server
// stores each sheet exactly once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { start_server, launch_browser, shot, healthz_seq } from "./server.js";
import { sign_in_judge, fill_hostage_sheet, no_j01_hostage } from "./judge-steps.js";

test("sheets submitted offline survive a reload and are stored exactly once", { timeout: 120000 }, async () => {
    const srv = await start_server({ drop: no_j01_hostage });
    const browser = await launch_browser();
    try {
        const ctx = await browser.newContext({ viewport: { width: 768, height: 1024 }, hasTouch: true });
        const page = await ctx.newPage();
        await sign_in_judge(page, srv, "J01");
        // The service worker must hold the app before the tablet loses the network.
        await page.evaluate(async () => {
            await navigator.serviceWorker.ready;
            const cache = await caches.open("aplc-judge-v1");
            if (!(await cache.match("/judge/"))) throw new Error("app not cached");
        });
        const seq_before = await healthz_seq(srv.url);

        await ctx.setOffline(true);
        await page.locator("#conn", { hasText: "Offline" }).waitFor();
        for (const team of ["HKG", "KOR"]) {
            await fill_hostage_sheet(page, team);
            await page.getByRole("button", { name: "Submit sheet" }).click();
            await page.locator("#sheet-state", { hasText: "Queued" }).waitFor();
        }
        await shot(page, "judge-offline-queued");

        await page.reload();
        await page.locator("#conn", { hasText: "Offline" }).waitFor();
        await page.locator('#outbox li[data-state="queued"]').nth(1).waitFor();
        assert.equal(await page.locator('#outbox li[data-state="queued"]').count(), 2);
        assert.equal(await healthz_seq(srv.url), seq_before, "nothing reaches the server while offline");
        await shot(page, "judge-offline-after-reload");

        await ctx.setOffline(false);
        await page.locator('#outbox li[data-state="committed"]').nth(1).waitFor({ timeout: 30000 });
        await page.locator("#conn", { hasText: "Connected" }).waitFor();
        await shot(page, "judge-back-online");

        // A second page of the same tablet resends nothing new: the outbox is done.
        await page.reload();
        await page.locator('#outbox li[data-state="committed"]').nth(1).waitFor();
        await page.waitForTimeout(1000);
        assert.equal(await healthz_seq(srv.url), seq_before + 2, "each sheet stored exactly once");
        const latest = await (await fetch(`${srv.url}/api/boards/latest`)).json();
        const j01 = latest.board.entries.filter((e) => e.judge === "J01" && e.scenario === "hostage-rescue");
        assert.deepEqual(j01.map((e) => e.entrant).sort(), ["HKG", "KOR"]);
    } finally {
        await browser.close();
        await srv.stop();
    }
});
