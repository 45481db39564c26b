// The side-by-side view: the same input and seed run on two models, Fig 2b of each next
// to the other, and under each a line with the share of chains nearest the input's own
// class at the first and the last step: the study's retention measure (docs/study.md).
import { lineageOf } from "./chart-kit.js";
import { DistanceFigure } from "./fig2b-distances.js";
import { approachLine, stageCall } from "./stages.js";

const percent = (share) => `${Math.round(100 * share)} %`;

// One model's half of the view: its title, its Fig 2b and ribbon, its note (ids end in
// `name`, for the tests and for the PNG download).
class Side {
  constructor(container, name, which) {
    const element = (tag, id, attributes = {}) => Object.assign(document.createElement(tag), { id, ...attributes });
    const section = element("section", "", { className: "side" });
    this.title = element("h3", `compare-${name}-title`);
    this.canvas = element("canvas", `fig2b-${name}`);
    this.canvas.setAttribute("role", "img");
    this.canvas.setAttribute("aria-label", `distances to the concepts over t, ${which} model`);
    const chart = element("div", "", { className: "chart" });
    chart.append(this.canvas);
    const ribbon = element("div", `ribbon-${name}`, { className: "ribbon" });
    ribbon.setAttribute("aria-label", `nearest reference per step, ${which} model`);
    this.note = element("p", `compare-${name}-note`, { className: "quiet" });
    section.setAttribute("aria-labelledby", this.title.id);
    section.append(this.title, chart, ribbon, this.note);
    container.append(section);
    this.figure = new DistanceFigure(this.canvas, ribbon);
    this.clear();
  }

  clear() {
    this.figure.clear();
    this.title.textContent = "";
    this.note.textContent = "";
    this.first = this.last = this.start = null;
  }

  // The records of one model's stream, as main.js's handlers take them.
  get handler() {
    return {
      start: (start) => {
        this.start = start;
        this.lineage = lineageOf(start);
        this.title.textContent = `${start.model} (Z = ${start.latentSize})`;
        this.figure.start(start, this.lineage);
        // Half a chart is too narrow for ten classes: the input's own rungs, as Fig 2b's checkbox.
        this.figure.focus(Boolean(this.lineage.ownClass));
      },
      step: (step) => {
        this.figure.add(step);
        this.first ??= step;
        this.last = step;
        this.note.textContent = `${this.shares()} ${approachLine(step, this.start.references, this.lineage.ownClass)}`;
      },
      summary: (summary) => {
        const stage = summary.stage ? ` At the minima, ${stageCall(summary)}.` : "";
        this.note.textContent = `${this.shares()}${stage} ${approachLine(this.last, this.start.references, this.lineage.ownClass)}`;
      },
    };
  }

  // Nothing to say without the input's class (a drawing left "unknown").
  shares() {
    const i = this.start.classReferences.indexOf(this.lineage.ownClass);
    if (i < 0 || !this.last) return "The input's class is unknown, so no share of chains in it.";
    return `Nearest its class concept: ${percent(this.first.classShares[i])} of the chains at t = ${this.first.t}, ` +
      `${percent(this.last.classShares[i])} at t = ${this.last.t}.`;
  }
}

export class ModelComparison {
  constructor(panel) {
    this.panel = panel;
    const pair = panel.querySelector(".pair");
    this.sides = [new Side(pair, "left", "first"), new Side(pair, "right", "second")];
  }

  clear() {
    this.sides.forEach((side) => side.clear());
    this.panel.hidden = true;
  }

  // Handlers for the two streams, the page's model first; shows the panel.
  begin() {
    this.sides.forEach((side) => side.clear());
    this.panel.hidden = false;
    this.panel.scrollIntoView({ block: "nearest" });
    return this.sides.map((side) => side.handler);
  }

  // Both charts on one white canvas, each under its model's title, for the PNG download.
  toCanvas() {
    const gap = 16, titleHeight = 28;
    const [a, b] = this.sides.map((side) => side.canvas);
    const out = document.createElement("canvas");
    out.width = a.width + gap + b.width;
    out.height = titleHeight + Math.max(a.height, b.height);
    const ctx = out.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.fillStyle = "#000000";
    ctx.font = "bold 16px system-ui, sans-serif";
    this.sides.forEach((side, i) => {
      const x = i === 0 ? 0 : a.width + gap;
      ctx.fillText(side.title.textContent, x + 8, 20);
      ctx.drawImage(side.canvas, x, titleHeight);
    });
    return out;
  }
}
