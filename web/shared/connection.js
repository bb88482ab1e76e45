// One WebSocket to the server (docs/protocol.md) that reconnects by itself.
// request(msg) resolves with the `ok` reply and rejects with the `error` reply (an Error with
// .code, .path and .reply). Pushes (`board`, `session.ended`) go to onPush. onState receives
// 'connecting' | 'open' | 'closed' | 'offline'. onOpen runs after every (re)connect, before any
// queued request is sent: it may send its own requests (sign-in first: the server may answer
// requests of one connection out of order, so callers await the sign-in before anything else).

export function make_id(prefix = "r") {
    const bytes = new Uint8Array(8);
    crypto.getRandomValues(bytes);
    return prefix + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A random UUID (v4 layout); crypto.randomUUID needs a secure context, this does not. */
export function make_uuid() {
    const b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export class Connection {
    constructor({ url, onPush = () => {}, onState = () => {}, onOpen = async () => {} } = {}) {
        this.url = url || `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`;
        this.onPush = onPush;
        this.onState = onState;
        this.onOpen = onOpen;
        this.pending = new Map();
        this.ws = null;
        this.state = "closed";
        this.retry_ms = 500;
        this.timer = null;
        this.stopped = false;
        window.addEventListener("online", () => this.connect_soon(0));
        window.addEventListener("offline", () => this.drop("offline"));
    }

    set_state(state) {
        if (state === this.state) return;
        this.state = state;
        this.onState(state);
    }

    start() {
        this.stopped = false;
        this.connect();
    }

    stop() {
        this.stopped = true;
        clearTimeout(this.timer);
        this.drop("closed");
    }

    connect_soon(ms) {
        clearTimeout(this.timer);
        if (this.stopped) return;
        this.timer = setTimeout(() => this.connect(), ms);
    }

    connect() {
        if (this.stopped || this.ws) return;
        if (!navigator.onLine) {
            this.set_state("offline");
            return;
        }
        this.set_state("connecting");
        let ws;
        try {
            ws = new WebSocket(this.url);
        } catch {
            this.connect_soon(this.retry_ms);
            return;
        }
        this.ws = ws;
        ws.onopen = async () => {
            this.retry_ms = 500;
            try {
                await this.onOpen(this);
                if (this.ws === ws) this.set_state("open");
            } catch (err) {
                console.warn("after connect:", err);
                if (this.ws === ws) this.set_state("open");
            }
        };
        ws.onmessage = (ev) => this.receive(ev.data);
        ws.onclose = () => {
            if (this.ws !== ws) return;
            this.ws = null;
            this.fail_pending("connection lost");
            this.set_state(navigator.onLine ? "closed" : "offline");
            this.retry_ms = Math.min(this.retry_ms * 2, 5000);
            if (navigator.onLine) this.connect_soon(this.retry_ms);
        };
    }

    /** Closes the socket now (the browser went offline or stop()); reconnects when online. */
    drop(state) {
        const ws = this.ws;
        this.ws = null;
        if (ws) {
            ws.onclose = null;
            ws.close();
        }
        this.fail_pending("connection lost");
        this.set_state(state);
    }

    fail_pending(why) {
        for (const { reject } of this.pending.values()) {
            const err = new Error(why);
            err.code = "disconnected";
            reject(err);
        }
        this.pending.clear();
    }

    receive(text) {
        let msg;
        try {
            msg = JSON.parse(text);
        } catch {
            return;
        }
        if (msg.re !== undefined && msg.re !== null && this.pending.has(msg.re)) {
            const { resolve, reject } = this.pending.get(msg.re);
            this.pending.delete(msg.re);
            if (msg.type === "error") {
                const err = new Error(msg.message || msg.code);
                err.code = msg.code;
                err.path = msg.path;
                err.reply = msg;
                reject(err);
            } else {
                resolve(msg);
            }
            return;
        }
        this.onPush(msg);
    }

    /** Sends one request on the open socket; rejects at once (code 'disconnected') when closed. */
    request(body) {
        const ws = this.ws;
        if (!ws || ws.readyState !== WebSocket.OPEN) {
            const err = new Error("not connected");
            err.code = "disconnected";
            return Promise.reject(err);
        }
        const id = make_id();
        return new Promise((resolve, reject) => {
            this.pending.set(id, { resolve, reject });
            ws.send(JSON.stringify({ ...body, id }));
        });
    }

    get is_open() {
        return this.state === "open";
    }
}

/** Readable text for a server error (docs/protocol.md, Error codes). */
export function describe_error(err) {
    const words = {
        bad_credentials: "Wrong id or code.",
        throttled: "Too many wrong codes: wait a minute, then try again.",
        token_expired: "Your sign-in has expired: sign in again.",
        token_invalid: "Your sign-in is no longer valid: sign in again.",
        not_signed_in: "Sign in first.",
        forbidden: "Your role may not do this.",
        scenario_locked: "This scenario is locked: no more sheets or corrections.",
        duplicate_sheet: "A sheet for this team is already stored: correct it instead.",
        disconnected: "Not connected to the server.",
        storage_failed: "The server could not store it; it will be retried.",
        submission_id_reused: "Not stored: its id belongs to another change. Submit it again.",
    };
    const base = words[err.code];
    const detail = err.message && err.message !== err.code ? err.message : "";
    if (base && detail && err.code !== "disconnected") return `${base} (${detail})`;
    return base || detail || String(err.code || err);
}
