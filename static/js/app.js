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

/* The meeting page at the table (roundtable/partials/goal*.html): the goals' forms post with htmx and
   swap their section in place. A refusal answers 400 with the section and its errors: swap it too, so
   the message stands next to the field and nothing typed is lost. */
(function () {
  "use strict";
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // "Add week": clone the formset's empty row and count it in TOTAL_FORMS. Without JavaScript the button
  // stays hidden and saving gives new empty rows.
  function enableWeeks(root) {
    root.querySelectorAll("[data-add-week]:not([data-bound])").forEach(function (button) {
      button.setAttribute("data-bound", "");
      var form = button.closest("form");
      var template = form.querySelector("template[data-week-template]");
      var rows = form.querySelector("[data-week-rows]");
      var total = form.querySelector("input[name$='-TOTAL_FORMS']");
      if (!template || !rows || !total) { return; }
      button.hidden = false;
      form.querySelectorAll("[data-no-js]").forEach(function (note) { note.hidden = true; });
      button.addEventListener("click", function () {
        var index = parseInt(total.value, 10);
        var html = template.innerHTML.replace(/__prefix__/g, String(index));
        rows.insertAdjacentHTML("beforeend", html);
        total.value = String(index + 1);
        var added = rows.lastElementChild && rows.lastElementChild.querySelector("input");
        if (added) { added.focus(); }
      });
    });
  }
  enableWeeks(document);
  // htmx:load fires on each piece of swapped-in content.
  document.body.addEventListener("htmx:load", function (event) { enableWeeks(event.detail.elt); });
})();
