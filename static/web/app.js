/* govpm web UI: charts from the data the page embeds, and an extra row for list inputs.
   Everything works without this file; it only adds charts and conveniences. */
(function () {
  "use strict";

  function drawCharts() {
    if (!window.echarts) return;
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var data = JSON.parse(document.getElementById(el.dataset.chart).textContent);
      var kind = el.dataset.kind || "bar";
      var chart = echarts.init(el, null, { renderer: "canvas" });
      var names = data.map(function (row) { return row[0]; });
      var values = data.map(function (row) { return Number(row[1]); });
      var option = kind === "pie" ? {
        tooltip: { trigger: "item" },
        series: [{ type: "pie", radius: ["35%", "65%"], data: data.map(function (row) { return { name: row[0], value: Number(row[1]) }; }),
                   label: { formatter: "{b}\n{c}" } }]
      } : {
        tooltip: { trigger: "axis" },
        grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
        xAxis: { type: "value", name: el.dataset.unit || "", minInterval: el.dataset.unit === "万元" ? 0 : 1 },
        yAxis: { type: "category", data: names, inverse: true, axisLabel: { width: 110, overflow: "truncate" } },
        series: [{ type: "bar", data: values, itemStyle: { color: el.dataset.color || "#14457a" }, label: { show: true, position: "right" } }]
      };
      chart.setOption(option);
      chart.on("click", function (params) {
        var row = data[params.dataIndex];
        if (row && row[2] !== undefined) window.location.href = el.dataset.base + "?" + row[2];
      });
      window.addEventListener("resize", function () { chart.resize(); });
      el.setAttribute("data-rendered", "true");
    });
  }

  function addRows() {
    document.querySelectorAll("[data-add-row]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var box = document.getElementById(button.dataset.addRow);
        var inputs = box.querySelectorAll("input");
        var copy = inputs[inputs.length - 1].cloneNode();
        copy.value = "";
        copy.id = "";
        box.appendChild(copy);
        copy.focus();
      });
    });
  }

  // An error summary's link moves focus to the control it names (a group: its first input); a page that
  // comes back with errors brings its summary into view.
  function errorLinks() {
    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest(".form-errors a[href^='#']") : null;
      if (!link) return;
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) return;
      event.preventDefault();
      var focusable = target.matches("input, select, textarea") ? target : target.querySelector("input, select, textarea");
      target.scrollIntoView({ block: "center" });
      (focusable || target).focus();
    });
    var summary = document.querySelector(".form-errors");
    if (summary) { summary.scrollIntoView({ block: "start" }); summary.focus({ preventScroll: true }); }
  }

  // PERF-01: the need form's performance targets, one row each; a row added is a blank copy of the first.
  function targetRows() {
    function wire(row) {
      var remove = row.querySelector("[data-remove-target]");
      if (!remove) return;
      remove.hidden = false;
      remove.addEventListener("click", function () {
        var box = row.parentNode;
        if (box.querySelectorAll("[data-target-row]").length > 1) {
          box.removeChild(row);
        } else {
          row.querySelectorAll("input").forEach(function (input) { input.value = ""; });
        }
      });
    }
    document.querySelectorAll("[data-target-row]").forEach(wire);
    document.querySelectorAll("[data-add-target]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var box = document.getElementById(button.dataset.addTarget);
        var copy = box.querySelector("[data-target-row]").cloneNode(true);
        copy.querySelectorAll("input").forEach(function (input) { input.value = ""; });
        box.appendChild(copy);
        wire(copy);
        copy.querySelector("input").focus();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { drawCharts(); addRows(); errorLinks(); targetRows(); });
})();
