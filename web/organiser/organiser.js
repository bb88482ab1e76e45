// Organiser console: sign-in, codes (codes.js), freeze and reveal, exports, backup and the log check
// (upkeep.js), the progress matrix and review queue (progress.js) with each run's history
// (history.js), the event's teams, judges, rules and panels (event.js), the hall displays
// (displays.js), and the live (jury) view of the overall standings.
import { Connection, describe_error, make_uuid } from "/shared/connection.js";
import { get_export, save_blob, session } from "./api.js";
import { start_displays } from "./displays.js";
import { init_codes } from "./codes.js";
import { load_event } from "./event.js";
import { init_history } from "./history.js";
import { refresh_progress } from "./progress.js";
import "./upkeep.js";
import { $ } from "/shared/dom.js";

let live = null;

const conn = new Connection({
    onState: (state) => {
        document.body.dataset.conn = state;
        $("conn").textContent = state === "open" ? "Connected" : state === "offline" ? "Offline" : "Reconnecting…";
    },
    onPush: (msg) => {
        if (msg.type === "board" && msg.topic === "overall" && (!live || msg.version > live.version)) { live = msg; render_live(); }
        if (msg.type === "board" && msg.topic === "latest") refresh_progress(conn);
        if (msg.type === "session.ended") {
            session.token = null; // a reconnect must not resume it (and hide this reason)
            show_signin(describe_error(msg));
        }
    },
    onOpen: async (c) => {
        if (!session.token) { show_signin(); return; }
        try {
            await c.request({ type: "auth.resume", token: session.token });
        } catch (err) {
            session.token = null;
            show_signin(describe_error(err));
            return;
        }
        await signed_in(c);
    },
});

function show_signin(message = "") {
    $("signin").hidden = false;
    $("app").hidden = true;
    $("sign-out").hidden = true;
    $("signin-error").textContent = message;
}

async function signed_in(c) {
    $("signin").hidden = true;
    $("app").hidden = false;
    $("sign-out").hidden = false;
    // A database with no event (set-up) shows only the card that creates it; then everything.
    const has_event = await load_event(c, () => signed_in(c));
    document.body.dataset.setup = String(!has_event);
    if (!has_event) return;
    const sub = { type: "board.subscribe", topic: "overall" };
    if (live) sub.since = live.version;
    await c.request(sub).catch((err) => { $("live-note").textContent = describe_error(err); });
    // Every new entry moves `latest`; each push asks for the progress again.
    await c.request({ type: "board.subscribe", topic: "latest" }).catch((err) => { $("progress-note").textContent = describe_error(err); });
    refresh_progress(c);
    start_displays(c);
    init_codes(c);
    init_history(c, () => refresh_progress(c));
}

$("signin").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    $("signin-error").textContent = "";
    try {
        const reply = await conn.request({ type: "auth.sign_in", subject: "organiser", secret: $("password").value });
        session.token = reply.token;
        $("password").value = "";
        await signed_in(conn);
    } catch (err) {
        $("signin-error").textContent = describe_error(err);
    }
});

$("sign-out").addEventListener("click", async () => {
    await conn.request({ type: "auth.sign_out" }).catch(() => {});
    session.token = null;
    show_signin();
});

async function board_action(body, done_text) {
    const msg = $("boards-msg");
    msg.className = "";
    msg.textContent = "…";
    try {
        const reply = await conn.request({ ...body, submission_id: `organiser-${make_uuid()}`, board: $("board").value });
        msg.className = "ok-text";
        msg.textContent = `${done_text} (entry #${reply.seq}).`;
    } catch (err) {
        msg.className = "error-text";
        msg.textContent = describe_error(err);
    }
}

$("freeze").addEventListener("click", () => board_action({ type: "board.freeze" }, "Frozen: the public sees the standings as they are now"));
$("unfreeze").addEventListener("click", () => board_action({ type: "board.reveal", rows: 0 }, "Freeze ended: the public sees the live standings"));
$("reveal").addEventListener("click", () => {
    const rows = Number($("reveal-rows").value);
    board_action({ type: "board.reveal", rows }, `Revealing the bottom ${rows} rows`);
});

for (const button of document.querySelectorAll("[data-export]")) {
    button.addEventListener("click", async () => {
        const name = button.dataset.export;
        const msg = $("export-msg");
        msg.className = "";
        msg.textContent = `Preparing ${name}…`;
        try {
            const a = save_blob(await (await get_export(name)).blob(), name);
            msg.className = "ok-text";
            msg.replaceChildren(`${name} downloaded. `, a);
        } catch (err) {
            msg.className = "error-text";
            msg.textContent = `${name}: ${err.message}`;
        }
    });
}

function render_live() {
    const ranking = (live.board.rankings || [])[0];
    $("live").dataset.version = String(live.version);
    $("live-note").textContent = `Version ${live.version}, ${live.view} view${live.frozen ? " (the public board is frozen)" : ""}.`;
    if (!ranking) return;
    const rows = ranking.rows.map((r) => {
        const tr = document.createElement("tr");
        tr.dataset.entrant = r.entrant;
        for (const [cls, text] of [["", r.rank ?? "–"], ["", r.country], ["", r.name], ["num total", r.total ?? "–"]]) {
            const td = document.createElement("td");
            td.className = cls;
            td.textContent = text;
            tr.append(td);
        }
        return tr;
    });
    const head = document.createElement("tr");
    for (const t of ["Rank", "Country", "Team", "Total"]) { const th = document.createElement("th"); th.textContent = t; head.append(th); }
    const thead = document.createElement("thead");
    thead.append(head);
    const tbody = document.createElement("tbody");
    tbody.append(...rows);
    $("live").replaceChildren(thead, tbody);
}

conn.start();
