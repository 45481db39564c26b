"""vaedyn study, as the README's "Commands" section runs it at a small size: a tiny grid run
twice (the second time measuring nothing; other settings and models trained otherwise
refused), its report (vaedyn study --report, into a temporary file and never docs/study.md),
scripts/plot-study and --export; one sharded three ways by run and merged by vaedyn merge to
the single run's results (a shard trained again on another thread count too); one
interrupted with SIGINT and resumed to the uninterrupted results; and the committed
docs/study.md regenerated from its results file.

Every measure is checked against bounds that follow from the problem (784 ln 2 nats,
fractions, the model card's classes), never against constants copied from the code. The
runs are module fixtures, so that any test runs alone."""
import os, re, shutil

import pytest

from support import PNG_SIGNATURE, ROOT, UNIFORM_NATS, assert_report_regenerates, finite, interrupted, jsonl, seconds_of, without_seconds


def study_size(data, limit):
    """A tiny study: `limit` training images, one input per class, few samples, trials and steps."""
    return ["--data", data, "--extra-seeds", "", "--limit", str(limit), "--train-elbo-images", "500", "--nll-images", "20",
            "--samples", "10", "--per-class", "1", "--trials", "5", "--steps", "5", "--sweep-trials", "3", "--sweep-steps", "4",
            "--noise-grid", "0:1:0.5"]


def check_study_record(r, steps, inputs, ratios, class_names):
    """Every measure of one checkpoint is there and within what the problem allows."""
    for key in ("testNegativeELBO", "trainNegativeELBO", "importanceSampledNLL"):
        assert 0 < finite(r[key]) < UNIFORM_NATS, (key, r[key])
    assert abs(r["elboGap"] - (r["testNegativeELBO"] - r["trainNegativeELBO"])) < 1e-6, r
    assert 0 <= r["activeUnits"] <= r["latent"], r
    assert finite(r["conceptDistance"]) > 0 and finite(r["withinClassSpread"]) > 0, r
    assert abs(r["conceptSeparation"] - r["conceptDistance"] / r["withinClassSpread"]) < 1e-6, r
    # Shares at the steps the run has (t = 10 is past a 5-step run), each a fraction.
    assert set(r["ownShare"]) == {str(t) for t in (1, 10, steps) if t <= steps}, r["ownShare"]
    fractions = [*r["ownShare"].values(), r["passesByShare"], r["stageTwoShare"], r["monotoneShare"], r["sixOwnShare"]]
    assert all(0 <= finite(v) <= 1 for v in fractions), fractions
    classes = len(class_names)
    assert len(r["finalClassShares"]) == classes and abs(sum(r["finalClassShares"]) - 1) < 1e-3, r["finalClassShares"]
    assert len(r["attractors"]) == 3 and set(r["attractors"]) <= set(class_names), r["attractors"]
    assert len(r["meanOwnDistance"]) == steps + 1 and all(finite(d) >= 0 for d in r["meanOwnDistance"]), r["meanOwnDistance"]
    assert r["noiseRatios"] == ratios and len(r["stageCounts"]) == len(ratios), r
    assert len(r["undecidedCounts"]) == len(ratios), r
    assert all(len(c) == 3 and sum(c) + u == inputs for c, u in zip(r["stageCounts"], r["undecidedCounts"])), (r["stageCounts"], r["undecidedCounts"])
    # The mean stage of the decided inputs; none decided at a ratio: null.
    assert len(r["meanStage"]) == len(ratios) and all((m is None) == (sum(c) == 0) for m, c in zip(r["meanStage"], r["stageCounts"])), r
    assert all(1 <= m <= 3 for m in r["meanStage"] if m is not None), r["meanStage"]
    assert r["meanStageRises"] == all(a <= b for a, b in zip(r["meanStage"], r["meanStage"][1:])), r
    assert len(r["sixStages"]) == len(ratios) and r["sixReachesStageTwo"] == (2 in r["sixStages"]), r
    assert r["trainingSeconds"] > 0 and r["measuringSeconds"] > 0, r
    # The measures with their controls (issue 26).
    c = r["controlled"]
    shares = ("approachAbove", "approachBelow", "contrastGain", "departsBeyondControl", "stageTwoFamilywise", "keepsBeyondResting", "keepsToEnd", "movesToMemory")
    assert all(0 <= finite(c[k]) <= 1 for k in shares), c
    # Counts of inputs: a share is a multiple of 1 / inputs.
    assert all(abs(c[k] * inputs - round(c[k] * inputs)) < 1e-4 for k in shares), c
    assert c["approachAbove"] + c["approachBelow"] <= 1 + 1e-6 and c["stageTwoFamilywise"] <= r["stageTwoShare"] + 1e-6, c
    for mix in ("ancestralShares", "restingShares"):
        assert len(c[mix]) == classes and abs(sum(c[mix]) - 1) < 1e-3, (mix, c[mix])
    assert 0 <= c["medianEscape"] <= steps + 1, c
    assert len(c["norm"]) == 3 and all(finite(v) > 0 for v in c["norm"]), c
    assert len(c["memoryDistance"]) == 3 and all(finite(v) >= 0 for v in c["memoryDistance"]) and finite(c["cleanMemoryDistance"]) >= 0, c


class Grid:
    """The tiny grid's study: its folder, results file, command line and first run's output."""

    def __init__(self, run, mnist, folder):
        self.folder = str(folder)
        self.work = os.path.join(self.folder, "work")
        self.results = os.path.join(self.folder, "results.jsonl")
        self.args = ["study", "--work", self.work, "--results", self.results, "--latent", "2,100", "--checkpoints", "1", *study_size(mnist, 1000)]
        self.out = run(*self.args)
        self.bytes = open(self.results, "rb").read()


@pytest.fixture(scope="module")
def grid(run, mnist, tmp_path_factory):
    return Grid(run, mnist, tmp_path_factory.mktemp("study"))


def test_study_measures_a_tiny_grid(grid, card):
    assert re.search(r"estimate: about \d+m\d\ds", grid.out.stderr), grid.out.stderr
    lines = jsonl(grid.results)
    assert [(r["latent"], r["seed"], r["epoch"]) for r in lines] == [(2, 1, 1), (100, 1, 1)], lines
    for r in lines:
        check_study_record(r, steps=5, inputs=len(card["classNames"]), ratios=[0, 0.5, 1], class_names=card["classNames"])
        assert r["settings"]["trainImages"] == 1000 and r["settings"]["trials"] == 5 and r["settings"]["epochs"] == 1, r["settings"]


def test_study_run_again_measures_nothing_and_leaves_the_file(run, grid):
    again = run(*grid.args)
    assert "nothing to do" in again.stderr and "measuring" not in again.stderr, again.stderr
    assert open(grid.results, "rb").read() == grid.bytes


def test_study_refuses_other_settings_on_its_results_file(run, grid):
    # Other settings on the same results file are refused, and leave it as it was.
    bad = run(*grid.args[:-1], "0:1:0.25", check=False)
    assert bad.returncode != 0 and "other settings" in bad.stderr, (bad.returncode, bad.stderr)
    assert open(grid.results, "rb").read() == grid.bytes


def test_study_refuses_models_trained_otherwise_in_its_work_folder(run, mnist, grid):
    # Even with a new results file.
    other = run("study", "--work", grid.work, "--results", os.path.join(grid.folder, "other.jsonl"),
                "--latent", "2,100", "--checkpoints", "1", *study_size(mnist, 2000), check=False)
    assert other.returncode != 0 and "another --work" in other.stderr, (other.returncode, other.stderr)


@pytest.fixture(scope="module")
def report(run, grid):
    """The grid's report, from its results file alone: (its text, docs/study.md before, after)."""
    tracked = os.path.join(ROOT, "docs", "study.md")
    read = lambda: open(tracked, "rb").read() if os.path.exists(tracked) else None
    before = read()
    path = os.path.join(grid.folder, "study.md")
    run("study", "--report", "--results", grid.results, "--out", path)
    return open(path).read(), before, read()


def test_study_report_goes_where_told(report):
    _, before, after = report
    assert after == before, "the report went to docs/study.md"


def test_study_report_has_a_row_per_run_in_every_table_and_names_its_figures(report):
    text = report[0]
    assert "--latent 2,100 --checkpoints 1" in text and "--limit 1000" in text, text[:1000]
    tables = re.findall(r"^### (.*)\n\n\| run \| epoch 1 \|\n\|---\|---\|\n((?:\|.*\n)+)", text, re.M)
    assert len(tables) >= 10, [t for t, _ in tables]
    assert all(len(rows.splitlines()) == 2 for _, rows in tables), tables
    assert all(f"](figures/{name})" in text for name in ("study-approach.png", "study-stage-two.png", "study-elbo-gap.png", "study-distance.png"))


def chosen(text):
    """The checkpoint the report chose."""
    m = re.search(r"The served model \(`mnist-paper`\)\*\*, by a rule.*?\): (Z = \d+, seed \d+, epoch \d+),", text)
    assert m, text
    return m.group(1)


def test_study_report_names_the_checkpoint_it_chose(report, grid):
    # The rule chooses among the checkpoints with the paper's 100 latent units: here the one.
    assert chosen(report[0]) == "Z = 100, seed 1, epoch 1", chosen(report[0])
    record = next(r for r in jsonl(grid.results) if r["latent"] == 100)
    assert f"approach beyond the control for {record['controlled']['approachAbove'] * 100:.0f} %" in report[0], report[0]


def test_study_train_only_builds_the_models_that_a_later_run_measures_without_training(run, mnist, grid, tmp_path):
    work, results = str(tmp_path / "work"), str(tmp_path / "results.jsonl")
    args = ["study", "--work", work, "--results", results, *grid.args[5:]]
    trained = run(*args, "--train-only")
    assert "training complete" in trained.stderr and not os.path.exists(results), trained.stderr
    assert sorted(os.listdir(os.path.join(work, "z100-seed1"))) == ["epoch-1.vaem", "train.ckpt"], os.listdir(os.path.join(work, "z100-seed1"))
    measured = run(*args)
    assert "train -ELBO" not in measured.stderr and "measuring" in measured.stderr, measured.stderr
    assert without_seconds(results) == without_seconds(grid.results), "train-only, then measuring, gave other results than the study in one go"
    again = run(*args, "--train-only").stderr
    assert "training complete" in again and "wrote" not in again, again


def test_study_report_reads_the_complete_lines_of_a_file_cut_short(run, grid, tmp_path):
    # A line cut short by a kill is not a checkpoint.
    cut_short = str(tmp_path / "cut-short.jsonl")
    with open(cut_short, "wb") as f:
        f.write(grid.bytes + grid.bytes.splitlines(True)[0][:40])
    assert "from 2 checkpoints" in run("study", "--report", "--results", cut_short, "--out", str(tmp_path / "cut-short.md")).stderr


def test_plot_study_draws_the_reports_figures(run, grid, tmp_path):
    figures = str(tmp_path / "figures")
    run("scripts/plot-study", grid.results, "--out", figures, timeout=600)
    names = sorted(os.listdir(figures))
    assert names == ["study-approach.png", "study-distance.png", "study-elbo-gap.png", "study-stage-two.png"], names
    assert all(open(os.path.join(figures, n), "rb").read(8) == PNG_SIGNATURE for n in names)


def test_study_export_writes_the_chosen_checkpoint_as_a_model_file(run, mnist, grid, report, tmp_path):
    model = str(tmp_path / "chosen.vaem")
    exported = run("study", "--export", model, "--work", grid.work, "--results", grid.results).stdout
    assert chosen(report[0]) in exported, (chosen(report[0]), exported)
    assert "active latent units" in run("eval", model, "--data", mnist, "--limit", "100", "--samples", "0").stdout


class ShardedStudy:
    """Three runs (Z = 2, 3, 4) once whole and once cut three ways by run, each shard's
    output kept."""

    def __init__(self, run, mnist, folder):
        self.folder = str(folder)
        self.args = ["--latent", "2,3,4", "--checkpoints", "1", *study_size(mnist, 1000)]
        self.single = os.path.join(self.folder, "single.jsonl")
        run("study", "--work", os.path.join(self.folder, "work-single"), "--results", self.single, *self.args)
        self.work = os.path.join(self.folder, "work")
        self.merged = os.path.join(self.folder, "results.jsonl")
        self.sharded = ["study", "--work", self.work, "--results", self.merged, "--shard-dir", os.path.join(self.folder, "shards"), *self.args]
        self.outputs = [run(*self.sharded, "--shard", f"{i}/3") for i in range(3)]
        self.files = [os.path.join(self.folder, "shards", f"study-shard-{i}-of-3.jsonl") for i in range(3)]


@pytest.fixture(scope="module")
def sharded(run, mnist, tmp_path_factory):
    return ShardedStudy(run, mnist, tmp_path_factory.mktemp("study-shards"))


@pytest.fixture(scope="module")
def merged(run, sharded):
    """The shards merged into the results file their header names: what merge printed."""
    return run("merge", *sharded.files).stdout


def test_study_sharded_by_run_gives_each_shard_one_run(sharded):
    for i, out in enumerate(sharded.outputs):
        assert f"shard {i}/3 of 3 runs: 1 runs (Z = {i + 2}, seed 1)" in out.stderr, out.stderr


def test_study_sharded_keeps_each_shards_checkpoints_but_not_its_calibration(sharded):
    # Each shard's calibration is its own and is gone; its measured checkpoints stay in the work folder.
    assert sorted(os.listdir(sharded.work)) == ["results-shard-0-of-3.jsonl", "results-shard-1-of-3.jsonl",
                                                "results-shard-2-of-3.jsonl", "training.txt", "z2-seed1", "z3-seed1", "z4-seed1"]


def test_study_sharded_complete_shard_run_again_measures_nothing(run, sharded):
    # And writes the same bytes.
    before = open(sharded.files[2], "rb").read()
    again = run(*sharded.sharded, "--shard", "2/3")
    assert "nothing to do" in again.stderr and open(sharded.files[2], "rb").read() == before, again.stderr


def test_study_sharded_three_ways_by_run_merges_to_the_results_of_one_run(sharded, merged):
    assert "merged 3 shards of 3 runs (3 checkpoints)" in merged
    assert without_seconds(sharded.merged) == without_seconds(sharded.single), "the merged results are not the single run's"
    assert len(seconds_of(sharded.merged)) == 6 and all(s > 0 for s in seconds_of(sharded.merged)), seconds_of(sharded.merged)


def test_study_sharded_merged_results_make_a_report(run, sharded, merged):
    report = os.path.join(sharded.folder, "study.md")
    run("study", "--report", "--results", sharded.merged, "--out", report)
    text = open(report).read()
    assert all(f"Z = {z}, seed 1" in text for z in (2, 3, 4)), text[:2000]
    # No checkpoint has the paper's latent size: none is chosen, and --export says why.
    assert "No checkpoint with the paper's 100 latent units was measured: none chosen." in text, text
    export = run("study", "--export", os.path.join(sharded.folder, "none.vaem"), "--work", sharded.work, "--results", sharded.merged, check=False)
    assert export.returncode != 0 and "100 latent units" in export.stderr and not os.path.exists(os.path.join(sharded.folder, "none.vaem")), export.stderr


def test_study_sharded_a_shard_trained_on_another_thread_count_merges_to_the_same_results(run, sharded, tmp_path):
    # Training cuts every batch the same way whatever the thread count: shard 0 trained
    # again on another number of threads (in a new work folder of the same name, which
    # the shard's header names) merges with the others to the single run's results. The
    # first work folder is put back afterwards.
    first = os.path.join(sharded.folder, "work-first")
    os.rename(sharded.work, first)
    try:
        threads = str(tmp_path / "threads")
        run("study", "--work", sharded.work, "--results", sharded.merged, "--shard-dir", threads, *sharded.args, "--shard", "0/3",
            env=dict(os.environ, VAEDYN_THREADS="1" if (os.cpu_count() or 1) > 1 else "2"))
    finally:
        shutil.rmtree(sharded.work, ignore_errors=True)
        os.rename(first, sharded.work)
    mixed = str(tmp_path / "mixed.jsonl")
    run("merge", os.path.join(threads, "study-shard-0-of-3.jsonl"), *sharded.files[1:], "--out", mixed)
    assert without_seconds(mixed) == without_seconds(sharded.single), "a shard trained on another thread count gave other results"


class InterruptedStudy:
    """One run of two epochs of 10,000 images (long enough for an interrupt to land in
    them), whole, and again cut by SIGINT in the training of its first epoch."""

    def __init__(self, binary, run, mnist, folder):
        args = ["--latent", "2", "--checkpoints", "1,2", *study_size(mnist, 10000)]
        self.whole = os.path.join(folder, "study-whole.jsonl")
        run("study", "--work", os.path.join(folder, "study-whole"), "--results", self.whole, *args)
        self.cut = os.path.join(folder, "study-cut.jsonl")
        self.cut_args = ["study", "--work", os.path.join(folder, "study-cut"), "--results", self.cut, *args]
        self.code, self.log = interrupted([binary, *self.cut_args], os.path.join(folder, "study-cut.log"), "estimate: about", 0.3)


@pytest.fixture(scope="module")
def interrupted_study(binary, run, mnist, tmp_path_factory):
    return InterruptedStudy(binary, run, mnist, str(tmp_path_factory.mktemp("study-interrupted")))


def test_study_interrupted_by_sigint_says_how_to_resume(interrupted_study):
    s = interrupted_study
    assert s.code == 130, f"exit {s.code} (0 means the study ended before the interrupt):\n{s.log}"
    assert "rerun the same command to resume" in s.log, s.log


def test_study_interrupted_by_sigint_resumes_to_the_uninterrupted_results(run, interrupted_study):
    s = interrupted_study
    assert s.code == 130, "the study was not interrupted"
    measured = jsonl(s.cut) if os.path.exists(s.cut) else []
    assert len(measured) < 2, measured
    out = run(*s.cut_args)
    assert "resuming training" in out.stderr or measured, out.stderr

    # The same checkpoints with the same figures as the uninterrupted study; only the seconds differ.
    def figures(lines):
        return [{k: v for k, v in r.items() if not k.endswith("Seconds")} for r in lines]
    assert figures(jsonl(s.cut)) == figures(jsonl(s.whole)), (jsonl(s.cut), jsonl(s.whole))


def test_the_committed_study_report_regenerates_from_its_results_file(run, tmp_path):
    assert_report_regenerates(run, tmp_path, "study", "docs/study/results.jsonl", "docs/study.md")
