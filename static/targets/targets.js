/* The targets pages' charts (ECharts, as the dashboard): data from json_script blocks, no inline script. */
(function () {
  "use strict";
  function num(v) { return v === null || v === undefined ? null : Number(v); }
  function pairs(rows, at) {
    return rows.filter(function (p) { return p[at] !== null && p[at] !== undefined; }).map(function (p) { return [p[0], num(p[at])]; });
  }
  function option(kind, data) {
    if (kind === "path") {
      return {
        tooltip: { trigger: "axis" }, legend: { top: 0 },
        grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
        xAxis: { type: "value", min: "dataMin", max: "dataMax", minInterval: 1, axisLabel: { formatter: function (v) { return String(v); } } },
        yAxis: { type: "value", name: data.unit || "", scale: true },
        series: [
          { name: "基期至目标路径", type: "line", lineStyle: { type: "dashed" }, data: pairs(data.path, 1) },
          { name: "观测值", type: "line", symbolSize: 8, data: pairs(data.observed, 1) }
        ].concat(data.paired ? [
          { name: "括号内路径", type: "line", lineStyle: { type: "dotted" }, data: pairs(data.path, 2) },
          { name: "括号内观测值", type: "line", symbolSize: 8, data: pairs(data.observed, 2) }
        ] : [])
      };
    }
    if (kind === "ranking") {
      return {
        tooltip: { trigger: "axis" }, grid: { left: 8, right: 40, top: 16, bottom: 8, containLabel: true },
        xAxis: { type: "value", name: "%" }, yAxis: { type: "category", inverse: true, data: data.map(function (r) { return r[0]; }) },
        series: [{ type: "bar", data: data.map(function (r) { return num(r[1]); }), itemStyle: { color: "#14457a" }, label: { show: true, position: "right" } }]
      };
    }
    var series = [];
    data.series.forEach(function (s) {
      series.push({ name: s.name, type: "bar", data: s.completed.map(num) });
    });
    return {
      tooltip: { trigger: "axis" }, legend: { type: "scroll" },
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.years.map(String) }, yAxis: { type: "value", name: data.unit || "" },
      series: series
    };
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.echarts) return;
    document.querySelectorAll("[data-targets-chart]").forEach(function (el) {
      var data = JSON.parse(document.getElementById(el.dataset.source).textContent);
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option(el.dataset.targetsChart, data));
      window.addEventListener("resize", function () { chart.resize(); });
      el.setAttribute("data-rendered", "true");
    });
  });
})();
