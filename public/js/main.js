// The page: picks an input, streams a run from the service and feeds each record to the
// figures as it arrives. State and counts sit as data- attributes on #app so that the
// browser test (and anyone curious) can read them without scraping the figures.
import { ApiError, getJSON, streamRecords } from "./api.js";
import { conceptGallery, exemplarGrid } from "./catalogue.js";
import { ModelComparison } from "./comparison.js";
import { paint, SIDE } from "./digits.js";
import { drawPad } from "./draw-pad.js";
import { eraser } from "./eraser.js";
import * as downloads from "./downloads.js";
import { lineageOf } from "./chart-kit.js";
import { ImageStrip } from "./fig2a-strip.js";
import { DistanceFigure } from "./fig2b-distances.js";
import { ProjectionFigure } from "./fig2c-projection.js";
import { stageLegend, SweepFigure } from "./fig3-sweep.js";
import { approachLine, stageCall, stageName } from "./stages.js";
import { noisy } from "./noise.js";

const $ = (id) => document.getElementById(id);
const app = $("app");

const figures = {
  strip: new ImageStrip($("strip")),
  distances: new DistanceFigure($("fig2b"), $("nearest-ribbon")),
  projection: new ProjectionFigure($("fig2c")),
  sweep: new SweepFigure($("fig3"), $("stage-legend")),
  comparison: new ModelComparison($("comparison")),
};

// What the next run starts from: an exemplar (sent by reference) or a drawing (sent as
// pixels), with the grey levels 0..1 that the preview shows; null when there is none (a
// cleared drawing), and then Run and Noise sweep wait for one.
let input = null;
// Whether the model has projection axes (its concepts in GET /concepts carry a
// projection): only then does a run ask for projections, which such a model refuses.
let hasProjection = false;
let controller = null;
let grid = null;
// The sentence on the approach from t = 0 to 1 beyond its control, kept under Fig 2b.
let firstApproach = "";
// The last step record of a dynamics run, for its summary line.
let lastStep = null;
// The id of the model the page runs on (GET /models; its default first).
let modelId = null;
// GET /models, for the models a run can be compared with.
let listing = null;
// Each experiment's streams of records, one array a stream (two for a comparison).
const runs = { dynamics: [], sweep: [], compare: [] };

function updateButtons() {
  const running = app.dataset.state === "running";
  for (const id of ["run", "sweep", "compare"]) $(id).disabled = running || !input;
  $("stop").disabled = !running;
}

function setState(state, experiment = app.dataset.experiment) {
  app.dataset.state = state;
  app.dataset.experiment = experiment;
  updateButtons();
}

function count(name, value) {
  app.dataset[name] = String(value);
}

function showError(message) {
  $("error").textContent = message;
  $("error").hidden = !message;
  // The controls scroll on their own; a message below their fold would go unseen.
  if (message) $("error").scrollIntoView({ block: "nearest" });
}

function status(text) {
  $("status").textContent = text;
}

function number(id) {
  return Number($(id).value);
}

// ---- input and the noise preview ----

const BLANK = new Array(SIDE * SIDE).fill(0);

function previewNoise() {
  $("noise-ratio-value").textContent = number("noise-ratio").toFixed(2);
  if (!input) {
    paint($("clean-preview"), BLANK);
    paint($("noisy-preview"), BLANK);
    return;
  }
  paint($("clean-preview"), input.pixels);
  paint($("noisy-preview"), noisy(input.pixels, {
    kind: $("noise-kind").value, ratio: number("noise-ratio"), binarize: $("binarize").checked, seed: number("seed"),
  }));
}

function choose(next) {
  input = next;
  updateButtons();
  previewNoise();
  hiding.show(input?.pixels);
}

// ---- hidden pixels (kernel clamped or mwg) ----

const hiding = eraser($("eraser"), describeHidden);

// Painting with the paper's chain picked switches to the exact imputation chain: hidden
// pixels mean nothing to gibbs. Choosing gibbs again keeps the paint for later.
function describeHidden(indices) {
  if (indices.length && $("kernel").value === "gibbs") $("kernel").value = "mwg";
  const kernel = $("kernel").value;
  $("hidden-count").textContent = !indices.length ? (kernel === "gibbs" ? "No pixel hidden." : `No pixel hidden yet: paint some for ${kernel}.`)
    : `${indices.length} pixels hidden` + (kernel === "gibbs" ? ": the gibbs chain ignores them (pick clamped or mwg)." : `, filled in by ${kernel}.`);
}
$("kernel").addEventListener("change", () => describeHidden(hiding.indices()));
$("mask-half").addEventListener("change", () => {
  if ($("mask-half").value) hiding.half($("mask-half").value);
  $("mask-half").value = "";
});
$("clear-mask").addEventListener("click", () => hiding.clear());

// The kernel and, for an imputation chain, the hidden pixels; null when such a chain has none.
function kernelOptions() {
  const kernel = $("kernel").value;
  if (kernel === "gibbs") return {};
  const mask = hiding.indices();
  return mask.length ? { kernel, mask } : null;
}

const pad = drawPad($("pad"), (pixels) => {
  grid?.clearSelection();
  choose({ kind: "drawing", pixels });
});
// Clearing a drawing forgets it: nothing is left to run until a digit is drawn or picked.
$("clear-pad").addEventListener("click", () => {
  pad.clear();
  if (input?.kind !== "drawing") return;
  $("drawn-label").value = "";
  choose(null);
  status("Drawing cleared: draw a digit or pick a stored one, then press Run.");
});
for (const id of ["noise-kind", "noise-ratio", "binarize", "seed"]) $(id).addEventListener("input", previewNoise);

// `asPixels` sends an exemplar as its pixels, as a comparison must: the other model's file
// may store other test images under the same digit and index. A byte b goes as b / 255,
// which the server turns back into b exactly.
function imageField(asPixels = false) {
  if (input.kind === "exemplar" && asPixels) return { image: { pixels: input.pixels }, label: input.digit };
  if (input.kind === "exemplar") return { image: { exemplar: { digit: input.digit, index: input.index } } };
  const label = $("drawn-label").value;
  const pixels = input.pixels.map((v) => Math.round(v * 1000) / 1000);
  return { image: { pixels }, ...(label === "" ? {} : { label: Number(label) }) };
}

function chainOptions(asPixels = false) {
  const options = { model: modelId, steps: number("steps"), trials: number("trials"), seed: number("seed"), binarize: $("binarize").checked };
  for (const id of ["x", "z", "measure", "metric", "aggregate"]) options[id] = $(id).value;
  return { ...imageField(asPixels), ...options, ...kernelOptions() };
}

const noiseField = () => ({ noise: { kind: $("noise-kind").value, ratio: number("noise-ratio") } });

// ---- running ----


function label(start, id) {
  return start.references.find((r) => r.id === id)?.label ?? id;
}

const handlers = {
  dynamics: {
    path: "/dynamics",
    body: () => ({
      ...chainOptions(), ...noiseField(), meanImage: true,
      ...(hasProjection ? { projection: true } : {}),
    }),
    start(start) {
      lastStep = null;
      figures.strip.start(start);
      figures.distances.start(start, lineageOf(start));
      figures.distances.focus($("focus").checked);
      figures.projection.start(start, lineageOf(start));
    },
    step(step, start) {
      lastStep = step;
      figures.strip.add(step);
      figures.distances.add(step);
      // The paper's fast approach (t = 0 -> 1), then the run so far.
      const own = lineageOf(start).ownClass;
      if (step.t <= 1) firstApproach = approachLine(step, start.references, own);
      $("approach").textContent = step.t > 1 ? `${firstApproach} ${approachLine(step, start.references, own)}` : firstApproach;
      figures.projection.add(step);
      count("stepsReceived", Number(app.dataset.stepsReceived) + 1);
      status(`Step ${step.t} of ${start.parameters.steps}: nearest ${label(start, step.nearest)}.`);
    },
    summary(summary, start) {
      const stage = summary.stage ? ` At the minima, ${stageCall(summary)}, closest to ${label(start, summary.stageReference)}.` : "";
      status(`${summary.done ? "Done" : "Cancelled"} on ${start.model}: ${summary.completed} steps of ${start.parameters.trials} chains.${stage}` +
        imputationLine(start, lastStep));
    },
  },
  sweep: {
    path: "/sweep",
    body: () => ({ ...chainOptions(), noise: $("noise-kind").value, noiseGrid: $("noise-grid").value.trim() }),
    start(start) {
      figures.sweep.start(start, lineageOf(start));
      $("transitions").textContent = "";
    },
    point(point, start) {
      figures.sweep.add(point);
      count("pointsReceived", Number(app.dataset.pointsReceived) + 1);
      status(`Noise ratio ${point.ratio} (${Number(app.dataset.pointsReceived)} of ${start.noiseRatios.length})` +
        (point.stage ? `: ${stageCall(point)}.` : "."));
    },
    summary(summary, start) {
      const changes = (summary.stageChanges?.[0] ?? []).map((c) =>
        `${stageName(c.from)}→${stageName(c.to)} between p = ${c.after} and ${c.at}`);
      $("transitions").textContent = changes.length ? `Transitions: ${changes.join("; ")}.` :
        start.inputs[0]?.label === undefined ? "Stages need the input's class: give the drawing's class." : "No stage transition on this grid.";
      status(`${summary.done ? "Done" : "Cancelled"} on ${start.model}: ${summary.completed} noise ratios.`);
    },
  },
  // The same body on the page's model and on the one picked to compare with.
  compare: {
    streams() {
      const body = { ...chainOptions(true), ...noiseField() };
      const models = [modelId, $("compare-picker").value];
      return figures.comparison.begin().map((handler, i) => ({
        path: "/dynamics", body: { ...body, model: models[i] }, name: models[i],
        handler: { ...handler, step: (step, start) => { handler.step(step); countStep(start, models); } },
      }));
    },
  },
};

function countStep(start, models) {
  count("stepsReceived", Number(app.dataset.stepsReceived) + 1);
  const total = 2 * (start.parameters.steps + 1);
  status(`Comparing ${models.join(" and ")}: ${app.dataset.stepsReceived} of ${total} steps.`);
}

// One stream into `handler`, its records kept in `records`; resolves to a sentence saying
// why it failed (after the stream's `name`, when there are two), or null, and whether the
// server cancelled it.
async function consume({ path, body, handler, name }, signal, records) {
  let start = null, summary = null, failure = null;
  try {
    await streamRecords(path, body, signal, (record) => {
      if (signal.aborted) return;
      records.push(record);
      count("recordsReceived", Number(app.dataset.recordsReceived) + 1);
      if (record.type === "start") start = record;
      if (record.type === "summary") summary = record;
      if (record.type === "error") failure = `The run failed${record.t === undefined ? "" : ` at step ${record.t}`}: ${record.message}`;
      handler[record.type]?.(record, start);
    });
    if (!failure && !summary) failure = "The stream ended before its summary: the server stopped or the connection broke.";
  } catch (error) {
    if (error.name !== "AbortError") failure = error instanceof ApiError ? error.message : `The page could not read the answer: ${error.message}`;
  }
  return { failure: failure && name ? `${name}: ${failure}` : failure, cancelled: summary?.done === false };
}

// How the hidden pixels came out at the last step, and how often mwg accepted.
function imputationLine(start, step) {
  if (!step?.imputation) return "";
  const pct = (v) => `${Math.round(v * 100)} %`;
  const accepted = step.acceptance === undefined ? "" : `; ${pct(step.acceptance)} of the proposals accepted at the last step`;
  return ` The ${start.hiddenPixels} hidden pixels: ${pct(step.imputation.accuracy)} drawn right at t = ${step.t}, ` +
    `mean error ${step.imputation.error.toFixed(3)} of their probabilities${accepted}.`;
}

async function run(experiment) {
  if (!input) return;
  if (!kernelOptions()) {
    showError(`Kernel ${$("kernel").value} fills in hidden pixels: paint some on the input (or hide a half), or pick the gibbs kernel.`);
    return;
  }
  const handler = handlers[experiment];
  for (const name of ["recordsReceived", "stepsReceived", "pointsReceived"]) count(name, 0);
  showError("");
  setState("running", experiment);
  status({ sweep: "Sweeping the noise ratio…", compare: "Comparing…" }[experiment] ?? "Running…");
  const streams = handler.streams?.() ?? [{ path: handler.path, body: handler.body(), handler }];
  runs[experiment] = streams.map(() => []);
  controller = new AbortController();
  const { signal } = controller;
  const outcomes = await Promise.all(streams.map((stream, i) => consume(stream, signal, runs[experiment][i])));
  controller = null;
  updateDownloads();
  const failures = outcomes.map((o) => o.failure).filter(Boolean);
  if (failures.length) {
    showError(failures.join("\n"));
    status("Stopped by an error.");
    setState("error");
  } else if (signal.aborted || outcomes.some((o) => o.cancelled)) {
    setState("stopped");
    status(`Stopped after ${app.dataset.recordsReceived} records.`);
  } else {
    const { trials, steps } = streams[0].body;
    if (experiment === "compare") status(`Done: the same ${trials} chains of ${steps} steps on ${streams.map((s) => s.name).join(" and ")}.`);
    setState("done");
  }
}

$("run").addEventListener("click", () => run("dynamics"));
$("sweep").addEventListener("click", () => run("sweep"));
$("compare").addEventListener("click", () => run("compare"));
// Aborting the fetch closes the connection; the server stops computing within one step.
$("stop").addEventListener("click", () => controller?.abort());
$("focus").addEventListener("change", () => figures.distances.focus($("focus").checked));
$("controls").addEventListener("change", () => figures.distances.showControls($("controls").checked));

// ---- downloads ----

// Every record of an experiment's streams, the first stream's first.
const records = (experiment) => runs[experiment].flat();

const saves = {
  "dynamics-ndjson": () => downloads.ndjson(records("dynamics")),
  "dynamics-csv": () => downloads.csv(records("dynamics")),
  "sweep-ndjson": () => downloads.ndjson(records("sweep")),
  "sweep-csv": () => downloads.csv(records("sweep")),
  "compare-ndjson": () => downloads.ndjson(records("compare")),
  fig2a: () => downloads.png(figures.strip.toCanvas()),
  fig2b: () => downloads.png($("fig2b")),
  fig2c: () => downloads.png($("fig2c")),
  fig3: () => downloads.png($("fig3")),
  "compare-png": () => downloads.png(figures.comparison.toCanvas()),
};
// Each download, the experiment it saves and its file name after the model's id.
const files = {
  "dynamics-ndjson": ["dynamics", "dynamics.ndjson"], "dynamics-csv": ["dynamics", "dynamics.csv"],
  fig2a: ["dynamics", "fig2a.png"], fig2b: ["dynamics", "fig2b.png"], fig2c: [null, "fig2c.png"],
  "sweep-ndjson": ["sweep", "sweep.ndjson"], "sweep-csv": ["sweep", "sweep.csv"], fig3: ["sweep", "fig3.png"],
  "compare-ndjson": ["compare", "comparison.ndjson"], "compare-png": ["compare", "comparison.png"],
};

// A saved file names the models its run ran on (Fig 2c, drawn without a run, the picked one).
function fileName(kind) {
  const [experiment, name] = files[kind];
  const models = experiment ? records(experiment).filter((r) => r.type === "start").map((r) => r.model) : [];
  return `${(models.length ? models : [modelId]).join("-vs-")}-${name}`;
}

function updateDownloads() {
  for (const button of document.querySelectorAll("[data-download]")) {
    const [experiment] = files[button.dataset.download];
    const ran = experiment && runs[experiment].length > 0 && runs[experiment].every((stream) => stream.some((r) => r.type === "start"));
    button.disabled = !(experiment ? ran : hasProjection);
  }
}

document.querySelectorAll("[data-download]").forEach((button) => {
  button.addEventListener("click", async () => {
    const kind = button.dataset.download;
    downloads.save(fileName(kind), await saves[kind]());
  });
});

// ---- start-up: the model, its exemplars and concepts ----

// The class names a drawing may be given, after "unknown".
function showClasses(names) {
  $("drawn-label").replaceChildren(new Option("unknown", ""), ...names.map((name, i) => new Option(name, String(i))));
}

// The names the server's request fields take (GET /model: choices), in its order, with a
// gloss for the ones this page knows; the choice made so far is kept where it still exists.
const GLOSSES = {
  replace: "replace (random value)", flip: "flip", "salt-pepper": "salt and pepper", gaussian: "Gaussian",
  gibbs: "gibbs (the paper's)", clamped: "clamped (pseudo-Gibbs)", mwg: "mwg (exact MwG)",
  "top-half": "the top half", "bottom-half": "the bottom half", "left-half": "the left half", "right-half": "the right half",
};

function fillChoice(id, values, first = null) {
  const before = $(id).value;
  $(id).replaceChildren(...(first ? [first] : []), ...values.map((v) => new Option(GLOSSES[v] ?? v, v)));
  if (values.includes(before)) $(id).value = before;
}

function showChoices(choices) {
  fillChoice("noise-kind", choices.noiseKinds);
  fillChoice("kernel", choices.kernels);
  fillChoice("mask-half", choices.maskHalves, new Option("a half…", ""));
}

// The server's bounds on a request: the inputs' maxima (a default above them is lowered)
// and a line saying them all, so a run is not refused for a reason the page kept quiet.
function showLimits(limits) {
  if (!limits) return;
  for (const [id, max] of [["steps", limits.maxSteps], ["trials", limits.maxTrials]]) {
    $(id).max = String(max);
    if (number(id) > max) $(id).value = String(max);
  }
  const n = (v) => v.toLocaleString("en");
  $("grid-hint").textContent = `from:to:step, at most ${n(limits.maxSweepPoints)} ratios`;
  $("limits").textContent = `This server allows T ≤ ${n(limits.maxSteps)}, trials ≤ ${n(limits.maxTrials)} and ` +
    `(T + 1) × trials ≤ ${n(limits.maxChainSteps)} a run (× ratios in a sweep).`;
}

// The models a run can be compared with: the others of the page's model's dataset, since
// the same input means something only to models of one dataset. Hidden when there is none.
function showPeers(dataset) {
  const peers = listing.models.filter((m) => m.id !== modelId && m.dataset === dataset);
  $("compare-picker").replaceChildren(...peers.map((m) => new Option(`${m.id} (Z = ${m.architecture.latentSize})`, m.id)));
  $("compare-choice").hidden = $("compare").hidden = peers.length === 0;
}

// Every served model in the picker, the default chosen; hidden when there is only one.
function showModels() {
  $("model-picker").replaceChildren(...listing.models.map((m) => new Option(`${m.id} (${m.dataset})`, m.id)));
  $("model-picker").value = modelId;
  $("model-choice").hidden = listing.models.length < 2;
  count("models", listing.models.length);
}

// The picked model's card, exemplars and concepts; the runs of the model before are
// dropped with its figures, since their references are another model's.
async function loadModel(id) {
  const q = `model=${encodeURIComponent(id)}`;
  const [model, exemplars, concepts] = await Promise.all([
    getJSON(`/model?${q}`), getJSON(`/exemplars?${q}`), getJSON(`/concepts?fields=image,projection&${q}`),
  ]);
  modelId = model.id;
  app.dataset.model = model.id;
  for (const experiment of Object.keys(runs)) runs[experiment] = [];
  // Fig 2c needs no clearing: showConcepts below replaces all it draws.
  for (const figure of [figures.strip, figures.distances, figures.sweep, figures.comparison]) figure.clear();
  $("approach").textContent = "";
  showPeers(model.dataset);
  const a = model.architecture;
  $("model-line").textContent = `Model ${model.id}: ${a.inputSize}–${a.hiddenSize}–${a.latentSize} VAE on ${model.dataset}.`;
  showClasses(model.classNames);
  showLimits(model.limits);
  showChoices(model.choices);
  hasProjection = concepts.concepts.some((c) => Array.isArray(c.projection));
  // Without axes Fig 2c says so instead of showing empty axes, and has nothing to save.
  $("no-projection").hidden = hasProjection;
  $("fig2c").parentElement.hidden = !hasProjection;
  updateDownloads();
  grid = exemplarGrid($("exemplars"), exemplars.exemplars, (e) => {
    pad.clear();
    $("drawn-label").value = "";
    choose({ kind: "exemplar", digit: e.digit, index: e.index, pixels: e.pixels.map((v) => v / 255) });
  });
  count("exemplars", exemplars.exemplars.length);
  const classIds = concepts.concepts.filter((c) => c.level === "class").map((c) => c.id);
  figures.projection.showConcepts(concepts.concepts, classIds);
  conceptGallery($("gallery"), concepts.concepts);
  stageLegend($("stage-legend"), concepts.levels);
  count("concepts", concepts.concepts.length);
  // The paper's example, a 6 (on MNIST; class 6 of any other model).
  grid.pick(Math.max(0, exemplars.exemplars.findIndex((e) => e.digit === 6)));
}

$("model-picker").addEventListener("change", async () => {
  controller?.abort();
  showError("");
  try {
    await loadModel($("model-picker").value);
    setState("idle", "");
    status(`Switched to ${modelId}.`);
  } catch (error) {
    showError(error.message);
    setState("error");
  }
});

async function load() {
  try {
    listing = await getJSON("/models");
    modelId = listing.defaultModel;
    showModels();
    await loadModel(modelId);
  } catch (error) {
    showError(error.message);
    setState("error");
  }
}

setState("idle", "");
load();
