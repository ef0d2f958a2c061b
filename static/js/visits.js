// Home visits: scan a household's door code (the list page) or a member's card (the visit
// form) with the camera (qr-scanner, vendored). A door code opens that household's form; a
// card fills the form's card field. Typing or picking works without a camera.
(function () {
  "use strict";
  var root = document.getElementById("door-scanner") || document.getElementById("card-scanner");
  var video = document.getElementById("scanner-video");
  var start = document.getElementById("scanner-start");
  var status = document.getElementById("scanner-status");
  if (!root || !video || !start) return;
  var scanner = null;

  function done(result) {
    var text = (result && result.data ? result.data : String(result || "")).trim();
    if (!text) return;
    scanner.stop();
    video.hidden = true;
    if (root.id === "door-scanner") {
      document.getElementById("scanned-code").value = text;
      document.getElementById("scan-form").submit();
    } else {
      document.getElementById("card_token").value = text;
      status.textContent = root.dataset.scanned;
      start.hidden = false;
    }
  }

  // Exposed so that a code can be given without a camera (and by the tests).
  window.pinganVisitScan = done;

  start.addEventListener("click", function () {
    if (!window.QrScanner) { status.textContent = root.dataset.noCamera; return; }
    QrScanner.hasCamera().then(function (has) {
      if (!has) { status.textContent = root.dataset.noCamera; return; }
      video.hidden = false;
      scanner = scanner || new QrScanner(video, done, { returnDetailedScanResult: true, preferredCamera: "environment" });
      scanner.start().then(function () {
        status.textContent = root.dataset.scanning;
        start.hidden = true;
      }).catch(function () { status.textContent = root.dataset.noCamera; video.hidden = true; });
    });
  });
})();
