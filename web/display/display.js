// Hall display: subscribes to the public boards and shows one view at a time.
// URL parameters: view=overall|scenario/<id>|day/<n>|latest|rotate (default rotate),
// rotate=<seconds> (20), theme=dark|light|contrast, display=<name>&code=<code> (sign in as a
// display), jury=1 (use the organiser's token saved by the organiser console on this browser:
// the live view). A signed-in display that is sent a display.config (the organiser's setting)
// follows it instead: its views in turn, each for its seconds, and its theme.
import { Connection } from "/shared/connection.js";
import { rotation_at, same_views } from "./rotation.js";

const params = new URLSearchParams(location.search);
const pinned = params.get("view") && params.get("view") !== "rotate" ? params.get("view") : null;
const rotate_ms = Math.max(5, Number(params.get("rotate") || 20)) * 1000;
document.body.dataset.theme = params.get("theme") || "dark";
let config = null; // the organiser's setting: {views, theme, started_ms}

const boards = new Map(); // topic -> last board push kept (highest version)
const scenario_names = new Map();
let scenario_ids = [];
let current = pinned || "overall";
let last_update = null;
let previous_ranks = new Map(); // topic -> Map(entrant -> rank) shown last

const $ = (id) => document.getElementById(id);

const conn = new Connection({
    onPush: (msg) => {
        if (msg.type === "board") accept(msg);
        if (msg.type === "display.config") configure(msg);
        if (msg.type === "session.ended") console.warn("session ended:", msg.message);
    },
    onState: show_connection,
    onOpen: async (c) => {
        subscribed.clear();
        await sign_in(c);
        const topics = ["overall", "latest", ...scenario_ids.map((s) => `scenario/${s}`)];
        if (pinned) topics.push(pinned);
        if (config) topics.push(...config.views.map((v) => v.topic));
        await Promise.all([...new Set(topics)].map((t) => subscribe(c, t)));
        render(); // "Waiting for … board" when there is none yet (an event still being set up)
    },
});

async function sign_in(c) {
    if (params.get("display") && params.get("code")) {
        await c.request({ type: "auth.sign_in", subject: `display:${params.get("display")}`, secret: params.get("code") });
    } else if (params.get("jury")) {
        const token = localStorage.getItem("aplc.organiser.token");
        if (token) await c.request({ type: "auth.resume", token });
    }
}

const subscribed = new Set(); // topics asked for on this connection

function subscribe(c, topic) {
    if (subscribed.has(topic)) return Promise.resolve();
    subscribed.add(topic);
    const held = boards.get(topic);
    const msg = { type: "board.subscribe", topic };
    if (held) msg.since = held.version;
    return c.request(msg).catch((err) => {
        console.warn(topic, err.code, err.message);
        // A board that does not exist yet (an event still being set up) is asked for again.
        if (err.code === "unknown_topic")
            setTimeout(() => { if (subscribed.delete(topic)) subscribe(c, topic); }, 5000);
    });
}

function accept(msg) {
    const held = boards.get(msg.topic);
    if (held && held.version >= msg.version) return;
    boards.set(msg.topic, msg);
    last_update = new Date();
    if (msg.topic === "overall") learn_scenarios(msg.board);
    if (msg.topic.startsWith("scenario/") && !scenario_names.has(msg.board.id)) {
        scenario_names.set(msg.board.id, msg.board.name);
        if (boards.has("latest")) render_latest(boards.get("latest").board);
        if (current === "latest") render();
    }
    if (msg.topic === "latest") render_latest(msg.board);
    // The overall board names the event, and the teams on the latest results.
    if (msg.topic === current || (msg.topic === "overall" && (!boards.has(current) || current === "latest"))) render();
}

// The organiser's setting replaces the URL's views and theme. The same views sent again (after
// a reconnect) keep their place in the rotation.
function configure(msg) {
    document.body.dataset.theme = msg.theme || params.get("theme") || "dark";
    if (!config || !same_views(config.views, msg.views)) config = { views: msg.views, started_ms: Date.now() };
    if (conn.ws && conn.ws.readyState === WebSocket.OPEN) msg.views.forEach((v) => subscribe(conn, v.topic));
    follow_config();
}

// Shows the configured view of this moment, and when the next one comes.
function follow_config() {
    if (!config) return;
    const now = rotation_at(config.views, config.started_ms, Date.now());
    if (now.view.topic !== current) {
        current = now.view.topic;
        render();
    }
    const left = Math.ceil(now.left_ms / 1000);
    const next = config.views.length > 1 ? `Next: ${view_name(now.next.topic)} in ${left} s` : "";
    $("rotation").hidden = false;
    $("rotation").textContent = `${now.index + 1}/${config.views.length}${next ? ` · ${next}` : ""}`;
    $("rotation").dataset.next = now.next.topic;
    $("rotation-bar").hidden = false;
    $("rotation-bar").style.setProperty("--done", String(now.fraction));
}

function view_name(topic) {
    if (topic === "overall") return "Overall";
    if (topic === "latest") return "Latest results";
    if (topic.startsWith("day/")) return boards.get(topic)?.board.label || `Day ${topic.slice(4)}`;
    if (topic.startsWith("scenario/")) return scenario_names.get(topic.slice(9)) || topic.slice(9);
    return topic;
}

function learn_scenarios(board) {
    const ranking = (board.rankings || [])[0];
    const ids = (ranking && ranking.scenarios) || [];
    const fresh = ids.filter((id) => !scenario_ids.includes(id));
    scenario_ids = ids;
    if (fresh.length && conn.ws && conn.ws.readyState === WebSocket.OPEN) fresh.forEach((id) => subscribe(conn, `scenario/${id}`));
}

function show_connection(state) {
    document.body.dataset.conn = state;
    render_status();
}

function render_status() {
    const state = document.body.dataset.conn;
    const shown = boards.get(current);
    const frozen = shown && shown.frozen;
    document.body.dataset.frozen = frozen ? "yes" : "no";
    document.body.dataset.waiting = shown ? "no" : "yes";
    const banner = $("stale-banner");
    if (state === "open") {
        $("status").textContent = !shown ? "Waiting" : frozen ? "Frozen" : shown.view === "live" ? "Live · jury" : "Live";
        banner.hidden = true;
    } else {
        $("status").textContent = state === "offline" ? "Offline" : "Reconnecting";
        banner.hidden = false;
        const when = last_update ? last_update.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }) : "—";
        banner.textContent = `Not live: reconnecting to the scoring server. Standings as of ${when}.`;
    }
}

function el(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
        if (k === "class") e.className = v;
        else if (k.startsWith("data-")) e.setAttribute(k, v);
        else e[k] = v;
    }
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c ?? ""));
    return e;
}

function fmt(n) {
    if (n === null || n === undefined) return "–";
    const x = Number(n);
    return Number.isFinite(x) ? x.toFixed(2) : String(n);
}

function rows_of(push) {
    if (push.topic === "overall") return overall_rows(push.board);
    if (push.topic.startsWith("day/")) return day_rows(push.board);
    if (push.topic === "latest") return latest_rows(push.board);
    return scenario_rows(push.board);
}

function render() {
    const push = boards.get(current);
    const main = $("board");
    render_status();
    $("event-name").textContent = boards.get("overall")?.board.event || "APLC";
    if (!push) {
        // Never the previous view's board under this view's name.
        main.dataset.topic = current;
        delete main.dataset.version;
        $("view-title").textContent = view_name(current);
        main.replaceChildren(el("p", { class: "waiting" }, `Waiting for the ${view_name(current)} board…`));
        return;
    }
    // Rows slide only within one view: coming from another view is not a change of rank.
    const same_view = main.dataset.topic === push.topic;
    main.dataset.topic = push.topic;
    main.dataset.version = String(push.version);
    main.dataset.frozen = String(push.frozen);
    const rows = rows_of(push);
    $("view-title").textContent = rows.title;
    const before = previous_ranks.get(current) || new Map();
    const old_rects = new Map();
    if (same_view) for (const tr of main.querySelectorAll("tr[data-entrant]")) old_rects.set(tr.dataset.entrant, tr.getBoundingClientRect().top);
    const table = el("table", { class: "standings" });
    table.append(el("thead", {}, el("tr", {},
        el("th", { class: "rank" }, rows.first_head || "Rank"), el("th", { class: "move" }, el("span", { class: "visually-hidden" }, "Change")),
        el("th", { class: "cc" }, "Country"), el("th", { class: "name" }, rows.name_head),
        el("th", { class: "sub" }, rows.sub_head), el("th", { class: "num" }, rows.num_head))));
    const tbody = el("tbody");
    const now = new Map();
    for (const r of rows.rows) {
        now.set(r.entrant, r.rank);
        const was = before.get(r.entrant);
        let move = "";
        let cls = r.rank == null && !rows.unranked ? "pending" : "";
        if (before.size && r.rank != null && was !== r.rank) {
            if (was == null || r.rank < was) { move = "▲"; cls += " up changed"; }
            else { move = "▼"; cls += " down changed"; }
        }
        tbody.append(el("tr", { class: cls, "data-entrant": r.entrant },
            el("td", { class: "rank" }, r.first ?? (r.rank == null ? "–" : String(r.rank))),
            el("td", { class: "move", "aria-label": move === "▲" ? "up" : move ? "down" : "" }, move),
            el("td", { class: "cc" }, el("span", {}, r.country || "")),
            el("td", { class: "name" }, r.name),
            el("td", { class: "sub" }, r.sub ?? ""),
            el("td", { class: "num total" }, r.num)));
    }
    table.append(tbody);
    if (rows.unranked) table.classList.add("unranked");
    main.replaceChildren(...rows.notes.map((n) => el("p", { class: "note" }, n)), table);
    if (rows.unranked) return;
    previous_ranks.set(current, now);
    animate(main, old_rects);
}

// FLIP: rows slide from where they were to their new place.
function animate(main, old_rects) {
    if (matchMedia("(prefers-reduced-motion: reduce)").matches) return;
    for (const tr of main.querySelectorAll("tr[data-entrant]")) {
        const top = old_rects.get(tr.dataset.entrant);
        if (top === undefined) continue;
        const dy = top - tr.getBoundingClientRect().top;
        if (Math.abs(dy) < 1) continue;
        tr.animate([{ transform: `translateY(${dy}px)` }, { transform: "none" }], { duration: 900, easing: "ease-in-out" });
    }
}

const MAX_ROWS = 10;

function overall_rows(board) {
    const ranking = (board.rankings || [])[0] || { rows: [] };
    const notes = [];
    if (ranking.hidden) notes.push(`Reveal in progress: ${ranking.hidden} places still hidden.`);
    return {
        title: ranking.name || "Overall",
        name_head: "Team", sub_head: "Wins", num_head: "Points", notes,
        rows: ranking.rows.slice(0, MAX_ROWS).map((r) => ({
            entrant: r.entrant, rank: r.rank, country: r.country, name: r.name,
            sub: r.wins ? String(r.wins) : "", num: fmt(r.total),
        })),
    };
}

function scenario_rows(board) {
    const entries = (board.entries || []).slice();
    entries.sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9) || String(a.name).localeCompare(b.name));
    const notes = [];
    if (board.embargoed) notes.push("Results are embargoed until every team has run this scenario.");
    const waiting = entries.filter((e) => e.rank == null).length;
    if (board.hidden) notes.push(`Reveal in progress: ${board.hidden} places still hidden.`);
    if (waiting) notes.push(`${waiting} of ${entries.length} ${board.entry === "member" ? "competitors" : "teams"} still to run or be scored.`);
    return {
        title: board.name || board.id,
        name_head: board.entry === "member" ? "Competitor" : "Team",
        sub_head: "Result", num_head: "Points", notes,
        rows: entries.slice(0, MAX_ROWS).map((e) => ({
            entrant: e.entrant, rank: e.rank ?? null, country: e.country, name: e.name,
            sub: e.status && e.status !== "completed" ? e.status.toUpperCase() : e.result ?? "",
            num: e.points == null ? "–" : fmt(e.points),
        })),
    };
}

function day_rows(board) {
    const ranking = (board.rankings || [])[0] || { rows: [] };
    const notes = [];
    if (ranking.hidden) notes.push(`Reveal in progress: ${ranking.hidden} places still hidden.`);
    return {
        title: board.label || `Day ${board.day}`,
        name_head: "Team", sub_head: "", num_head: "Day points", notes,
        rows: ranking.rows.slice(0, MAX_ROWS).map((r) => ({
            entrant: r.entrant, rank: r.rank, country: r.country, name: r.name, sub: "", num: fmt(r.total),
        })),
    };
}

const ENTRY_WORDS = { "sheet.submitted": "Sheet", "sheet.corrected": "Corrected", "sheet.withdrawn": "Withdrawn" };

// The newest results, newest first: no ranks, so no rank changes either.
function latest_rows(board) {
    const teams = new Map(((boards.get("overall")?.board.rankings || [])[0]?.rows || []).map((r) => [r.entrant, r]));
    return {
        title: "Latest results", first_head: "Time", name_head: "Team", sub_head: "Scenario", num_head: "Entry", notes: [], unranked: true,
        rows: (board.entries || []).slice(0, MAX_ROWS).map((e) => ({
            entrant: e.entrant, first: clock_time(e.at), country: teams.get(e.entrant)?.country || "",
            name: teams.get(e.entrant)?.name || e.entrant,
            sub: scenario_names.get(e.scenario) || e.scenario || "",
            num: e.kind === "run.status_set" ? (e.status || "").toUpperCase() : ENTRY_WORDS[e.kind] || e.kind,
        })),
    };
}

function clock_time(at) {
    return new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
}

function render_latest(board) {
    const items = (board.entries || []).slice(0, 6).map((e) => {
        const time = clock_time(e.at);
        const what = e.kind === "run.status_set" ? (e.status || "").toUpperCase() : e.kind.replace(/^sheet\./, "sheet ");
        return el("li", {}, `${time} `, el("b", {}, e.entrant || ""), ` ${scenario_names.get(e.scenario) || e.scenario || ""} · ${what}`);
    });
    $("latest").replaceChildren(...items);
}

function rotate() {
    if (pinned || config) return;
    const views = ["overall", ...scenario_ids.map((s) => `scenario/${s}`)].filter((t) => boards.has(t));
    if (views.length < 2) return;
    current = views[(views.indexOf(current) + 1) % views.length];
    render();
}

setInterval(rotate, rotate_ms);
setInterval(follow_config, 250);
setInterval(render_status, 10000);
conn.start();
