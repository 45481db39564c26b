// The eraser: paint over the input the pixels an imputation chain hides (kernel clamped
// or mwg). The canvas shows the input enlarged with the hidden pixels in red; a stroke
// hides every pixel under a pen three pixels wide, and the halves are one click away.
import { pixelColour, SIDE } from "./digits.js";

const HALVES = {
  "top-half": (r) => r < SIDE / 2,
  "bottom-half": (r) => r >= SIDE / 2,
  "left-half": (_, c) => c < SIDE / 2,
  "right-half": (_, c) => c >= SIDE / 2,
};

export function eraser(canvas, onChange) {
  const context = canvas.getContext("2d");
  const hidden = new Uint8Array(SIDE * SIDE);
  let pixels = new Array(SIDE * SIDE).fill(0);
  // The last point of the stroke under way (in pixels), null between strokes.
  let last = null;

  function draw() {
    const cell = canvas.width / SIDE;
    for (let i = 0; i < SIDE * SIDE; i++) {
      context.fillStyle = `rgb(${pixelColour(pixels[i], hidden[i] === 1).join(", ")})`;
      context.fillRect((i % SIDE) * cell, Math.floor(i / SIDE) * cell, cell, cell);
    }
  }

  function changed() {
    draw();
    onChange(indices());
  }

  function indices() {
    const list = [];
    hidden.forEach((h, i) => { if (h) list.push(i); });
    return list;
  }

  function cellOf(event) {
    const r = canvas.getBoundingClientRect();
    return { x: ((event.clientX - r.left) / r.width) * SIDE, y: ((event.clientY - r.top) / r.height) * SIDE };
  }

  // The pen's 3 x 3 pixels at every pixel along the segment from the last event, so that
  // a fast stroke (few events) leaves no gaps.
  function hideAlong(to) {
    const from = last ?? to;
    const n = Math.max(1, Math.ceil(Math.hypot(to.x - from.x, to.y - from.y) * 2));
    for (let k = 0; k <= n; k++) {
      const c = Math.floor(from.x + ((to.x - from.x) * k) / n), row = Math.floor(from.y + ((to.y - from.y) * k) / n);
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const y = row + dy, x = c + dx;
          if (x >= 0 && x < SIDE && y >= 0 && y < SIDE) hidden[y * SIDE + x] = 1;
        }
      }
    }
    last = to;
    draw();
  }

  canvas.addEventListener("pointerdown", (event) => {
    canvas.setPointerCapture(event.pointerId);
    last = null;
    hideAlong(cellOf(event));
  });
  canvas.addEventListener("pointermove", (event) => { if (last) hideAlong(cellOf(event)); });
  const end = () => {
    if (!last) return;
    last = null;
    changed();
  };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);

  return {
    indices,
    // The input under the paint (grey levels 0..1); the hidden pixels stay hidden.
    show(next) {
      pixels = next ?? new Array(SIDE * SIDE).fill(0);
      draw();
    },
    clear() {
      hidden.fill(0);
      changed();
    },
    half(name) {
      hidden.forEach((_, i) => { hidden[i] = HALVES[name](Math.floor(i / SIDE), i % SIDE) ? 1 : 0; });
      changed();
    },
  };
}
