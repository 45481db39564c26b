"""`vaedyn import` as a PyTorch or JAX user meets it. A tiny VAE with the tensor names and
orientation of pytorch/examples' vae/main.py (fc1, fc21, fc22, fc3, fc4, out x in, ReLU) is
built here with numpy, saved with the safetensors package, imported and served; its
encoder means must be the ones a numpy forward pass written here gives. Then the same
weights under other names and JAX's in x out orientation through a mapping file; a missing
tensor, a wrong shape, a NaN and a broken file refused with messages naming the tensor; and
the round trip: `vaedyn export` then `vaedyn import` gives identical records for the same
request and seed. The import computes concepts from the training set: the `mnist` fixture
fetches it on a fresh clone (scripts/fetch-mnist, hash-checked)."""
import hashlib, json, os

import numpy as np
import pytest
from safetensors.numpy import save_file

D, H, Z = 784, 24, 3
# The import's own work (concepts from 60,000 images, a test -ELBO) takes a while on 2 cores.
TIMEOUT = 600


def linear(rng, outputs, inputs):
    """nn.Linear's initialisation: uniform in +-1/sqrt(inputs), weight outputs x inputs."""
    bound = 1 / np.sqrt(inputs)
    return rng.uniform(-bound, bound, (outputs, inputs)).astype(np.float32), rng.uniform(-bound, bound, outputs).astype(np.float32)


@pytest.fixture(scope="module")
def weights():
    """The tiny VAE's tensors under pytorch/examples' names (the same every time: seed 11)."""
    rng = np.random.default_rng(11)
    weights = {}
    for name, (o, i) in {"fc1": (H, D), "fc21": (Z, H), "fc22": (Z, H), "fc3": (H, Z), "fc4": (D, H)}.items():
        weights[f"{name}.weight"], weights[f"{name}.bias"] = linear(rng, o, i)
    # The heads scaled up so that the encodings are not all near zero.
    weights["fc21.weight"] *= 8
    return weights


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("import")


def save(work, tensors, name):
    path = str(work / name)
    save_file(tensors, path)
    return path


@pytest.fixture(scope="module")
def source(work, weights):
    return save(work, weights, "pytorch-examples.safetensors")


@pytest.fixture(scope="module")
def imported(run, mnist, work, source):
    """The pytorch/examples file imported: (its model file, what the import printed)."""
    path = str(work / "tiny-relu.vaem")
    out = run("import", source, "--layout", "pytorch-examples", "--dataset", "mnist", "--data", mnist, "--out", path, "--samples", "2",
              timeout=TIMEOUT)
    return path, out.stdout


@pytest.fixture(scope="module")
def largest_difference(run, mnist, weights):
    """largest_difference(model): how far the model's encoder means and log-variances on the
    first 40 test images lie from the numpy forward pass over `weights`, relative to the
    largest mean."""
    def encode(x):
        """pytorch/examples' encode(): relu(fc1(x)), then fc21 and fc22."""
        h = np.maximum(x @ weights["fc1.weight"].T.astype(np.float64) + weights["fc1.bias"], 0)
        return h @ weights["fc21.weight"].T + weights["fc21.bias"], h @ weights["fc22.weight"].T + weights["fc22.bias"]

    def difference(model, first=0, last=40):
        out = run("encode", "--model", model, "--data", mnist, "--test-range", f"{first}:{last}", timeout=TIMEOUT)
        lines = [json.loads(l) for l in out.stdout.splitlines()]
        mean, logvar = np.array([l["mean"] for l in lines]), np.array([l["logVariance"] for l in lines])
        raw = open(os.path.join(mnist, "t10k-images-idx3-ubyte"), "rb").read()
        images = np.frombuffer(raw, np.uint8, offset=16).reshape(-1, D)[first:last].astype(np.float64) / 255
        want_mean, want_logvar = encode(images)
        scale = max(1.0, float(np.abs(want_mean).max()))
        return max(float(np.abs(mean - want_mean).max()), float(np.abs(logvar - want_logvar).max())) / scale
    return difference


def test_a_pytorch_examples_model_imports_and_gives_numpys_encoder_means(imported, largest_difference):
    path, printed = imported
    assert f"{D}-{H}-{Z} relu" in printed, printed
    worst = largest_difference(path)
    assert worst < 1e-4, worst
    print(f"  largest difference, relative to the largest mean: {worst:.2e}")


def test_the_model_file_records_where_it_came_from_and_the_server_serves_it(imported, source, serve):
    server = serve([imported[0]])
    model = server.document("/model/tiny-relu")
    assert model["architecture"] == {"inputSize": D, "hiddenSize": H, "latentSize": Z, "activation": "relu"}, model["architecture"]
    record = model["imported"]
    assert record["sha256"] == hashlib.sha256(open(source, "rb").read()).hexdigest(), record
    assert record["layout"] == "pytorch-examples" and record["orientation"] == "out-in" and record["tensors"]["encoder.mean.weight"] == "fc21.weight"
    # Concepts from the data: one per class and the root, and a test -ELBO measured.
    assert [c["level"] for c in model["concepts"]].count("class") == 10 and model["metrics"]["negativeELBO"] > 0, model["metrics"]
    records = server.records("/dynamics", {"model": "tiny-relu", "image": {"exemplar": {"digit": 3}}, "steps": 5, "trials": 4, "seed": 2})
    assert records[-1]["type"] == "summary" and records[-1]["done"] is True, records[-1]
    assert sum(1 for r in records if r["type"] == "step") == 6, [r["type"] for r in records]


def test_a_mapping_file_reads_other_names_in_jaxs_orientation(run, mnist, work, weights, largest_difference):
    names = {"fc1": "encoder/Dense_0", "fc21": "encoder/mean", "fc22": "encoder/logvar", "fc3": "decoder/Dense_0", "fc4": "decoder/logits"}
    roles = {"fc1": "encoder.hidden", "fc21": "encoder.mean", "fc22": "encoder.logvar", "fc3": "decoder.hidden", "fc4": "decoder.output"}
    tensors, mapping = {}, {"tensors": {}, "orientation": "in-out", "activation": "relu"}
    for ours, theirs in names.items():
        # Flax's Dense: a kernel of inputs x outputs and a bias.
        tensors[theirs + "/kernel"] = np.ascontiguousarray(weights[ours + ".weight"].T)
        tensors[theirs + "/bias"] = weights[ours + ".bias"]
        mapping["tensors"][roles[ours] + ".weight"] = theirs + "/kernel"
        mapping["tensors"][roles[ours] + ".bias"] = theirs + "/bias"
    path = save(work, tensors, "flax.safetensors")
    mapping_path = str(work / "flax-mapping.json")
    with open(mapping_path, "w") as f:
        json.dump(mapping, f)
    model = str(work / "flax.vaem")
    run("import", path, "--layout", mapping_path, "--dataset", "mnist", "--data", mnist, "--out", model, "--samples", "1", timeout=TIMEOUT)
    assert largest_difference(model) < 1e-4
    # A mapping that leaves a tensor out is refused, naming it.
    del mapping["tensors"]["decoder.hidden.bias"]
    with open(mapping_path, "w") as f:
        json.dump(mapping, f)
    out = run("import", path, "--layout", mapping_path, "--dataset", "mnist", "--data", mnist, "--out", model + ".x", check=False, timeout=TIMEOUT)
    assert out.returncode != 0 and "decoder.hidden.bias" in out.stderr and not os.path.exists(model + ".x"), out.stderr


def test_a_missing_tensor_a_wrong_shape_a_nan_and_a_broken_file_are_refused_naming_the_tensor(run, mnist, work, weights, source):
    cases = []
    missing = dict(weights)
    del missing["fc22.bias"]
    cases.append((save(work, missing, "missing.safetensors"), ["fc22.bias", "encoder.logvar.bias"]))
    wrong = dict(weights, **{"fc3.weight": np.zeros((H, Z + 1), np.float32)})
    cases.append((save(work, wrong, "wrong.safetensors"), ["fc3.weight", f"[{H}, {Z + 1}]", f"[{H}, {Z}]"]))
    nan = {k: v.copy() for k, v in weights.items()}
    nan["fc4.weight"][5, 7] = np.nan
    cases.append((save(work, nan, "nan.safetensors"), ["fc4.weight", "nan", "[5, 7]"]))
    integers = dict(weights, **{"fc1.bias": np.zeros(H, np.int64)})
    cases.append((save(work, integers, "integers.safetensors"), ["fc1.bias", "I64"]))
    broken = str(work / "broken.safetensors")
    with open(broken, "wb") as f:
        f.write(open(source, "rb").read()[:5000])
    cases.append((broken, ["broken.safetensors", "bytes"]))
    for path, words in cases:
        out_path = path + ".vaem"
        out = run("import", path, "--layout", "pytorch-examples", "--dataset", "mnist", "--data", mnist, "--out", out_path, check=False,
                  timeout=TIMEOUT)
        assert out.returncode != 0 and not os.path.exists(out_path), (path, out.returncode)
        assert all(w in out.stderr for w in words), (words, out.stderr)
        assert "Traceback" not in out.stderr and "Fatal error" not in out.stderr, out.stderr


def test_without_a_layout_the_built_in_one_whose_names_the_file_holds_is_taken(run, mnist, work, source):
    auto = str(work / "auto.vaem")
    assert "relu" in run("import", source, "--dataset", "mnist", "--data", mnist, "--out", auto, "--samples", "1", timeout=TIMEOUT).stdout


def test_export_then_import_gives_identical_records_for_the_same_request_and_seed(run, mnist, model, work):
    exported = str(work / "exported.safetensors")
    run("export", model, "--out", exported, timeout=TIMEOUT)
    model_id = os.path.splitext(os.path.basename(model))[0]
    back = str(work / (model_id + ".vaem"))
    out = run("import", exported, "--layout", "ours", "--data", mnist, "--out", back, "--samples", "1", timeout=TIMEOUT)
    assert "kept" in out.stderr, out.stderr
    for request in (["--digit", "6", "--trials", "30", "--steps", "12", "--seed", "5"],
                    ["--digit", "2", "--noise", "flip:0.3", "--trials", "20", "--steps", "8", "--seed", "9", "--kernel", "mwg", "--mask", "top-half"]):
        original = run("dynamics", "--model", model, *request, timeout=TIMEOUT).stdout
        again = run("dynamics", "--model", back, *request, timeout=TIMEOUT).stdout
        assert original == again and len(original.splitlines()) > 5, request
