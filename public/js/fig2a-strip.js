// Fig 2a: the decoded images over t (the mean over trials of x(t); x(0) is the noisy
// input), each captioned with its step and nearest reference. Long runs show every k-th
// step so that the whole run fits the width, as the paper's strip does. An imputation
// run's hidden pixels are red, so that they are seen filling in, and a Metropolis-within-
// Gibbs run's frames say the share of proposals accepted at their step.
import { digitCanvas, paint, SIDE } from "./digits.js";

// A frame with its gap is about this wide (style.css); the strip shows as many as fit
// its width, and at least a few on a phone.
const FRAME_WIDTH = 52;
const FEWEST_FRAMES = 8;

export class ImageStrip {
  constructor(container) {
    this.container = container;
  }

  start(start) {
    const steps = start.parameters.steps;
    this.last = steps;
    const frames = Math.max(FEWEST_FRAMES, Math.floor(this.container.clientWidth / FRAME_WIDTH));
    this.stride = Math.ceil((steps + 1) / frames);
    this.labels = new Map(start.references.map((r) => [r.id, r.label]));
    // The page sends a mask as indices; a named one (from a script) is drawn untinted.
    this.hidden = Array.isArray(start.parameters.mask) ? new Set(start.parameters.mask) : null;
    this.frames = [];
    this.container.replaceChildren();
  }

  clear() {
    this.frames = [];
    this.container.replaceChildren();
  }

  add(step) {
    if (!step.meanImage || (step.t % this.stride !== 0 && step.t !== this.last)) return;
    const nearest = this.labels.get(step.nearest);
    const figure = document.createElement("figure");
    figure.className = "frame";
    const caption = document.createElement("figcaption");
    const name = document.createElement("span");
    name.className = "nearest";
    name.textContent = nearest;
    caption.append(`t=${step.t}`, document.createElement("br"), name);
    const accepted = step.acceptance === undefined ? null : `acc ${Math.round(step.acceptance * 100)}%`;
    if (accepted) caption.append(document.createElement("br"), accepted);
    figure.append(digitCanvas(step.meanImage, `mean image at t = ${step.t}, nearest ${nearest}`, this.hidden), caption);
    this.container.append(figure);
    this.frames.push({ t: step.t, pixels: step.meanImage, nearest, accepted });
    // Follows the newest frame sideways without moving the page.
    this.container.scrollLeft = this.container.scrollWidth;
  }

  // The strip as one picture for the PNG download: frames side by side, captions below.
  toCanvas(scale = 3) {
    const cell = SIDE * scale, gap = 4, captionHeight = 30;
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, this.frames.length * (cell + gap) - gap);
    canvas.height = cell + captionHeight + (this.frames.some((f) => f.accepted) ? 13 : 0);
    const context = canvas.getContext("2d");
    context.fillStyle = "#fff";
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.imageSmoothingEnabled = false;
    context.fillStyle = "#000";
    context.font = "11px system-ui, sans-serif";
    context.textAlign = "center";
    this.frames.forEach((f, i) => {
      const x = i * (cell + gap);
      context.drawImage(paint(document.createElement("canvas"), f.pixels, this.hidden), x, 0, cell, cell);
      context.fillText(`t=${f.t}`, x + cell / 2, cell + 12);
      context.fillText(f.nearest, x + cell / 2, cell + 25);
      if (f.accepted) context.fillText(f.accepted, x + cell / 2, cell + 38);
    });
    return canvas;
  }
}
