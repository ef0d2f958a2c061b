// The grid worker's offline app: keep the event pages (scanner, manual check-in, the event)
// and their assets, so that a page reloaded without signal still opens. Pages: network first,
// the kept copy when there is no network. Assets: the kept copy first.
"use strict";
var CACHE = "pingan-field-v1";
var ASSETS = [
  "/static/css/app.css",
  "/static/css/checkin.css",
  "/static/js/scanner.js",
  "/static/js/offline_queue.js",
  "/static/vendor/qr-scanner/qr-scanner.umd.min.js",
  "/static/vendor/qr-scanner/qr-scanner-worker.min.js",
  "/static/icons/icon-192.png"
];

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) { return cache.addAll(ASSETS); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n !== CACHE; })
        .map(function (n) { return caches.delete(n); }));
    }).then(function () { return self.clients.claim(); })
  );
});

// A page asks to keep its siblings (the scanner asks for the manual page and the event).
self.addEventListener("message", function (event) {
  var urls = (event.data && event.data.keep) || [];
  var done = caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.map(function (url) {
      return fetch(url, { credentials: "same-origin" }).then(function (answer) {
        if (answer.ok) return cache.put(url, answer);
      }).catch(function () { /* offline: keep what is there */ });
    }));
  }).then(function () {
    if (event.source) event.source.postMessage({ kept: urls.length });
  });
  event.waitUntil(done);
});

function isPage(request, url) {
  return request.mode === "navigate" && url.pathname.indexOf("/events/") === 0;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (isPage(request, url)) {
    event.respondWith(
      fetch(request).then(function (answer) {
        if (answer.ok) {
          var copy = answer.clone();
          caches.open(CACHE).then(function (cache) { cache.put(url.pathname + url.search, copy); });
        }
        return answer;
      }).catch(function () {
        return caches.open(CACHE).then(function (cache) {
          return cache.match(url.pathname + url.search).then(function (hit) {
            return hit || cache.match(url.pathname, { ignoreSearch: true });
          });
        }).then(function (hit) { return hit || Response.error(); });
      })
    );
    return;
  }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(
      caches.match(request).then(function (hit) {
        return hit || fetch(request).then(function (answer) {
          if (answer.ok) {
            var copy = answer.clone();
            caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
          }
          return answer;
        });
      })
    );
  }
});
