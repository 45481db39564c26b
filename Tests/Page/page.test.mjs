// The page's pure functions, without a browser: `node --test Tests/Page/` (make test).
import assert from "node:assert/strict";
import { test } from "node:test";

import { centred, inkBox, SIDE } from "../../public/js/digits.js";
import { noisy } from "../../public/js/noise.js";
import { approachLine, shownStage, stageCall, stageColour, stageName, stageSpans } from "../../public/js/stages.js";

const grey = Array.from({ length: 10000 }, (_, i) => ((i * 7919) % 1000) / 999);

test("the noise preview is the same for the same settings and another for another seed", () => {
  const settings = { kind: "replace", ratio: 0.3, binarize: true, seed: 5 };
  assert.deepEqual(noisy(grey, settings), noisy(grey, settings));
  assert.notDeepEqual(noisy(grey, settings), noisy(grey, { ...settings, seed: 6 }));
});

test("each noise kind corrupts about the share of pixels it is told, within [0, 1]", () => {
  const binary = noisy(grey, { kind: "replace", ratio: 0, binarize: true, seed: 1 });
  assert.ok(binary.every((v) => v === 0 || v === 1), "binarised pixels are bits");
  const changed = (a, b) => a.filter((v, i) => v !== b[i]).length / a.length;
  // Flip changes every chosen pixel, and so does replace on grey levels (a new uniform
  // value); salt and pepper on bits leaves half of the chosen ones as they were.
  const flipped = noisy(binary, { kind: "flip", ratio: 0.3, binarize: false, seed: 2 });
  assert.ok(Math.abs(changed(flipped, binary) - 0.3) < 0.03, `flip changed ${changed(flipped, binary)}`);
  const replaced = noisy(grey, { kind: "replace", ratio: 0.4, binarize: false, seed: 3 });
  assert.ok(Math.abs(changed(replaced, grey) - 0.4) < 0.03, `replace changed ${changed(replaced, grey)}`);
  const salted = noisy(binary, { kind: "salt-pepper", ratio: 0.4, binarize: false, seed: 3 });
  assert.ok(Math.abs(changed(salted, binary) - 0.2) < 0.03, `salt-pepper changed ${changed(salted, binary)}`);
  assert.deepEqual(noisy(grey, { kind: "flip", ratio: 0, binarize: false, seed: 4 }), grey, "ratio 0 changes nothing");
  assert.deepEqual(noisy(grey, { kind: "smudge", ratio: 0.5, binarize: false, seed: 4 }), grey, "a kind the preview does not know");
  const gaussian = noisy(grey, { kind: "gaussian", ratio: 0.5, binarize: false, seed: 5 });
  assert.ok(gaussian.every((v) => v >= 0 && v <= 1), "gaussian noise is clipped to [0, 1]");
  assert.ok(changed(gaussian, grey) > 0.9);
});

test("stage spans tile the axis, changing halfway between neighbouring ratios", () => {
  const points = [{ ratio: 0, stage: 1 }, { ratio: 0.2, stage: 2 }, { ratio: 0.6, stage: 2 }, { ratio: 1, stage: 3 }];
  const spans = stageSpans(points, { min: 0, max: 1 });
  assert.deepEqual(spans.map((s) => [s.from, s.to]), [[0, 0.1], [0.1, 0.4], [0.4, 0.8], [0.8, 1]]);
  assert.deepEqual(spans.map((s) => s.stage), [1, 2, 2, 3]);
  assert.deepEqual(stageSpans([{ ratio: 0.5, stage: 2 }], { min: 0, max: 1 }), [{ stage: 2, undecided: false, from: 0, to: 1 }]);
});

test("stages are named in numerals and the root keeps the paper's colour at any depth", () => {
  assert.deepEqual([1, 2, 3, 4, 11].map(stageName), ["I", "II", "III", "IV", "11"]);
  assert.equal(stageColour(3, 3), stageColour(5, 5), "the root");
  assert.notEqual(stageColour(3, 5), stageColour(5, 5), "a group level is not the root");
});

test("a drawing's ink is boxed and placed with its centre of mass at the field's centre", () => {
  const width = 40, height = 30, data = new Uint8ClampedArray(width * height * 4);
  for (const [x, y] of [[5, 7], [12, 7], [5, 20]]) data[(y * width + x) * 4 + 3] = 255;
  assert.deepEqual(inkBox(data, width, height), { x0: 5, y0: 7, w: 8, h: 14 });
  assert.equal(inkBox(new Uint8ClampedArray(width * height * 4), width, height), null);

  // A 3 x 2 blob, heavier on the right: its centre of mass lands on the field's centre.
  const ink = [0.5, 1, 1, 0.5, 1, 1], w = 3;
  const pixels = centred(ink, w);
  assert.equal(pixels.length, SIDE * SIDE);
  let mass = 0, mx = 0, my = 0;
  pixels.forEach((v, i) => { mass += v; mx += v * (i % SIDE); my += v * Math.floor(i / SIDE); });
  assert.equal(mass, ink.reduce((a, b) => a + b), "no ink lost");
  assert.ok(Math.abs(mx / mass + 0.5 - SIDE / 2) <= 0.5 && Math.abs(my / mass + 0.5 - SIDE / 2) <= 0.5, `centre ${mx / mass}, ${my / mass}`);
});

test("the line under Fig 2b says whether the approach beats its control, in both directions and within 2 SE", () => {
  const references = [{ id: "class-6", label: "6" }, { id: "all", label: "all" }];
  const step = (mean, standardError, t = 1) => ({ t, approach: [{ mean, standardError }, { mean: 0, standardError: 0 }] });
  assert.match(approachLine(step(0.12, 0.03), references, "class-6"), /0\.120 ± 0\.030 nearer class 6 .*beyond its control/);
  assert.match(approachLine(step(-0.12, 0.03), references, "class-6"), /−0\.120 .*the control is approached more/);
  assert.match(approachLine(step(0.05, 0.03), references, "class-6"), /not distinguishable from its control/);
  // Nothing to say at t = 0, for an unknown class, or without controls in the record.
  assert.equal(approachLine(step(0, 0, 0), references, "class-6"), "");
  assert.equal(approachLine(step(0.12, 0.03), references, undefined), "");
  assert.equal(approachLine({ t: 1 }, references, "class-6"), "");
});

test("an undecided stage is shown as none, a decided one and an old record without the flag as their stage", () => {
  assert.equal(shownStage({ stage: 2, stageDecided: false }), null);
  assert.equal(shownStage({ stage: 2, stageDecided: true }), 2);
  assert.equal(shownStage({ stage: 3 }), 3);
  assert.equal(shownStage({ stage: null, stageDecided: false }), null);
  const spans = stageSpans([{ ratio: 0, stage: 1 }, { ratio: 1, stage: null, undecided: true }], { min: 0, max: 1 });
  assert.deepEqual(spans.map((s) => [s.stage, s.undecided]), [[1, false], [null, true]]);
});

test("a stage call is said with its support, and an undecided one as undecided", () => {
  assert.equal(stageCall({ stage: 2, stageLevel: "class", stageSupport: 0.97, stageDecided: true }), "stage II, class (support 0.97)");
  assert.match(stageCall({ stage: 1, stageLevel: "item", stageSupport: 0.6, stageDecided: false }), /^stage undecided \(support 0\.60; nearest at the minima: I, item\)$/);
  assert.match(stageCall({ stage: 3, stageLevel: "all", stageDecided: false }), /no support measured/);
  assert.equal(stageCall({ stage: null }), "");
});
