// The noise models of docs/records.md, for the preview of the noisy x0. The preview uses
// its own random numbers (the server's stream is not reproducible in the browser), so it
// shows what kind of corruption a run gets, not the exact pixels of any one trial.

// mulberry32: a small seeded generator, so the preview changes only when a setting does.
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(uniform) {
  return Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

// `pixels` are grey levels 0..1. With `binarize`, each pixel is first 1 with probability
// equal to its grey level, as the server does before corrupting.
export function noisy(pixels, { kind, ratio, binarize, seed }) {
  const uniform = generator(seed);
  const x = binarize ? pixels.map((v) => (uniform() < v ? 1 : 0)) : pixels.slice();
  const corrupt = {
    replace: (v) => (uniform() < ratio ? (binarize ? (uniform() < 0.5 ? 0 : 1) : uniform()) : v),
    flip: (v) => (uniform() < ratio ? 1 - v : v),
    "salt-pepper": (v) => (uniform() < ratio ? (uniform() < 0.5 ? 0 : 1) : v),
    gaussian: (v) => Math.min(1, Math.max(0, v + ratio * gaussian(uniform))),
  }[kind];
  // A kind this preview does not know (a newer server's) is shown uncorrupted.
  return corrupt ? x.map(corrupt) : x;
}
