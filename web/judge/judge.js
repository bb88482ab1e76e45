// Judge tablet app: sign-in, assignments, score sheets, and an offline-first outbox.
// Every sheet is written to IndexedDB (store.js) with its submission id before anything is sent;
// the outbox is sent in order whenever the connection is open and signed in. A resend carries the
// same submission id, so the server stores each sheet once (docs/protocol.md, sheet.submit).
import { Connection, describe_error, make_uuid } from "/shared/connection.js";
import * as store from "./store.js";

const $ = (id) => document.getElementById(id);
const SESSION_KEY = "aplc.judge.session";
const ASSIGN_KEY = "aplc.judge.assignments";
const RETRY_CODES = new Set(["disconnected", "storage_failed", "not_signed_in", "token_expired", "token_invalid"]);

let session = JSON.parse(localStorage.getItem(SESSION_KEY) || "null"); // {judge, token}
let assignments = JSON.parse(localStorage.getItem(ASSIGN_KEY) || "null");
let signed_in = false;
let outbox = [];
let selected = { scenario: null, entrant: null };
const drafts = new Map(); // "scenario|entrant" -> {values, status, reason}
let flushing = false;
let preview_timer = null;

if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("/judge/sw.js", { scope: "/judge/" }).catch((e) => console.warn("sw:", e));
}

const conn = new Connection({
    onState: (state) => { document.body.dataset.conn = state; if (state !== "open") signed_in = false; render_conn(); },
    onPush: (msg) => {
        if (msg.type === "session.ended") { signed_in = false; show_signin(describe_error(msg)); }
    },
    onOpen: async (c) => {
        if (!session) { show_signin(); return; }
        try {
            await c.request({ type: "auth.resume", token: session.token });
        } catch (err) {
            if (err.code === "token_expired" || err.code === "token_invalid") {
                session = { judge: session.judge, token: null };
                save_session();
                show_signin(describe_error(err));
            }
            return;
        }
        await after_sign_in(c);
    },
});

function save_session() { localStorage.setItem(SESSION_KEY, JSON.stringify(session)); }

async function after_sign_in(c) {
    signed_in = true;
    render_conn();
    try {
        const reply = await c.request({ type: "judge.assignments" });
        assignments = { judge: reply.judge, scenarios: reply.scenarios };
        localStorage.setItem(ASSIGN_KEY, JSON.stringify(assignments));
    } catch (err) {
        console.warn("assignments:", err);
    }
    show_app();
    flush();
}

// ---- sign-in ----
function show_signin(message = "") {
    $("signin").hidden = false;
    $("app").hidden = true;
    $("sign-out").hidden = true;
    $("signin-error").textContent = message;
    if (session && session.judge && !$("judge-id").value) $("judge-id").value = session.judge;
}

$("signin").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const judge = $("judge-id").value.trim().toUpperCase();
    const secret = $("code").value.trim();
    $("signin-error").textContent = "";
    if (!conn.is_open) { $("signin-error").textContent = "Not connected: signing in needs the scoring server."; return; }
    try {
        const reply = await conn.request({ type: "auth.sign_in", subject: judge, secret });
        if (reply.role !== "judge" && reply.role !== "head_judge") throw Object.assign(new Error("This app is for judges."), { code: "forbidden" });
        if (session && session.judge !== judge && outbox.some((r) => !done(r))) {
            throw Object.assign(new Error(`Sheets of ${session.judge} are still waiting on this tablet: sign in as ${session.judge} to send them.`), { code: "" });
        }
        session = { judge, token: reply.token };
        save_session();
        $("code").value = "";
        await after_sign_in(conn);
    } catch (err) {
        $("signin-error").textContent = describe_error(err);
        $("code").focus();
    }
});

$("sign-out").addEventListener("click", async () => {
    const waiting = outbox.filter((r) => !done(r)).length;
    if (waiting && !confirm(`${waiting} sheet(s) are not sent yet. They stay on this tablet. Sign out?`)) return;
    try { await conn.request({ type: "auth.sign_out" }); } catch { /* signed out locally anyway */ }
    session = { judge: session && session.judge, token: null };
    save_session();
    signed_in = false;
    show_signin();
});

// ---- outbox ----
const done = (r) => r.state === "committed" || r.state === "rejected";

async function load_outbox() {
    try { outbox = await store.all(); } catch (e) { console.warn("indexeddb:", e); outbox = []; }
}

async function queue(record) {
    await store.put(record);
    outbox.push(record);
    render_all();
    flush();
}

/** Sends every unsent sheet, oldest first, one at a time; stops at the first connection problem. */
async function flush() {
    if (flushing || !conn.is_open || !signed_in) return;
    flushing = true;
    try {
        for (const rec of outbox) {
            if (done(rec) || !conn.is_open || !signed_in) continue;
            if (rec.judge !== session.judge) continue;
            rec.state = "sent";
            await store.put(rec);
            render_all();
            const msg = rec.kind === "correct"
                ? { type: "sheet.correct", submission_id: rec.submission_id, supersedes: rec.supersedes, sheet: sheet_of(rec), reason: rec.reason }
                : { type: "sheet.submit", submission_id: rec.submission_id, sheet: sheet_of(rec) };
            try {
                const reply = await conn.request(msg);
                Object.assign(rec, { state: "committed", seq: reply.seq, error: null, error_path: null });
                note_committed(rec);
            } catch (err) {
                if (RETRY_CODES.has(err.code)) {
                    rec.state = "queued";
                    await store.put(rec);
                    break;
                }
                Object.assign(rec, { state: "rejected", error: describe_error(err), error_path: err.path || null });
            }
            await store.put(rec);
            render_all();
        }
    } finally {
        flushing = false;
        render_all();
    }
}

function sheet_of(rec) {
    const sheet = { scenario: rec.scenario, entrant: rec.entrant, values: rec.values };
    if (rec.status) sheet.status = rec.status;
    return sheet;
}

function note_committed(rec) {
    const sc = assignments && assignments.scenarios.find((s) => s.scenario === rec.scenario);
    const row = sc && sc.order.find((o) => o.entrant === rec.entrant);
    if (row) row.sheet = rec.seq;
    if (assignments) localStorage.setItem(ASSIGN_KEY, JSON.stringify(assignments));
}

/** The newest local record for one team in one scenario. */
function latest_record(scenario, entrant) {
    let last = null;
    for (const r of outbox) if (r.scenario === scenario && r.entrant === entrant && r.judge === session?.judge) last = r;
    return last;
}

// ---- rendering ----
function render_conn() {
    const waiting = outbox.filter((r) => !done(r)).length;
    const kept = waiting ? ` · ${waiting} waiting` : "";
    const state = document.body.dataset.conn;
    $("conn").textContent =
        state === "open" ? (signed_in ? `Connected${kept}` : `Connected, not signed in${kept}`)
        : state === "offline" ? `Offline: sheets kept${kept}`
        : `Reconnecting…${kept}`;
}

function show_app() {
    if (!assignments) { show_signin(); return; }
    $("signin").hidden = true;
    $("app").hidden = false;
    $("sign-out").hidden = false;
    if (!selected.scenario && assignments.scenarios.length) selected.scenario = assignments.scenarios[0].scenario;
    render_all();
}

function render_all() {
    render_conn();
    if (!assignments || $("app").hidden) return;
    $("who").textContent = `Judge ${assignments.judge}`;
    render_tabs();
    render_order();
    render_outbox();
    render_sheet_state();
}

function el(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
        if (v === undefined || v === null || v === false) continue;
        if (k === "class") e.className = v;
        else if (k.startsWith("data-") || k.startsWith("aria-") || k === "for" || k === "role") e.setAttribute(k, v);
        else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
        else e[k] = v;
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : document.createTextNode(c));
    return e;
}

function render_tabs() {
    $("scenarios").replaceChildren(...assignments.scenarios.map((s) => el("button", {
        type: "button", "aria-pressed": String(s.scenario === selected.scenario),
        onclick: () => { selected = { scenario: s.scenario, entrant: null }; render_all(); render_sheet(); },
    }, `${s.name}${s.phase !== "open" ? ` (${s.phase})` : ""}`)));
}

function state_of(sc, row) {
    const rec = latest_record(sc.scenario, row.entrant);
    if (rec && rec.state !== "committed") return rec.state;
    if (rec || row.sheet != null) return "committed";
    return "";
}

const STATE_TEXT = { queued: "Queued", sent: "Sent", committed: "Done", rejected: "Rejected", "": "To score" };

function render_order() {
    const sc = current_scenario();
    if (!sc) return;
    $("order").replaceChildren(...sc.order.map((row) => {
        const st = state_of(sc, row);
        return el("li", {}, el("button", {
            type: "button", "data-entrant": row.entrant, "aria-current": String(row.entrant === selected.entrant),
            onclick: () => { selected.entrant = row.entrant; render_order(); render_sheet(); },
        }, el("span", { class: "cc" }, row.country), " ", el("span", { class: "nm" }, row.name), " ",
        el("span", { class: `badge ${st}` }, STATE_TEXT[st])));
    }));
}

function render_outbox() {
    const mine = outbox.filter((r) => r.judge === session?.judge).slice().reverse();
    $("outbox").replaceChildren(...(mine.length ? mine.map((r) => el("li", { "data-submission": r.submission_id, "data-state": r.state },
        el("span", { class: `badge ${r.state}` }, STATE_TEXT[r.state] === "Done" ? "Committed" : STATE_TEXT[r.state]),
        el("span", {}, `${scenario_name(r.scenario)} · ${r.entrant}${r.kind === "correct" ? " · correction" : ""}${r.seq ? ` · #${r.seq}` : ""}`),
        r.error ? el("span", { class: "why" }, r.error) : null)) : [el("li", { class: "muted" }, "No sheets yet.")]));
}

const scenario_name = (id) => assignments?.scenarios.find((s) => s.scenario === id)?.name || id;
const current_scenario = () => assignments?.scenarios.find((s) => s.scenario === selected.scenario);
const draft_key = () => `${selected.scenario}|${selected.entrant}`;

// ---- the score sheet ----
function decimals(step) { const s = String(step ?? "1"); return s.includes(".") ? s.split(".")[1].length : 0; }

function initial_value(f) {
    if (f.kind === "counter") return String(f.min ?? 0);
    if (f.kind === "check") return false;
    return "";
}

function get_draft(sc) {
    const key = draft_key();
    if (!drafts.has(key)) {
        const values = {};
        for (const f of sc.fields) values[f.id] = initial_value(f);
        drafts.set(key, { values, status: "completed", reason: "" });
    }
    return drafts.get(key);
}

function shows_status(sc) { return sc.status_from === "" || (sc.roles || []).includes(sc.status_from); }

function render_sheet() {
    const sc = current_scenario();
    const body = $("sheet-body");
    clearInterval(watch.timer);
    watch.running = false;
    if (!sc || !selected.entrant) { body.replaceChildren(el("p", { class: "muted" }, "Choose a team in the running order.")); return; }
    const row = sc.order.find((o) => o.entrant === selected.entrant);
    const draft = get_draft(sc);
    const parts = [el("p", { class: "team" }, `${row.country} · ${row.name}`)];
    for (const f of sc.fields) parts.push(render_field(f, draft));
    if (shows_status(sc)) parts.push(render_status(draft));
    parts.push(el("div", { id: "preview", class: "preview", "aria-live": "polite" }, "Score preview appears when every field is set."));
    parts.push(el("div", { class: "actions" },
        el("p", { id: "sheet-state", class: "state-line", role: "status" }),
        el("div", { id: "reason-box", hidden: true },
            el("label", { for: "reason" }, "Reason for the correction (required)"),
            el("textarea", { id: "reason", value: draft.reason, oninput: (e) => { draft.reason = e.target.value; update_submit(); } })),
        el("button", { id: "submit", type: "button", class: "primary", onclick: submit_sheet }, "Submit sheet"),
        el("p", { id: "submit-error", class: "error-text", role: "alert" })));
    body.replaceChildren(...parts);
    render_sheet_state();
    schedule_preview();
}

function field_head(f, extra = "") {
    const range = f.kind === "check" ? "" : `${f.min ?? ""}–${f.max ?? ""}${f.step && f.kind !== "counter" ? `, step ${f.step}` : ""}${extra}`;
    return el("label", { for: `f-${f.id}` }, f.label, f.optional ? " (optional)" : "", range ? el("span", { class: "range" }, range) : null);
}

function set_value(f, draft, v) {
    draft.values[f.id] = v;
    const input = document.getElementById(`f-${f.id}`);
    if (input && input.type !== "button" && input.value !== v) input.value = v;
    if (input && input.type === "button") input.setAttribute("aria-pressed", String(v));
    const err = document.getElementById(`err-${f.id}`);
    if (err) err.textContent = "";
    schedule_preview();
    update_submit();
}

function step_value(f, draft, dir) {
    const d = decimals(f.step);
    const scale = 10 ** d;
    const step = Math.round(Number(f.step || 1) * scale);
    const min = Math.round(Number(f.min ?? 0) * scale);
    const max = f.max != null ? Math.round(Number(f.max) * scale) : Infinity;
    const cur = draft.values[f.id] === "" ? null : Math.round(Number(draft.values[f.id]) * scale);
    let next = cur == null || Number.isNaN(cur) ? min : cur + dir * step;
    next = Math.min(max, Math.max(min, next));
    set_value(f, draft, (next / scale).toFixed(d));
}

function render_field(f, draft) {
    const err = el("p", { id: `err-${f.id}`, class: "field-error error-text", role: "alert" });
    if (f.kind === "check") {
        return el("div", { class: "field check" }, el("span", { class: "label", id: `l-${f.id}` }, f.label),
            el("button", { id: `f-${f.id}`, type: "button", "aria-pressed": String(draft.values[f.id] === true), "aria-labelledby": `l-${f.id}`,
                onclick: (e) => { set_value(f, draft, !(draft.values[f.id] === true)); e.target.textContent = draft.values[f.id] ? "Yes" : "No"; } },
            draft.values[f.id] ? "Yes" : "No"), err);
    }
    if (f.kind === "time") return render_time(f, draft, err);
    const input = el("input", { id: `f-${f.id}`, inputMode: "decimal", value: draft.values[f.id], autocomplete: "off",
        oninput: (e) => set_value(f, draft, e.target.value.trim()) });
    const minus = el("button", { type: "button", "aria-label": `${f.label}: less`, onclick: () => step_value(f, draft, -1) }, "−");
    const plus = el("button", { type: "button", "aria-label": `${f.label}: more`, onclick: () => step_value(f, draft, +1) }, "+");
    return el("div", { class: `field ${f.kind}` }, field_head(f), el("div", { class: "stepper" }, minus, input, plus), err);
}

// One stopwatch at a time: the sheet shows one team.
const watch = { running: false, start: 0, elapsed: 0, timer: null };

function fmt_time(s) {
    const m = Math.floor(s / 60);
    const rest = (s - m * 60).toFixed(2).padStart(5, "0");
    return `${m}:${rest}`;
}

function parse_time(text) {
    const t = text.trim();
    if (!t) return "";
    const m = t.match(/^(\d+):(\d{1,2}(?:\.\d+)?)$/);
    const secs = m ? Number(m[1]) * 60 + Number(m[2]) : Number(t);
    return Number.isFinite(secs) ? secs.toFixed(2) : t;
}

function render_time(f, draft, err) {
    const display = el("div", { class: "watch", id: `w-${f.id}`, role: "timer", "aria-label": `${f.label} stopwatch` },
        fmt_time(Number(draft.values[f.id] || 0)));
    const startstop = el("button", { type: "button", onclick: () => {
        if (!watch.running) {
            watch.running = true;
            watch.start = performance.now() - watch.elapsed * 1000;
            watch.timer = setInterval(() => { watch.elapsed = (performance.now() - watch.start) / 1000; display.textContent = fmt_time(watch.elapsed); }, 50);
            startstop.textContent = "Stop";
        } else {
            watch.running = false;
            clearInterval(watch.timer);
            startstop.textContent = "Start";
            set_value(f, draft, watch.elapsed.toFixed(2));
            document.getElementById(`f-${f.id}`).value = fmt_time(watch.elapsed);
        }
    } }, "Start");
    const reset = el("button", { type: "button", onclick: () => { watch.elapsed = 0; display.textContent = fmt_time(0); } }, "Reset");
    const input = el("input", { id: `f-${f.id}`, value: draft.values[f.id] ? fmt_time(Number(draft.values[f.id])) : "", placeholder: "m:ss.ff",
        autocomplete: "off", inputMode: "decimal",
        onchange: (e) => { const v = parse_time(e.target.value); set_value(f, draft, v); display.textContent = fmt_time(Number(v) || 0); } });
    return el("div", { class: "field time" }, field_head(f, " s"),
        el("div", { class: "time-box" }, display, el("div", { class: "row" }, startstop, reset), input), err);
}

function render_status(draft) {
    const box = el("fieldset", { class: "status-choice" }, el("legend", {}, "Run status"));
    for (const [v, label] of [["completed", "Completed"], ["dnf", "DNF"], ["dns", "DNS"], ["dq", "DQ"]]) {
        box.append(el("label", {}, el("input", { type: "radio", name: "run-status", value: v, checked: draft.status === v,
            onchange: () => { draft.status = v; schedule_preview(); } }), label));
    }
    return box;
}

function values_for_send(sc, draft) {
    const values = {};
    for (const f of sc.fields) {
        const v = draft.values[f.id];
        if (v === "" || v === undefined) continue;
        values[f.id] = f.kind === "check" ? v === true : String(v);
    }
    return values;
}

function missing_fields(sc, draft) {
    return sc.fields.filter((f) => !f.optional && f.kind !== "check" && (draft.values[f.id] === "" || draft.values[f.id] === undefined));
}

function committed_seq(sc) {
    const rec = latest_record(sc.scenario, selected.entrant);
    if (rec && rec.state === "committed") return rec.seq;
    const row = sc.order.find((o) => o.entrant === selected.entrant);
    if (rec && rec.state === "rejected") return row?.sheet ?? null;
    return row?.sheet ?? null;
}

function render_sheet_state() {
    const sc = current_scenario();
    const line = $("sheet-state");
    if (!sc || !selected.entrant || !line) return;
    const rec = latest_record(sc.scenario, selected.entrant);
    const seq = committed_seq(sc);
    const texts = {
        queued: "Queued on this tablet: it is sent when the connection is back.",
        sent: "Sent: waiting for the server to commit it.",
        committed: `Committed (entry #${rec?.seq}).`,
        rejected: `Rejected: ${rec?.error}`,
    };
    line.textContent = rec ? texts[rec.state] : seq ? `Committed (entry #${seq}).` : "Not scored yet.";
    line.className = `state-line ${rec?.state === "rejected" ? "error-text" : ""}`;
    if (rec?.state === "rejected" && rec.error_path) {
        const id = rec.error_path.replace(/^sheet\.values\./, "");
        const err = document.getElementById(`err-${id}`);
        if (err && !err.textContent) err.textContent = rec.error;
    }
    $("reason-box").hidden = !seq;
    update_submit();
}

function update_submit() {
    const sc = current_scenario();
    const button = $("submit");
    if (!sc || !button) return;
    const draft = get_draft(sc);
    const rec = latest_record(sc.scenario, selected.entrant);
    const seq = committed_seq(sc);
    const waiting = rec && (rec.state === "queued" || rec.state === "sent");
    const missing = missing_fields(sc, draft);
    button.textContent = seq ? "Submit correction" : "Submit sheet";
    button.disabled = Boolean(waiting || missing.length || sc.phase !== "open" || (seq && !draft.reason.trim()));
    $("submit-error").textContent = waiting ? "" : sc.phase !== "open" ? `This scenario is ${sc.phase}.`
        : missing.length ? `Still to set: ${missing.map((f) => f.label).join(", ")}.`
        : seq && !draft.reason.trim() ? "A correction needs a reason." : "";
    $("submit-error").className = missing.length || (seq && !draft.reason.trim()) ? "muted" : "error-text";
}

function schedule_preview() {
    clearTimeout(preview_timer);
    preview_timer = setTimeout(run_preview, 250);
}

async function run_preview() {
    const sc = current_scenario();
    const box = $("preview");
    if (!sc || !box || !selected.entrant) return;
    const draft = get_draft(sc);
    if (missing_fields(sc, draft).length) { box.textContent = "Score preview appears when every field is set."; return; }
    if (!conn.is_open || !signed_in) { box.textContent = "Score preview needs the connection; the sheet can still be submitted."; return; }
    const sheet = { scenario: sc.scenario, entrant: selected.entrant, values: values_for_send(sc, draft) };
    if (shows_status(sc) && draft.status !== "completed") sheet.status = draft.status;
    try {
        const { entry } = await conn.request({ type: "sheet.preview", sheet });
        box.replaceChildren("Team result with this sheet: ", el("strong", { id: "preview-result" }, entry.result ?? "–"),
            ` · points ${entry.points ?? "–"} · rank ${entry.rank ?? "–"}${entry.state && entry.state !== "ranked" ? ` (${entry.state}: other judges still to score)` : ""}`);
    } catch (err) {
        const id = (err.path || "").replace(/^sheet\.values\./, "");
        const slot = document.getElementById(`err-${id}`);
        if (slot) { slot.textContent = describe_error(err); box.textContent = "Fix the marked field to see the score."; }
        else box.textContent = describe_error(err);
    }
}

async function submit_sheet() {
    const sc = current_scenario();
    const draft = get_draft(sc);
    const seq = committed_seq(sc);
    const record = {
        submission_id: `${session.judge}-${make_uuid()}`, kind: seq ? "correct" : "submit", judge: session.judge,
        scenario: sc.scenario, entrant: selected.entrant, values: values_for_send(sc, draft),
        state: "queued", created: Date.now(),
    };
    if (shows_status(sc) && draft.status !== "completed") record.status = draft.status;
    if (seq) { record.supersedes = seq; record.reason = draft.reason.trim(); }
    await queue(record);
}

// ---- start ----
setInterval(() => { if (conn.state === "offline" && navigator.onLine) conn.connect(); flush(); }, 3000);
await load_outbox();
if (session && session.token && assignments && assignments.judge === session.judge) show_app();
else show_signin();
conn.start();
