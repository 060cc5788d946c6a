/* Hotspot charts with the vendored Apache ECharts (no inline scripts: the data comes
   from a <script type="application/json"> element named by data-echarts). */
(function () {
  "use strict";

  function topOption(data) {
    return {
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { type: "scroll", top: 0 },
      grid: { left: 40, right: 16, top: 36, bottom: 40 },
      xAxis: { type: "category", data: data.buckets },
      yAxis: { type: "value", minInterval: 1 },
      series: data.lines.map(function (line) {
        return { name: line.name, type: "line", data: line.data };
      })
    };
  }

  function barsOption(data) {
    var bars = data.bars;
    return {
      tooltip: { trigger: "axis", renderMode: "richText", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 110, right: 16, top: 32, bottom: 24 },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: bars.names.slice().reverse() },
      series: [
        { name: bars.before_label, type: "bar", data: bars.before.slice().reverse(), itemStyle: { color: "#b0bec5" } },
        { name: bars.now_label, type: "bar", data: bars.now.slice().reverse() }
      ]
    };
  }

  function warningOption(data) {
    var start = data.days.indexOf(data.window_start);
    var end = data.days.indexOf(data.window_end);
    return {
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { top: 0 },
      grid: { left: 36, right: 16, top: 32, bottom: 40 },
      xAxis: { type: "category", data: data.days },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        {
          name: data.counts_label, type: "bar",
          data: data.counts.map(function (value, i) {
            return i >= start && (end < 0 || i <= end) ? { value: value, itemStyle: { color: "#c62828" } } : value;
          })
        },
        {
          name: data.expected_label, type: "line", symbol: "none", lineStyle: { type: "dashed" },
          data: data.days.map(function () { return Math.round(data.expected_per_day * 100) / 100; })
        }
      ]
    };
  }

  function draw(element) {
    if (typeof window.echarts === "undefined") return;
    var source = document.getElementById(element.dataset.echarts);
    if (!source) return;
    var data = JSON.parse(source.textContent);
    if (!data) return;
    var option = data.kind === "warning" ? warningOption(data)
      : element.dataset.view === "bars" ? barsOption(data) : topOption(data);
    var chart = window.echarts.init(element);
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-echarts]").forEach(draw);
  });
})();
