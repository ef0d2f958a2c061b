// Scans made without a network: kept in IndexedDB with a key made here, the time scanned and
// this device; "N 条待上传"; uploaded when the network is back, each with its answer
// (awarded / already / refused and why). The server judges each at the time it was scanned
// and once per key, so sending the list again never awards twice.
(function () {
  "use strict";
  var root = document.getElementById("field-queue");
  if (!root) return;
  var eventId = Number(root.dataset.eventId);
  var postUrl = root.dataset.postUrl;
  var countBox = document.getElementById("queue-count");
  var listBox = document.getElementById("queue-list");
  var items = [];          // this device's list, newest first, as kept in IndexedDB
  var flushing = false;
  var dbPromise = null;

  function msg(name) { return root.dataset["msg" + name] || ""; }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "k-" + Date.now() + "-" + Math.random().toString(16).slice(2);
  }

  function device() {
    var id = null;
    try { id = localStorage.getItem("pingan-device"); } catch (e) { /* private mode */ }
    if (!id) {
      id = "d-" + newKey().slice(0, 18);
      try { localStorage.setItem("pingan-device", id); } catch (e) { /* kept for this page */ }
    }
    return id;
  }

  function open() {
    if (dbPromise) return dbPromise;
    dbPromise = new Promise(function (resolve, reject) {
      var request = indexedDB.open("pingan-field", 1);
      request.onupgradeneeded = function () {
        var store = request.result.createObjectStore("scans", { keyPath: "key" });
        store.createIndex("event", "event");
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
    return dbPromise;
  }

  function store(mode) {
    return open().then(function (db) { return db.transaction("scans", mode).objectStore("scans"); });
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
    return store("readonly").then(function (s) {
      return new Promise(function (resolve, reject) {
        var request = s.index("event").getAll(eventId);
        request.onsuccess = function () {
          items = request.result.sort(function (a, b) { return b.scannedAt < a.scannedAt ? -1 : 1; });
          resolve(items);
        };
        request.onerror = function () { reject(request.error); };
      });
    });
  }

  function pending() { return items.filter(function (i) { return i.state === "pending"; }); }

  function timeOf(iso) {
    var d = new Date(iso);
    return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  function render() {
    countBox.textContent = pending().length;
    root.dataset.pending = pending().length;
    listBox.innerHTML = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "queue-item queue-" + item.state;
      li.dataset.state = item.state;
      var who = document.createElement("strong");
      who.textContent = item.name || item.label || msg("Card");
      var when = document.createElement("span");
      when.className = "muted";
      when.textContent = " " + timeOf(item.scannedAt) + " ";
      var what = document.createElement("span");
      what.className = "queue-answer";
      if (item.state === "awarded") what.textContent = msg("Awarded") + " +" + item.points;
      else if (item.state === "already") what.textContent = msg("Already");
      else if (item.state === "refused") what.textContent = msg("Refused") + "：" + (item.message || "");
      else what.textContent = msg("Pending");
      if (item.reason) li.dataset.reason = item.reason;
      li.appendChild(who); li.appendChild(when); li.appendChild(what);
      listBox.appendChild(li);
    });
  }

  function same(a, b) {
    return (a.card_token && a.card_token === b.card_token) ||
      (a.resident_id && a.resident_id === b.resident_id);
  }

  // Keep one scan; a card or person already on this event's list is not kept twice.
  function offer(body, label) {
    var listed = items.some(function (i) { return same(i.body, body); });
    if (listed) return Promise.resolve("listed");
    var item = {
      key: newKey(), event: eventId, url: postUrl, body: body, label: label || "",
      scannedAt: new Date().toISOString(), device: device(), state: "pending"
    };
    items.unshift(item);
    render();
    return save(item).then(function () { return "queued"; });
  }

  function listed(body) { return items.some(function (i) { return same(i.body, body); }); }

  function freshToken() {
    return fetch(root.dataset.csrfUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error("no token"); return r.json(); })
      .then(function (b) { return b.csrf_token; });
  }

  function upload(item, csrf) {
    var body = Object.assign({}, item.body, { scanned_at: item.scannedAt, device_id: item.device });
    return fetch(item.url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json", Accept: "application/json",
        "X-CSRFToken": csrf, "Idempotency-Key": item.key
      },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (b) {
        if (r.status === 201 || (r.status === 200 && !b.already)) {
          item.state = "awarded"; item.points = b.points; item.name = b.resident_name;
        } else if (r.status === 200) {
          item.state = "already"; item.name = b.resident_name;
        } else if ([403, 404, 409, 410, 422].indexOf(r.status) >= 0) {
          item.state = "refused"; item.message = b.message || ""; item.reason = b.reason || "";
        } else {
          throw new Error("retry later: " + r.status); // 400 (token), 401, 429, 5xx
        }
        return save(item);
      });
    });
  }

  // Send every waiting scan, one at a time; stop at the first network failure and go on
  // when the network is back (a scan whose answer was lost is sent again with its key).
  function flush() {
    if (flushing || !navigator.onLine || !pending().length) return Promise.resolve();
    flushing = true;
    root.dataset.uploading = "1";
    return freshToken().then(function (csrf) {
      var chain = Promise.resolve();
      pending().slice().reverse().forEach(function (item) {
        chain = chain.then(function () { return upload(item, csrf).then(render); });
      });
      return chain;
    }).catch(function () { /* offline again or refused token: next time */ })
      .then(function () { flushing = false; root.dataset.uploading = ""; render(); });
  }

  // Send the whole list again (a second phone's copy, a doubtful upload): nothing new is
  // awarded; each scan gets its first answer back.
  function uploadAgain() {
    items.forEach(function (i) { if (i.state !== "refused") i.state = "pending"; });
    return Promise.all(items.map(save)).then(flush);
  }

  function keepPages() {
    if (!("serviceWorker" in navigator) || !window.isSecureContext) {
      var note = document.getElementById("field-https-note");
      if (note) note.hidden = false;
      return;
    }
    navigator.serviceWorker.register(root.dataset.swUrl, { scope: root.dataset.swScope })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function (registration) {
        var keep = JSON.parse(root.dataset.keep || "[]");
        navigator.serviceWorker.addEventListener("message", function (e) {
          if (e.data && e.data.kept !== undefined) root.dataset.offlineReady = "1";
        });
        registration.active.postMessage({ keep: keep });
      })
      .catch(function () { /* pages then need the network */ });
  }

  window.pinganQueue = {
    offer: offer, listed: listed, flush: flush, uploadAgain: uploadAgain,
    count: function () { return pending().length; }
  };
  window.addEventListener("online", flush);
  setInterval(flush, 15000);
  load().then(render).then(flush).then(function () { root.dataset.loaded = "1"; });
  keepPages();

  // The manual page: without a network, a tap on 签到 is kept like a scan.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (navigator.onLine || !form.matches("[data-offline-checkin]")) return;
    e.preventDefault();
    var id = Number(form.querySelector("[name=resident_id]").value);
    offer({ resident_id: id }, form.dataset.name).then(function (r) {
      var button = form.querySelector("button");
      button.disabled = true;
      button.textContent = r === "listed" ? msg("Listed") : msg("Queued");
    });
  });
})();
