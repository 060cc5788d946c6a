/* The cockpit: the period picker shows the fields of the chosen kind, the figure picker
   submits itself, the trend chart (vendored ECharts) and the region map glue. No inline
   scripts: the chart's data comes from a <script type="application/json"> element. */
(function () {
  "use strict";

  function pickPeriod(form) {
    var kind = form.querySelector("select[name=period]");
    function show() {
      form.querySelectorAll("[data-for-kinds]").forEach(function (label) {
        var on = label.dataset.forKinds.split(" ").indexOf(kind.value) >= 0;
        label.hidden = !on;
        label.querySelectorAll("input, select").forEach(function (field) { field.disabled = !on; });
      });
    }
    kind.addEventListener("change", show);
    show();
  }

  function formatter(data) {
    return function (value) {
      if (value === null || value === undefined || isNaN(value)) return "—";
      if (data.percent) return (value * 100).toFixed(data.digits) + "%";
      return Number(value).toLocaleString(undefined, { maximumFractionDigits: data.digits });
    };
  }

  function drawTrend(element) {
    if (typeof window.echarts === "undefined") return;
    var source = document.getElementById(element.dataset.echarts);
    if (!source) return;
    var data = JSON.parse(source.textContent);
    if (!data) return;
    var format = formatter(data);
    var chart = window.echarts.init(element);
    chart.setOption({
      tooltip: { trigger: "axis", renderMode: "richText", valueFormatter: format },
      legend: { type: "scroll", top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.months, axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", minInterval: data.percent ? 0 : 1, axisLabel: { formatter: format } },
      series: data.series.map(function (line) {
        return { name: line.name, type: "line", data: line.data, connectNulls: false, smooth: false };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
    if (typeof ResizeObserver !== "undefined") {
      new ResizeObserver(function () { chart.resize(); }).observe(element);
    }
  }

  // includes/region_map.html with manual=True: mount it here so a click on an area opens
  // the cockpit of that place (config.clickUrl holds "{code}").
  function mountMap(element) {
    if (!window.CivicloopRegionMap) return;
    var source = document.getElementById(element.dataset.regionmap);
    if (!source) return;
    var config = JSON.parse(source.textContent);
    config.onClick = function (code) {
      if (config.clickUrl) window.location.href = config.clickUrl.replace("{code}", encodeURIComponent(code));
    };
    window.CivicloopRegionMap.mount(element, config);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-period-picker]").forEach(pickPeriod);
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    document.querySelectorAll("#cockpit-trend[data-echarts]").forEach(drawTrend);
    document.querySelectorAll("#cockpit-map-block [data-regionmap]").forEach(mountMap);
  });
})();
