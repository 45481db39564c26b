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
    from: i === 0 ? scale.min : (points[i - 1].ratio + p.ratio) / 2,
    to: i === points.length - 1 ? scale.max : (p.ratio + points[i + 1].ratio) / 2,
  }));
}

