/*
 * Köprü dashboard and report behaviour. Loaded with <script src>, never inline, so a strict
 * Content-Security-Policy holds. Chart data comes from the json_script element
 * #dashboard-data, with every label already translated on the server; each chart's
 * figures are also in a plain table next to it.
 */
(function () {
  "use strict";

  var COLORS = {
    // project status
    proposed: "#adb5bd",
    planned: "#0dcaf0",
    active: "#0b3d6e",
    on_hold: "#ffc107",
    completed: "#198754",
    cancelled: "#6c757d",
    // health
    on_track: "#198754",
    at_risk: "#ffc107",
    off_track: "#dc3545",
  };
  var SERIES_COLORS = ["#0b3d6e", "#e07a1f", "#2a9d8f", "#8e44ad"];

  function wirePrintButtons() {
    document.querySelectorAll("[data-action='print']").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
  }

  var charts = [];

  function openTablesForPrint() {
    // A closed <details> does not print its content; the tables are the charts' print form too.
    window.addEventListener("beforeprint", function () {
      document.querySelectorAll("details.chart-data").forEach(function (details) {
        details.dataset.wasOpen = details.open ? "1" : "";
        details.open = true;
      });
      charts.forEach(function (chart) {
        chart.resize();
      });
    });
    window.addEventListener("afterprint", function () {
      document.querySelectorAll("details.chart-data").forEach(function (details) {
        details.open = details.dataset.wasOpen === "1";
      });
    });
  }

  function formatter(locale, percent) {
    var numbers = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
    return function (value) {
      if (value === null || value === undefined) {
        return "—";
      }
      var text = numbers.format(value);
      if (!percent) {
        return text;
      }
      return locale.indexOf("tr") === 0 ? "%" + text : text + "%";
    };
  }

  function configFor(spec, locale, reduceMotion) {
    var format = formatter(locale, spec.percent);
    var single = spec.datasets.length === 1;
    var byLabel = spec.colors && spec.colors.length === spec.labels.length;
    var datasets = spec.datasets.map(function (dataset, index) {
      var color = SERIES_COLORS[index % SERIES_COLORS.length];
      var colors = single && byLabel ? spec.colors.map(function (name) { return COLORS[name] || color; }) : color;
      var config = {
        label: dataset.label,
        data: dataset.data,
        backgroundColor: colors,
        borderColor: spec.type === "doughnut" ? "#fff" : colors,
      };
      if (spec.type === "line") {
        config.fill = false;
        config.tension = 0;
        config.spanGaps = false;
        config.pointRadius = 4;
      }
      if (dataset.axis === "y1") {
        config.yAxisID = "y1";
      }
      return config;
    });

    var options = {
      responsive: true,
      maintainAspectRatio: true,
      // Taller charts on phones, where a 2:1 chart leaves the bars a few pixels high.
      aspectRatio: window.matchMedia("(max-width: 575.98px)").matches ? 1.1 : spec.horizontal ? 1.3 : 2,
      locale: locale,
      plugins: {
        legend: { display: !single || spec.type === "doughnut", position: spec.type === "doughnut" ? "right" : "top" },
        tooltip: {
          callbacks: {
            label: function (context) {
              var value = spec.type === "doughnut" ? context.parsed : context.parsed[spec.horizontal ? "x" : "y"];
              return context.dataset.label + ": " + format(value);
            },
          },
        },
      },
    };
    if (reduceMotion) {
      options.animation = false;
    }
    if (spec.type !== "doughnut") {
      var valueAxis = spec.horizontal ? "x" : "y";
      var categoryAxis = spec.horizontal ? "y" : "x";
      options.indexAxis = spec.horizontal ? "y" : "x";
      options.scales = {};
      options.scales[categoryAxis] = { grid: { display: false } };
      options.scales[valueAxis] = {
        beginAtZero: true,
        ticks: { precision: spec.percent ? undefined : 0, callback: format },
      };
      if (spec.percent) {
        options.scales[valueAxis].max = 100;
      }
      if (spec.datasets.some(function (dataset) { return dataset.axis === "y1"; })) {
        options.scales.y.title = { display: true, text: spec.datasets[0].label };
        options.scales.y1 = {
          position: "right",
          beginAtZero: true,
          grid: { drawOnChartArea: false },
          ticks: { callback: format },
          title: { display: true, text: spec.datasets[1].label },
        };
      }
    }
    return { type: spec.type, data: { labels: spec.labels, datasets: datasets }, options: options };
  }

  function drawCharts() {
    var source = document.getElementById("dashboard-data");
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var locale = data.locale || document.documentElement.lang || "tr";
    var reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    window.Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var spec = data.charts[canvas.dataset.chart];
      if (spec) {
        charts.push(new window.Chart(canvas, configFor(spec, locale, reduceMotion)));
      }
    });
  }

  wirePrintButtons();
  openTablesForPrint();
  drawCharts();
})();
