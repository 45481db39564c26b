// A canvas to draw a digit on with a mouse, pen or finger (Pointer Events cover all
// three). Calls `onDrawn(pixels)` with the drawing in MNIST form after every stroke.
import { mnistForm } from "./digits.js";

export function drawPad(canvas, onDrawn) {
  const context = canvas.getContext("2d");
  let last = null;

  function point(event) {
    const r = canvas.getBoundingClientRect();
    return { x: ((event.clientX - r.left) * canvas.width) / r.width, y: ((event.clientY - r.top) * canvas.height) / r.height };
  }

  function line(from, to) {
    context.strokeStyle = "#fff";
    context.lineCap = "round";
    context.lineJoin = "round";
    // A pen about as wide, relative to the digit, as the strokes in MNIST.
    context.lineWidth = canvas.width / 14;
    context.beginPath();
    context.moveTo(from.x, from.y);
    context.lineTo(to.x, to.y);
    context.stroke();
  }

  canvas.addEventListener("pointerdown", (event) => {
    canvas.setPointerCapture(event.pointerId);
    last = point(event);
    line(last, last);
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!last) return;
    const next = point(event);
    line(last, next);
    last = next;
  });
  const end = () => {
    if (!last) return;
    last = null;
    const pixels = mnistForm(canvas);
    if (pixels) onDrawn(pixels);
  };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);

  return {
    clear() {
      context.clearRect(0, 0, canvas.width, canvas.height);
    },
  };
}
