// Organiser console (a first part of it): sign-in, codes, freeze and reveal, exports, the
// progress matrix and review queue (progress.js), and the live (jury) view of the overall
// standings. Its token is kept in localStorage under
// "aplc.organiser.token", which the display page's jury mode (display/?jury=1) also uses.
import { Connection, describe_error, make_uuid } from "/shared/connection.js";
import { refresh_progress } from "./progress.js";

const $ = (id) => document.getElementById(id);
const TOKEN_KEY = "aplc.organiser.token";
let token = localStorage.getItem(TOKEN_KEY);
let live = null;

const conn = new Connection({
    onState: (state) => {
        document.body.dataset.conn = state;
        $("conn").textContent = state === "open" ? "Connected" : state === "offline" ? "Offline" : "Reconnecting…";
    },
    onPush: (msg) => {
        if (msg.type === "board" && msg.topic === "overall" && (!live || msg.version > live.version)) { live = msg; render_live(); }
        if (msg.type === "board" && msg.topic === "latest") refresh_progress(conn);
        if (msg.type === "session.ended") show_signin(describe_error(msg));
    },
    onOpen: async (c) => {
        if (!token) { show_signin(); return; }
        try {
            await c.request({ type: "auth.resume", token });
        } catch (err) {
            token = null;
            localStorage.removeItem(TOKEN_KEY);
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
    const sub = { type: "board.subscribe", topic: "overall" };
    if (live) sub.since = live.version;
    await c.request(sub).catch((err) => { $("live-note").textContent = describe_error(err); });
    // Every new entry moves `latest`; each push asks for the progress again.
    await c.request({ type: "board.subscribe", topic: "latest" }).catch((err) => { $("progress-note").textContent = describe_error(err); });
    refresh_progress(c);
}

$("signin").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    $("signin-error").textContent = "";
    try {
        const reply = await conn.request({ type: "auth.sign_in", subject: "organiser", secret: $("password").value });
        token = reply.token;
        localStorage.setItem(TOKEN_KEY, token);
        $("password").value = "";
        await signed_in(conn);
    } catch (err) {
        $("signin-error").textContent = describe_error(err);
    }
});

$("sign-out").addEventListener("click", async () => {
    await conn.request({ type: "auth.sign_out" }).catch(() => {});
    token = null;
    localStorage.removeItem(TOKEN_KEY);
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

$("issue").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    $("issue-error").textContent = "";
    const role = $("role").value;
    let subject = $("subject").value.trim();
    if (role === "display" && !subject.startsWith("display:")) subject = `display:${subject}`;
    try {
        const reply = await conn.request({ type: "auth.issue", subject, role });
        const tr = document.createElement("tr");
        for (const text of [reply.subject, reply.role, reply.secret]) {
            const td = document.createElement("td");
            td.textContent = text;
            tr.append(td);
        }
        $("codes").prepend(tr);
    } catch (err) {
        $("issue-error").textContent = describe_error(err);
        $("subject").focus();
    }
});

for (const button of document.querySelectorAll("[data-export]")) {
    button.addEventListener("click", async () => {
        const name = button.dataset.export;
        const msg = $("export-msg");
        msg.className = "";
        msg.textContent = `Preparing ${name}…`;
        try {
            const res = await fetch(`/api/export/${name}`, { headers: { Authorization: `Bearer ${token}` } });
            if (!res.ok) throw new Error(`${res.status} ${res.statusText}: ${(await res.text()).slice(0, 200)}`);
            const url = URL.createObjectURL(await res.blob());
            const a = document.createElement("a");
            a.href = url;
            a.download = name;
            a.textContent = `Save ${name} again`;
            a.click();
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
