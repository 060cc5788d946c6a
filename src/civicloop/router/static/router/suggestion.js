/* Routing suggestion on the judge page: one click puts the suggested category
   into the form's category field (the dispatcher still judges). */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("routing-suggestion");
    if (!box) return;
    // The judge form (#action-form), or whichever form of the page asks for the category
    // (e.g. a combined judge-and-dispatch page).
    var form = document.getElementById("action-form");
    var field = (form && form.querySelector("select[name=category]")) ||
      document.querySelector("form select[name=category]");
    var status = box.querySelector("[data-fill-status]");
    box.querySelectorAll("[data-fill-category]").forEach(function (button) {
      button.addEventListener("click", function () {
        if (!field) return;
        field.value = button.dataset.fillCategory;
        field.dispatchEvent(new Event("change", { bubbles: true }));
        field.focus();
        if (status && button.dataset.msgDone) status.textContent = button.dataset.msgDone;
      });
    });
  });
})();
