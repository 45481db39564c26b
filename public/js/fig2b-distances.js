// Fig 2b: distance of the latent state to every reference over t, the mean over trials
// with a +-1 SE band (two hidden edge datasets, the upper filled down to the lower), and a
// ribbon under the chart naming the nearest reference at each step. With the controls on,
// the control point of the input's class concept (same norm, a meaningless direction) as a
// grey dashed line with its band, and the state's norm |μ(t)| dotted: what the distances
// would do if nothing but the norm moved them.
import { axis, makeChart, scheduleUpdate, styleOf, translucent } from "./chart-kit.js";

export class DistanceFigure {
  constructor(canvas, ribbon) {
    this.ribbon = ribbon;
    this.chart = makeChart(canvas, {
      type: "line",
      data: { datasets: [] },
      options: {
        parsing: false,
        normalized: true,
        interaction: { mode: "index", intersect: false },
        scales: { x: axis("step t", { min: 0 }), y: axis("distance to reference") },
        plugins: {
          legend: { labels: { filter: (item, data) => !data.datasets[item.datasetIndex].band, boxWidth: 14 } },
          tooltip: { filter: (item) => !item.dataset.band },
        },
        elements: { point: { radius: 0 } },
      },
    });
  }

  // A start record sets up one band and one mean line per reference.
  start(start, lineage) {
    this.references = start.references;
    this.styles = start.references.map((r) => styleOf(r, start.classReferences, lineage));
    this.lineage = lineage;
    this.chart.options.scales.x.max = start.parameters.steps;
    this.chart.options.scales.y.title.text = `${start.parameters.metric} distance of ${start.parameters.measure === "mean" ? "μ(t)" : "z(t)"}`;
    this.chart.data.datasets = start.references.flatMap((r, i) => {
      const { colour, width, dash } = this.styles[i];
      const edge = (label, fill) => ({ label, data: [], band: true, ref: r.id, level: r.level, borderWidth: 0, pointRadius: 0, fill });
      return [
        { ...edge(`${r.label} + SE`, "+1"), backgroundColor: translucent(colour, 0.18) },
        edge(`${r.label} − SE`, false),
        { label: r.label, ref: r.id, level: r.level, data: [], borderColor: colour, backgroundColor: colour, borderWidth: width, borderDash: dash, fill: false },
      ];
    });
    // The input's class concept's control, and the norm: after the references' datasets.
    this.controlOf = start.references.findIndex((r) => r.id === lineage.ownClass);
    if (this.controlOf >= 0) {
      const grey = "#7f7f7f", edge = (label, fill) => ({ label, data: [], band: true, control: true, borderWidth: 0, pointRadius: 0, fill });
      this.chart.data.datasets.push(
        { ...edge("control + SE", "+1"), backgroundColor: translucent(grey, 0.15) },
        edge("control − SE", false),
        { label: `control of ${start.references[this.controlOf].label}`, control: true, data: [], borderColor: grey, backgroundColor: grey, borderWidth: 1.5, borderDash: [6, 4], fill: false },
        { label: start.parameters.measure === "mean" ? "|μ(t)|" : "|z(t)|", control: true, data: [], borderColor: "#000000", backgroundColor: "#000000", borderWidth: 1.2, borderDash: [2, 3], fill: false },
      );
    }
    this.ribbon.replaceChildren();
    this.showControls(this.controlsShown ?? true);
  }

  // Shows or hides the control and the norm (the page's checkbox).
  showControls(on) {
    this.controlsShown = on;
    this.chart.data.datasets.forEach((d, i) => { if (d.control) this.chart.setDatasetVisibility(i, on); });
    this.chart.update("none");
  }

  clear() {
    this.chart.data.datasets = [];
    this.ribbon.replaceChildren();
    this.chart.update("none");
  }

  add(step) {
    const datasets = this.chart.data.datasets;
    step.distance.forEach((d, i) => {
      const se = step.standardError?.[i] ?? 0;
      datasets[3 * i].data.push({ x: step.t, y: d + se });
      datasets[3 * i + 1].data.push({ x: step.t, y: d - se });
      datasets[3 * i + 2].data.push({ x: step.t, y: d });
    });
    if (this.controlOf >= 0 && step.controlDistance) {
      const base = 3 * step.distance.length, c = step.controlDistance[this.controlOf], se = step.controlStandardError?.[this.controlOf] ?? 0;
      datasets[base].data.push({ x: step.t, y: c + se });
      datasets[base + 1].data.push({ x: step.t, y: c - se });
      datasets[base + 2].data.push({ x: step.t, y: c });
      datasets[base + 3].data.push({ x: step.t, y: step.norm.mean });
    }
    this.addNearest(step);
    scheduleUpdate(this.chart);
  }

  // One segment per run of steps with the same nearest reference, as wide as the run,
  // so that its name fits and a change of nearest stands out.
  addNearest(step) {
    const i = this.references.findIndex((r) => r.id === step.nearest);
    let segment = this.ribbon.lastElementChild;
    if (segment?.dataset.ref !== step.nearest) {
      segment = document.createElement("span");
      segment.className = "nearest-run";
      segment.dataset.ref = step.nearest;
      segment.dataset.from = step.t;
      segment.dataset.steps = "0";
      segment.style.background = this.styles[i].colour;
      segment.textContent = this.references[i].label;
      this.ribbon.append(segment);
    }
    segment.dataset.steps = String(Number(segment.dataset.steps) + 1);
    segment.style.flexGrow = segment.dataset.steps;
    segment.title = `t = ${segment.dataset.from}…${step.t}: nearest ${this.references[i].label}`;
  }

  // Hides the concepts that are not the input's own rungs (other classes, other groups),
  // leaving its pattern, its class, its groups and all: the references its stages compare.
  focus(onlyStages) {
    this.chart.data.datasets.forEach((d, i) => {
      if (d.control) return;
      const minor = d.ref !== "self" && d.level !== "all" && !this.lineage.ancestors.has(d.ref);
      this.chart.setDatasetVisibility(i, !(onlyStages && minor));
    });
    this.chart.update("none");
  }
}
