// Service worker of the judge app: keeps the app's files so a reload without a connection still
// opens the app (its sheets are in IndexedDB). Network first, the cached copy when it fails.
const CACHE = "aplc-judge-v1";
const FILES = [
    "/judge/", "/judge/judge.css", "/judge/judge.js", "/judge/store.js", "/judge/manifest.json",
    "/shared/base.css", "/shared/connection.js",
];

self.addEventListener("install", (event) => {
    event.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
    event.waitUntil((async () => {
        for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
        await self.clients.claim();
    })());
});

self.addEventListener("fetch", (event) => {
    const url = new URL(event.request.url);
    if (event.request.method !== "GET" || url.origin !== location.origin) return;
    if (!url.pathname.startsWith("/judge/") && !url.pathname.startsWith("/shared/")) return;
    const key = url.pathname === "/judge/index.html" ? "/judge/" : url.pathname;
    event.respondWith((async () => {
        const cache = await caches.open(CACHE);
        try {
            const fresh = await fetch(event.request);
            if (fresh.ok) cache.put(key, fresh.clone());
            return fresh;
        } catch (err) {
            const hit = await cache.match(key);
            if (hit) return hit;
            throw err;
        }
    })());
});
