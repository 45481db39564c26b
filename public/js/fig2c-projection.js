// Fig 2c: the latent space on the model's two PCA axes, the concepts as labelled points
// and the chains as lines: the trial-averaged state heavy, a few single trials faint
// (all of them would hide the picture and cost a redraw per point).
import { axis, makeChart, scheduleUpdate, styleOf, translucent } from "./chart-kit.js";

const TRIALS_DRAWN = 6;

export class ProjectionFigure {
  constructor(canvas) {
    this.chart = makeChart(canvas, {
      type: "scatter",
      data: { datasets: [] },
      // Parsed, not `parsing: false`: Chart.js then assumes points sorted by x and would
      // take the axis range from the first and last concept only.
      options: {
        scales: { x: axis("projection axis 1"), y: axis("projection axis 2") },
        plugins: {
          legend: { labels: { filter: (item, data) => !data.datasets[item.datasetIndex].trial, usePointStyle: true } },
          tooltip: { callbacks: { label: (item) => item.raw.label ?? `t = ${item.raw.t}` } },
        },
      },
    });
  }

  // The concepts of GET /concepts; drawn before any run so the map is there to read.
  showConcepts(concepts, classIds) {
    this.conceptSet = this.pointSet("concepts", concepts.filter((c) => c.projection).map((c) => ({ ...c, position: c.projection })), classIds);
    this.chart.data.datasets = [this.conceptSet];
    this.chart.update("none");
  }

  pointSet(label, items, classIds, lineage) {
    const colours = items.map((c) => styleOf(c, classIds, lineage).colour);
    return {
      label,
      labelled: true,
      data: items.map((c) => ({ x: c.position[0], y: c.position[1], label: c.label })),
      labelColours: colours,
      pointBackgroundColor: colours,
      pointBorderColor: "#000",
      // Classes as diamonds, groups and all as triangles: the levels read apart at a glance.
      pointStyle: items.map((c) => (c.level === "class" ? "rectRot" : c.id === "self" ? "circle" : "triangle")),
      pointRadius: 7,
      backgroundColor: "#888",
    };
  }

  // The start record, when the run asked for projections, places the input's own
  // pattern too; trajectories then grow with every step.
  start(start, lineage) {
    const positions = start.projectedReferences;
    if (!positions) {
      // A model without projection axes: nothing of this run to draw, so no stale lines.
      this.chart.data.datasets = this.chart.data.datasets.slice(0, 1);
      this.chart.update("none");
      return;
    }
    const references = start.references.map((r, i) => ({ ...r, position: positions[i] }));
    const line = (label, colour, width, extra = {}) => ({ label, data: [], showLine: true, borderColor: colour, backgroundColor: colour, borderWidth: width, pointRadius: 0, ...extra });
    const trials = Math.min(start.parameters.trials, TRIALS_DRAWN);
    this.chart.data.datasets = [
      this.pointSet("concepts", references, start.classReferences, lineage),
      // The start of the mean trajectory, t = 0, drawn larger so its direction reads.
      line("mean state", "#000", 2.5, { pointRadius: (c) => (c.dataIndex === 0 ? 6 : 2.5), pointStyle: "circle" }),
      ...Array.from({ length: trials }, (_, i) => line(`trial ${i + 1}`, translucent("#1f77b4", 0.3), 1, { trial: true })),
    ];
    this.chart.update("none");
  }

  add(step) {
    if (!step.projection) return;
    const [mean, ...trials] = this.chart.data.datasets.slice(1);
    mean.data.push({ x: step.projection.mean[0], y: step.projection.mean[1], t: step.t });
    trials.forEach((dataset, i) => {
      const [x, y] = step.projection.trials[i];
      dataset.data.push({ x, y, t: step.t });
    });
    scheduleUpdate(this.chart);
  }
}
