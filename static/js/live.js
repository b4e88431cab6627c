// Live session log: after an entry is saved, clear its form and give it a fresh one-time
// token (the token makes a double tap harmless); show a banner when the connection drops.
(function () {
  "use strict";
  var lastForm = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    lastForm = event.target.closest ? event.target.closest("form.log-form") : null;
  });
  document.body.addEventListener("live-logged", function () {
    if (!lastForm) { return; }
    lastForm.reset();
    var token = lastForm.querySelector("input[name$='-token']");
    if (token && window.crypto && window.crypto.randomUUID) { token.value = window.crypto.randomUUID(); }
  });
  function online(ok) {
    var banner = document.getElementById("offline");
    if (banner) { banner.hidden = ok; }
  }
  document.addEventListener("htmx:sendError", function () { online(false); });
  document.addEventListener("htmx:afterRequest", function (event) { if (event.detail.successful) { online(true); } });
  window.addEventListener("offline", function () { online(false); });
  window.addEventListener("online", function () { online(true); });
})();
