// Fig 3: the minimum over t of the distance to each reference against the noise ratio,
// with the background shaded by the stage of each ratio (I: nearest the input's own
// pattern, II: its class concept, III: all digits) and a dashed line at each transition.
import { axis, makeChart, scheduleUpdate, styleOf } from "./chart-kit.js";

const STAGE_NAMES = ["I", "II", "III"];
const STAGE_COLOURS = ["#2ca02c26", "#1f77b426", "#ff7f0e26"];

// Deeper concept trees give more stages than the paper's three; those get a number.
export function stageName(stage) {
  return STAGE_NAMES[stage - 1] ?? String(stage);
}

// Where along x each point's stage holds: halfway to its neighbours on both sides.
function stageSpans(points, scale) {
  return points.map((p, i) => ({
    stage: p.stage,
    from: i === 0 ? scale.min : (points[i - 1].ratio + p.ratio) / 2,
    to: i === points.length - 1 ? scale.max : (p.ratio + points[i + 1].ratio) / 2,
  }));
}

const stageShading = {
  id: "stageShading",
  beforeDatasetsDraw(chart) {
    const points = chart.$stagePoints ?? [];
    if (points.length === 0) return;
    const { ctx, chartArea: area, scales: { x } } = chart;
    ctx.save();
    ctx.font = "bold 13px system-ui, sans-serif";
    ctx.textAlign = "center";
    let previous = null;
    for (const span of stageSpans(points, x)) {
      const left = x.getPixelForValue(span.from), right = x.getPixelForValue(span.to);
      if (span.stage) {
        ctx.fillStyle = STAGE_COLOURS[span.stage - 1] ?? "#7f7f7f26";
        ctx.fillRect(left, area.top, right - left, area.bottom - area.top);
      }
      if (previous && span.stage && previous !== span.stage) {
        ctx.strokeStyle = "#333";
        ctx.setLineDash([5, 4]);
        ctx.beginPath();
        ctx.moveTo(left, area.top);
        ctx.lineTo(left, area.bottom);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = "#333";
        ctx.fillText(`${stageName(previous)}→${stageName(span.stage)}`, left, area.top + 14);
      }
      previous = span.stage;
    }
    ctx.restore();
  },
};

export class SweepFigure {
  constructor(canvas) {
    this.chart = makeChart(canvas, {
      type: "line",
      data: { datasets: [] },
      plugins: [stageShading],
      options: {
        parsing: false,
        interaction: { mode: "index", intersect: false },
        scales: { x: axis("noise ratio p", { min: 0, max: 1 }), y: axis("minimum distance over t") },
        plugins: { legend: { labels: { boxWidth: 14 } } },
        elements: { point: { radius: 2.5 } },
      },
    });
  }

  start(start, ownClass) {
    const ratios = start.noiseRatios;
    this.chart.options.scales.x.min = Math.min(...ratios);
    this.chart.options.scales.x.max = Math.max(...ratios);
    this.chart.$stagePoints = [];
    this.chart.data.datasets = start.references.map((r) => {
      const { colour, width, dash } = styleOf(r, start.classReferences, ownClass);
      return { label: r.label, data: [], borderColor: colour, backgroundColor: colour, borderWidth: width, borderDash: dash };
    });
    this.chart.update("none");
  }

  clear() {
    this.chart.data.datasets = [];
    this.chart.$stagePoints = [];
    this.chart.update("none");
  }

  add(point) {
    point.minimum.forEach((m, i) => this.chart.data.datasets[i].data.push({ x: point.ratio, y: m }));
    this.chart.$stagePoints.push({ ratio: point.ratio, stage: point.stage });
    scheduleUpdate(this.chart);
  }
}
