// The inspection record on a phone: the GPS point (WGS-84, converted by the server) and a
// small signature pad whose drawing is sent as a PNG data URL. No inline script (CSP).
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () {
    var form = document.getElementById("record-form");
    if (!form) return;
    var status = document.getElementById("location-status");
    if (navigator.geolocation && status) {
      status.textContent = status.dataset.waiting;
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.querySelector("[name=latitude]").value = pos.coords.latitude.toFixed(6);
        form.querySelector("[name=longitude]").value = pos.coords.longitude.toFixed(6);
        status.textContent = status.dataset.found;
      }, function () { status.textContent = status.dataset.failed; }, { timeout: 10000 });
    }
    var canvas = document.getElementById("signature-pad");
    var output = form.querySelector("[name=signature_image]");
    if (!canvas || !output) return;
    var ctx = canvas.getContext("2d");
    var drawing = false, drawn = false;
    ctx.lineWidth = 2; ctx.lineCap = "round";
    function point(e) {
      var r = canvas.getBoundingClientRect();
      var t = e.touches ? e.touches[0] : e;
      return [(t.clientX - r.left) * canvas.width / r.width, (t.clientY - r.top) * canvas.height / r.height];
    }
    function start(e) { drawing = true; var p = point(e); ctx.beginPath(); ctx.moveTo(p[0], p[1]); e.preventDefault(); }
    function move(e) { if (!drawing) return; var p = point(e); ctx.lineTo(p[0], p[1]); ctx.stroke(); drawn = true; e.preventDefault(); }
    function end() { if (drawing && drawn) output.value = canvas.toDataURL("image/png"); drawing = false; }
    canvas.addEventListener("mousedown", start); canvas.addEventListener("mousemove", move);
    window.addEventListener("mouseup", end);
    canvas.addEventListener("touchstart", start); canvas.addEventListener("touchmove", move);
    canvas.addEventListener("touchend", end);
    document.getElementById("signature-clear").addEventListener("click", function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height); output.value = ""; drawn = false;
    });
  });
})();
