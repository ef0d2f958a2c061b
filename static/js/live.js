// The live QR page: fetch the next code before the current one expires, without reloading.
(function () {
  "use strict";
  var root = document.getElementById("live");
  if (!root) return;
  var url = root.dataset.qrUrl;
  var token = root.dataset.token;
  var left = parseInt(root.dataset.expiresIn, 10) || 30;
  var qr = document.getElementById("live-qr");
  var count = document.getElementById("live-count");
  var timer = document.getElementById("live-timer");
  var recent = document.getElementById("live-recent");
  var offline = document.getElementById("live-offline");
  var POLL_MS = 3000;

  function render(data) {
    if (data.token !== token) {
      token = data.token;
      qr.innerHTML = data.svg;
      root.dataset.token = token;
    }
    left = data.expires_in;
    count.textContent = data.checkin_count;
    recent.innerHTML = "";
    (data.recent || []).forEach(function (item) {
      var li = document.createElement("li");
      li.textContent = item.name + " ";
      var small = document.createElement("small");
      small.textContent = item.at;
      li.appendChild(small);
      recent.appendChild(li);
    });
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) { offline.hidden = true; render(data); })
      .catch(function () { offline.hidden = false; })
      .finally(function () {
        // Poll often for the count; never later than one second before the code changes.
        setTimeout(poll, Math.max(500, Math.min(POLL_MS, (left - 1) * 1000)));
      });
  }

  setInterval(function () {
    if (left > 0) left -= 1;
    timer.textContent = left;
  }, 1000);
  setTimeout(poll, Math.max(500, Math.min(POLL_MS, (left - 1) * 1000)));
})();
