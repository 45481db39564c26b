// Saving a run: its records as NDJSON (exactly what the server sent), as CSV (the columns
// `vaedyn dynamics --format csv` and `vaedyn sweep --format csv` write, see
// docs/records.md), and any canvas as PNG.

export function save(name, blob) {
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement("a"), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function ndjson(records) {
  return new Blob(records.map((r) => JSON.stringify(r) + "\n"), { type: "application/x-ndjson" });
}

function dynamicsRows(start, steps) {
  const ids = start.references.map((r) => r.id);
  // Then the state's norm and each reference's control distance (docs/records.md, "Controls").
  const header = ["t", "nearest", ...ids.flatMap((id) => [`d_${id}`, `se_${id}`]), ...start.classReferences.map((id) => `share_${id}`),
    "norm", ...ids.map((id) => `c_${id}`)];
  const rows = steps.map((s) => [s.t, s.nearest, ...s.distance.flatMap((d, i) => [d, s.standardError?.[i] ?? ""]), ...s.classShares,
    s.norm?.mean ?? "", ...(s.controlDistance ?? ids.map(() => ""))]);
  return [header, ...rows];
}

function sweepRows(start, points) {
  const ids = start.references.map((r) => r.id);
  const header = ["input", "label", "ratio", "stage", "stage_reference", "stage_support", "stage_decided", ...ids.flatMap((id) => [`min_${id}`, `t_${id}`])];
  const rows = points.map((p) => [
    p.input, start.inputs[p.input]?.label ?? "", p.ratio, p.stage ?? "", p.stageReference ?? "", p.stageSupport ?? "", p.stageDecided ?? "",
    ...p.minimum.flatMap((m, i) => [m, p.minimumStep[i]]),
  ]);
  return [header, ...rows];
}

export function csv(records) {
  const start = records.find((r) => r.type === "start");
  const body = records.filter((r) => r.type === "step" || r.type === "point");
  const rows = start.experiment === "sweep" ? sweepRows(start, body) : dynamicsRows(start, body);
  return new Blob(rows.map((row) => row.join(",") + "\n"), { type: "text/csv" });
}

export function png(canvas) {
  return new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
}
