// The organiser's session token and the HTTP endpoints that need it (docs/protocol.md, HTTP).
// The token is kept in localStorage under "aplc.organiser.token", which the display page's jury
// mode (display/?jury=1) also uses.
const TOKEN_KEY = "aplc.organiser.token";

export const session = {
    get token() { return localStorage.getItem(TOKEN_KEY); },
    set token(value) {
        if (value) localStorage.setItem(TOKEN_KEY, value);
        else localStorage.removeItem(TOKEN_KEY);
    },
};

/** GET /api/export/<name> with the token; rejects with an Error whose message is the server's. */
export async function get_export(name) {
    const res = await fetch(`/api/export/${name}`, { headers: { Authorization: `Bearer ${session.token}` } });
    if (res.ok) return res;
    const text = await res.text();
    let reason = text.slice(0, 200);
    try {
        const body = JSON.parse(text);
        reason = `${body.message} [${body.code}]`;
    } catch { /* not JSON: the text as it is */ }
    throw new Error(`${res.status} ${res.statusText}: ${reason}`);
}

/** Offers `blob` as a download named `filename`; returns a link that saves it again. */
export function save_blob(blob, filename) {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = filename;
    a.textContent = `Save ${filename} again`;
    a.click();
    return a;
}
