// Home visits made without a network: the visit form keeps each one in IndexedDB with a key
// made here and the time it was recorded; "N 条待上传"; uploaded to the visits API when the
// network is back, each with its answer (recorded / already / refused and why). The server
// judges each on its own day and once per key, so sending one again never awards twice.
// The service worker keeps the household list and each visit form for reloads offline (and
// keeps a visit itself when a form is sent and the network fails: static/js/sw.js). The
// list, the store and the upload loop: static/js/upload_queue.js.
(function () {
  "use strict";
  var root = document.getElementById("visit-queue");
  if (!root) return;

  var queue = window.pinganUploadQueue({
    root: root,
    // The same database the service worker writes to (sw.js: keepVisit), so the list is
    // read again before each upload.
    database: "pingan-visits",
    storeName: "visits",
    upgrade: function (db) { db.createObjectStore("visits", { keyPath: "key" }); },
    query: function (store) { return store.getAll(); },
    reloadBeforeFlush: true,
    keepThisPage: true,
    timeField: "visitedAt",
    timeOf: function (iso) {
      var d = new Date(iso);
      return d.toLocaleString([], { month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
    },
    who: function (item) { return item.label || ("#" + item.body.household_id); },
    doneState: "recorded",
    doneText: function (item) { return queue.msg("Recorded") + " +" + (item.points || 0); },
    send: function (item, csrf) {
      var body = Object.assign({}, item.body, { visited_at: item.visitedAt, client_key: item.key });
      return fetch(root.dataset.postUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify(body)
      });
    },
    settle: function (item, status, b) {
      if (status === 201) {
        item.state = "recorded"; item.points = b.member_points;
      } else if (status === 200) {
        item.state = "already";
      } else {
        return false;
      }
      return true;
    }
  });

  // The visit form without a network: keep the visit here instead of sending it.
  function keepVisit(form) {
    var status = document.getElementById("visit-queue-status");
    var card = (form.querySelector("[name=card_token]").value || "").trim();
    var inPerson = form.querySelector("[name=in_person]").checked;
    var member = form.querySelector("[name=member_id]:checked");
    if (!card && !(inPerson && member)) {
      status.textContent = queue.msg("Confirm");
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
      key: queue.newKey("v"), label: form.dataset.label, body: body,
      visitedAt: new Date().toISOString(), state: "pending"
    };
    return queue.save(item).then(queue.load).then(function () {
      queue.render();
      form.reset();
      status.textContent = queue.msg("Queued");
    });
  }

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (navigator.onLine || !form.matches("[data-offline-visit]")) return;
    e.preventDefault();
    keepVisit(form);
  });

  window.pinganVisitQueue = { flush: queue.flush, count: function () { return queue.pending().length; } };
  window.addEventListener("online", queue.flush);
  setInterval(queue.flush, 15000);
  queue.load().then(queue.render).then(function () {
    var status = document.getElementById("visit-queue-status");
    if (status && /[?&]kept=1/.test(location.search) && queue.pending().length) status.textContent = queue.msg("Queued");
  }).then(queue.flush).then(function () { root.dataset.loaded = "1"; });
  queue.keepPages();
})();
