// What a page's offline list is made of, once for every page that keeps work without a
// network (offline_queue.js: scans; visit_queue.js: home visits): the IndexedDB store, the
// "N 条待上传" list and its answers, and the upload loop — oldest first, one at a time, with a
// fresh CSRF token, stopping at the first network failure and going on when the network is
// back (an item whose answer was lost is sent again with its key, and the server answers it
// once). Each page says what it keeps and how one item is sent:
//
//   pinganUploadQueue({
//     root,                    the list's section (data-csrf-url, data-sw-url, data-sw-scope,
//                              data-keep, data-msg-*)
//     database, storeName,     the IndexedDB database and its store (keyPath "key")
//     upgrade(db),             makes the store (and any index) the first time
//     query(store),            the IDBRequest that reads this page's items
//     timeField, timeOf(iso),  when an item was made, and how the list shows it
//     who(item),               the list's name for an item
//     doneState, doneText(item),  the state of an item the server took, and its line
//     send(item, csrf),        the page's own upload: a fetch, answering its Response
//     settle(item, status, body), marks a taken (or already taken) item; false otherwise
//     reloadBeforeFlush,       read the store again before each upload (another writer)
//     keepThisPage,            ask the service worker to keep this page too
//   })
//
// answers { items(), pending(), newKey(), msg(), save(), load(), render(), flush(),
// keepPages() }.
(function () {
  "use strict";
  var REFUSED = [403, 404, 409, 410, 422];

  window.pinganUploadQueue = function (page) {
    var root = page.root;
    var countBox = document.getElementById("queue-count");
    var listBox = document.getElementById("queue-list");
    var items = [];          // this device's list, newest first, as kept in IndexedDB
    var flushing = false;
    var dbPromise = null;

    function msg(name) { return root.dataset["msg" + name] || ""; }

    function newKey(prefix) {
      if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
      return prefix + "-" + Date.now() + "-" + Math.random().toString(16).slice(2);
    }

    function open() {
      if (dbPromise) return dbPromise;
      dbPromise = new Promise(function (resolve, reject) {
        var request = indexedDB.open(page.database, 1);
        request.onupgradeneeded = function () { page.upgrade(request.result); };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
      return dbPromise;
    }

    function store(mode) {
      return open().then(function (db) {
        return db.transaction(page.storeName, mode).objectStore(page.storeName);
      });
    }

    function save(item) {
      return store("readwrite").then(function (s) {
        return new Promise(function (resolve, reject) {
          var request = s.put(item);
          request.onsuccess = function () { resolve(item); };
          request.onerror = function () { reject(request.error); };
        });
      });
    }

    function load() {
      var when = page.timeField;
      return store("readonly").then(function (s) {
        return new Promise(function (resolve, reject) {
          var request = page.query(s);
          request.onsuccess = function () {
            items = request.result.sort(function (a, b) { return b[when] < a[when] ? -1 : 1; });
            resolve(items);
          };
          request.onerror = function () { reject(request.error); };
        });
      });
    }

    function pending() { return items.filter(function (i) { return i.state === "pending"; }); }

    function render() {
      countBox.textContent = pending().length;
      root.dataset.pending = pending().length;
      listBox.innerHTML = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.className = "queue-item queue-" + item.state;
        li.dataset.state = item.state;
        var who = document.createElement("strong");
        who.textContent = page.who(item);
        var when = document.createElement("span");
        when.className = "muted";
        when.textContent = " " + page.timeOf(item[page.timeField]) + " ";
        var what = document.createElement("span");
        what.className = "queue-answer";
        if (item.state === page.doneState) what.textContent = page.doneText(item);
        else if (item.state === "already") what.textContent = msg("Already");
        else if (item.state === "refused") what.textContent = msg("Refused") + "：" + (item.message || "");
        else what.textContent = msg("Pending");
        if (item.reason) li.dataset.reason = item.reason;
        li.appendChild(who); li.appendChild(when); li.appendChild(what);
        listBox.appendChild(li);
      });
    }

    function freshToken() {
      return fetch(root.dataset.csrfUrl, { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { if (!r.ok) throw new Error("no token"); return r.json(); })
        .then(function (b) { return b.csrf_token; });
    }

    function upload(item, csrf) {
      return page.send(item, csrf).then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (b) {
          if (page.settle(item, r.status, b)) {
            // taken now, or taken before: the page marked it
          } else if (REFUSED.indexOf(r.status) >= 0) {
            item.state = "refused"; item.message = b.message || ""; item.reason = b.reason || "";
          } else {
            throw new Error("retry later: " + r.status); // 400 (token), 401, 429, 5xx
          }
          return save(item);
        });
      });
    }

    // Send every waiting item, oldest first; stop at the first network failure.
    function flush() {
      if (flushing || !navigator.onLine) return Promise.resolve();
      if (!page.reloadBeforeFlush && !pending().length) return Promise.resolve();
      flushing = true;
      var ready = page.reloadBeforeFlush ? load() : Promise.resolve();
      return ready.then(function () {
        if (!pending().length) return null;
        root.dataset.uploading = "1";
        return freshToken().then(function (csrf) {
          var chain = Promise.resolve();
          pending().slice().reverse().forEach(function (item) {
            chain = chain.then(function () { return upload(item, csrf).then(render); });
          });
          return chain;
        });
      }).catch(function () { /* offline again or refused token: next time */ })
        .then(function () { flushing = false; root.dataset.uploading = ""; render(); });
    }

    // Ask the service worker to keep the pages this list needs offline.
    function keepPages() {
      if (!("serviceWorker" in navigator) || !window.isSecureContext) {
        var note = document.getElementById("field-https-note");
        if (note) note.hidden = false;
        return;
      }
      navigator.serviceWorker.register(root.dataset.swUrl, { scope: root.dataset.swScope })
        .then(function () { return navigator.serviceWorker.ready; })
        .then(function () { return navigator.serviceWorker.getRegistration(root.dataset.swScope); })
        .then(function (registration) {
          var keep = JSON.parse(root.dataset.keep || "[]");
          if (page.keepThisPage) keep.push(location.pathname + location.search);
          navigator.serviceWorker.addEventListener("message", function (e) {
            if (e.data && e.data.kept !== undefined) root.dataset.offlineReady = "1";
          });
          var worker = registration.active || registration.waiting || registration.installing;
          worker.postMessage({ keep: keep });
        })
        .catch(function () { /* pages then need the network */ });
    }

    return {
      items: function () { return items; },
      pending: pending, newKey: newKey, msg: msg, save: save, load: load, render: render,
      flush: flush, keepPages: keepPages
    };
  };
})();
