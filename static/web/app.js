/* govpm web UI: charts from the data the page embeds, and an extra row for list inputs.
   Everything works without this file; it only adds charts and conveniences. */
(function () {
  "use strict";

  function drawCharts() {
    if (!window.echarts) return;
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var data = JSON.parse(document.getElementById(el.dataset.chart).textContent);
      var kind = el.dataset.kind || "bar";
      var money = el.dataset.unit === "万元";
      // Money in 万元 with two decimals and thousands separators; counts as they are.
      function show(value) {
        return money ? Number(value).toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 }) : String(value);
      }
      // One row per bar at a fixed height: a one-bar chart is one bar high, not a card-filling slab.
      if (kind !== "pie") el.style.height = Math.max(96, data.length * 34 + 48) + "px";
      var chart = echarts.init(el, null, { renderer: "canvas" });
      var names = data.map(function (row) { return row[0]; });
      var values = data.map(function (row) { return Number(row[1]); });
      var widest = Math.max.apply(null, values.map(function (v) { return show(v).length; }).concat([1]));
      var option = kind === "pie" ? {
        tooltip: { trigger: "item" },
        series: [{ type: "pie", radius: ["35%", "65%"], data: data.map(function (row) { return { name: row[0], value: Number(row[1]) }; }),
                   label: { formatter: "{b}\n{c}" } }]
      } : {
        tooltip: {
          trigger: "axis", confine: true,
          formatter: function (items) {
            var row = data[items[0].dataIndex];
            return row[0] + (row[3] ? " " + row[3] : "") + "：" + show(row[1]) + (el.dataset.unit ? " " + el.dataset.unit : "");
          }
        },
        // Room on the right for the widest value label, so 1,797.50 is never cut to "17".
        grid: { left: 8, right: 16 + widest * 8, top: 24, bottom: 8, containLabel: true },
        xAxis: { type: "value", name: el.dataset.unit || "", nameGap: 8, minInterval: money ? 0 : 1,
                 axisLabel: { formatter: function (v) { return money ? Number(v).toLocaleString("zh-CN") : v; }, hideOverlap: true } },
        // Long names wrap onto a second line rather than being cut.
        yAxis: { type: "category", data: names, inverse: true, axisLabel: { width: 120, overflow: "break", lineHeight: 14 } },
        series: [{ type: "bar", data: values, barMaxWidth: 22, itemStyle: { color: el.dataset.color || "#14457a" },
                   label: { show: true, position: "right", formatter: function (p) { return show(p.value); } } }]
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

  // The data dictionary table: add a blank row, remove a row (at least one stays).
  function dictionaryRows() {
    document.querySelectorAll("[data-dict-table]").forEach(function (table) {
      var body = table.querySelector("tbody");
      var fieldset = table.closest("fieldset");
      function wire(row) {
        var remove = row.querySelector("[data-remove-row]");
        remove.hidden = false;
        remove.addEventListener("click", function () {
          if (body.rows.length > 1) row.remove();
        });
      }
      Array.prototype.forEach.call(body.rows, wire);
      var add = fieldset.querySelector("[data-add-dict-row]");
      add.hidden = false;
      add.addEventListener("click", function () {
        var copy = body.rows[body.rows.length - 1].cloneNode(true);
        copy.querySelectorAll("input").forEach(function (input) { input.value = ""; });
        copy.querySelectorAll("select").forEach(function (select) { select.selectedIndex = 0; });
        body.appendChild(copy);
        wire(copy);
        copy.querySelector("input").focus();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { drawCharts(); addRows(); errorLinks(); targetRows(); dictionaryRows(); });
})();
