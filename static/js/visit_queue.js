// Home visits made without a network: the visit form keeps each one in IndexedDB with a key
// made here and the time it was recorded; "N 条待上传"; uploaded to the visits API when the
// network is back, each with its answer (recorded / already / refused and why). The server
// judges each on its own day and once per key, so sending one again never awards twice.
// The service worker keeps the household list and each visit form for reloads offline (and
// keeps a visit itself when a form is sent and the network fails: static/js/sw.js).
(function () {
  "use strict";
  var root = document.getElementById("visit-queue");
  if (!root) return;
  var countBox = document.getElementById("queue-count");
  var listBox = document.getElementById("queue-list");
  var items = [];
  var flushing = false;
  var dbPromise = null;

  function msg(name) { return root.dataset["msg" + name] || ""; }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "v-" + Date.now() + "-" + Math.random().toString(16).slice(2);
  }

  // The same database the service worker writes to (sw.js: keepVisit).
  function open() {
    if (dbPromise) return dbPromise;
    dbPromise = new Promise(function (resolve, reject) {
      var request = indexedDB.open("pingan-visits", 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore("visits", { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
    return dbPromise;
  }

  function store(mode) {
    return open().then(function (db) { return db.transaction("visits", mode).objectStore("visits"); });
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
        var request = s.getAll();
        request.onsuccess = function () {
          items = request.result.sort(function (a, b) { return b.visitedAt < a.visitedAt ? -1 : 1; });
          resolve(items);
        };
        request.onerror = function () { reject(request.error); };
      });
    });
  }

  function pending() { return items.filter(function (i) { return i.state === "pending"; }); }

  function timeOf(iso) {
    var d = new Date(iso);
    return d.toLocaleString([], { month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
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
      who.textContent = item.label || ("#" + item.body.household_id);
      var when = document.createElement("span");
      when.className = "muted";
      when.textContent = " " + timeOf(item.visitedAt) + " ";
      var what = document.createElement("span");
      what.className = "queue-answer";
      if (item.state === "recorded") what.textContent = msg("Recorded") + " +" + (item.points || 0);
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
    var body = Object.assign({}, item.body, { visited_at: item.visitedAt, client_key: item.key });
    return fetch(root.dataset.postUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (b) {
        if (r.status === 201) {
          item.state = "recorded"; item.points = b.member_points;
        } else if (r.status === 200) {
          item.state = "already";
        } else if ([403, 404, 409, 410, 422].indexOf(r.status) >= 0) {
          item.state = "refused"; item.message = b.message || ""; item.reason = b.reason || "";
        } else {
          throw new Error("retry later: " + r.status); // 400 (token), 401, 429, 5xx
        }
        return save(item);
      });
    });
  }

  // Send every waiting visit, oldest first; stop at the first network failure and go on
  // when the network is back (a visit whose answer was lost is sent again with its key).
  function flush() {
    if (flushing || !navigator.onLine) return Promise.resolve();
    flushing = true;
    return load().then(function () {
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
        keep.push(location.pathname + location.search);
        navigator.serviceWorker.addEventListener("message", function (e) {
          if (e.data && e.data.kept !== undefined) root.dataset.offlineReady = "1";
        });
        var worker = registration.active || registration.waiting || registration.installing;
        worker.postMessage({ keep: keep });
      })
      .catch(function () { /* pages then need the network */ });
  }

  // The visit form without a network: keep the visit here instead of sending it.
  function keepVisit(form) {
    var status = document.getElementById("visit-queue-status");
    var card = (form.querySelector("[name=card_token]").value || "").trim();
    var inPerson = form.querySelector("[name=in_person]").checked;
    var member = form.querySelector("[name=member_id]:checked");
    if (!card && !(inPerson && member)) {
      status.textContent = msg("Confirm");
      return Promise.resolve();
    }
    var body = {
      household_id: Number(form.dataset.householdId),
      note: form.querySelector("[name=note]").value,
      follow_up: form.querySelector("[name=follow_up]").value,
      hazard_found: form.querySelector("[name=hazard_found]").checked,
      dispute_found: form.querySelector("[name=dispute_found]").checked
    };
    if (card) { body.confirmation = "card"; body.card_token = card; }
    else { body.confirmation = "in_person"; body.member_id = Number(member.value); }
    var item = {
      key: newKey(), label: form.dataset.label, body: body,
      visitedAt: new Date().toISOString(), state: "pending"
    };
    return save(item).then(load).then(function () {
      render();
      form.reset();
      status.textContent = msg("Queued");
    });
  }

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (navigator.onLine || !form.matches("[data-offline-visit]")) return;
    e.preventDefault();
    keepVisit(form);
  });

  window.pinganVisitQueue = { flush: flush, count: function () { return pending().length; } };
  window.addEventListener("online", flush);
  setInterval(flush, 15000);
  load().then(render).then(function () {
    var status = document.getElementById("visit-queue-status");
    if (status && /[?&]kept=1/.test(location.search) && pending().length) status.textContent = msg("Queued");
  }).then(flush).then(function () { root.dataset.loaded = "1"; });
  keepPages();
})();
