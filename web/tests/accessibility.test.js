// Every page passes axe-core's WCAG 2.1 A and AA rules (labels, names, contrast, structure) in
// the states people use: the judge's sign-in and an open score sheet on a tablet, the hall
// display in each theme, the organiser console signed in with every section filled, and the
// console creating a new event.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { start_server, launch_browser } from "./server.js";
import { sign_in_judge, sign_in_organiser, no_j01_hostage } from "./judge-steps.js";

const axe_path = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

// The WCAG A/AA violations on `page` now, as readable lines ("color-contrast: #sheet-state ...").
async function violations(page) {
    await page.addScriptTag({ path: axe_path });
    const found = await page.evaluate(async () => {
        const r = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
        return r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary.replace(/\s+/g, " ")}`) }));
    });
    return found.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.help}): ${n}`));
}

async function expect_clean(page, what) {
    const found = await violations(page);
    assert.deepEqual(found, [], `${what}:\n${found.join("\n")}`);
}

test("the judge app, the hall display and the organiser console pass WCAG 2.1 AA checks", { timeout: 180000 }, async () => {
    // J01 (criteria steppers) and J14 (the stopwatch, time entry and counters) have SGP to score.
    const srv = await start_server({ drop: (sh) => no_j01_hostage(sh) || (sh.scenario === "hostage-rescue" && sh.judge === "J14" && sh.entrant === "SGP") });
    const browser = await launch_browser();
    try {
        const judge = await browser.newPage({ viewport: { width: 768, height: 1024 } });
        await judge.goto(`${srv.url}/judge/`);
        await judge.getByLabel("Judge id").waitFor();
        await expect_clean(judge, "judge sign-in");
        await sign_in_judge(judge, srv, "J01");
        await judge.locator('#order button[data-entrant="SGP"]').click();
        await judge.locator("#f-planning").waitFor();
        await expect_clean(judge, "judge score sheet (criteria)");
        const timekeeper = await browser.newPage({ viewport: { width: 1024, height: 768 } });
        await sign_in_judge(timekeeper, srv, "J14");
        await timekeeper.locator('#order button[data-entrant="SGP"]').click();
        await timekeeper.locator("#w-time").waitFor();
        await expect_clean(timekeeper, "judge score sheet (time and counters)");

        for (const theme of ["dark", "light", "contrast"]) {
            const display = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
            await display.goto(`${srv.url}/display/?theme=${theme}`);
            await display.locator("#board *").first().waitFor();
            await expect_clean(display, `display, ${theme} theme`);
            await display.close();
        }

        const org = await sign_in_organiser(browser, srv);
        await org.locator("#event-summary", { hasText: "rules version" }).waitFor();
        await org.locator("#matrix tbody tr").first().waitFor();
        await org.getByRole("button", { name: "Check the log" }).click();
        await org.locator("#upkeep-msg", { hasText: "The log verifies" }).waitFor();
        await expect_clean(org, "organiser console");
    } finally {
        await browser.close();
        await srv.stop();
    }
});

test("the organiser console creating a new event passes WCAG 2.1 AA checks", { timeout: 120000 }, async () => {
    const srv = await start_server({ empty: true });
    const browser = await launch_browser();
    try {
        const org = await sign_in_organiser(browser, srv);
        await org.getByRole("heading", { name: "Create the event" }).waitFor();
        await expect_clean(org, "organiser console in set-up");
        // With the problems shown beside the fields.
        await org.getByRole("button", { name: "Check the event" }).click();
        await org.locator("#event-new-problems li").first().waitFor();
        await expect_clean(org, "organiser console in set-up, with problems");
    } finally {
        await browser.close();
        await srv.stop();
    }
});
