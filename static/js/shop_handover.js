// Hand-over page: scan a voucher QR with the camera and submit its code (typed codes work too).
(function () {
  "use strict";
  var script = document.currentScript;
  var video = document.getElementById("scanner-video");
  var start = document.getElementById("scanner-start");
  var status = document.getElementById("scanner-status");
  var form = document.getElementById("handover-form");
  var input = document.getElementById("code");
  if (!video || !start || !window.QrScanner) return;
  var scanner = null;

  function done(result) {
    var text = (result && result.data ? result.data : String(result || "")).trim();
    if (!text) return;
    scanner.stop();
    input.value = text;
    form.submit();
  }

  start.addEventListener("click", function () {
    QrScanner.hasCamera().then(function (has) {
      if (!has) { status.textContent = script.dataset.noCamera; return; }
      video.hidden = false;
      scanner = scanner || new QrScanner(video, done, { returnDetailedScanResult: true });
      scanner.start().then(function () {
        status.textContent = script.dataset.scanning;
        start.hidden = true;
      }).catch(function () { status.textContent = script.dataset.noCamera; video.hidden = true; });
    });
  });
})();
