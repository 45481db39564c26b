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

// Group concepts (levels between class and all), dotted; the input's own groups heavy.
const GROUP_COLOUR = "#6a3d9a";

// `reference` is an entry of a start record's `references` (or a concept of GET
// /concepts); `lineage` (see lineageOf) names the input's own class concept and every
// concept above it, drawn heavier with `self` since those are the rungs its stages compare.
export function styleOf(reference, classIds, lineage = {}) {
  const own = lineage.ancestors?.has(reference.id) ?? false;
  if (reference.id === "self") return { colour: "#000000", width: 3, dash: [] };
  if (reference.level === "all") return { colour: "#555555", width: 3, dash: [6, 4] };
  if (reference.level !== "class") return { colour: GROUP_COLOUR, width: own ? 3 : 1.25, dash: [2, 3] };
  const colour = CLASS_COLOURS[classIds.indexOf(reference.id) % CLASS_COLOURS.length] ?? "#999999";
  return { colour, width: reference.id === lineage.ownClass ? 3 : 1.25, dash: [] };
}

// The input's class concept and its ancestors up to the root, from a start record's
// references (each names its parent); empty when the input's class is unknown.
export function lineageOf(start) {
  const byId = new Map(start.references.map((r) => [r.id, r]));
  const ownClass = byId.get("self")?.parent;
  const ancestors = new Set();
  for (let id = ownClass; id && byId.has(id) && !ancestors.has(id); id = byId.get(id).parent) ancestors.add(id);
  return { ownClass: ownClass && byId.get(ownClass)?.level === "class" ? ownClass : undefined, ancestors };
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
