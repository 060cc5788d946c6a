/* The work log's offline-tolerant form (docs/scoring.md).
 *
 * - Each form carries a client key (hidden field ``client_key``) made on the phone; the server
 *   records at most one visit or activity per key, so a resend is never a duplicate.
 * - Every change is kept as a draft in localStorage (photos cannot be: they must be added
 *   again), restored when the page is opened again.
 * - Sending goes through fetch: when the network is down the draft stays, the page says so and
 *   the form is sent again when the connection returns (or on "Send now"). When the server
 *   answers with the saved record, the draft is dropped; any other answer (a refusal to
 *   correct) is shown by submitting the form the ordinary way.
 * No inline script, no CDN: served from static/ under the Content-Security-Policy.
 */
(function () {
  "use strict";

  var SKIP = { csrfmiddlewaretoken: true, submission_token: true };

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function read(storageKey) {
    try {
      return JSON.parse(window.localStorage.getItem(storageKey) || "null");
    } catch (e) {
      return null;
    }
  }

  function write(storageKey, value) {
    try {
      if (value === null) window.localStorage.removeItem(storageKey);
      else window.localStorage.setItem(storageKey, JSON.stringify(value));
    } catch (e) { /* storage full or disabled: the form still works online */ }
  }

  function snapshot(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP[el.name] || el.type === "file" || el.type === "submit" ||
          el.type === "button") return;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      values[el.name] = el.value;
    });
    return values;
  }

  function restore(form, values) {
    Object.keys(values).forEach(function (name) {
      var fields = form.querySelectorAll("[name='" + name + "']");
      Array.prototype.forEach.call(fields, function (el) {
        if (el.type === "radio" || el.type === "checkbox") el.checked = el.value === values[name];
        else if (el.type !== "file") el.value = values[name];
      });
    });
  }

  function setup(form) {
    var storageKey = form.dataset.offlineDraft;
    var status = form.querySelector("#worklog-status");
    var retry = form.querySelector("#worklog-retry");
    var keyField = form.querySelector("input[name=client_key]");
    var draft = read(storageKey);
    var hasErrors = form.querySelector(".field-error, .form-errors");
    if (draft && draft.values && !hasErrors) {
      restore(form, draft.values);
      status.textContent = draft.pending ? form.dataset.msgOffline : form.dataset.msgRestored;
      if (draft.pending) retry.hidden = false;
    }
    if (keyField && !keyField.value) keyField.value = newKey();

    function save(pending) {
      write(storageKey, { values: snapshot(form), pending: !!pending });
    }

    form.addEventListener("input", function () { save(false); });
    form.addEventListener("change", function () { save(false); });

    var sending = false;
    function send() {
      if (sending) return;
      sending = true;
      save(true);
      status.textContent = form.dataset.msgSending;
      var body = new FormData(form);
      window.fetch(form.action || window.location.href, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        redirect: "follow",
      }).then(function (response) {
        sending = false;
        if (response.ok && response.redirected) {
          write(storageKey, null);
          window.location.assign(response.url);
          return;
        }
        // A refusal: let the server's page show it on the form.
        HTMLFormElement.prototype.submit.call(form);
      }, function () {
        sending = false;
        // civicloop.js disables the buttons on submit (no double sending): enable them again.
        form.querySelectorAll("button").forEach(function (b) {
          b.disabled = false;
          b.removeAttribute("aria-busy");
        });
        status.textContent = form.dataset.msgOffline;
        retry.hidden = false;
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      send();
    });
    retry.addEventListener("click", send);
    window.addEventListener("online", function () {
      var current = read(storageKey);
      if (current && current.pending) send();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-offline-draft]").forEach(setup);
  });
})();
