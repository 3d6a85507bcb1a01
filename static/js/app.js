/* Small behaviour for every page. The Content-Security-Policy allows no inline scripts: put page
   behaviour here (or in its own static file), driven by data attributes. */
(function () {
  "use strict";
  // An error summary at the top of a refused form takes the focus, so a screen reader reads it first.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
