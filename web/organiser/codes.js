// Sign-in codes (`auth.issue`, docs/protocol.md): one for a judge, head judge or display, or a
// new one for every judge of the event at once, each in the role it had; each code is shown once, in a table that prints
// on its own (organiser.css, @media print) as slips to hand out. A new code replaces the old one
// and ends the sessions signed in with it.
import { describe_error } from "/shared/connection.js";
import { event_head_judges, event_judges } from "./event.js";
import { $ } from "/shared/dom.js";

let conn = null;
const issued_roles = new Map(); // judge id -> the role of the code issued in this console

// A judge's current role: a head judge's new code is a head judge's code again.
const role_of = (id) => issued_roles.get(id) ?? (event_head_judges().includes(id) ? "head_judge" : "judge");

export function init_codes(c) {
    conn = c;
    $("print-note").textContent = `APLC sign-in codes for the judge app at ${location.origin}/judge/. ` +
        "Each code is personal: cut along the lines and hand each judge their own.";
}

function add_row(reply) {
    if (reply.role !== "display") issued_roles.set(reply.subject, reply.role);
    const judge = event_judges().find((j) => j.id === reply.subject);
    const tr = document.createElement("tr");
    tr.dataset.subject = reply.subject;
    for (const text of [judge ? `${reply.subject} ${judge.name}` : reply.subject, reply.role.replace("_", " "), reply.secret]) {
        const td = document.createElement("td");
        td.textContent = text;
        tr.append(td);
    }
    $("codes").prepend(tr);
    $("print-codes").disabled = false;
}

$("issue").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    $("issue-error").textContent = "";
    const role = $("role").value;
    let subject = $("subject").value.trim();
    if (role === "display" && !subject.startsWith("display:")) subject = `display:${subject}`;
    try {
        add_row(await conn.request({ type: "auth.issue", subject, role }));
    } catch (err) {
        $("issue-error").textContent = describe_error(err);
        $("subject").focus();
    }
});

$("issue-all").addEventListener("click", async () => {
    const judges = event_judges();
    const msg = $("issue-all-msg");
    if (!judges.length) { msg.className = "error-text"; msg.textContent = "The event's judges are not loaded yet."; return; }
    if (!window.confirm(`Replace the code of each of the ${judges.length} judges? Tablets signed in with the old codes are signed out.`)) return;
    msg.className = "";
    let done = 0;
    const failed = [];
    // In reverse, so that the table (newest on top) lists the judges in order.
    for (const j of [...judges].reverse()) {
        msg.textContent = `Issuing… ${done} of ${judges.length}`;
        try {
            add_row(await conn.request({ type: "auth.issue", subject: j.id, role: role_of(j.id) }));
            done++;
        } catch (err) {
            failed.push(`${j.id}: ${describe_error(err)}`);
        }
    }
    msg.className = failed.length ? "error-text" : "ok-text";
    msg.textContent = failed.length ? `${done} codes issued; not issued: ${failed.join("; ")}` : `${done} codes issued: print them now, they are not shown again.`;
});

$("print-codes").addEventListener("click", () => window.print());
