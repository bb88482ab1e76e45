// The event editor: the event document from `event.get`, changed by importing teams and judges
// from CSV and scenarios and rules from JSON, or by assigning judges to panels and roles; then
// checked with `rules.preview` (each problem shown beside the file or table it comes from) and
// stored with `rules.apply` (docs/protocol.md). Sheets stay in the log and are rescored.
// On a database with no event yet (set-up), the same card creates the event: its id, name and
// venue, and the same imports; the first `rules.apply` defines it.
import { describe_error, make_uuid } from "/shared/connection.js";
import { save_blob } from "./api.js";
import { read_judges, read_teams } from "./csv.js";
import { $, el } from "/shared/dom.js";

let conn = null;
let current = null; // the event.get reply: {seq, rules_version, event}
let candidate = null; // the document checked last, ready for rules.apply
let sources = {}; // where the candidate's teams and judges came from: {teams: rows[], judges: rows[]}
let on_created = null; // called once the first rules.apply has defined the event

const setup = () => current !== null && !current.event;

/** The judges of the event as `event.get` gave them last ([] before it answered). */
export const event_judges = () => current?.event?.judges ?? [];
/** The judges holding a head judge's code when `event.get` answered. */
export const event_head_judges = () => current?.head_judges ?? [];

/**
 * Asks the server for the event document and shows it. Resolves to false when the database holds
 * no event yet (set-up); `created` is called once this card has created it.
 */
export async function load_event(c, created = null) {
    conn = c;
    on_created = created;
    try {
        current = await conn.request({ type: "event.get" });
    } catch (err) {
        $("event-summary").textContent = describe_error(err);
        return true; // not known to be in set-up: the rest of the console shows its own errors
    }
    const ev = current.event;
    $("event-new").hidden = Boolean(ev);
    $("event-download").hidden = !ev;
    $("event-title").textContent = ev ? "Event, teams and judges" : "Create the event";
    $("event-check").textContent = ev ? "Check changes" : "Check the event";
    $("event-apply").textContent = ev ? "Apply changes" : "Create the event";
    if (!ev) {
        $("event-summary").textContent = "This database holds no event yet. Give it an id and a name, choose its " +
            "teams, judges and scenarios (a whole event file under “Scenarios and rules” brings all three), " +
            "check it, then create it. Judges' codes, displays and boards follow once it exists.";
        $("panels").replaceChildren();
        return false;
    }
    $("event-summary").textContent = `${ev.event.name} · rules version ${current.rules_version} · ` +
        `${ev.teams.length} teams · ${ev.judges.length} judges · ${ev.scenarios.length} scenarios`;
    render_panels(ev);
    return true;
}

// ----- panels and roles ---------------------------------------------------------------------

function render_panels(ev) {
    const head = el("tr", {}, el("th", { scope: "col", text: "Scenario" }),
        ...ev.judges.map((j) => el("th", { scope: "col", title: j.name, text: j.id })),
        el("th", { scope: "col", text: "Embargo" }), el("th", { scope: "col", text: "Roles" }));
    const rows = ev.scenarios.map((s) => {
        const tr = el("tr", { "data-scenario": s.id }, el("th", { scope: "row", text: s.name }));
        for (const j of ev.judges) {
            const td = el("td", { class: "pick" });
            if (Array.isArray(s.panel)) {
                const box = el("input", { type: "checkbox", "data-judge": j.id, "aria-label": `${j.id} ${j.name} on the ${s.name} panel` });
                box.checked = s.panel.includes(j.id);
                td.append(box);
            }
            tr.append(td);
        }
        const roles = el("td", { class: "roles" });
        for (const [role, judge] of Object.entries(s.roles || {})) {
            const id = `role-${s.id}-${role}`;
            const select = el("select", { id, "data-role": role, "aria-label": `${role.replace(/_/g, " ")} of ${s.name}` },
                ...ev.judges.map((j) => el("option", { value: j.id, text: `${j.id} ${j.name}` })));
            select.value = judge;
            roles.append(el("span", { class: "role" }, el("label", { for: id, text: role.replace(/_/g, " ") }), select));
        }
        // Embargo: the public boards hide the scenario's results until every entrant has run it.
        const embargo = el("input", { type: "checkbox", "data-embargo": "", "aria-label": `Embargo the results of ${s.name} until everyone has run it` });
        embargo.checked = s.embargo === true;
        tr.append(el("td", { class: "pick" }, embargo), roles);
        return tr;
    });
    $("panels").replaceChildren(
        el("caption", { class: "visually-hidden", text: "Judges on each scenario's panel, its role judges, and its embargo" }),
        el("thead", {}, head), el("tbody", {}, ...rows));
}

// The document with the panels, roles and embargoes as the table shows them.
function with_panels(doc) {
    for (const tr of $("panels").querySelectorAll("tbody tr")) {
        const s = doc.scenarios.find((x) => x.id === tr.dataset.scenario);
        if (!s) continue; // the imported JSON replaced the scenarios: its panels stand
        if (Array.isArray(s.panel)) {
            const ticked = [...tr.querySelectorAll("input[data-judge]")].filter((b) => b.checked).map((b) => b.dataset.judge);
            // Judges who stay keep their order; new ones follow in the judges' order.
            s.panel = [...s.panel.filter((j) => ticked.includes(j)), ...ticked.filter((j) => !s.panel.includes(j))];
        }
        for (const select of tr.querySelectorAll("select[data-role]")) s.roles[select.dataset.role] = select.value;
        if (tr.querySelector("input[data-embargo]").checked) s.embargo = true;
        else delete s.embargo;
    }
    return doc;
}

// ----- import -----------------------------------------------------------------------------

const targets = ["teams-file", "judges-file", "rules-file", "panels", "general", "event-new"];
const new_event_fields = { id: "new-event-id", name: "new-event-name", venue: "new-event-venue" };

function clear_problems() {
    for (const t of targets) $(`${t}-problems`).replaceChildren();
    for (const id of ["teams-file", "judges-file", "rules-file", ...Object.values(new_event_fields)])
        $(id).removeAttribute("aria-invalid");
}

function show_problem(target, text, field = target) {
    $(`${target}-problems`).append(el("li", { text }));
    if (field.endsWith("-file") || field.startsWith("new-event-")) $(field).setAttribute("aria-invalid", "true");
}

// A new event's document: what the form says, before any file is read.
function new_event_document() {
    return { format: "aplc-event/1", event: {}, teams: [], judges: [], scenarios: [] };
}

// An event id as schemas/event.schema.json has it.
const event_id_form = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

// The form's id, name and venue over the document's (set-up only); false when one is missing.
function with_new_event_fields(doc) {
    let ok = true;
    for (const [key, id] of Object.entries(new_event_fields)) {
        const value = $(id).value.trim();
        if (value) doc.event[key] = value;
        else if (key === "venue") delete doc.event.venue;
        else {
            show_problem("event-new", `The event needs ${key === "id" ? "an id" : "a name"}.`, id);
            ok = false;
        }
    }
    if (doc.event.id && !event_id_form.test(doc.event.id)) {
        show_problem("event-new", `“${doc.event.id}” cannot be an event id: use letters, digits, “.”, “_” and “-” ` +
            "(no spaces), starting with a letter or digit, at most 64 characters.", new_event_fields.id);
        ok = false;
    }
    return ok;
}

async function read_file(id) {
    const file = $(id).files[0];
    return file ? { name: file.name, text: await file.text() } : null;
}

// The candidate document: the current one with the chosen files and the panel table applied.
// Problems found before the server sees it (CSV, JSON) are shown; returns null when any.
async function build_candidate() {
    let doc = setup() ? new_event_document() : structuredClone(current.event);
    let ok = true;
    sources = {};
    const rules = await read_file("rules-file");
    if (rules) {
        let imported;
        try {
            imported = JSON.parse(rules.text);
        } catch (err) {
            show_problem("rules-file", `${rules.name} is not JSON: ${err.message}`);
            ok = false;
        }
        if (imported && Array.isArray(imported)) doc.scenarios = imported;
        else if (imported && imported.format) {
            // A whole event document: its definition replaces this one (its sheets are not read).
            doc = imported;
            delete doc.sheets;
            delete doc.runs;
        } else if (imported && typeof imported === "object") {
            for (const key of ["scenarios", "rankings"]) if (imported[key]) doc[key] = imported[key];
            if (!imported.scenarios && !imported.rankings) {
                show_problem("rules-file", `${rules.name} has neither "scenarios" nor "rankings" (nor is it a whole event file)`);
                ok = false;
            }
        }
    }
    const teams = await read_file("teams-file");
    if (teams) {
        const r = read_teams(teams.text, doc.teams);
        for (const p of r.problems) show_problem("teams-file", `${teams.name}${p.row ? `, row ${p.row}` : ""}: ${p.message}`);
        ok = ok && !r.problems.length;
        doc.teams = r.teams;
        sources.teams = { name: teams.name, rows: r.rows };
    }
    const judges = await read_file("judges-file");
    if (judges) {
        const r = read_judges(judges.text);
        for (const p of r.problems) show_problem("judges-file", `${judges.name}${p.row ? `, row ${p.row}` : ""}: ${p.message}`);
        ok = ok && !r.problems.length;
        doc.judges = r.judges;
        sources.judges = { name: judges.name, rows: r.rows };
    }
    if (!rules) doc = with_panels(doc);
    if (setup()) ok = with_new_event_fields(doc) && ok;
    return ok ? doc : null;
}

// Shows a problem of the server's ({path, message}) beside its cause: a CSV row, the JSON file,
// the panel table, or (anything else) under the buttons.
function place_problem(p) {
    const m = /^(teams|judges)\[(\d+)\](.*)$/.exec(p.path);
    if (m && sources[m[1]]) {
        const src = sources[m[1]];
        show_problem(`${m[1]}-file`, `${src.name}, row ${src.rows[Number(m[2])]}${m[3] ? ` (${m[3].replace(/^\./, "")})` : ""}: ${p.message}`);
    } else if (/^(scenarios|rankings)/.test(p.path)) {
        show_problem($("rules-file").files[0] ? "rules-file" : "panels", `${p.path}: ${p.message}`);
    } else if (setup() && /^event\.(id|name|venue)/.test(p.path)) {
        const key = p.path.slice(6).split(/[.[]/)[0];
        show_problem("event-new", `Event ${key}: ${p.message}`, new_event_fields[key]);
    } else {
        show_problem("general", `${p.path || "the event"}: ${p.message}`);
    }
}

const brief = (x) => (x === null ? "—" : Object.entries(x).map(([k, v]) => `${k} ${v}`).join(", "));

async function check() {
    if (!current) return;
    clear_problems();
    candidate = null;
    $("event-apply").disabled = true;
    $("changes").replaceChildren();
    const status = $("event-msg");
    status.className = "";
    status.textContent = "Checking…";
    try {
        const doc = await build_candidate();
        if (!doc) { status.className = "error-text"; status.textContent = "Nothing was checked: mend the problems shown above."; return; }
        const reply = await conn.request({ type: "rules.preview", event: doc });
        if (!reply.valid) {
            reply.problems.forEach(place_problem);
            status.className = "error-text";
            status.textContent = `${reply.problems.length} problem(s): nothing can be applied until they are mended.`;
            return;
        }
        candidate = doc;
        $("event-apply").disabled = false;
        status.className = "ok-text";
        status.textContent = setup()
            ? `No problems: “${doc.event.name}” with ${doc.teams.length} teams, ${doc.judges.length} judges and ${doc.scenarios.length} scenarios is ready to create.`
            : reply.changes.length
            ? `No problems. Applying changes ${reply.changes.length} result(s) in the standings:`
            : "No problems. The standings would not change.";
        $("changes").replaceChildren(...reply.changes.slice(0, 30).map((c) =>
            el("li", { text: `${c.board} · ${c.entrant}: ${brief(c.before)} → ${brief(c.after)}` })));
        if (reply.changes.length > 30) $("changes").append(el("li", { text: `… and ${reply.changes.length - 30} more` }));
    } catch (err) {
        status.className = "error-text";
        status.textContent = describe_error(err);
    }
}

async function apply() {
    if (!candidate) return;
    const status = $("event-msg");
    const what = ["teams-file", "judges-file", "rules-file"].map((id) => $(id).files[0]?.name).filter(Boolean);
    const creating = setup();
    const note = creating ? `created in the console${what.length ? ` from ${what.join(", ")}` : ""}`
        : what.length ? `imported in the console: ${what.join(", ")}` : "panels and roles changed in the console";
    try {
        const reply = await conn.request({
            type: "rules.apply", submission_id: `organiser-${make_uuid()}`, event: candidate, note,
            rules_version: current.rules_version, // refused (stale_rules) if another console changed it since
        });
        status.className = "ok-text";
        status.textContent = creating
            ? `Created “${candidate.event.name}” (entry #${reply.seq}). Issue the judges' codes next.`
            : `Applied (entry #${reply.seq}): the sheets are rescored under the new definition.`;
        $("changes").replaceChildren();
        $("event-apply").disabled = true;
        candidate = null;
        for (const id of ["teams-file", "judges-file", "rules-file"]) $(id).value = "";
        if (creating && on_created) await on_created();
        else await load_event(conn, on_created);
    } catch (err) {
        status.className = "error-text";
        status.textContent = describe_error(err);
        if (err.reply?.problems) err.reply.problems.forEach(place_problem);
        if (err.code === "stale_rules") {
            // Another console changed (or created) the event: show it as it is now.
            candidate = null;
            $("event-apply").disabled = true;
            if (creating && on_created) await on_created();
            else await load_event(conn, on_created);
            $("event-msg").className = "error-text";
            $("event-msg").textContent = creating
                ? "Another console created the event meanwhile, so nothing was stored. Here it is as it was created."
                : "Another console changed the event meanwhile, so nothing was stored. It is shown again as it is " +
                  "now: make the change again, check it and apply it.";
        }
    }
}

// The event as it is stored now, as an event file: the start of another database (`aplc serve
// --db NEW --event FILE`), e.g. next year's event or a rehearsal.
function download() {
    if (!current?.event) return;
    const text = `${JSON.stringify(current.event, null, 2)}\n`;
    const link = save_blob(new Blob([text], { type: "application/json" }), `${current.event.event.id}.event.json`);
    $("event-msg").className = "ok-text";
    $("event-msg").replaceChildren(`The event file (rules version ${current.rules_version}, without sheets) is downloaded. `, link);
}

$("event-check").addEventListener("click", check);
$("event-download").addEventListener("click", download);
$("event-apply").addEventListener("click", apply);
// Any edit makes the last check stale.
for (const id of ["teams-file", "judges-file", "rules-file", "panels", ...Object.values(new_event_fields)])
    $(id).addEventListener("change", () => { candidate = null; $("event-apply").disabled = true; });

// Set-up: a whole event file fills in the id, name and venue the form does not have yet.
$("rules-file").addEventListener("change", async () => {
    if (!setup() || !$("rules-file").files[0]) return;
    try {
        const doc = JSON.parse(await $("rules-file").files[0].text());
        for (const [key, id] of Object.entries(new_event_fields))
            if (!$(id).value && typeof doc?.event?.[key] === "string") $(id).value = doc.event[key];
    } catch {
        // Not JSON: "Check the event" says so under the file.
    }
});
