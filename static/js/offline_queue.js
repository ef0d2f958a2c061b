// Scans made without a network: kept in IndexedDB with a key made here, the time scanned and
// this device; "N 条待上传"; uploaded when the network is back, each with its answer
// (awarded / already / refused and why). The server judges each at the time it was scanned
// and once per key, so sending the list again never awards twice. The list, the store and
// the upload loop: static/js/upload_queue.js.
(function () {
  "use strict";
  var root = document.getElementById("field-queue");
  if (!root) return;
  var eventId = Number(root.dataset.eventId);
  var postUrl = root.dataset.postUrl;

  var queue = window.pinganUploadQueue({
    root: root,
    database: "pingan-field",
    storeName: "scans",
    upgrade: function (db) {
      var store = db.createObjectStore("scans", { keyPath: "key" });
      store.createIndex("event", "event");
    },
    query: function (store) { return store.index("event").getAll(eventId); },
    timeField: "scannedAt",
    timeOf: function (iso) {
      var d = new Date(iso);
      return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
    },
    who: function (item) { return item.name || item.label || queue.msg("Card"); },
    doneState: "awarded",
    doneText: function (item) { return queue.msg("Awarded") + " +" + item.points; },
    send: function (item, csrf) {
      var body = Object.assign({}, item.body, { scanned_at: item.scannedAt, device_id: item.device });
      return fetch(item.url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json", Accept: "application/json",
          "X-CSRFToken": csrf, "Idempotency-Key": item.key
        },
        body: JSON.stringify(body)
      });
    },
    settle: function (item, status, b) {
      if (status === 201 || (status === 200 && !b.already)) {
        item.state = "awarded"; item.points = b.points; item.name = b.resident_name;
      } else if (status === 200) {
        item.state = "already"; item.name = b.resident_name;
      } else {
        return false;
      }
      return true;
    }
  });

  function device() {
    var id = null;
    try { id = localStorage.getItem("pingan-device"); } catch (e) { /* private mode */ }
    if (!id) {
      id = "d-" + queue.newKey("k").slice(0, 18);
      try { localStorage.setItem("pingan-device", id); } catch (e) { /* kept for this page */ }
    }
    return id;
  }

  function same(a, b) {
    return (a.card_token && a.card_token === b.card_token) ||
      (a.resident_id && a.resident_id === b.resident_id);
  }

  function listed(body) { return queue.items().some(function (i) { return same(i.body, body); }); }

  // Keep one scan; a card or person already on this event's list is not kept twice.
  function offer(body, label) {
    if (listed(body)) return Promise.resolve("listed");
    var item = {
      key: queue.newKey("k"), event: eventId, url: postUrl, body: body, label: label || "",
      scannedAt: new Date().toISOString(), device: device(), state: "pending"
    };
    queue.items().unshift(item);
    queue.render();
    return queue.save(item).then(function () { return "queued"; });
  }

  // Send the whole list again (a second phone's copy, a doubtful upload): nothing new is
  // awarded; each scan gets its first answer back.
  function uploadAgain() {
    var items = queue.items();
    items.forEach(function (i) { if (i.state !== "refused") i.state = "pending"; });
    return Promise.all(items.map(queue.save)).then(queue.flush);
  }

  window.pinganQueue = {
    offer: offer, listed: listed, flush: queue.flush, uploadAgain: uploadAgain,
    count: function () { return queue.pending().length; }
  };
  window.addEventListener("online", queue.flush);
  setInterval(queue.flush, 15000);
  queue.load().then(queue.render).then(queue.flush).then(function () { root.dataset.loaded = "1"; });
  queue.keepPages();

  // The manual page: without a network, a tap on 签到 is kept like a scan.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (navigator.onLine || !form.matches("[data-offline-checkin]")) return;
    e.preventDefault();
    var id = Number(form.querySelector("[name=resident_id]").value);
    offer({ resident_id: id }, form.dataset.name).then(function (r) {
      var button = form.querySelector("button");
      button.disabled = true;
      button.textContent = r === "listed" ? queue.msg("Listed") : queue.msg("Queued");
    });
  });
})();
