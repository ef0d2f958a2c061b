// The hazard report: the position only when the reporter ticks the box and the browser allows it.
(function () {
  "use strict";
  var box = document.querySelector("input[data-geo]");
  if (!box) {
    return;
  }
  var form = box.form;
  var status = document.querySelector("[data-geo-status]");
  function say(text) {
    if (status) {
      status.hidden = !text;
      status.textContent = text || "";
    }
  }
  function clear() {
    form.elements.lat.value = "";
    form.elements.lng.value = "";
  }
  box.addEventListener("change", function () {
    clear();
    if (!box.checked) {
      say("");
      return;
    }
    if (!navigator.geolocation) {
      box.checked = false;
      say(box.getAttribute("data-no-geo") || "");
      return;
    }
    navigator.geolocation.getCurrentPosition(
      function (where) {
        form.elements.lat.value = where.coords.latitude.toFixed(6);
        form.elements.lng.value = where.coords.longitude.toFixed(6);
        say("✓");
      },
      function () {
        box.checked = false;
        clear();
        say(box.getAttribute("data-no-geo") || "");
      },
      { enableHighAccuracy: true, timeout: 10000 }
    );
  });
})();
