/* Disclosures marked data-open-wide (the search page's filters) stand open where the
   layout has room for a sidebar and closed on a phone, so results come first there.
   Without this script they stay closed, one tap away, at every width. */
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 52rem)");
  var boxes = document.querySelectorAll("details[data-open-wide]");
  function apply() {
    for (var i = 0; i < boxes.length; i++) boxes[i].open = wide.matches;
  }
  apply();
  if (wide.addEventListener) wide.addEventListener("change", apply);
})();
