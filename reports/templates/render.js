
(function () {
  var figures = JSON.parse(document.getElementById("figures").textContent);
  var config = {displaylogo: false, responsive: true,
                modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"]};
  Promise.all(figures.map(function (f) {
    return Plotly.newPlot(f.id, f.figure.data, f.figure.layout, config);
  })).then(function () {
    document.documentElement.setAttribute("data-charts-rendered", String(figures.length));
  }).catch(function (err) {
    console.error("a chart failed to render: " + err);
  });
  // A browser's own print dialog lays the page out narrower: redraw to fit.
  window.addEventListener("beforeprint", function () {
    figures.forEach(function (f) { Plotly.Plots.resize(f.id); });
  });
})();
