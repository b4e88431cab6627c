// Live session log. The server answers each entry beside its button (htmx swaps the form and,
// out of band, the timeline, the log and the emergency bar). This file adds what needs the
// device: when the connection drops, an entry is kept in this tab (sessionStorage: gone when
// the tab closes, never shared) with the time it was tapped, and sent when the connection
// returns. Its one-time token makes a resend record once.
(function () {
  "use strict";
  var live = document.querySelector(".live[data-session]");
  if (!live) { return; }
  var key = "live-queue:" + live.getAttribute("data-session");

  function load() {
    try { return JSON.parse(window.sessionStorage.getItem(key) || "[]"); } catch (e) { return []; }
  }
  function save(queue) { window.sessionStorage.setItem(key, JSON.stringify(queue)); }
  function banner(text) {
    var el = document.getElementById("offline");
    if (!el) { return; }
    if (text) { el.textContent = text; el.hidden = false; } else { el.hidden = true; }
  }
  function waiting() {
    var n = load().length;
    if (n) {
      banner("The connection is lost. " + n + (n === 1 ? " entry is" : " entries are") +
             " kept on this device and will be sent when it returns. The crisis plan below stays readable.");
    }
    return n;
  }
  function timeIn(zone) {
    try {
      return new Intl.DateTimeFormat("en-GB", {timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23"})
        .format(new Date());
    } catch (e) { return ""; }
  }
  function newToken() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return "";
  }
  function refresh() {
    var poll = live.querySelector("[hx-get]");
    if (poll && window.htmx) { window.htmx.ajax("GET", poll.getAttribute("hx-get"), {swap: "none"}); }
  }

  function keep(form) {
    var data = new FormData(form);
    var time = form.querySelector("input[type=time]");
    var at = time && time.value ? time.value : timeIn(form.getAttribute("data-zone"));
    if (time && !time.value && at) { data.set(time.name, at); }  // when it happened, not when it is sent
    var queue = load();
    queue.push({action: form.getAttribute("action"), body: new URLSearchParams(data).toString()});
    save(queue);
    form.reset();
    var token = form.querySelector("input[name$='-token']");
    var fresh = newToken();
    if (token && fresh) { token.value = fresh; }
    var result = form.querySelector(".entry-result");
    if (result) {
      result.innerHTML = "";
      var p = document.createElement("p");
      p.className = "message error";
      p.textContent = "No connection: kept on this device (" + at + "). It will be sent when the connection returns.";
      result.appendChild(p);
    }
    waiting();
  }

  var sending = false;
  function flush() {
    var queue = load();
    if (sending || !queue.length) { return; }
    sending = true;
    var item = queue[0];
    window.fetch(item.action, {
      method: "POST", body: item.body, credentials: "same-origin",
      headers: {"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true"}
    }).then(function (response) {
      var rest = load().slice(1);
      save(rest);
      sending = false;
      if (response.headers.get("HX-Trigger") !== "live-logged") {
        banner("A kept entry could not be recorded (the server refused it). Check the log and enter it again.");
      } else if (!rest.length) {
        banner("");
      }
      refresh();
      flush();
    }).catch(function () { sending = false; waiting(); });
  }

  document.addEventListener("htmx:sendError", function (event) {
    var form = event.detail && event.detail.elt;
    if (form && form.matches && form.matches("form.log-form")) {
      keep(form);
    } else if (!waiting()) {
      banner(form && form.matches && form.matches("form")
        ? "The connection is lost. Nothing was sent: try again when it returns. The crisis plan below stays readable."
        : "The connection is lost. The page updates again when it returns; the crisis plan below stays readable.");
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful && !waiting()) { banner(""); }
  });
  window.addEventListener("online", flush);
  window.addEventListener("offline", function () {
    waiting() || banner("The connection is lost. Entries will be kept on this device and sent when it returns.");
  });
  window.setInterval(flush, 15000);
  if (waiting()) { flush(); }
})();
