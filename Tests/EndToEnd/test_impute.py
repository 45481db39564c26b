"""vaedyn impute, as the README's "Commands" section runs it at a small size: a tiny run
twice (the second time running nothing; other settings refused), its report (vaedyn impute
--report, into a temporary file) and scripts/plot-imputation; one sharded three ways by the
array-job engines' variables and merged by vaedyn merge to the single run's results (and
merge's refusals); and the committed docs/imputation.md regenerated from its results file.

Scores are checked against bounds that follow from the problem (fractions, the clip of a
pixel's probability at 1e-6), counts against the model card's classes. How the plan's units
weigh (their chain-steps) and that the cut by those weights balances the shards is tested
in Tests/ExperimentsTests/ImputationPlanTests.swift; here, that the shards' units partition
the run in order. The runs are module fixtures, so that any test runs alone."""
import json, math, os, re

import pytest

from support import PNG_SIGNATURE, assert_report_regenerates, jsonl, seconds_of, without_seconds


class Tiny:
    """Twelve images under two masks with both kernels, and the stage inputs: its folder,
    results file and command line."""

    def __init__(self, run, model, mnist, folder):
        self.folder = str(folder)
        self.results = os.path.join(self.folder, "results.jsonl")
        self.args = ["impute", "--model", model, "--data", mnist, "--images", "12", "--masks", "top-half,random:0.5", "--trials", "3",
                     "--steps", "4", "--per-class", "1", "--fractions", "0.2:0.8:0.3", "--stage-trials", "3", "--stage-steps", "3",
                     "--results", self.results]
        run(*self.args)
        self.bytes = open(self.results, "rb").read()


@pytest.fixture(scope="module")
def tiny(run, model, mnist, tmp_path_factory):
    return Tiny(run, model, mnist, tmp_path_factory.mktemp("impute"))


def test_impute_scores_both_kernels_at_every_step(tiny):
    lines = jsonl(tiny.results)
    assert [(r["kind"], r.get("mask"), r["kernel"]) for r in lines] == [
        ("curve", "top-half", "clamped"), ("curve", "top-half", "mwg"), ("curve", "random:0.5:1", "clamped"), ("curve", "random:0.5:1", "mwg"),
        ("stages", None, "mwg")], lines
    for r in lines[:4]:
        assert r["hiddenPixels"] == 392 and [s["t"] for s in r["scores"]] == list(range(5)), r
        for s in r["scores"]:
            assert 0 <= s["accuracy"] <= 1 and 0 <= s["f1"] <= 1 and s["logLikelihood"] <= 0, s
            # Each of the 392 hidden pixels costs at most -log(1e-6) nats, the clip.
            assert s["logLikelihood"] >= -392 * 6 * math.log(10), s
            assert ("acceptance" in s) == (r["kernel"] == "mwg" and s["t"] > 0), s
            assert 0 <= s.get("acceptance", 0) <= 1, s


def test_impute_gives_the_stage_of_every_input_at_every_fraction(tiny, card):
    stages = jsonl(tiny.results)[4]
    assert stages["fractions"] == [0.2, 0.5, 0.8] and stages["levels"][0] == "item" and len(stages["levels"]) >= 3, stages
    # Decided stages counted; an undecided input's stage is null.
    undecided = [sum(row[k] is None for row in stages["stages"]) for k in range(3)]
    assert [sum(row) for row in stages["stageCounts"]] == [len(card["classNames"]) - u for u in undecided], (stages["stageCounts"], stages["stages"])
    assert len(stages["stages"]) == len(card["classNames"]) and all(len(row) == 3 for row in stages["stages"]), stages["stages"]


def test_impute_run_again_does_nothing_and_other_settings_are_refused(run, tiny):
    again = run(*tiny.args)
    assert "images x" not in again.stderr and open(tiny.results, "rb").read() == tiny.bytes, again.stderr
    bad = run(*tiny.args[:-2], "--trials", "4", "--results", tiny.results, check=False)
    assert bad.returncode != 0 and "other settings" in bad.stderr and open(tiny.results, "rb").read() == tiny.bytes, bad.stderr


@pytest.fixture(scope="module")
def report(run, tiny):
    """The report from the results file alone."""
    path = os.path.join(tiny.folder, "imputation.md")
    run("impute", "--report", "--results", tiny.results, "--out", path)
    return open(path).read()


def test_impute_report_gives_its_command_line_and_compares_the_kernels(report):
    text = report
    assert "--images 12 --masks top-half,random:0.5:1" in text and "### top-half (392 pixels hidden)" in text, text[:1500]
    assert re.search(r"Here MwG gives the higher log-likelihood of the truth on \d of 2 masks", text), text
    assert "| 50 % |" in text, text


def test_impute_report_counts_each_fractions_undecided_calls_beside_the_stages(report, tiny, card):
    stages = jsonl(tiny.results)[4]
    table = report[report.index("## Missing pixels as uncertainty"):]
    for fraction, row in zip(stages["fractions"], stages["stages"] and zip(*stages["stages"])):
        cells = re.search(rf"^\| {round(fraction * 100)} % \|(.*)\|$", table, re.M).group(1).split("|")
        counts, undecided = [int(c) for c in cells[:len(stages["levels"])]], int(cells[len(stages["levels"])])
        # The report's columns are the record's stages, counted here again: undecided calls are nulls.
        assert undecided == sum(s is None for s in row) and counts == [sum(s == k + 1 for s in row) for k in range(len(stages["levels"]))], (cells, row)
        assert sum(counts) + undecided == len(card["classNames"])


def test_plot_imputation_draws_the_figures_the_report_embeds(run, tiny, report, tmp_path):
    figures = str(tmp_path / "figures")
    run("scripts/plot-imputation", tiny.results, "--out", figures, timeout=600)
    names = sorted(os.listdir(figures))
    assert names == ["imputation-acceptance.png", "imputation-f1.png", "imputation-loglik.png", "imputation-stages.png"], names
    assert all(f"](figures/{n})" in report for n in names)
    assert all(open(os.path.join(figures, n), "rb").read(8) == PNG_SIGNATURE for n in names)


def test_impute_refuses_an_unknown_mask_before_writing(run, model, tmp_path):
    bad = str(tmp_path / "bad.jsonl")
    bad_mask = run("impute", "--model", model, "--masks", "diagonal", "--results", bad, check=False)
    assert bad_mask.returncode != 0 and "diagonal" in bad_mask.stderr and not os.path.exists(bad), bad_mask.stderr


class Sharded:
    """120 images (batches of 50, 50 and 20 for each of 4 curves, then the stage inputs),
    once whole on the default thread count and once cut three ways on one thread, each
    shard named as one array-job engine names it."""

    ENGINES = ({"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_MIN": "4"},
               {"JOB_COMPLETION_INDEX": "1", "VAEDYN_SHARDS": "3"}, {"BATCH_TASK_INDEX": "2", "BATCH_TASK_COUNT": "3"})

    def __init__(self, run, model, mnist, folder):
        self.folder = str(folder)
        self.size = ["--model", model, "--data", mnist, "--images", "120", "--masks", "top-half,random:0.5", "--trials", "3", "--steps", "4",
                     "--per-class", "1", "--fractions", "0.2:0.8:0.3", "--stage-trials", "3", "--stage-steps", "3"]
        self.single = os.path.join(self.folder, "single.jsonl")
        run("impute", *self.size, "--results", self.single)
        self.shards = os.path.join(self.folder, "shards")
        self.merged = os.path.join(self.folder, "merged.jsonl")
        for env in self.ENGINES:
            run("impute", *self.size, "--results", self.merged, "--shard-dir", self.shards, env=dict(os.environ, VAEDYN_THREADS="1", **env))
        self.files = [os.path.join(self.shards, f"impute-shard-{i}-of-3.jsonl") for i in range(3)]
        self.shards_wrote_results = os.path.exists(self.merged)


@pytest.fixture(scope="module")
def sharded(run, model, mnist, tmp_path_factory):
    return Sharded(run, model, mnist, tmp_path_factory.mktemp("impute-shards"))


def units(card):
    """3 batches for each of 4 curves, then one unit per stage input (one per class)."""
    return 3 * 4 + len(card["classNames"])


@pytest.fixture(scope="module")
def merged(run, sharded):
    """The shards, given in reverse, merged into the results file they name: what merge printed."""
    return run("merge", *reversed(sharded.files)).stdout


def test_impute_sharded_shards_write_no_results_file(sharded):
    assert not sharded.shards_wrote_results, "a shard wrote the results file"


def test_impute_sharded_shards_hold_contiguous_ranges_of_the_units_in_order(sharded, card):
    shard_units = [[json.loads(l)["unit"] for l in open(f).read().splitlines()[1:]] for f in sharded.files]
    assert sum(shard_units, []) == list(range(units(card))), shard_units
    for u in shard_units:
        assert u and u == list(range(u[0], u[-1] + 1)), shard_units


def test_impute_sharded_three_ways_by_chain_steps_merges_to_the_results_of_one_run(sharded, merged, card):
    out = merged
    assert f"merged 3 shards of {units(card)} units into {sharded.merged}" in out, out
    assert without_seconds(sharded.merged) == without_seconds(sharded.single), "the merged results are not the single run's"
    assert len(seconds_of(sharded.merged)) == 5 and all(s > 0 for s in seconds_of(sharded.merged)), seconds_of(sharded.merged)


def test_impute_sharded_rerun_writes_the_same_bytes_and_merge_never_overwrites(run, sharded, merged):
    # A rerun of a shard writes the same bytes; merge never overwrites a results file.
    before = open(sharded.files[1], "rb").read()
    run("impute", *sharded.size, "--results", sharded.merged, "--shard", "1/3", "--shard-dir", sharded.shards)
    assert open(sharded.files[1], "rb").read() == before
    again = run("merge", *sharded.files, check=False)
    assert again.returncode != 0 and "exists" in again.stderr, again.stderr


def test_impute_sharded_merge_without_the_seconds_gives_whole_results_with_seconds_0(run, sharded, tmp_path):
    # The shard files are copied without one .seconds.json beside them.
    copies = []
    for i, f in enumerate(sharded.files):
        copy = str(tmp_path / os.path.basename(f))
        with open(copy, "wb") as out:
            out.write(open(f, "rb").read())
        if i > 0:
            seconds = f.replace(".jsonl", ".seconds.json")
            assert os.path.exists(seconds), seconds
            with open(copy.replace(".jsonl", ".seconds.json"), "wb") as out:
                out.write(open(seconds, "rb").read())
        copies.append(copy)
    bare = str(tmp_path / "bare.jsonl")
    warned = run("merge", *copies, "--out", bare)
    assert "seconds are 0" in warned.stderr and without_seconds(bare) == without_seconds(sharded.single), warned.stderr


def test_impute_sharded_merge_refuses_a_shard_of_another_cut(run, sharded, tmp_path):
    other = str(tmp_path / "other")
    run("impute", *sharded.size, "--results", sharded.merged, "--shard", "0/2", "--shard-dir", other)
    refused = run("merge", os.path.join(other, "impute-shard-0-of-2.jsonl"), *sharded.files[1:], "--out", str(tmp_path / "x.jsonl"), check=False)
    assert refused.returncode != 0 and "another run" in refused.stderr, refused.stderr


def test_the_committed_imputation_report_regenerates_from_its_results_file(run, tmp_path):
    assert_report_regenerates(run, tmp_path, "impute", "docs/imputation/results.jsonl", "docs/imputation.md")
