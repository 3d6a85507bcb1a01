/* Small behaviour for every page. The Content-Security-Policy allows no inline scripts: put page
   behaviour here (or in its own static file), driven by data attributes. */
(function () {
  "use strict";
  // An error summary at the top of a refused form takes the focus, so a screen reader reads it first.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  // A table box that scrolls sideways must be reachable by keyboard (WCAG 2.1.1): focusable, named
  // after its table's caption or the nearest heading. Checked again when the window changes size.
  function markScrollers() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        if (!box.hasAttribute("tabindex")) {
          var caption = box.querySelector("caption");
          var section = box.closest("section");
          var heading = section && section.querySelector("h1, h2, h3, h4, legend");
          box.setAttribute("data-scroll-marked", "");
          box.setAttribute("tabindex", "0");
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", ((caption || heading || {}).textContent || document.title).trim());
        }
      } else if (box.hasAttribute("data-scroll-marked")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        box.removeAttribute("data-scroll-marked");
      }
    });
  }
  markScrollers();
  window.addEventListener("resize", markScrollers);
})();
