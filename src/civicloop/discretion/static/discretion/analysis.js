/* Charts of the enterprise-penalty analysis with the vendored Apache ECharts (no inline
   scripts: the data comes from the <script type="application/json"> element named by
   data-echarts; data-section picks the table, data-view the chart type). */
(function () {
  "use strict";

  function option(data, section, view) {
    var table = data[section];
    var horizontal = view === "bar" && section === "matter";
    var category = { type: "category", data: horizontal ? table.labels.slice().reverse() : table.labels };
    var values = { type: "value", minInterval: 1 };
    var cases = horizontal ? table.cases.slice().reverse() : table.cases;
    var fines = horizontal ? table.fines.slice().reverse() : table.fines;
    return {
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { top: 0 },
      grid: { left: horizontal ? 160 : 48, right: 56, top: 32, bottom: 40 },
      xAxis: horizontal ? [values, { type: "value", show: false }] : category,
      yAxis: horizontal ? category : [values, { type: "value" }],
      series: [
        { name: data.cases_label, type: view, data: cases },
        horizontal
          ? { name: data.fines_label, type: "bar", xAxisIndex: 1, data: fines }
          : { name: data.fines_label, type: "line", yAxisIndex: 1, data: fines }
      ]
    };
  }

  function draw(element) {
    if (typeof window.echarts === "undefined") return;
    var source = document.getElementById(element.dataset.echarts);
    if (!source) return;
    var data = JSON.parse(source.textContent);
    if (!data || !data[element.dataset.section]) return;
    var chart = window.echarts.init(element);
    chart.setOption(option(data, element.dataset.section, element.dataset.view));
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-echarts]").forEach(draw);
  });
})();
