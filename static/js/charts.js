/* Draws the page's charts with the vendored ECharts.
 *
 * Each chart is an element <div data-chart="KIND" data-source="ID">; ID names a
 * <script type="application/json"> written by Django's json_script (see scoring/charts.py).
 * Kinds: strip (values by category, with a mean marker), lines, heatmap, bars.
 * A data point or category with a `url` opens it on click. Every chart has a table beside it.
 */
(function () {
  "use strict";
  if (!window.echarts) return;

  var RED = "#b71c1c";
  var GREY = "#9aa5b1";
  var BANDS = [ // the colour bands of the tables' index cells (scoring.css)
    { lt: 60, color: "#d9534f", label: "< 60" },
    { gte: 60, lt: 80, color: "#f0ad4e", label: "60–80" },
    { gte: 80, lt: 90, color: "#6f9bd1", label: "80–90" },
    { gte: 90, color: "#2e8b57", label: "≥ 90" }
  ];
  var narrow = function () { return window.matchMedia("(max-width: 640px)").matches; };
  var labelWidth = function () { return narrow() ? 84 : 150; };

  function categoryAxis(names, extra) {
    return Object.assign({
      type: "category",
      data: names,
      inverse: true,
      triggerEvent: true,
      axisTick: { show: false },
      axisLabel: { width: labelWidth(), overflow: "truncate" }
    }, extra || {});
  }

  var build = {
    strip: function (d) {
      return {
        height: 70 + 34 * d.categories.length,
        option: {
          grid: { left: 8, right: 16, top: 32, bottom: 24, containLabel: true },
          legend: { top: 0, data: [d.labels.points, d.labels.means] },
          tooltip: {
            trigger: "item",
            formatter: function (p) {
              var who = p.seriesIndex === 0 ? p.data.name : d.categories[p.value[1]];
              return who + "：" + p.value[0].toFixed(2);
            }
          },
          xAxis: { type: "value", max: 100, scale: true, splitLine: { lineStyle: { type: "dashed" } } },
          yAxis: categoryAxis(d.categories),
          series: [
            { name: d.labels.points, type: "scatter", data: d.points, symbolSize: 10,
              itemStyle: { color: "#6f9bd1", opacity: 0.6 } },
            { name: d.labels.means, type: "scatter", data: d.means, symbol: "rect",
              symbolSize: [4, 22], itemStyle: { color: RED }, z: 3 }
          ]
        },
        categoryUrls: d.urls
      };
    },

    lines: function (d) {
      var many = d.series.length > 12;
      return {
        height: narrow() ? 300 : 360,
        option: {
          grid: { left: 8, right: 16, top: many ? 16 : 48, bottom: 24, containLabel: true },
          legend: { show: !many, type: "scroll", top: 0 },
          tooltip: { trigger: many ? "item" : "axis",
                     valueFormatter: function (v) { return v == null ? "—" : v.toFixed(2); } },
          xAxis: { type: "category", data: d.x, boundaryGap: false },
          yAxis: { type: "value", max: 100, scale: true },
          series: d.series.map(function (s) {
            return {
              name: s.name, type: "line", data: s.data, url: s.url, connectNulls: false,
              symbolSize: s.bold ? 7 : many ? 3 : 4, z: s.bold ? 5 : 2, triggerLineEvent: true,
              emphasis: { focus: "series", lineStyle: { width: s.bold ? 4 : 2.5 } },
              // Many lines: grey, the bold one (the mean) stands out; hovering one names it.
              lineStyle: s.bold ? { width: 4, color: RED } : many ? { width: 1, color: GREY } : { width: 2 },
              itemStyle: s.bold ? { color: RED } : many ? { color: GREY } : undefined
            };
          })
        }
      };
    },

    heatmap: function (d) {
      return {
        height: 110 + 26 * d.y.length,
        option: {
          grid: { left: 8, right: 8, top: 8, bottom: 56, containLabel: true },
          tooltip: {
            formatter: function (p) {
              return d.y[p.value[1]] + " · " + d.x[p.value[0]] + "：" + p.value[2].toFixed(2);
            }
          },
          xAxis: { type: "category", data: d.x, splitArea: { show: true } },
          yAxis: categoryAxis(d.y, { splitArea: { show: true } }),
          visualMap: { type: "piecewise", pieces: BANDS, dimension: 2, orient: "horizontal",
                       left: "center", bottom: 0, itemWidth: 14, itemHeight: 10 },
          series: [{ type: "heatmap", data: d.cells, itemStyle: { borderColor: "#fff", borderWidth: 1 },
                     label: { show: !narrow(), formatter: function (p) { return Math.round(p.value[2]); },
                              fontSize: 10 } }]
        },
        categoryUrls: d.urls,
        cellUrl: function (p) { return d.urls[p.value[1]]; }
      };
    },

    bars: function (d) {
      return {
        height: 40 + 30 * d.categories.length,
        option: {
          grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
          tooltip: { trigger: "axis", axisPointer: { type: "shadow" },
                     valueFormatter: function (v) { return v == null ? "—" : v.toFixed(2) + d.unit; } },
          xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}" + d.unit } },
          yAxis: categoryAxis(d.categories),
          series: [{ type: "bar", data: d.values, barMaxWidth: 18, itemStyle: { color: RED },
                     label: { show: true, position: "right", formatter: function (p) {
                       return p.value == null ? "" : Math.round(p.value) + d.unit; } } }]
        }
      };
    }
  };

  // Every chart's option, as drawn: tooltips inside the chart, not as HTML (ECharts' HTML
  // tooltips carry inline style attributes, which the Content-Security-Policy, style-src 'self',
  // refuses); and no entry animation for a visitor whose system asks for reduced motion (nor
  // for a screenshot taken the moment the page has loaded).
  var reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)");
  function prepared(spec) {
    if (spec.option.tooltip) spec.option.tooltip.renderMode = "richText";
    if (reducedMotion && reducedMotion.matches) spec.option.animation = false;
    return spec;
  }

  var locale = document.documentElement.lang.indexOf("en") === 0 ? "EN" : "ZH";
  var drawn = [];

  function draw(el) {
    var source = document.getElementById(el.dataset.source);
    var maker = build[el.dataset.chart];
    if (!source || !maker) return;
    var data = JSON.parse(source.textContent);
    var spec = prepared(maker(data));
    el.style.height = spec.height + "px";
    var chart = window.echarts.init(el, null, { locale: locale, renderer: "svg" });
    chart.setOption(spec.option);
    chart.on("click", function (p) {
      var url = null;
      if (p.componentType === "yAxis" && spec.categoryUrls) {
        url = spec.categoryUrls[(spec.option.yAxis.data || []).indexOf(p.value)];
      } else if (p.data && p.data.url) {
        url = p.data.url;
      } else if (p.componentType === "series" && spec.option.series[p.seriesIndex].url) {
        url = spec.option.series[p.seriesIndex].url;
      } else if (spec.cellUrl && p.componentType === "series") {
        url = spec.cellUrl(p);
      }
      if (url) window.location.href = url;
    });
    drawn.push({ el: el, chart: chart, maker: maker, data: data });
  }

  var pending = null;
  function resize() {
    // Phones turn and widths change: redraw with the sizes and label widths of the new width.
    window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      drawn.forEach(function (d) {
        var spec = prepared(d.maker(d.data));
        d.el.style.height = spec.height + "px";
        d.chart.setOption(spec.option, { notMerge: true });
        d.chart.resize();
      });
    }, 150);
  }

  document.querySelectorAll("[data-chart]").forEach(draw);
  window.addEventListener("resize", resize);
})();
