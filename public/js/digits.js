// 28 x 28 digit images: painting them, and bringing a free drawing to the form of an MNIST
// digit so that what the page previews is exactly what the server receives.

export const SIDE = 28;
const BOX = 20; // MNIST scales the ink's bounding box to fit 20 x 20 ...

// A pixel's colour: grey (0..1) as light ink on black, and red for a pixel an imputation
// chain hides (bright enough to show even where the image is black).
export function pixelColour(value, hidden = false) {
  const grey = Math.round(Math.min(Math.max(value, 0), 1) * 255);
  return hidden ? [Math.max(grey, 150), Math.round(grey * 0.35), Math.round(grey * 0.35)] : [grey, grey, grey];
}

// Paints intensities (0..1, ink = 1) as light ink on black, like the paper's figures; the
// pixels in the set `hidden` red.
export function paint(canvas, pixels, hidden = null) {
  canvas.width = SIDE;
  canvas.height = SIDE;
  const context = canvas.getContext("2d");
  const image = context.createImageData(SIDE, SIDE);
  pixels.forEach((v, i) => image.data.set([...pixelColour(v, hidden?.has(i)), 255], i * 4));
  context.putImageData(image, 0, 0);
  return canvas;
}

export function digitCanvas(pixels, label, hidden = null) {
  const canvas = paint(document.createElement("canvas"), pixels, hidden);
  canvas.className = "digit";
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", label);
  return canvas;
}

// The bounding box of the ink (alpha above 12 of 255) in RGBA `data`, or null when blank.
export function inkBox(data, width, height) {
  let x0 = width, y0 = height, x1 = 0, y1 = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (data[(y * width + x) * 4 + 3] > 12) {
        x0 = Math.min(x0, x); y0 = Math.min(y0, y);
        x1 = Math.max(x1, x + 1); y1 = Math.max(y1, y + 1);
      }
    }
  }
  return x1 > x0 ? { x0, y0, w: x1 - x0, h: y1 - y0 } : null;
}

// ... and places it so that its centre of mass is at the centre of the 28 x 28 field.
// Returns 784 intensities, or null for an empty drawing. `source` holds opaque ink on a
// transparent background.
export function mnistForm(source) {
  const data = source.getContext("2d").getImageData(0, 0, source.width, source.height).data;
  const box = inkBox(data, source.width, source.height);
  if (!box) return null;
  const scale = BOX / Math.max(box.w, box.h);
  const w = Math.max(1, Math.round(box.w * scale)), h = Math.max(1, Math.round(box.h * scale));
  const glyph = document.createElement("canvas");
  glyph.width = w;
  glyph.height = h;
  const g = glyph.getContext("2d");
  g.imageSmoothingQuality = "high";
  g.drawImage(source, box.x0, box.y0, box.w, box.h, 0, 0, w, h);
  const alpha = g.getImageData(0, 0, w, h).data;
  return centred(Array.from({ length: w * h }, (_, i) => alpha[i * 4 + 3] / 255), w);
}

// `ink` (w columns, row after row, 0..1) placed in the 28 x 28 field with its centre of
// mass at the field's centre (MNIST's rule), cut where it overflows.
export function centred(ink, w) {
  let mass = 0, mx = 0, my = 0;
  ink.forEach((v, i) => { mass += v; mx += v * (i % w); my += v * Math.floor(i / w); });
  const left = Math.round(SIDE / 2 - (mx / mass + 0.5)), top = Math.round(SIDE / 2 - (my / mass + 0.5));
  const pixels = new Array(SIDE * SIDE).fill(0);
  ink.forEach((v, i) => {
    const x = left + (i % w), y = top + Math.floor(i / w);
    if (x >= 0 && x < SIDE && y >= 0 && y < SIDE) pixels[y * SIDE + x] = v;
  });
  return pixels;
}
