// Steps of the judge app and the organiser console shared by the browser tests.

/** Drops J01's hostage-rescue sheets from the demo event, so J01 has sheets to submit. */
export const no_j01_hostage = (s) => s.scenario === "hostage-rescue" && s.judge === "J01";

export async function sign_in_judge(page, srv, judge) {
    await page.goto(`${srv.url}/judge/`);
    await page.getByLabel("Judge id").fill(judge);
    await page.getByLabel("Code").fill(srv.codes[judge]);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator("#order button").first().waitFor();
}

/** Opens the team's sheet in hostage-rescue and sets the three criteria (steppers and typing). */
export async function fill_hostage_sheet(page, entrant, marks = ["9.5", "9.0", "8.5"]) {
    await page.locator(`#order button[data-entrant="${entrant}"]`).click();
    await page.locator("#f-planning").fill(marks[0]);
    await page.getByRole("button", { name: "Entry and execution: more" }).click();
    await page.locator("#f-execution").fill(marks[1]);
    await page.locator("#f-communication").fill(marks[2]);
}

/** Opens the organiser console on a laptop-sized page and signs in with the test password. */
export async function sign_in_organiser(browser, srv) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${srv.url}/organiser/`);
    await page.getByLabel("Organiser password").fill("pw");
    await page.getByRole("button", { name: "Sign in" }).click();
    return page;
}
