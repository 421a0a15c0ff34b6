/* The reader's time zone, from the browser, for event pages: kept in the `tz` cookie.
   Progressive enhancement: without it the page shows UTC and offers a zone select. */
(function () {
  "use strict";
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone || !/^[A-Za-z0-9_+\/-]+$/.test(zone)) return;
  var chosen = document.cookie.split("; ").some(function (c) { return c.indexOf("tz=") === 0; });
  if (chosen || /[?&]tz=/.test(location.search)) return;  // an earlier choice wins
  document.cookie = "tz=" + zone + "; path=/; max-age=31536000; SameSite=Lax";
  var root = document.querySelector("[data-reader-zone]");
  var select = document.querySelector("select[name=tz], select[name=timezone]");
  if (root && root.getAttribute("data-reader-zone") !== zone) {
    location.reload();
  } else if (select && !root) {
    select.value = zone;
  }
})();
