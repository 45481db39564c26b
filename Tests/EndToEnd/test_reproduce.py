"""vaedyn reproduce, as the README's "Commands" section runs it at a small size: into a
temporary file (and never docs/reproduction), on the model's own tree, on a learned one and
on the fashion model's semantic one; sharded three ways, by --shard and by the array-job
engines' variables, and merged by vaedyn merge to the single run's bytes (and its
refusals: a shard missing, given twice, of another run, a changed model); vaedyn sweep
sharded the same way and merged to the single run's records.

Counts are checked against the model card (its classes), never against constants copied
from the code. scripts/test-core-types runs `-k reproduce_sharded` under every OpenBLAS
kernel. The single run, the shards and the single sweeps are module fixtures."""
import glob, os, re, shutil

import pytest

from support import ROOT, jsonl, stage_cell

TRACKED = os.path.join(ROOT, "docs", "reproduction", "mnist-default.md")


def tracked_bytes():
    return open(TRACKED, "rb").read() if os.path.exists(TRACKED) else None


@pytest.fixture(scope="module")
def size(model):
    """A tiny reproduction: one input per class, few trials and steps, three noise ratios."""
    return ["--model", model, "--per-class", "1", "--trials", "4", "--steps", "5", "--sweep-trials", "3", "--sweep-steps", "4",
            "--early-window", "2", "--grid", "0:1:0.5"]


@pytest.fixture(scope="module")
def single(run, size, tmp_path_factory):
    """The unsharded run's report: (its path, docs/reproduction/mnist-default.md before, after)."""
    before = tracked_bytes()
    out = str(tmp_path_factory.mktemp("reproduce") / "reproduction.md")
    run("reproduce", *size, "--out", out)
    return out, before, tracked_bytes()


def test_reproduce_writes_its_report_where_told_and_only_there(single):
    _, before, after = single
    assert before == after, "reproduce touched docs/reproduction/mnist-default.md"


def test_reproduce_reports_every_figure_with_its_command_line(single, card):
    text = open(single[0]).read()
    for heading in ("## Claim by claim", "## Fig 2b", "## Fig 3"):
        assert heading in text, heading
    assert "--per-class 1" in text and "--grid 0:1:0.5" in text
    classes = len(card["classNames"])
    fig3 = text[text.index("## Fig 3:"):text.index("## Fig 3 by level")]
    rows = re.findall(r"^\| (\d\.\d\d) \|(.*)\|$", fig3, re.M)
    assert [float(p) for p, _ in rows] == [0, 0.5, 1], rows
    for _, cells in rows:  # every column counts each of the inputs (one per class) in one stage, or as undecided
        counts = [stage_cell(c) for c in cells.split("|")]
        assert counts and all(len(c) == 3 and sum(c) + undecided == classes for c, undecided in counts), cells


def test_reproduce_without_memories_says_the_memory_claim_is_not_measured(single):
    assert "| then moves close to a memory | not measured | not measured |" in open(single[0]).read()


def test_reproduce_with_memories_measures_the_move_to_a_memory(run, size, single, mnist, card, tmp_path):
    out = str(tmp_path / "memories.md")
    run("reproduce", *size, "--memories", mnist, "--out", out)
    text = open(out).read()
    assert f"--memories {mnist}" in text, text[:1500]
    row = re.search(r"^\| then moves close to a memory: .*?mean (\d+\.\d\d) -> (\d+\.\d\d); a clean test digit's code is (\d+\.\d\d) "
                    r".*\| (\d+)/(\d+) inputs \| (\d+)/(\d+) inputs \| (.*) \|$", text, re.M)
    assert row, text
    classes = len(card["classNames"])
    assert int(row.group(5)) == int(row.group(7)) == classes and int(row.group(4)) <= classes and int(row.group(6)) <= classes, row.groups()
    assert all(float(row.group(k)) > 0 for k in (1, 2, 3)), row.groups()
    # The memory bank adds a measure and changes no chain: every other line is the run's without it.
    plain = open(single[0]).read().splitlines()
    with_memories = [line.replace(f" --memories {mnist}", "") for line in text.splitlines() if line != row.group(0)]
    assert [line for line in plain if not line.startswith("| then moves close to a memory |")] == with_memories


def test_reproduce_refuses_memories_of_another_dataset(run, size, fashion, tmp_path):
    out = str(tmp_path / "wrong.md")
    bad = run("reproduce", *size, "--memories", fashion, "--out", out, check=False)
    assert bad.returncode != 0 and "not the file the model was trained on" in bad.stderr and not os.path.exists(out), bad.stderr


@pytest.fixture(scope="module")
def shards(run, size, tmp_path_factory):
    """The same run cut three ways by --shard: its shard files in order."""
    folder = str(tmp_path_factory.mktemp("reproduce-shards"))
    for i in range(3):
        run("reproduce", *size, "--shard", f"{i}/3", "--shard-dir", folder)
    return [os.path.join(folder, f"reproduce-shard-{i}-of-3.jsonl") for i in range(3)]


def test_reproduce_sharded_writes_one_file_a_shard_a_line_an_input(shards):
    folder = os.path.dirname(shards[0])
    assert sorted(os.listdir(folder)) == sorted(os.path.basename(f) for f in shards), os.listdir(folder)
    # Ten inputs cut three ways: 3, 3 and 4, one line each after the header.
    assert [len(open(f).read().splitlines()) - 1 for f in shards] == [3, 3, 4], shards


def test_reproduce_sharded_three_ways_merges_to_the_bytes_of_one_run(run, single, shards, tmp_path):
    merged = str(tmp_path / "merged.md")
    out = run("merge", *reversed(shards), "--out", merged).stdout
    assert "merged 3 shards of 10 inputs" in out, out
    assert open(merged, "rb").read() == open(single[0], "rb").read(), "the merged report is not the single run's bytes"


@pytest.mark.parametrize("env", [{"SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_MIN": "0"},
                                 {"JOB_COMPLETION_INDEX": "1", "VAEDYN_SHARDS": "3"}, {"BATCH_TASK_INDEX": "1", "BATCH_TASK_COUNT": "3"}],
                         ids=["slurm", "kubernetes", "gcp-batch"])
def test_reproduce_sharded_by_an_engines_variables_is_the_same_shard(run, size, shards, env, tmp_path):
    # The engines' variables pick the same shard as --shard, and a rerun writes the same bytes.
    run("reproduce", *size, "--shard-dir", str(tmp_path), env=dict(os.environ, **env))
    assert os.listdir(tmp_path) == ["reproduce-shard-1-of-3.jsonl"], os.listdir(tmp_path)
    assert open(tmp_path / "reproduce-shard-1-of-3.jsonl", "rb").read() == open(shards[1], "rb").read(), env


def test_reproduce_sharded_by_an_index_without_a_count_is_refused(run, size, tmp_path):
    bad = run("reproduce", *size, "--shard-dir", str(tmp_path), check=False, env=dict(os.environ, JOB_COMPLETION_INDEX="1"))
    assert bad.returncode != 0 and "VAEDYN_SHARDS" in bad.stderr, bad.stderr


@pytest.fixture(scope="module")
def other_run(run, size, tmp_path_factory):
    """Shard 2/3 of a run on another grid."""
    folder = tmp_path_factory.mktemp("reproduce-other")
    run("reproduce", *size[:-2], "--grid", "0:1:0.25", "--shard", "2/3", "--shard-dir", str(folder))
    return str(folder / "reproduce-shard-2-of-3.jsonl")


@pytest.mark.parametrize("given, words", [(lambda s, o: s[:2], "2/3 of the run is missing"),
                                          (lambda s, o: s + [s[0]], "given twice"),
                                          (lambda s, o: s[:2] + [o], "from another run")],
                         ids=["missing", "twice", "another-run"])
def test_reproduce_sharded_merge_refuses_what_is_not_one_whole_run(run, shards, other_run, given, words, tmp_path):
    refused = str(tmp_path / "refused.md")
    result = run("merge", *given(shards, other_run), "--out", refused, check=False)
    assert result.returncode != 0 and words in result.stderr and not os.path.exists(refused), (words, result.stderr)


def test_reproduce_sharded_merge_refuses_a_changed_model(run, model, size, tmp_path):
    copy = str(tmp_path / "changed.vaem")
    shutil.copy(os.path.join(ROOT, model), copy)
    run("reproduce", *(["--model", copy] + size[2:]), "--shard", "0/1", "--shard-dir", str(tmp_path))
    run("tree", copy, "--learned", "5,2")  # the same path, other bytes
    refused = str(tmp_path / "refused.md")
    result = run("merge", str(tmp_path / "reproduce-shard-0-of-1.jsonl"), "--out", refused, check=False)
    assert result.returncode != 0 and "is not what the shards ran on" in result.stderr, result.stderr


@pytest.fixture(scope="module")
def sweeps(run, model, tmp_path_factory):
    """sweep(fmt): a population sweep's single output in that format and its three shard files, run once."""
    done = {}

    def sweep(fmt):
        if fmt not in done:
            size = ["--model", model, "--population", "all", "--count", "2", "--trials", "4", "--steps", "5", "--noise-grid", "0:1:0.25",
                    "--format", fmt]
            single = run("sweep", *size).stdout
            shards = str(tmp_path_factory.mktemp(f"sweep-shards-{fmt}"))
            printed = [run("sweep", *size, "--shard", f"{i}/3", "--shard-dir", shards).stdout for i in range(3)]
            done[fmt] = single, printed, sorted(glob.glob(os.path.join(shards, "sweep-shard-*-of-3.jsonl")))
        return done[fmt]
    return sweep


@pytest.mark.parametrize("fmt", ["ndjson", "csv"])
def test_sweep_sharded_three_ways_merges_to_the_records_of_one_run(run, sweeps, fmt):
    single, printed, files = sweeps(fmt)
    assert printed == ["", "", ""], "a shard printed records"
    assert len(files) == 3, files
    assert run("merge", *files).stdout == single, f"merged {fmt} is not the single run's output"


def test_sweep_sharded_merges_into_a_file_with_a_point_per_input_and_ratio(run, sweeps, card, tmp_path):
    _, _, files = sweeps("ndjson")
    merged = str(tmp_path / "sweep-merged.ndjson")
    run("merge", *files, "--out", merged)
    records = jsonl(merged)
    assert [r["type"] for r in records[:1] + records[-1:]] == ["start", "summary"] and records[-1]["done"] is True, records[-1]
    assert sum(r["type"] == "point" for r in records) == 2 * len(card["classNames"]) * 5


def test_reproduce_on_a_learned_tree_counts_every_level(run, model, card, tmp_path):
    out = str(tmp_path / "reproduction-tree.md")
    run("reproduce", "--model", model, "--out", out, "--per-class", "1", "--trials", "5", "--steps", "5", "--sweep-trials", "4",
        "--sweep-steps", "4", "--early-window", "2", "--grid", "0:1:0.5", "--tree", "learned:5,2")
    text = open(out).read()
    assert "--tree learned:5,2" in text and "## Fig 3 by level of the concept tree" in text, text[-2000:]
    section = text[text.index("## Fig 3 by level"):]
    assert "item -> class -> group-1 -> group-2 -> all" in section, section
    rows = re.findall(r"^\| p = (\d\.\d\d) \|(.*)\|$", section, re.M)
    assert [float(p) for p, _ in rows] == [0, 0.5, 1], rows
    for _, cells in rows:  # per x mode: inputs at each of the 5 levels (one input per class), then their mean level
        cells = [c.strip() for c in cells.split("|")]
        for counts, mean in zip(cells[0::2], cells[1::2]):
            counts, undecided = stage_cell(counts)
            assert len(counts) == 5 and sum(counts) + undecided == len(card["classNames"]), cells
            # The mean level of the decided inputs (none decided: no mean).
            if sum(counts):
                assert abs(float(mean) - sum((k + 1) * n for k, n in enumerate(counts)) / sum(counts)) < 0.006, cells
            else:
                assert mean == "nan", cells
    assert re.search(r"the mean level reached (rises at every step|never falls|does not rise monotonically)", section), section
    assert re.search(r"Group levels: \d+ of \d+ inputs have a group among their ancestors", section), section


def test_reproduce_on_the_fashion_model_uses_its_semantic_tree(run, tmp_path):
    out = str(tmp_path / "reproduction-fashion.md")
    run("reproduce", "--model", "models/fashion-default.vaem", "--out", out, "--per-class", "1", "--trials", "5", "--steps", "5",
        "--sweep-trials", "4", "--sweep-steps", "4", "--early-window", "2", "--grid", "0:1:1")
    section = open(out).read().split("## Fig 3 by level", 1)[1]
    assert "item -> class -> group -> all" in section, section
    rows = re.findall(r"^\| p = (\d\.\d\d) \|(.*)\|$", section, re.M)
    assert [float(p) for p, _ in rows] == [0, 1], rows
    for _, cells in rows:
        for cell in [c.strip() for c in cells.split("|")][0::2]:
            counts, undecided = stage_cell(cell)
            assert len(counts) == 4 and sum(counts) + undecided == 10, cells
