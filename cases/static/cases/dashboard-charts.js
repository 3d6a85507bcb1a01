// Charts for the results page. The numbers are also in the tables next to each chart (screen
// readers read those; the canvases are aria-hidden).
(function () {
  "use strict";
  var node = document.getElementById("chart-data");
  if (!node || typeof Chart === "undefined") return;
  var data = JSON.parse(node.textContent);
  var colours = ["#0d6efd", "#198754", "#ffc107", "#dc3545", "#6f42c1", "#20c997", "#fd7e14", "#6c757d"];
  function draw(id, type, series, options) {
    var canvas = document.getElementById(id);
    if (!canvas) return;
    new Chart(canvas, {
      type: type,
      data: {
        labels: series.labels,
        datasets: [{
          label: series.label, data: series.values,
          backgroundColor: type === "line" ? colours[0] : colours.slice(0, series.values.length),
          borderColor: colours[0], spanGaps: true, tension: 0.2
        }]
      },
      options: Object.assign({ responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { display: type !== "bar" && type !== "line" } } }, options || {})
    });
  }
  draw("chart-trend", "line", data.trend, { scales: { y: { min: 0, max: 100 } } });
  draw("chart-outcomes", "doughnut", data.outcomes);
  draw("chart-sources", "bar", data.sources, { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } });
  draw("chart-calls", "doughnut", data.calls);
})();
