// The tablet's outbox: every sheet the judge submits, kept in IndexedDB under its submission id
// until the server has committed it (and afterwards, as the judge's record of what was sent).
// Record: {submission_id, kind: "submit"|"correct", judge, scenario, entrant, values, status?,
//          supersedes?, reason?, state: "queued"|"sent"|"committed"|"rejected", seq?, error?,
//          error_path?, created}

const DB_NAME = "aplc-judge";
const STORE = "outbox";

function open_db() {
    return new Promise((resolve, reject) => {
        const req = indexedDB.open(DB_NAME, 1);
        req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: "submission_id" });
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
    });
}

let db_promise = null;
const db = () => (db_promise ||= open_db());

function tx(mode, fn) {
    return db().then((d) => new Promise((resolve, reject) => {
        const t = d.transaction(STORE, mode);
        const result = fn(t.objectStore(STORE));
        t.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
        t.onerror = () => reject(t.error);
        t.onabort = () => reject(t.error);
    }));
}

/** Stores (or replaces) one record; resolves once it is durable in IndexedDB. */
export const put = (record) => tx("readwrite", (s) => s.put(record));

/** Every record, oldest first. */
export async function all() {
    const rows = await tx("readonly", (s) => s.getAll());
    return rows.sort((a, b) => a.created - b.created);
}

export const clear = () => tx("readwrite", (s) => s.clear());
