// 图表：柱状图与折线图，用本项目自己的代码画成 SVG（不依赖任何图表库）。
// Bar and line charts drawn as SVG by our own code. Colours and type sizes come from CSS classes
// (chart.css): no inline styles, so the pages keep CSP default-src 'self'.
//
//   barChart({labels: ["1号楼", "2号楼"], series: [{name: "在住", values: [12, 30]}]}, {title: "…"})
//   lineChart({labels: ["11月20日", …], series: [{name: "来", values: […]}, {name: "走", values: […]}]})
// A series may name its colour (`color: 2` draws it as series-2), so one meaning keeps one colour across charts.
// Both return an <svg> element (viewBox-scaled: it fills its container's width).

const NS = "http://www.w3.org/2000/svg";

function el(tag, attributes = {}, text = null) {
  const node = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null) node.setAttribute(name, String(value));
  }
  if (text !== null) node.textContent = String(text);
  return node;
}

/** A "nice" axis maximum and step for values up to `max` (1, 2, 5 × 10^n steps, about `ticks` of them). */
export function niceScale(max, ticks = 5) {
  if (!(max > 0)) return { max: ticks, step: 1 };
  const rough = max / ticks;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough);
  const niceStep = Math.max(1, step);
  return { max: Math.ceil(max / niceStep) * niceStep, step: niceStep };
}

function frame(data, options) {
  const width = options.width || 800;
  const height = options.height || 360;
  const legend = data.series.length > 1 || options.legend;
  const margin = { top: options.title ? 48 : 20, right: 40, bottom: legend ? 84 : 48, left: 56 };
  const svg = el("svg", {
    class: `chart ${options.className || ""}`.trim(), viewBox: `0 0 ${width} ${height}`, role: "img",
    preserveAspectRatio: "xMidYMid meet", "aria-label": options.title || "图表",
  });
  if (options.title) svg.append(el("text", { class: "chart-title", x: width / 2, y: 30, "text-anchor": "middle" }, options.title));
  const plot = { x: margin.left, y: margin.top, w: width - margin.left - margin.right, h: height - margin.top - margin.bottom };
  const values = data.series.flatMap((s) => s.values.map(Number)).filter(Number.isFinite);
  const scale = niceScale(Math.max(0, ...values), options.ticks || 5);
  const y = (v) => plot.y + plot.h - (plot.h * v) / scale.max;
  const grid = el("g", { class: "chart-grid" });
  for (let v = 0; v <= scale.max; v += scale.step) {
    grid.append(el("line", { x1: plot.x, x2: plot.x + plot.w, y1: y(v), y2: y(v) }));
    grid.append(el("text", { class: "chart-tick", x: plot.x - 8, y: y(v) + 5, "text-anchor": "end" }, v));
  }
  svg.append(grid);
  if (legend) {
    const g = el("g", { class: "chart-legend" });
    const step = Math.min(200, plot.w / data.series.length);
    data.series.forEach((s, i) => {
      const x = plot.x + i * step;
      g.append(el("rect", { class: `chart-swatch series-${colour(s, i)}`, x, y: height - 30, width: 18, height: 18, rx: 3 }));
      g.append(el("text", { class: "chart-legend-text", x: x + 26, y: height - 15 }, s.name));
    });
    svg.append(g);
  }
  if (!values.length || data.labels.length === 0) {
    svg.append(el("text", { class: "chart-empty", x: plot.x + plot.w / 2, y: plot.y + plot.h / 2, "text-anchor": "middle" }, options.empty || "暂无数据"));
  }
  return { svg, plot, y, width, height };
}

function colour(series, index) {
  return Number.isInteger(series.color) ? series.color : index;
}

function labelAt(svg, plot, x, text) {
  svg.append(el("text", { class: "chart-label", x, y: plot.y + plot.h + 28, "text-anchor": "middle" }, text));
}

/** Grouped bars: one group per label, one bar per series; the value is written above each bar. */
export function barChart(data, options = {}) {
  const { svg, plot, y } = frame(data, options);
  const groups = Math.max(1, data.labels.length);
  const slot = plot.w / groups;
  const inner = slot * 0.72;
  const barWidth = inner / Math.max(1, data.series.length);
  const bars = el("g", { class: "chart-bars" });
  data.labels.forEach((label, i) => {
    const x0 = plot.x + i * slot + (slot - inner) / 2;
    data.series.forEach((s, j) => {
      const v = Number(s.values[i]) || 0;
      const x = x0 + j * barWidth;
      const bar = el("rect", {
        class: `chart-bar series-${colour(s, j)}`, x: x + 2, y: y(v), width: Math.max(1, barWidth - 4), height: Math.max(0, y(0) - y(v)),
        "data-label": label, "data-series": s.name, "data-value": v,
      });
      bar.append(el("title", {}, `${label} ${s.name}：${v}`));
      bars.append(bar);
      bars.append(el("text", { class: "chart-value", x: x + barWidth / 2, y: y(v) - 6, "text-anchor": "middle" }, v));
    });
    labelAt(svg, plot, plot.x + i * slot + slot / 2, label);
  });
  svg.append(bars);
  svg.append(el("line", { class: "chart-axis", x1: plot.x, x2: plot.x + plot.w, y1: y(0), y2: y(0) }));
  return svg;
}

/** Lines with a dot and the value at each point, one line per series. */
export function lineChart(data, options = {}) {
  const { svg, plot, y } = frame(data, options);
  const n = data.labels.length;
  const x = (i) => (n <= 1 ? plot.x + plot.w / 2 : plot.x + (plot.w * i) / (n - 1));
  data.labels.forEach((label, i) => labelAt(svg, plot, x(i), label));
  data.series.forEach((s, j) => {
    const c = colour(s, j);
    const g = el("g", { class: `chart-line-group series-${c}`, "data-series": s.name });
    const points = s.values.map((v, i) => `${x(i).toFixed(1)},${y(Number(v) || 0).toFixed(1)}`).join(" ");
    g.append(el("polyline", { class: `chart-line series-${c}`, points, fill: "none" }));
    s.values.forEach((v, i) => {
      const value = Number(v) || 0;
      const dot = el("circle", { class: `chart-dot series-${c}`, cx: x(i), cy: y(value), r: 5, "data-label": data.labels[i], "data-value": value });
      dot.append(el("title", {}, `${data.labels[i]} ${s.name}：${value}`));
      g.append(dot);
      g.append(el("text", { class: "chart-value", x: x(i), y: y(value) - 10, "text-anchor": "middle" }, value));
    });
    svg.append(g);
  });
  svg.append(el("line", { class: "chart-axis", x1: plot.x, x2: plot.x + plot.w, y1: y(0), y2: y(0) }));
  return svg;
}
