// The grid worker's offline app: keep the event pages (scanner, manual check-in, the event),
// the home-visit pages (the household list and each household's visit form) and their
// assets, so that a page reloaded without signal still opens. Pages: network first, the kept
// copy when there is no network. Assets: the kept copy first. A visit form sent when the
// network fails is kept for upload (IndexedDB "pingan-visits", read by visit_queue.js).
"use strict";
var CACHE = "pingan-field-v2";  // a new name when the kept assets change
var ASSETS = [
  "/static/css/app.css",
  "/static/css/checkin.css",
  "/static/js/scanner.js",
  "/static/js/upload_queue.js",
  "/static/js/offline_queue.js",
  "/static/js/visits.js",
  "/static/js/visit_queue.js",
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
  return request.mode === "navigate" &&
    (url.pathname.indexOf("/events/") === 0 || url.pathname.indexOf("/visits/") === 0);
}

var VISIT_FORM = /^\/visits\/households\/(\d+)$/;

function openVisits() {
  return new Promise(function (resolve, reject) {
    var request = indexedDB.open("pingan-visits", 1);
    request.onupgradeneeded = function () {
      request.result.createObjectStore("visits", { keyPath: "key" });
    };
    request.onsuccess = function () { resolve(request.result); };
    request.onerror = function () { reject(request.error); };
  });
}

// The visit form was sent but the network failed: keep the visit as the page would have.
function keepVisit(householdId, form) {
  var card = String(form.get("card_token") || "").trim();
  var body = {
    household_id: householdId,
    note: String(form.get("note") || ""),
    follow_up: String(form.get("follow_up") || ""),
    hazard_found: !!form.get("hazard_found"),
    dispute_found: !!form.get("dispute_found")
  };
  if (card) { body.confirmation = "card"; body.card_token = card; }
  else {
    body.confirmation = "in_person";
    body.member_id = Number(form.get("member_id") || 0);
  }
  var item = {
    key: self.crypto.randomUUID(), label: String(form.get("queue_label") || ""), body: body,
    visitedAt: new Date().toISOString(), state: "pending"
  };
  return openVisits().then(function (db) {
    return new Promise(function (resolve, reject) {
      var request = db.transaction("visits", "readwrite").objectStore("visits").put(item);
      request.onsuccess = function () { resolve(item); };
      request.onerror = function () { reject(request.error); };
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  var form = url.origin === self.location.origin && VISIT_FORM.exec(url.pathname);
  if (request.method === "POST" && request.mode === "navigate" && form) {
    var copy = request.clone();
    event.respondWith(
      fetch(request).catch(function () {
        return copy.formData().then(function (data) {
          return keepVisit(Number(form[1]), data);
        }).then(function () {
          return Response.redirect(new URL(url.pathname + "?kept=1", self.location.origin).href, 303);
        });
      })
    );
    return;
  }
  if (request.method !== "GET") return;
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
