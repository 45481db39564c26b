"""vaedyn data hierarchy (issue 27), as the README runs it at a small size: the files it
writes, read back here with numpy from their bytes (never through vaedyn), whose
correlations must be the ones asked for; deterministic from its options; its refusals;
and a model trained on it like MNIST, its tree and vaedyn reproduce on it.

The correlations are checked against the generator's definition, P(unit equal) =
(1 + b) / 2, with bounds from the binomial error of 784 units, not against figures copied
from the code."""
import json, os

import numpy as np
import pytest

from support import assert_report_regenerates

UNITS = 784


def read_idx(path):
    data = open(path, "rb").read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def correlation(a, b):
    """The mean +-1 product of two 0/1 patterns (the last axis)."""
    return np.mean(np.where(a == b, 1.0, -1.0), axis=-1)


class Generated:
    def __init__(self, run, folder, *options):
        self.folder = str(folder)
        self.out = run("data", "hierarchy", "--out", self.folder, "--train-per-class", "40", "--test-per-class", "10", *options)
        self.description = json.load(open(os.path.join(self.folder, "hierarchy.json")))
        pattern = lambda s: np.array([c == "1" for c in s], dtype=np.uint8)
        self.parents = np.stack([pattern(p) for p in self.description["parents"]])
        self.children = np.stack([pattern(c) for c in self.description["children"]])
        self.train = read_idx(os.path.join(self.folder, "train-images-idx3-ubyte"))
        self.train_labels = read_idx(os.path.join(self.folder, "train-labels-idx1-ubyte"))
        self.test = read_idx(os.path.join(self.folder, "t10k-images-idx3-ubyte"))
        self.test_labels = read_idx(os.path.join(self.folder, "t10k-labels-idx1-ubyte"))

    def bytes(self):
        return {n: open(os.path.join(self.folder, n), "rb").read() for n in sorted(os.listdir(self.folder))}


@pytest.fixture(scope="module")
def structured(run, tmp_path_factory):
    return Generated(run, tmp_path_factory.mktemp("hierarchy") / "b06", "--b", "0.6", "--item-b", "0.8")


@pytest.fixture(scope="module")
def structureless(run, tmp_path_factory):
    return Generated(run, tmp_path_factory.mktemp("hierarchy") / "b0", "--b", "0", "--item-b", "0")


def test_hierarchy_writes_mnist_shaped_idx_files_of_binary_images(structured):
    g = structured
    classes = len(g.description["classNames"])
    assert g.train.shape == (40 * classes, 28, 28) and g.test.shape == (10 * classes, 28, 28), (g.train.shape, g.test.shape)
    assert set(np.unique(g.train)) <= {0, 255} and set(np.unique(g.test)) <= {0, 255}
    # Every class 40 times, and the first images of the set hold every class.
    assert np.bincount(g.train_labels, minlength=classes).tolist() == [40] * classes
    assert sorted(g.train_labels[:classes].tolist()) == list(range(classes))
    assert g.description["spec"]["groups"] * g.description["spec"]["classesPerGroup"] == classes == len(g.children)


def test_hierarchy_children_and_items_have_the_correlations_asked_for(structured):
    g = structured
    per_group = g.description["spec"]["classesPerGroup"]
    # A child against its parent: mean +-1 product b = 0.6; 784 units give an SE of sqrt((1 - b^2) / 784) = 0.029.
    own = correlation(g.children, g.parents[np.arange(len(g.children)) // per_group])
    assert np.all(np.abs(own - 0.6) < 4 * np.sqrt((1 - 0.36) / UNITS)), own
    # Against another group's parent: nothing (parents are independent).
    other = correlation(g.children, g.parents[(np.arange(len(g.children)) // per_group + 1) % len(g.parents)])
    assert np.all(np.abs(other) < 4 / np.sqrt(UNITS)), other
    # Items against their own child: 0.8; against a sibling (same parent): 0.8 x 0.6 x 0.6 = 0.29 in expectation.
    items = g.train.reshape(len(g.train), UNITS) // 255
    to_own = correlation(items, g.children[g.train_labels])
    assert abs(to_own.mean() - 0.8) < 0.02 and np.all(np.abs(to_own - 0.8) < 5 * np.sqrt((1 - 0.64) / UNITS)), (to_own.mean(), to_own.min())
    sibling = g.children[(g.train_labels // per_group) * per_group + (g.train_labels % per_group + 1) % per_group]
    assert abs(correlation(items, sibling).mean() - 0.8 * 0.36) < 0.05


def test_hierarchy_with_b_zero_everywhere_has_items_that_no_pattern_explains(structureless):
    g = structureless
    items = g.train.reshape(len(g.train), UNITS) // 255
    # The structureless control: items are unrelated to their class's pattern, and classes to their group's.
    assert abs(correlation(items, g.children[g.train_labels]).mean()) < 0.02
    assert np.all(np.abs(correlation(g.children, g.parents[np.arange(len(g.children)) // g.description["spec"]["classesPerGroup"]])) < 4 / np.sqrt(UNITS))
    # And a class's items are no nearer one another than two classes' items are.
    within = np.mean([correlation(items[g.train_labels == k][:20], items[g.train_labels == k][20:40]).mean() for k in range(len(g.children))])
    assert abs(within) < 0.02, within
    assert "structureless" in open(os.path.join(g.folder, "tree.json")).read()


def test_hierarchy_is_deterministic_from_its_options(run, structured, tmp_path):
    again = Generated(run, tmp_path / "again", "--b", "0.6", "--item-b", "0.8")
    assert again.bytes() == structured.bytes()
    other = Generated(run, tmp_path / "seed2", "--b", "0.6", "--item-b", "0.8", "--seed", "2")
    assert not np.array_equal(other.parents, structured.parents)
    # More items leave the patterns as they were (each level draws from its own stream).
    more = run("data", "hierarchy", "--out", str(tmp_path / "more"), "--train-per-class", "50", "--b", "0.6")
    assert json.load(open(tmp_path / "more" / "hierarchy.json"))["children"] == structured.description["children"], more.stdout


@pytest.mark.parametrize("options, words", [
    (["--b", "1.5"], "--b must be in [0, 1]"), (["--item-b=-0.1"], "--item-b must be in [0, 1]"),
    (["--groups", "1"], "--groups must be at least 2"), (["--classes-per-group", "1"], "a group of one"),
    (["--groups", "20", "--classes-per-group", "20"], "at most 256"), (["--train-per-class", "0"], "must be positive")])
def test_hierarchy_refuses_what_it_cannot_make_before_writing_anything(run, tmp_path, options, words):
    out = tmp_path / "refused"
    bad = run("data", "hierarchy", "--out", str(out), *options, check=False)
    assert bad.returncode != 0 and words in bad.stderr and not out.exists(), bad.stderr


def test_hierarchy_refuses_a_folder_holding_other_files(run, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    bad = run("data", "hierarchy", "--out", str(tmp_path), check=False)
    assert bad.returncode != 0 and "notes.txt" in bad.stderr and sorted(os.listdir(tmp_path)) == ["notes.txt"], bad.stderr


def test_a_model_trained_on_a_hierarchy_takes_its_tree_and_is_reproduced(run, serve, structured, tmp_path):
    model, tree = str(tmp_path / "h.vaem"), str(tmp_path / "h-tree.vaem")
    needs_data = run("train", "--dataset", "hierarchy", "--out", model, check=False)
    assert needs_data.returncode != 0 and "--data" in needs_data.stderr, needs_data.stderr
    run("train", "--dataset", "hierarchy", "--data", structured.folder, "--epochs", "1", "--latent", "8", "--out", model)
    run("tree", model, "--semantic", os.path.join(structured.folder, "tree.json"), "--out", tree)
    card = serve([tree]).document("/model")
    assert card["dataset"] == "hierarchy" and card["classNames"] == structured.description["classNames"], card
    assert [c["level"] for c in card["concepts"]].count("group") == structured.description["spec"]["groups"], card["concepts"]
    # The model records the generated files' hashes: the right memories are taken, another dataset's refused.
    report = str(tmp_path / "h.md")
    run("reproduce", "--model", tree, "--per-class", "1", "--trials", "4", "--steps", "4", "--sweep-trials", "3", "--sweep-steps", "3",
        "--early-window", "2", "--grid", "0:1:0.5", "--memories", structured.folder, "--out", report)
    assert "| then moves close to a memory: " in open(report).read()


def test_plot_hierarchy_draws_the_patterns_of_each_level(run, structured, structureless, tmp_path):
    out = str(tmp_path / "patterns.png")
    run("scripts/plot-hierarchy", structured.folder, structureless.folder, "--out", out, timeout=600)
    assert open(out, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    bad = run("scripts/plot-hierarchy", str(tmp_path), "--out", str(tmp_path / "none.png"), check=False)
    assert bad.returncode != 0 and "vaedyn data hierarchy" in bad.stderr and not os.path.exists(tmp_path / "none.png"), bad.stderr


LADDER = ["--b", "0.9", "--item-b", "0.9", "--groups", "2", "--classes-per-group", "2", "--train-per-class", "300", "--test-per-class", "10",
          "--latent", "8", "--epochs", "3", "--per-class", "3", "--trials", "20", "--steps", "6", "--sweep-trials", "10", "--sweep-steps", "4",
          "--grid", "0:1:0.5"]


class Ladder:
    """A two-rung ladder (b = 0.9 and the structureless control) at a small size."""

    def __init__(self, run, folder):
        self.folder = str(folder)
        self.args = ["ladder", *LADDER, "--work", os.path.join(self.folder, "work"), "--results", os.path.join(self.folder, "results.jsonl")]
        self.out = run(*self.args)
        self.results = os.path.join(self.folder, "results.jsonl")
        self.bytes = open(self.results, "rb").read()
        self.lines = [json.loads(line) for line in self.bytes.decode().splitlines()]


@pytest.fixture(scope="module")
def ladder(run, tmp_path_factory):
    return Ladder(run, tmp_path_factory.mktemp("ladder"))


def test_ladder_measures_each_rung_and_the_structureless_control(ladder):
    assert [line["rung"] for line in ladder.lines] == [{"structured": {"b": 0.9}}, {"structureless": {}}], [line["rung"] for line in ladder.lines]
    for line in ladder.lines:
        assert line["levels"] == ["item", "class", "group", "all"], line["levels"]
        classes = 4
        # Each ratio counts every input (3 a class) in one level or as undecided.
        assert all(sum(c) + u == 3 * classes for c, u in zip(line["stageCounts"], line["undecidedCounts"])), line
        shares = [line[k] for k in ("approachAbove", "approachBelow", "contrastGain", "departsBeyondControl", "movesToMemory", "monotone")] + line["familywise"]
        assert all(0 <= v <= 1 and abs(v * 12 - round(v * 12)) < 1e-4 for v in shares), shares
    # Uniform random bits cannot be compressed: the structureless test set costs at least 784 ln 2 nats an item
    # (up to the one-sample estimate's spread), the structured one much less.
    structured, control = (line["testNegativeELBO"] for line in ladder.lines)
    assert control > 784 * np.log(2) - 1 and structured < 784 * np.log(2) - 100, (structured, control)


def test_ladder_concepts_recover_the_true_patterns_only_where_there_are_some(ladder):
    structured, control = (line["recovery"] for line in ladder.lines)
    # The group concepts of b = 0.9 are their parents' (each group's two classes share 0.9 of their parent), not another parent's.
    assert structured["groupOwn"] > structured["groupOther"] + 0.5, structured
    assert structured["classOwn"] > 0.5, structured
    # With no structure, a concept is no image of any pattern.
    assert all(abs(control[k]) < 0.2 for k in ("classOwn", "classOther", "groupOwn", "groupOther")), control


def test_ladder_run_again_measures_nothing_and_refuses_other_settings(run, ladder):
    again = run(*ladder.args)
    assert "0 to go" in again.stderr and open(ladder.results, "rb").read() == ladder.bytes, again.stderr
    other = run(*ladder.args[:-4], "--epochs", "2", *ladder.args[-4:], check=False)
    assert other.returncode != 0 and "other settings" in other.stderr and open(ladder.results, "rb").read() == ladder.bytes, other.stderr


def test_ladder_report_says_what_the_controls_found(run, ladder):
    out = os.path.join(ladder.folder, "ladder.md")
    run("ladder", "--report", "--results", ladder.results, "--out", out)
    text = open(out).read()
    assert "## Positive and negative control" in text and "| b = 0.9 |" in text and "| structureless (b = 0, item b = 0) |" in text, text
    control = ladder.lines[1]
    verdict = "finds no concept where there is none" if max(control["approachAbove"], control["familywise"][1], control["familywise"][2]) <= 0.05 else "False positive"
    assert verdict in text, text


@pytest.mark.parametrize("options, words", [(["--b", "x"], "--b must be numbers"), (["--b", "0.5,0.5"], "twice"),
                                            (["--per-class", "20", "--test-per-class", "10"], "--per-class must be in"),
                                            (["--b", "1.5"], "--b must be in [0, 1]")])
def test_ladder_refuses_what_it_cannot_run_before_writing_anything(run, tmp_path, options, words):
    bad = run("ladder", *options, "--work", str(tmp_path / "w"), "--results", str(tmp_path / "r.jsonl"), check=False)
    assert bad.returncode != 0 and words in bad.stderr and not os.listdir(tmp_path), bad.stderr


def test_the_committed_pilot_report_regenerates_from_its_results_file(run, tmp_path):
    assert_report_regenerates(run, tmp_path, "ladder", "docs/hierarchy/pilot-results.jsonl", "docs/hierarchy/pilot.md")
