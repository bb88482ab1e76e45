// The organiser's remote control of the hall displays (docs/protocol.md, Displays): the named
// displays with whether they are connected and what they show (`display.list`, asked again every
// REFRESH_MS), and an editor for one display's rotation, or the default of every display without
// its own: boards in turn, each for its seconds, and the theme (`display.control`). A refusal is
// shown next to the field it names.
import { describe_error, make_uuid } from "/shared/connection.js";
import { $, el } from "/shared/dom.js";

const REFRESH_MS = 10000;
const EVERY = "*";

let conn = null;
let listed = null; // the last display.list reply
let topics = [["overall", "Overall"], ["latest", "Latest results"]]; // [topic, label] of the event
let editing = null; // the display name the editor holds

/** Starts (or, after a reconnect, resumes) the displays section. */
export function start_displays(c) {
    const first = !conn;
    conn = c;
    if (first) setInterval(() => { if (conn.is_open && !document.hidden) refresh(); }, REFRESH_MS);
    // The boards the editor offers: the event's scenarios and days, from event.progress.
    c.request({ type: "event.progress" }).then((reply) => {
        const days = [...new Set(reply.scenarios.map((s) => s.day))].sort((a, b) => a - b);
        topics = [["overall", "Overall"], ["latest", "Latest results"],
            ...days.map((d) => [`day/${d}`, `Day ${d}`]),
            ...reply.scenarios.map((s) => [`scenario/${s.scenario}`, `Day ${s.day} · ${s.name}`])];
        for (const select of document.querySelectorAll("#display-views select")) fill_topics(select, select.value);
    }).catch((err) => { $("displays-note").textContent = describe_error(err); });
    return refresh();
}

const topic_label = (topic) => (topics.find(([t]) => t === topic) || [topic, topic])[1];
const theme_label = { dark: "dark", light: "light", contrast: "high contrast" };

function summary(config) {
    if (!config) return "its own (URL parameters)";
    const views = config.views.map((v) => `${topic_label(v.topic)} ${v.seconds} s`).join(" → ");
    return config.theme ? `${views} · ${theme_label[config.theme]}` : views;
}

let last_shown = ""; // the display.list reply on show, as JSON

async function refresh() {
    try {
        listed = await conn.request({ type: "display.list" });
    } catch (err) {
        $("displays-note").textContent = describe_error(err);
        return;
    }
    // An unchanged list leaves the page alone: a keyboard user keeps their place, and a screen
    // reader is not told the same status every 10 s.
    const shown = JSON.stringify(listed);
    if (shown === last_shown) return;
    last_shown = shown;
    const connected = listed.displays.filter((d) => d.connections > 0).length;
    const named = listed.displays.length;
    $("displays-note").textContent = `${named} named display${named === 1 ? "" : "s"}, ${connected} connected.`;
    // The table is rebuilt: focus on one of its Edit buttons moves to the new one.
    const focused = document.activeElement?.closest?.("#display-list tr")?.dataset.display;
    render_list();
    if (focused !== undefined) $("display-list").querySelector(`tr[data-display="${CSS.escape(focused)}"] button`)?.focus();
    render_targets();
    if (editing === null) load(EVERY);
}

function render_list() {
    const head = el("tr", {}, ...["Display", "Status", "Shows", ""].map((t) => el("th", { scope: "col", text: t })));
    const all = el("tr", { "data-display": EVERY },
        el("th", { scope: "row", text: "Every display without its own" }), el("td"),
        el("td", { text: summary(listed.default) }), el("td", {}, edit_button(EVERY, "Edit the default")));
    const rows = listed.displays.map((d) => {
        const on = d.connections > 0;
        const state = el("span", { class: `state ${on ? "on" : "off"}`, text: on ? `Connected${d.connections > 1 ? ` (${d.connections})` : ""}` : "Offline" });
        const shows = d.follows === "default" ? `the default: ${summary(d.config)}` : summary(d.config);
        return el("tr", { "data-display": d.display, "data-connected": String(on) },
            el("th", { scope: "row", text: d.display }), el("td", {}, state), el("td", { text: shows }),
            el("td", {}, edit_button(d.display, `Edit ${d.display}`)));
    });
    $("display-list").replaceChildren(el("caption", { class: "visually-hidden", text: "Named displays" }),
        el("thead", {}, head), el("tbody", {}, all, ...rows));
}

function edit_button(name, label) {
    const b = el("button", { type: "button", class: "link", "aria-label": label, text: "Edit" });
    b.addEventListener("click", () => { load(name); $("display-target").focus(); });
    return b;
}

function render_targets() {
    const select = $("display-target");
    select.replaceChildren(el("option", { value: EVERY, text: "Every display without its own (default)" }),
        ...listed.displays.map((d) => el("option", { value: d.display, text: `display:${d.display}` })));
    select.value = editing ?? EVERY;
}

/** Puts what `name` shows now into the editor (the default's views for a display without its own). */
function load(name) {
    editing = name;
    $("display-target").value = name;
    const config = name === EVERY ? listed.default : listed.displays.find((d) => d.display === name)?.config;
    $("display-theme").value = config?.theme || "";
    $("display-views").replaceChildren();
    for (const v of config?.views || [{ topic: "overall", seconds: 20 }]) add_view(v);
    clear_errors();
}

function fill_topics(select, chosen) {
    const known = topics.some(([t]) => t === chosen);
    select.replaceChildren(...topics.map(([t, label]) => el("option", { value: t, text: label })),
        ...(known || !chosen ? [] : [el("option", { value: chosen, text: chosen })]));
    select.value = chosen || "overall";
}

function add_view(view = { topic: "overall", seconds: 20 }) {
    const topic = el("select", { class: "view-topic" });
    fill_topics(topic, view.topic);
    const seconds = el("input", { class: "view-seconds", type: "number", min: "5", max: "3600", step: "1", value: String(view.seconds) });
    const remove = el("button", { type: "button", class: "link", text: "Remove" });
    remove.addEventListener("click", () => { remove.closest("li").remove(); number_views(); });
    $("display-views").append(el("li", {}, topic, seconds, el("span", { text: "s" }), remove,
        el("span", { class: "error-text view-error", role: "alert" })));
    number_views();
}

// Labels say which view they belong to (for screen readers and for errors by position).
function number_views() {
    [...$("display-views").children].forEach((li, i) => {
        li.querySelector(".view-topic").setAttribute("aria-label", `View ${i + 1}: board`);
        li.querySelector(".view-seconds").setAttribute("aria-label", `View ${i + 1}: seconds`);
        li.querySelector("button").setAttribute("aria-label", `Remove view ${i + 1}`);
    });
}

function clear_errors() {
    for (const e of document.querySelectorAll("#display-editor .error-text")) e.textContent = "";
    for (const e of document.querySelectorAll("#display-editor [aria-invalid]")) e.removeAttribute("aria-invalid");
    $("display-msg").textContent = "";
}

// Shows a refusal beside what it names: "display", "theme", "views", "views[i]...".
function show_error(err) {
    const path = err.path || "";
    const view = path.match(/^views\[(\d+)\](?:\.(topic|seconds))?/);
    const li = view && $("display-views").children[Number(view[1])];
    const seconds = view && view[2] !== "topic" && err.code === "bad_message";
    const text = seconds ? "Show each view for 5 to 3600 seconds." : describe_error(err);
    $("display-msg").textContent = "";
    if (li) {
        li.querySelector(".view-error").textContent = text;
        const field = li.querySelector(view[2] === "topic" ? ".view-topic" : ".view-seconds");
        field.setAttribute("aria-invalid", "true");
        field.focus();
    } else if (path === "display" || path === "theme") {
        $(`display-${path === "display" ? "target" : "theme"}-error`).textContent = text;
    } else if (path === "views") {
        $("display-views-error").textContent = text;
    } else {
        $("display-msg").className = "error-text";
        $("display-msg").textContent = text;
    }
}

async function send() {
    clear_errors();
    const views = [...$("display-views").children].map((li) => ({
        topic: li.querySelector(".view-topic").value,
        seconds: Number(li.querySelector(".view-seconds").value),
    }));
    const body = { type: "display.control", submission_id: `organiser-${make_uuid()}`, display: $("display-target").value, views };
    if ($("display-theme").value) body.theme = $("display-theme").value;
    $("display-msg").className = "";
    $("display-msg").textContent = "…";
    try {
        const reply = await conn.request(body);
        const who = body.display === EVERY ? "Every display without its own" : `display:${body.display}`;
        $("display-msg").className = "ok-text";
        $("display-msg").textContent = `${who} now shows ${summary(body)} (entry #${reply.seq}).`;
        await refresh();
    } catch (err) {
        show_error(err);
    }
}

$("display-target").addEventListener("change", () => load($("display-target").value));
$("display-add").addEventListener("click", () => add_view());
$("display-editor").addEventListener("submit", (ev) => { ev.preventDefault(); send(); });
