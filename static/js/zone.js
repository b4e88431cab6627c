// A time-zone list the server filled with a default (the practice's zone) takes the browser's
// zone instead, when the list has it. Without JavaScript the practice's zone stays.
document.querySelectorAll("select[data-browser-zone]").forEach(function (select) {
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && select.querySelector('option[value="' + CSS.escape(zone) + '"]')) {
    select.value = zone;
  }
});
