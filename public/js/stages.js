// The stages of Fig 3 as the page names, colours and shades them: pure functions, so that
// they are tested without a browser (Tests/Page/page.test.mjs, node's test runner).

const NUMERALS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"];
// The paper's three stages keep their colours; group levels come between, in purples.
const ITEM_COLOUR = "#2ca02c", CLASS_COLOUR = "#1f77b4", ROOT_COLOUR = "#ff7f0e";
const GROUP_COLOURS = ["#9467bd", "#c5b0d5", "#6a3d9a"];

export function stageName(stage) {
  return NUMERALS[stage - 1] ?? String(stage);
}

// The colour of stage `stage` of a tree with `count` levels (item to root).
export function stageColour(stage, count) {
  if (stage === 1) return ITEM_COLOUR;
  if (stage === count) return ROOT_COLOUR;
  if (stage === 2) return CLASS_COLOUR;
  return GROUP_COLOURS[(stage - 3) % GROUP_COLOURS.length];
}

// Where along x each point's stage holds: halfway to its neighbours on both sides.
export function stageSpans(points, scale) {
  return points.map((p, i) => ({
    stage: p.stage,
    undecided: p.undecided === true,
    from: i === 0 ? scale.min : (points[i - 1].ratio + p.ratio) / 2,
    to: i === points.length - 1 ? scale.max : (p.ratio + points[i + 1].ratio) / 2,
  }));
}


// A call the server could not make with confidence (stageDecided false) shades grey and
// is named as such: it is no evidence for any stage.
export const UNDECIDED_COLOUR = "#9e9e9e";

// The stage a point shows: its stage when decided, else null (undecided).
export function shownStage(point) {
  return point.stageDecided === false ? null : point.stage ?? null;
}

// The sentence under Fig 2b: whether the state came nearer the input's class concept than
// that concept's control point (same norm, a meaningless direction) did, from t = 0 to
// step `step`: the approach beyond the control, paired over trials, against 2 SE.
export function approachLine(step, references, conceptId) {
  const i = references.findIndex((r) => r.id === conceptId);
  const a = step?.approach?.[i];
  if (i < 0 || !a || step.t === 0) return "";
  const name = references[i].label;
  const figure = `${a.mean >= 0 ? "" : "−"}${Math.abs(a.mean).toFixed(3)} ± ${a.standardError.toFixed(3)}`;
  const verdict = a.mean > 2 * a.standardError ? "beyond its control (more than 2 SE)"
    : a.mean < -2 * a.standardError ? "less than its control: the control is approached more"
    : "not distinguishable from its control (within 2 SE): the change is the state's norm";
  return `From t = 0 to ${step.t} the state came ${figure} nearer class ${name} than a point of the same norm in a random direction: ${verdict}.`;
}

// A stage call in words with its uncertainty: "stage II, class (support 0.97)", or, when the
// trials cannot decide it, "stage undecided (support 0.62; nearest now: II, class)"; "" without a stage.
export function stageCall(record) {
  if (!record?.stage) return "";
  const support = record.stageSupport == null ? "no support measured" : `support ${record.stageSupport.toFixed(2)}`;
  return record.stageDecided === false
    ? `stage undecided (${support}; nearest at the minima: ${stageName(record.stage)}, ${record.stageLevel})`
    : `stage ${stageName(record.stage)}, ${record.stageLevel} (${support})`;
}
