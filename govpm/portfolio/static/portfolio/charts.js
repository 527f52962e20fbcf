// Charts of the portfolio: the statistics bars (PORT-04) and the plan-against-actual Gantt (PORT-01).
// Data comes from json_script elements; no inline script (CSP).
(function () {
  function read(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function stats(el) {
    var data = read("stats-data");
    if (!data || !window.echarts) return;
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 60, right: 16, bottom: 60, top: 56 },
      xAxis: { type: "category", data: data.labels, axisLabel: { rotate: 30, interval: 0 } },
      yAxis: { type: "value", name: "万元" },
      series: Object.keys(data.series).map(function (name) {
        return { name: name, type: "bar", data: data.series[name] };
      }),
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function gantt(el) {
    var data = read("gantt-data");
    if (!data || !window.echarts) return;
    var day = 86400000;
    function bars(spans, offset) {
      return spans.map(function (span, i) {
        if (!span) return null;
        var start = Date.parse(span[0]), end = Date.parse(span[1]) + day;
        return { value: [i + offset, start, end] };
      }).filter(Boolean);
    }
    function render(params, api) {
      var row = api.value(0), start = api.coord([api.value(1), Math.round(row)]);
      var end = api.coord([api.value(2), Math.round(row)]);
      var h = api.size([0, 1])[1] * 0.3, shift = row % 1 ? h * 0.55 : -h * 0.55;
      return { type: "rect", shape: { x: start[0], y: start[1] + shift - h / 2, width: Math.max(end[0] - start[0], 3), height: h }, style: api.style() };
    }
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { formatter: function (p) { return p.seriesName + "：" + new Date(p.value[1]).toISOString().slice(0, 10) + " 至 " + new Date(p.value[2] - day).toISOString().slice(0, 10); } },
      legend: { top: 0 },
      grid: { left: 110, right: 16, top: 30, bottom: 30 },
      // Whole days: a plan is dated by the day, and a same-day span must not stretch into hours.
      xAxis: { type: "time", minInterval: 86400000, axisLabel: { formatter: "{M}月{d}日" } },
      yAxis: { type: "category", data: data.rows, inverse: true },
      series: [
        { name: "计划", type: "custom", renderItem: render, encode: { x: [1, 2], y: 0 }, data: bars(data.planned, 0), itemStyle: { color: "#9ab" } },
        { name: "实际/预测", type: "custom", renderItem: render, encode: { x: [1, 2], y: 0 }, data: bars(data.actual, 0.01), itemStyle: { color: "#c60" } },
      ],
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var s = document.getElementById("stats-chart"); if (s) stats(s);
    var g = document.getElementById("gantt-chart"); if (g) gantt(g);
  });
})();
