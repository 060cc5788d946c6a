/* Civicloop: the little JavaScript the pages need (no inline scripts). */
(function () {
  "use strict";

  // "Use my location": the phone's GPS (WGS-84) into the hidden latitude/longitude
  // fields; the server converts to GCJ-02 and finds the nearest grid.
  function setupGeolocation(box) {
    var button = box.querySelector("[data-geolocate-button]");
    var status = box.querySelector("[data-geolocate-status]");
    var lat = box.querySelector("input[name=latitude]");
    var lng = box.querySelector("input[name=longitude]");
    if (!button || !lat || !lng) return;
    button.addEventListener("click", function () {
      if (!("geolocation" in navigator)) {
        status.textContent = button.dataset.msgUnsupported;
        return;
      }
      button.setAttribute("aria-busy", "true");
      status.textContent = button.dataset.msgBusy;
      navigator.geolocation.getCurrentPosition(function (position) {
        lat.value = position.coords.latitude.toFixed(6);
        lng.value = position.coords.longitude.toFixed(6);
        button.removeAttribute("aria-busy");
        status.textContent = button.dataset.msgDone + " (" + lat.value + ", " + lng.value + ", ±" +
          Math.round(position.coords.accuracy) + " m)";
      }, function () {
        button.removeAttribute("aria-busy");
        status.textContent = button.dataset.msgFailed;
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }

  // Avoid double submission on slow mobile networks.
  function guardDoubleSubmit(form) {
    form.addEventListener("submit", function () {
      var buttons = form.querySelectorAll("button[type=submit]");
      window.setTimeout(function () {
        buttons.forEach(function (b) { b.disabled = true; b.setAttribute("aria-busy", "true"); });
      }, 0);
    });
  }

  // Coming back with the browser's back button: the buttons work again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("button[type=submit][disabled]").forEach(function (b) {
      b.disabled = false; b.removeAttribute("aria-busy");
    });
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-geolocate]").forEach(setupGeolocation);
    document.querySelectorAll("form[method=post]:not([hx-post])").forEach(guardDoubleSubmit);
  });
})();
