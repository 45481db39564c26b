// Fig 3: the minimum over t of the distance to each reference against the noise ratio,
// with the background shaded by the stage of each ratio (the level of the input's nearest
// rung: I its own pattern, II its class concept, then any group levels, last the root)
// and a dashed line at each transition.
import { axis, makeChart, scheduleUpdate, styleOf } from "./chart-kit.js";
import { shownStage, stageColour, stageName, stageSpans, UNDECIDED_COLOUR } from "./stages.js";

// What each shade means, for the figure's caption: "I item", "II class", ...
export function stageLegend(container, levels) {
  const undecided = document.createElement("span");
  undecided.className = "stage";
  undecided.style.background = UNDECIDED_COLOUR + "40";
  undecided.textContent = "? undecided (support < 0.95)";
  container.replaceChildren(...levels.map((level, i) => {
    const span = document.createElement("span");
    span.className = "stage";
    span.style.background = stageColour(i + 1, levels.length) + "40";
    span.textContent = `${stageName(i + 1)} ${level === "item" ? "own pattern" : level}`;
    return span;
  }), undecided);
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
        ctx.fillStyle = stageColour(span.stage, chart.$levels.length) + "26";
        ctx.fillRect(left, area.top, right - left, area.bottom - area.top);
      } else if (span.undecided) {
        ctx.fillStyle = UNDECIDED_COLOUR + "40";
        ctx.fillRect(left, area.top, right - left, area.bottom - area.top);
        ctx.fillStyle = "#555";
        ctx.fillText("?", (left + right) / 2, area.bottom - 6);
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
  constructor(canvas, legend) {
    this.legend = legend;
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

  start(start, lineage) {
    const ratios = start.noiseRatios;
    this.chart.$levels = start.levels;
    stageLegend(this.legend, start.levels);
    this.chart.options.scales.x.min = Math.min(...ratios);
    this.chart.options.scales.x.max = Math.max(...ratios);
    this.chart.$stagePoints = [];
    this.chart.data.datasets = start.references.map((r) => {
      const { colour, width, dash } = styleOf(r, start.classReferences, lineage);
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
    this.chart.$stagePoints.push({ ratio: point.ratio, stage: shownStage(point), undecided: point.stage != null && shownStage(point) === null });
    scheduleUpdate(this.chart);
  }
}
