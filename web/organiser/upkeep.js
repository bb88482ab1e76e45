// Backup and the log check, from the running server (docs/protocol.md, HTTP): a consistent copy
// of the event database to download, and what `aplc verify` checks, shown in words.
import { get_export, save_blob } from "./api.js";
import { $ } from "/shared/dom.js";

function say(text, cls = "") {
    const msg = $("upkeep-msg");
    msg.className = cls;
    msg.textContent = text;
    return msg;
}

/** The log check's report (log-check.json) in words. */
export function describe_check(r) {
    if (r.first_bad !== null)
        return `The log does NOT verify: ${r.problem} Entries 1–${r.first_bad - 1} are intact. Stop and call the technical delegate.`;
    const hash = `${r.last_hash.slice(0, 16)}…`;
    const checkpoint = r.checkpoint === null ? "no checkpoint yet"
        : r.checkpoint.matches ? `the checkpoint at entry #${r.checkpoint.seq} matches it`
            : `the checkpoint at entry #${r.checkpoint.seq} does NOT match it: run “aplc checkpoint” to rebuild it`;
    return `The log verifies: ${r.entries} entries, last hash ${hash}; ${checkpoint}.`;
}

$("log-check").addEventListener("click", async () => {
    say("Checking the log…");
    try {
        const report = await (await get_export("log-check.json")).json();
        const msg = say(describe_check(report), report.ok ? "ok-text" : "error-text");
        msg.dataset.ok = String(report.ok);
        msg.dataset.entries = String(report.entries);
    } catch (err) {
        say(`Log check: ${err.message}`, "error-text");
    }
});

$("backup").addEventListener("click", async () => {
    say("Copying the database…");
    try {
        const blob = await (await get_export("backup.sqlite")).blob();
        const stamp = new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19);
        const link = save_blob(blob, `aplc-backup-${stamp}.sqlite`);
        say(`Backup downloaded (${Math.round(blob.size / 1024)} KiB). Keep it off this computer. `, "ok-text").append(link);
    } catch (err) {
        say(`Backup: ${err.message}`, "error-text");
    }
});
