// The staff scanner: read residents' card QR codes with the camera (qr-scanner, vendored) and
// check each in with an Idempotency-Key; answer with a colour, a beep and the name.
(function () {
  "use strict";
  var root = document.getElementById("scanner");
  if (!root) return;
  var video = document.getElementById("scanner-video");
  var result = document.getElementById("scan-result");
  var counter = document.getElementById("scan-count");
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var postUrl = root.dataset.postUrl;
  var busy = false;
  var last = { text: "", at: 0 };
  var scans = 0;
  var audio = null;

  function beep(ok) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.frequency.value = ok ? 880 : 220;
      osc.type = ok ? "sine" : "square";
      gain.gain.value = 0.2;
      osc.connect(gain); gain.connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + (ok ? 0.15 : 0.45));
    } catch (e) { /* no audio: the colour still tells */ }
  }

  function key() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "scan-" + Date.now() + "-" + Math.random().toString(16).slice(2);
  }

  function show(kind, title, detail) {
    result.className = "scan-result scan-" + kind;
    result.dataset.kind = kind;
    result.innerHTML = "";
    var strong = document.createElement("strong");
    strong.textContent = title;
    result.appendChild(strong);
    if (detail) {
      var span = document.createElement("span");
      span.textContent = detail;
      result.appendChild(span);
    }
  }

  // Without a network (or for a card already on the offline list) the scan is kept on this
  // phone and uploaded later (offline_queue.js), judged at the time it was scanned.
  function keep(cardToken) {
    window.pinganQueue.offer({ card_token: cardToken }).then(function (how) {
      show("queued", how === "listed" ? root.dataset.msgListed : root.dataset.msgQueued, "");
      beep(true);
    });
  }

  function send(cardToken) {
    busy = true;
    scans += 1;
    counter.textContent = scans;
    var queue = window.pinganQueue;
    if (queue && (!navigator.onLine || queue.listed({ card_token: cardToken }))) {
      keep(cardToken);
      setTimeout(function () { busy = false; }, 1200);
      return;
    }
    fetch(postUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Idempotency-Key": key(), Accept: "application/json" },
      body: JSON.stringify({ card_token: cardToken })
    })
      .then(function (r) { return r.json().then(function (body) { return { status: r.status, body: body }; }); })
      .then(function (answer) {
        var b = answer.body;
        if (answer.status === 201) {
          show("ok", root.dataset.msgOk + " · " + b.resident_name, "+" + b.points);
          beep(true);
        } else if (answer.status === 200 && b.already) {
          show("already", root.dataset.msgAlready + " · " + b.resident_name, b.checked_in_at ? new Date(b.checked_in_at).toLocaleTimeString() : "");
          beep(true);
        } else {
          show("fail", root.dataset.msgFail, b.message || "");
          beep(false);
        }
      })
      .catch(function () {
        if (queue) keep(cardToken);  // the network went away on the way
        else { show("fail", root.dataset.msgFail, ""); beep(false); }
      })
      .finally(function () { setTimeout(function () { busy = false; }, 1200); });
  }

  function decoded(result) {
    var text = (result && result.data ? result.data : String(result || "")).trim();
    var now = Date.now();
    // The same card held in front of the camera is sent once every few seconds at most.
    if (!text || busy || (text === last.text && now - last.at < 4000)) return;
    last = { text: text, at: now };
    send(text);
  }

  // Exposed so that a card can be typed in or tested without a camera.
  window.pinganScanCard = send;

  if (!window.QrScanner) {
    show("fail", root.dataset.msgCamera, "");
    return;
  }
  // qr-scanner uses the phone's own BarcodeDetector where there is one, else its worker.
  var scanner = new QrScanner(video, decoded, {
    returnDetailedScanResult: true,
    preferredCamera: "environment",
    maxScansPerSecond: 8
  });
  scanner.start().catch(function () { show("fail", root.dataset.msgCamera, ""); });
})();
