// What the figures share: Chart.js (loaded as a classic script from Debian's package,
// served under /vendor/), one colour per reference, a white background so that a saved
// PNG looks like the page, labels beside points, and redraws batched to one per frame so
// a fast stream does not redraw a chart for every record.
const { Chart } = window;
if (!Chart) {
  const source = document.querySelector("script[data-library='Chart.js']")?.src ?? "the vendor folder";
  throw new Error(`Chart.js, which draws the figures, did not load from ${source}. ` +
    "The server serves it from Debian's libjs-chart.js (static.vendorRoot; scripts/setup installs it).");
}

// Tableau's ten categorical colours, one per class concept.
const CLASS_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

// `reference` is an entry of a start record's `references`; `ownClass` the id of the
// input's class concept, drawn heavier with `self` and `all` since those are the three the
// paper's stages compare.
export function styleOf(reference, classIds, ownClass) {
  if (reference.id === "self") return { colour: "#000000", width: 3, dash: [] };
  if (reference.level === "all") return { colour: "#555555", width: 3, dash: [6, 4] };
  const colour = CLASS_COLOURS[classIds.indexOf(reference.id) % CLASS_COLOURS.length] ?? "#999999";
  return { colour, width: reference.id === ownClass ? 3 : 1.25, dash: [] };
}

export function translucent(colour, alpha) {
  return colour + Math.round(alpha * 255).toString(16).padStart(2, "0");
}

const whiteBackground = {
  id: "whiteBackground",
  beforeDraw(chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

// Writes each point's `label` beside it, for datasets marked `labelled`.
const pointLabels = {
  id: "pointLabels",
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    chart.data.datasets.forEach((dataset, i) => {
      if (!dataset.labelled || !chart.isDatasetVisible(i)) return;
      ctx.save();
      ctx.font = "bold 13px system-ui, sans-serif";
      ctx.textBaseline = "middle";
      chart.getDatasetMeta(i).data.forEach((element, j) => {
        ctx.fillStyle = dataset.labelColours?.[j] ?? "#000";
        ctx.fillText(dataset.data[j].label, element.x + 8, element.y - 8);
      });
      ctx.restore();
    });
  },
};

Chart.register(whiteBackground, pointLabels);
Chart.defaults.font.family = "system-ui, sans-serif";
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;

export function makeChart(canvas, config) {
  return new Chart(canvas, config);
}

const dirty = new Set();
export function scheduleUpdate(chart) {
  if (dirty.size === 0) {
    requestAnimationFrame(() => {
      dirty.forEach((c) => c.update("none"));
      dirty.clear();
    });
  }
  dirty.add(chart);
}

export function axis(title, extra = {}) {
  return { type: "linear", title: { display: true, text: title }, ...extra };
}
