// The organiser's progress matrix and review queue, from `event.progress` (docs/protocol.md).
// The matrix shows, for one scenario, every entrant × judge cell: missing, sent, approved, with
// corrections counted and disputed rows (an open protest) marked. The review queue lists, for
// every scenario, panels whose judges disagree (their marks' totals spread over more than
// DISAGREEMENT of the possible total), judges far from their panel's median (OUTLIER), and
// open protests. It is asked for again whenever the `latest` board moves.
import { describe_error } from "/shared/connection.js";
import { show_history } from "./history.js";
import { $, el } from "/shared/dom.js";

const DISAGREEMENT = 0.15; // of the possible total of a judge's marks
const OUTLIER = 0.1; // of the possible total, from the panel's median

let progress = null;
let pending = null;

/** Asks for the progress now, or once more after the request in flight (never two at once). */
export function refresh_progress(conn) {
    if (pending) { pending.again = true; return; }
    pending = { again: false };
    conn.request({ type: "event.progress" })
        .then((reply) => { progress = reply; render(); $("progress-note").textContent = `As of entry #${reply.seq}.`; })
        .catch((err) => { $("progress-note").textContent = describe_error(err); })
        .finally(() => {
            const again = pending.again;
            pending = null;
            if (again) refresh_progress(conn);
        });
}

$("progress-scenario").addEventListener("change", () => render());

function render() {
    if (!progress) return;
    const select = $("progress-scenario");
    const chosen = select.value;
    select.replaceChildren(...progress.scenarios.map((s) => {
        const expected = s.judges.length * s.entrants.length;
        const sent = s.entrants.reduce((n, e) => n + e.sheets.length, 0);
        return el("option", { value: s.scenario, text: `Day ${s.day} · ${s.name} — ${sent} of ${expected} sheets` });
    }));
    if (chosen) select.value = chosen;
    const scenario = progress.scenarios.find((s) => s.scenario === select.value) || progress.scenarios[0];
    render_matrix(scenario);
    render_queue();
}

function cell_of(entrant, judge) {
    const sheet = entrant.sheets.find((s) => s.judge === judge);
    if (!sheet) return el("td", { class: "cell missing", "data-judge": judge, "data-state": "missing", text: "missing" });
    const text = sheet.state === "approved" ? "approved" : "sent";
    const td = el("td", { class: `cell ${sheet.state}`, "data-judge": judge, "data-state": sheet.state, title: `entry #${sheet.seq}` }, text);
    if (sheet.corrections > 0) td.append(el("span", { class: "corr", text: ` · corrected ${sheet.corrections}×` }));
    return td;
}

function render_matrix(s) {
    const head = el("tr", {}, el("th", { scope: "col", text: "Entrant" }),
        ...s.judges.map((j) => el("th", { scope: "col", text: j })));
    const rows = s.entrants.map((e) => {
        const open = e.protests.filter((p) => p.state === "open");
        const tr = el("tr", { "data-entrant": e.entrant });
        if (open.length) tr.classList.add("disputed");
        const name = el("th", { scope: "row" }, el("span", { class: "cc", text: e.country }), ` ${e.name}`);
        if (e.status) name.append(el("span", { class: "tag", text: e.status.toUpperCase() }));
        if (open.length) name.append(el("span", { class: "tag bad", text: `disputed (${open.map((p) => p.protest).join(", ")})` }));
        const label = `${s.name} · ${e.country} ${e.name}`;
        const history = el("button", { type: "button", class: "link history-link", "aria-label": `History of ${label}`, text: "History" });
        history.addEventListener("click", () => show_history(s.scenario, e.entrant, label));
        name.append(" ", history);
        tr.append(name, ...s.judges.map((j) => cell_of(e, j)));
        return tr;
    });
    $("matrix").replaceChildren(
        el("caption", { class: "visually-hidden", text: `Sheets of ${s.name}, by entrant and judge` }),
        el("thead", {}, head), el("tbody", {}, ...rows));
}

// Sum of a judge's panel marks (criteria every panel judge gives), or null without marks.
function marks_total(fields, sheet) {
    let total = null;
    for (const f of fields) {
        if (f.kind !== "criterion" || f.from || sheet.values[f.id] === undefined) continue;
        total = (total ?? 0) + Number(sheet.values[f.id]);
    }
    return total;
}

function median(values) {
    const v = [...values].sort((a, b) => a - b);
    const m = Math.floor(v.length / 2);
    return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

const fmt = (x) => (Math.round(x * 100) / 100).toString();

/** The review items of one scenario: disagreement, outlier judges, open protests. */
export function review_items(s) {
    const items = [];
    const panel_fields = s.fields.filter((f) => f.kind === "criterion" && !f.from);
    const possible = panel_fields.reduce((n, f) => n + Number(f.max ?? 0), 0);
    for (const e of s.entrants) {
        for (const p of e.protests.filter((x) => x.state === "open"))
            items.push({ kind: "protest", scenario: s, entrant: e, text: `Protest ${p.protest} is open` });
        if (possible <= 0) continue;
        const totals = e.sheets.map((sh) => ({ judge: sh.judge, total: marks_total(s.fields, sh) })).filter((t) => t.total !== null);
        if (totals.length < 3) continue;
        const values = totals.map((t) => t.total);
        const spread = Math.max(...values) - Math.min(...values);
        if (spread >= DISAGREEMENT * possible)
            items.push({ kind: "disagreement", scenario: s, entrant: e,
                text: `Panel disagrees: totals ${fmt(Math.min(...values))}–${fmt(Math.max(...values))} (spread ${fmt(spread)} of ${fmt(possible)})` });
        const middle = median(values);
        for (const t of totals) {
            const off = t.total - middle;
            if (Math.abs(off) >= OUTLIER * possible)
                items.push({ kind: "outlier", scenario: s, entrant: e, judge: t.judge,
                    text: `${t.judge} is ${fmt(Math.abs(off))} ${off < 0 ? "below" : "above"} the panel median (${fmt(t.total)} against ${fmt(middle)})` });
        }
    }
    return items;
}

function render_queue() {
    const items = progress.scenarios.flatMap(review_items);
    $("review-count").textContent = items.length ? `${items.length} to review` : "Nothing to review";
    $("review").replaceChildren(...items.map((it) => {
        const go = el("button", { type: "button", class: "link", text: `${it.scenario.name} · ${it.entrant.country} ${it.entrant.name}` });
        go.addEventListener("click", () => {
            $("progress-scenario").value = it.scenario.scenario;
            render();
            document.querySelector(`#matrix tr[data-entrant="${CSS.escape(it.entrant.entrant)}"]`)?.scrollIntoView({ block: "center" });
        });
        return el("li", { class: `item ${it.kind}`, "data-kind": it.kind, "data-entrant": it.entrant.entrant, "data-scenario": it.scenario.scenario },
            go, el("span", { text: ` — ${it.text}` }));
    }));
}
