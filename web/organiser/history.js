// One run's history (a scenario and an entrant): every sheet as sent, corrected, withdrawn and
// approved, the run rulings and the protests, oldest first, from
// /api/export/history/<scenario>/<entrant>.json (docs/protocol.md, HTTP); and the run's protests:
// file one (`protest.file`), rule on an open one (`protest.rule`), each refusal shown beside it.
import { describe_error, make_uuid } from "/shared/connection.js";
import { get_export } from "./api.js";
import { $, el } from "/shared/dom.js";

let conn = null;
let changed = () => {};
let shown = null; // {scenario, entrant, label}: the run on show

/** `on_change` runs after each protest stored here (protests do not move the `latest` board). */
export function init_history(c, on_change) {
    conn = c;
    changed = on_change;
}

const values_text = (values) => Object.entries(values).map(([k, v]) => `${k} ${v}`).join(" · ");
const quoted = (text) => (text ? ` — “${text}”` : "");

/** What one log entry did, in words. */
export function describe_entry(e) {
    const b = e.body;
    switch (e.kind) {
    case "sheet.submitted": return `sent a sheet for ${b.sheet.judge}: ${values_text(b.sheet.values)}`;
    case "sheet.corrected": return `corrected entry #${b.supersedes}: ${values_text(b.sheet.values)}${quoted(b.reason)}`;
    case "sheet.withdrawn": return `withdrew entry #${b.sheet_seq}${quoted(b.reason)}`;
    case "sheet.approved": return `approved entry #${b.sheet_seq}`;
    case "run.status_set": return `set the run to ${b.status.toUpperCase()}${quoted(b.reason)}`;
    case "protest.filed": return `filed protest ${b.protest}${quoted(b.text)}`;
    case "protest.ruled": return `ruled protest ${b.protest} ${b.decision === "upheld" ? "upheld" : "not upheld"}${quoted(b.reason)}`;
    default: return e.kind;
    }
}

function item(e) {
    const li = document.createElement("li");
    li.dataset.kind = e.kind;
    li.dataset.seq = String(e.seq);
    const when = document.createElement("span");
    when.className = "muted";
    when.textContent = `#${e.seq} · ${e.at.slice(11, 19)} UTC · `;
    const who = document.createElement("strong");
    who.textContent = e.actor;
    li.append(when, who, ` ${describe_entry(e)}`);
    return li;
}

// Sends a head judge's or organiser's change and reloads the history: the refusal is shown in
// `msg`, beside its cause; the success under the protests. Resolves with whether it was stored.
async function change(body, msg, done_text) {
    msg.className = "";
    msg.textContent = "…";
    try {
        const reply = await conn.request({ ...body, submission_id: `organiser-${make_uuid()}` });
        msg.textContent = "";
        $("protest-msg").className = "ok-text";
        $("protest-msg").textContent = `${done_text} (entry #${reply.seq}).`;
        changed();
        await load();
        return true;
    } catch (err) {
        msg.className = "error-text";
        msg.textContent = describe_error(err);
        return false;
    }
}

// The run's open protests, each with a reason and its two rulings.
function render_protests(entries) {
    const ruled = new Set(entries.filter((e) => e.kind === "protest.ruled").map((e) => e.body.protest));
    const open = entries.filter((e) => e.kind === "protest.filed" && !ruled.has(e.body.protest));
    $("protests-open").replaceChildren(...open.map((e) => {
        const id = e.body.protest;
        const reason = el("input", { id: `reason-${id}`, required: "", maxlength: "2000" });
        const msg = el("p", { role: "status", id: `ruling-${id}` });
        reason.setAttribute("aria-describedby", msg.id);
        const rule = (upheld) => {
            if (!reason.value.trim()) { msg.className = "error-text"; msg.textContent = "Write the reason for the ruling first."; reason.focus(); return; }
            change({ type: "protest.rule", protest: id, upheld, reason: reason.value.trim() }, msg,
                `Protest ${id} ruled ${upheld ? "upheld" : "not upheld"}`);
        };
        const uphold = el("button", { type: "button", text: "Uphold" });
        uphold.addEventListener("click", () => rule(true));
        const dismiss = el("button", { type: "button", text: "Not upheld" });
        dismiss.addEventListener("click", () => rule(false));
        return el("li", { "data-protest": id },
            el("p", {}, el("strong", { text: `Protest ${id}` }), ` — “${e.body.text}”`),
            el("label", { for: reason.id, text: `Reason for the ruling on ${id}` }), reason,
            el("div", { class: "row" }, uphold, dismiss), msg);
    }));
    $("protests-none").hidden = open.length > 0;
    // A suggestion, unique across runs unless one was filed by hand under that id.
    const n = entries.filter((e) => e.kind === "protest.filed").length + 1;
    $("protest-id").value = `P-${shown.scenario}-${shown.entrant}-${n}`.slice(0, 64);
}

async function load() {
    const asked = shown;
    const { scenario, entrant } = asked;
    try {
        const h = await (await get_export(`history/${encodeURIComponent(scenario)}/${encodeURIComponent(entrant)}.json`)).json();
        if (asked !== shown) return; // another run was opened meanwhile
        $("history").replaceChildren(...h.entries.map(item));
        $("history-note").textContent = h.entries.length ? `${h.entries.length} entries, oldest first.` : "Nothing has been stored for this run yet.";
        render_protests(h.entries);
    } catch (err) {
        if (asked === shown) $("history-note").textContent = err.message;
    }
}

/** Shows the history of `entrant` in `scenario`; `label` names the run for people. */
export async function show_history(scenario, entrant, label) {
    shown = { scenario, entrant, label };
    $("history-card").hidden = false;
    $("history-title").textContent = `History: ${label}`;
    $("history-note").textContent = "Loading…";
    $("history").replaceChildren();
    $("protests-open").replaceChildren();
    $("protest-id").value = "";
    $("protest-msg").textContent = "";
    opener = document.activeElement;
    $("history-title").focus();
    await load();
}

let opener = null; // the History button that opened the card: focus goes back to it

$("history-close").addEventListener("click", () => {
    $("history-card").hidden = true;
    shown = null;
    opener?.focus();
});

$("file-protest").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const id = $("protest-id").value.trim();
    const filed = await change({ type: "protest.file", protest: id, scenario: shown.scenario, entrant: shown.entrant,
        text: $("protest-text").value.trim() }, $("protest-msg"), `Protest ${id} filed`);
    if (filed) $("protest-text").value = "";
});
