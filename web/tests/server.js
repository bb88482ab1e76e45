// Starts the real `aplc serve` on port 0 with a temporary database, for the browser tests.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, rmSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo_root = path.resolve(here, "../..");
export const shots_dir = path.join(repo_root, "web", "test-results");

/**
 * Writes the demo event minus the sheets `drop(sheet)` selects, starts the server on it and
 * resolves with {url, codes: {J01: "123456", ...}, display_code, stop()}. With `empty`, the
 * server starts on a new database with no event (set-up) and no codes.
 */
export async function start_server({ drop = () => false, empty = false } = {}) {
    const dir = mkdtempSync(path.join(tmpdir(), "aplc-web-"));
    const args = ["serve", "--db", path.join(dir, "event.db"), "--port", "0", "--organiser-password", "pw",
        "--web-root", path.join(repo_root, "web")];
    if (!empty) {
        const event = JSON.parse(readFileSync(path.join(repo_root, "examples/aplc-demo.json"), "utf8"));
        event.sheets = event.sheets.filter((s) => !drop(s));
        const event_file = path.join(dir, "event.json");
        writeFileSync(event_file, JSON.stringify(event));
        args.push("--event", event_file, "--demo-codes");
    }
    const binary = process.env.APLC_BINARY || path.join(repo_root, "build/debug/server/aplc");
    const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const ready = new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 60000);
        const read = (chunk) => {
            out += chunk;
            const m = out.match(/listening on (http:\/\/[^\s]+)/);
            if (m) { clearTimeout(timer); resolve(m[1].replace(/\/$/, "")); }
        };
        child.stdout.on("data", read);
        child.stderr.on("data", read);
        child.on("exit", (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}:\n${out}`)); });
    });
    const url = await ready;
    const codes = {};
    for (const m of out.matchAll(/^\s+(J\d+)\s+code (\d+)/gm)) codes[m[1]] = m[2];
    const display_code = (out.match(/display:hall\s+code (\d+)/) || [])[1];
    const stop = async () => {
        if (child.exitCode === null) {
            const exited = new Promise((r) => child.once("exit", r));
            process.kill(child.pid, "SIGTERM");
            await exited;
        }
        rmSync(dir, { recursive: true, force: true });
    };
    return { url, codes, display_code, stop, log: () => out };
}

export async function launch_browser() {
    return chromium.launch({
        executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
        args: ["--no-sandbox"],
    });
}

export async function shot(page, name, options = {}) {
    mkdirSync(shots_dir, { recursive: true });
    await page.screenshot({ path: path.join(shots_dir, `${name}.png`), ...options });
}

export async function healthz_seq(url) {
    const res = await fetch(`${url}/healthz`);
    return (await res.json()).seq;
}
