// Offline support: after one visit the page and its module are served from this cache.
// Cache-first for this origin's own files only; nothing else is ever fetched.
const CACHE = "smmu-explorer-v1";
const FILES = ["./", "index.html", "main.js", "style.css", "smmu_web.js", "smmu_web_bg.wasm"];

self.addEventListener("install", (ev) => {
  ev.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES)).then(() => self.skipWaiting()));
});
self.addEventListener("activate", (ev) => {
  ev.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});
self.addEventListener("fetch", (ev) => {
  const url = new URL(ev.request.url);
  if (ev.request.method !== "GET" || url.origin !== self.location.origin) return;
  // Network first (so a new build is picked up), the cache when offline.
  ev.respondWith(
    fetch(ev.request)
      .then((r) => {
        const copy = r.clone();
        caches.open(CACHE).then((c) => c.put(ev.request, copy));
        return r;
      })
      .catch(() => caches.match(ev.request, { ignoreSearch: true })),
  );
});
