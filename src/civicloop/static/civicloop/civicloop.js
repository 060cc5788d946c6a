/* Civicloop: the little JavaScript the pages need (no inline scripts). */
(function () {
  "use strict";

  // "Use my location": the phone's GPS (WGS-84) into the hidden latitude/longitude
  // fields; the server converts to GCJ-02 and finds the grid the point lies in.
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
        var datum = box.querySelector("input[name=datum]");
        if (datum) datum.value = "wgs84";
        // The place map (placemap.js) moves its marker and finds the place.
        box.dispatchEvent(new CustomEvent("civicloop:located", { bubbles: true,
          detail: { latitude: position.coords.latitude, longitude: position.coords.longitude } }));
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

  // The searchable fallback of a long place list: typing narrows the options of the
  // select named by data-filter-select and selects the first that matches.
  function setupSelectFilter(input) {
    var select = document.getElementById(input.dataset.filterSelect);
    if (!select) return;
    input.addEventListener("input", function () {
      var query = input.value.trim();
      var first = null;
      Array.prototype.forEach.call(select.options, function (option) {
        var match = !query || option.textContent.indexOf(query) !== -1;
        option.hidden = !match;
        if (match && !first && option.value) first = option;
      });
      if (query && first) {
        select.value = first.value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }

  // A suggested category at intake: the category whose name the description mentions is
  // chosen until the person picks one themselves (the command room confirms it at judgement).
  function setupCategorySuggestion(select) {
    var text = document.getElementById(select.dataset.suggestFrom);
    var note = document.getElementById(select.dataset.suggestNote);
    if (!text) return;
    var touched = false;
    select.addEventListener("change", function (e) { if (e.isTrusted) touched = true; });
    text.addEventListener("input", function () {
      if (touched) return;
      var value = text.value, best = null;
      Array.prototype.forEach.call(select.options, function (option) {
        var name = option.textContent.trim();
        if (option.value && name.length >= 2 && value.indexOf(name) !== -1 &&
            (!best || name.length > best.textContent.trim().length)) best = option;
      });
      if (best && select.value !== best.value) {
        select.value = best.value;
        if (note) note.textContent = select.dataset.suggestMessage.replace("%s", best.textContent.trim());
      }
    });
  }

  // The menu button of narrow screens folds the main navigation in and out.
  function setupMenuToggle(button) {
    var header = button.closest(".site-header");
    button.addEventListener("click", function () {
      var open = header.classList.toggle("menu-open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.getElementById("menu-toggle");
    if (toggle) setupMenuToggle(toggle);
    document.querySelectorAll("[data-filter-select]").forEach(setupSelectFilter);
    document.querySelectorAll("select[data-suggest-from]").forEach(setupCategorySuggestion);
    document.querySelectorAll("[data-geolocate]").forEach(setupGeolocation);
    document.querySelectorAll("form[method=post]:not([hx-post])").forEach(guardDoubleSubmit);
  });
})();
