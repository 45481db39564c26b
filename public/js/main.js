// The page: picks an input, streams a run from the service and feeds each record to the
// figures as it arrives. State and counts sit as data- attributes on #app so that the
// browser test (and anyone curious) can read them without scraping the figures.
import { ApiError, getJSON, streamRecords } from "./api.js";
import { conceptGallery, exemplarGrid } from "./catalogue.js";
import { paint, SIDE } from "./digits.js";
import { drawPad } from "./draw-pad.js";
import * as downloads from "./downloads.js";
import { lineageOf } from "./chart-kit.js";
import { ImageStrip } from "./fig2a-strip.js";
import { DistanceFigure } from "./fig2b-distances.js";
import { ProjectionFigure } from "./fig2c-projection.js";
import { stageLegend, stageName, SweepFigure } from "./fig3-sweep.js";
import { noisy } from "./noise.js";

const $ = (id) => document.getElementById(id);
const app = $("app");

const figures = {
  strip: new ImageStrip($("strip")),
  distances: new DistanceFigure($("fig2b"), $("nearest-ribbon")),
  projection: new ProjectionFigure($("fig2c")),
  sweep: new SweepFigure($("fig3"), $("stage-legend")),
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
// The id of the model the page runs on (GET /models; its default first).
let modelId = null;
const runs = { dynamics: [], sweep: [] };

function updateButtons() {
  const running = app.dataset.state === "running";
  $("run").disabled = running || !input;
  $("sweep").disabled = running || !input;
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

function imageField() {
  if (input.kind === "exemplar") return { image: { exemplar: { digit: input.digit, index: input.index } } };
  const label = $("drawn-label").value;
  const pixels = input.pixels.map((v) => Math.round(v * 1000) / 1000);
  return { image: { pixels }, ...(label === "" ? {} : { label: Number(label) }) };
}

function chainOptions() {
  const options = { model: modelId, steps: number("steps"), trials: number("trials"), seed: number("seed"), binarize: $("binarize").checked };
  for (const id of ["x", "z", "measure", "metric", "aggregate"]) options[id] = $(id).value;
  return { ...imageField(), ...options };
}

// ---- running ----


function label(start, id) {
  return start.references.find((r) => r.id === id)?.label ?? id;
}

const handlers = {
  dynamics: {
    path: "/dynamics",
    body: () => ({
      ...chainOptions(), noise: { model: $("noise-kind").value, p: number("noise-ratio") }, meanImage: true,
      ...(hasProjection ? { projection: true } : {}),
    }),
    start(start) {
      figures.strip.start(start);
      figures.distances.start(start, lineageOf(start));
      figures.distances.focus($("focus").checked);
      figures.projection.start(start, lineageOf(start));
    },
    step(step, start) {
      figures.strip.add(step);
      figures.distances.add(step);
      figures.projection.add(step);
      count("stepsReceived", Number(app.dataset.stepsReceived) + 1);
      status(`Step ${step.t} of ${start.parameters.steps}: nearest ${label(start, step.nearest)}.`);
    },
    summary(summary, start) {
      const stage = summary.stage ? ` Stage ${stageName(summary.stage)}, ${summary.stageLevel} (closest to ${label(start, summary.stageReference)}).` : "";
      status(`${summary.done ? "Done" : "Cancelled"} on ${start.model}: ${summary.completed} steps of ${start.parameters.trials} chains.${stage}`);
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
        (point.stage ? `: stage ${stageName(point.stage)}, ${point.stageLevel}.` : "."));
    },
    summary(summary, start) {
      const changes = (summary.stageChanges?.[0] ?? []).map((c) =>
        `${stageName(c.from)}→${stageName(c.to)} between p = ${c.after} and ${c.at}`);
      $("transitions").textContent = changes.length ? `Transitions: ${changes.join("; ")}.` :
        start.inputs[0]?.label === undefined ? "Stages need the input's class: give the drawing's class." : "No stage transition on this grid.";
      status(`${summary.done ? "Done" : "Cancelled"} on ${start.model}: ${summary.completed} noise ratios.`);
    },
  },
};

async function run(experiment) {
  if (!input) return;
  const handler = handlers[experiment];
  const records = (runs[experiment] = []);
  controller = new AbortController();
  const { signal } = controller;
  let start = null, summary = null, failure = null;
  for (const name of ["recordsReceived", "stepsReceived", "pointsReceived"]) count(name, 0);
  showError("");
  setState("running", experiment);
  status(experiment === "sweep" ? "Sweeping the noise ratio…" : "Running…");
  try {
    await streamRecords(handler.path, handler.body(), signal, (record) => {
      if (signal.aborted) return;
      records.push(record);
      count("recordsReceived", records.length);
      if (record.type === "start") start = record;
      if (record.type === "summary") summary = record;
      if (record.type === "error") failure = `The run failed${record.t === undefined ? "" : ` at step ${record.t}`}: ${record.message}`;
      handler[record.type]?.(record, start);
    });
    if (!failure && !summary) failure = "The stream ended before its summary: the server stopped or the connection broke.";
  } catch (error) {
    if (error.name !== "AbortError") failure = error instanceof ApiError ? error.message : `The page could not read the answer: ${error.message}`;
  } finally {
    controller = null;
  }
  updateDownloads();
  if (failure) {
    showError(failure);
    status("Stopped by an error.");
    setState("error");
  } else if (signal.aborted || summary?.done === false) {
    setState("stopped");
    status(`Stopped after ${records.length} records.`);
  } else {
    setState("done");
  }
}

$("run").addEventListener("click", () => run("dynamics"));
$("sweep").addEventListener("click", () => run("sweep"));
// Aborting the fetch closes the connection; the server stops computing within one step.
$("stop").addEventListener("click", () => controller?.abort());
$("focus").addEventListener("change", () => figures.distances.focus($("focus").checked));

// ---- downloads ----

const saves = {
  "dynamics-ndjson": () => downloads.ndjson(runs.dynamics),
  "dynamics-csv": () => downloads.csv(runs.dynamics),
  "sweep-ndjson": () => downloads.ndjson(runs.sweep),
  "sweep-csv": () => downloads.csv(runs.sweep),
  fig2a: () => downloads.png(figures.strip.toCanvas()),
  fig2b: () => downloads.png($("fig2b")),
  fig2c: () => downloads.png($("fig2c")),
  fig3: () => downloads.png($("fig3")),
};
const fileNames = {
  "dynamics-ndjson": "dynamics.ndjson", "dynamics-csv": "dynamics.csv", "sweep-ndjson": "sweep.ndjson", "sweep-csv": "sweep.csv",
  fig2a: "fig2a.png", fig2b: "fig2b.png", fig2c: "fig2c.png", fig3: "fig3.png",
};

// A saved file names the model its run ran on (Fig 2c, drawn without a run, the picked one).
function fileName(kind) {
  const run = kind.startsWith("sweep") || kind === "fig3" ? runs.sweep : runs.dynamics;
  const model = run.find((r) => r.type === "start")?.model ?? modelId;
  return `${model}-${fileNames[kind]}`;
}

function updateDownloads() {
  const has = { dynamics: runs.dynamics.some((r) => r.type === "start"), sweep: runs.sweep.some((r) => r.type === "start") };
  const needs = { "dynamics-ndjson": has.dynamics, "dynamics-csv": has.dynamics, fig2a: has.dynamics, fig2b: has.dynamics,
    fig2c: hasProjection, "sweep-ndjson": has.sweep, "sweep-csv": has.sweep, fig3: has.sweep };
  document.querySelectorAll("[data-download]").forEach((b) => { b.disabled = !needs[b.dataset.download]; });
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

// Every served model in the picker, the default chosen; hidden when there is only one.
function showModels(listing) {
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
  runs.dynamics = [];
  runs.sweep = [];
  // Fig 2c needs no clearing: showConcepts below replaces all it draws.
  for (const figure of [figures.strip, figures.distances, figures.sweep]) figure.clear();
  const a = model.architecture;
  $("model-line").textContent = `Model ${model.id}: ${a.inputSize}–${a.hiddenSize}–${a.latentSize} VAE on ${model.dataset}.`;
  showClasses(model.classNames);
  showLimits(model.limits);
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
    const listing = await getJSON("/models");
    modelId = listing.defaultModel;
    showModels(listing);
    await loadModel(modelId);
  } catch (error) {
    showError(error.message);
    setState("error");
  }
}

setState("idle", "");
load();
