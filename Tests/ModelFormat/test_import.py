#!/usr/bin/env python3
"""`vaedyn import` as a PyTorch or JAX user meets it. A tiny VAE with the tensor names and
orientation of pytorch/examples' vae/main.py (fc1, fc21, fc22, fc3, fc4, out x in, ReLU) is
built here with numpy, saved with the safetensors package, imported and served; its
encoder means must be the ones a numpy forward pass written here gives. Then the same
weights under other names and JAX's in x out orientation through a mapping file; a missing
tensor, a wrong shape, a NaN and a broken file refused with messages naming the tensor; and
the round trip: `vaedyn export` then `vaedyn import` gives identical records for the same
request and seed. Prints one line per check and 'N passed, N failed'.

usage: test_import.py VAEDYN_BINARY MODEL_FILE
"""
import hashlib, json, os, shutil, subprocess, sys, tempfile, urllib.request

import numpy as np
from safetensors.numpy import save_file

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Support"))
from live_server import ROOT, LiveServer, Runner  # noqa: E402

BINARY, MODEL = sys.argv[1], sys.argv[2]
DATA = os.path.join(ROOT, "data", "mnist")
# The import computes concepts from the training set: on a fresh clone, fetch it first
# (the project's own script, hash-checked; nothing to do when the files are there).
subprocess.run([os.path.join(ROOT, "scripts", "fetch-mnist")], cwd=ROOT, check=True, timeout=1200)
runner = Runner()
test = runner.test
work = tempfile.mkdtemp(prefix="vaedyn-import-")
D, H, Z = 784, 24, 3


def vaedyn(*args, check=True):
    out = subprocess.run([BINARY, *args], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert not check or out.returncode == 0, f"vaedyn {' '.join(args)}: {out.stderr[-2000:]}"
    return out


def linear(rng, outputs, inputs):
    """nn.Linear's initialisation: uniform in +-1/sqrt(inputs), weight outputs x inputs."""
    bound = 1 / np.sqrt(inputs)
    return rng.uniform(-bound, bound, (outputs, inputs)).astype(np.float32), rng.uniform(-bound, bound, outputs).astype(np.float32)


rng = np.random.default_rng(11)
weights = {}
for name, (o, i) in {"fc1": (H, D), "fc21": (Z, H), "fc22": (Z, H), "fc3": (H, Z), "fc4": (D, H)}.items():
    weights[f"{name}.weight"], weights[f"{name}.bias"] = linear(rng, o, i)
# The heads scaled up so that the encodings are not all near zero.
weights["fc21.weight"] *= 8


def encode(x):
    """pytorch/examples' encode(): relu(fc1(x)), then fc21 and fc22."""
    h = np.maximum(x @ weights["fc1.weight"].T.astype(np.float64) + weights["fc1.bias"], 0)
    return h @ weights["fc21.weight"].T + weights["fc21.bias"], h @ weights["fc22.weight"].T + weights["fc22.bias"]


def save(tensors, name):
    path = os.path.join(work, name)
    save_file(tensors, path)
    return path


def test_images(first, last):
    raw = open(os.path.join(DATA, "t10k-images-idx3-ubyte"), "rb").read()
    return np.frombuffer(raw, np.uint8, offset=16).reshape(-1, D)[first:last].astype(np.float64) / 255


def encodings(model, first, last):
    lines = [json.loads(l) for l in vaedyn("encode", "--model", model, "--data", DATA, "--test-range", f"{first}:{last}").stdout.splitlines()]
    return np.array([l["mean"] for l in lines]), np.array([l["logVariance"] for l in lines])


def largest_difference(model):
    mean, logvar = encodings(model, 0, 40)
    want_mean, want_logvar = encode(test_images(0, 40))
    scale = max(1.0, float(np.abs(want_mean).max()))
    return max(float(np.abs(mean - want_mean).max()), float(np.abs(logvar - want_logvar).max())) / scale


source = save(weights, "pytorch-examples.safetensors")
imported = os.path.join(work, "tiny-relu.vaem")


@test
def a_pytorch_examples_model_imports_and_gives_numpys_encoder_means():
    out = vaedyn("import", source, "--layout", "pytorch-examples", "--dataset", "mnist", "--data", DATA, "--out", imported, "--samples", "2")
    assert f"{D}-{H}-{Z} relu" in out.stdout, out.stdout
    worst = largest_difference(imported)
    assert worst < 1e-4, worst
    print(f"  largest difference, relative to the largest mean: {worst:.2e}")


@test
def the_model_file_records_where_it_came_from_and_the_server_serves_it():
    server = LiveServer(BINARY, imported)
    try:
        with urllib.request.urlopen(server.url + "/model/tiny-relu") as r:
            model = json.load(r)
        assert model["architecture"] == {"inputSize": D, "hiddenSize": H, "latentSize": Z, "activation": "relu"}, model["architecture"]
        record = model["imported"]
        assert record["sha256"] == hashlib.sha256(open(source, "rb").read()).hexdigest(), record
        assert record["layout"] == "pytorch-examples" and record["orientation"] == "out-in" and record["tensors"]["encoder.mean.weight"] == "fc21.weight"
        # Concepts from the data: one per class and the root, and a test -ELBO measured.
        assert [c["level"] for c in model["concepts"]].count("class") == 10 and model["metrics"]["negativeELBO"] > 0, model["metrics"]
        body = json.dumps({"model": "tiny-relu", "image": {"exemplar": {"digit": 3}}, "steps": 5, "trials": 4, "seed": 2}).encode()
        request = urllib.request.Request(server.url + "/dynamics", data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request) as r:
            records = [json.loads(l) for l in r.read().splitlines()]
        assert records[-1]["type"] == "summary" and records[-1]["done"] is True, records[-1]
        assert sum(1 for r in records if r["type"] == "step") == 6, [r["type"] for r in records]
    finally:
        server.stop()


@test
def a_mapping_file_reads_other_names_in_jaxs_orientation():
    names = {"fc1": "encoder/Dense_0", "fc21": "encoder/mean", "fc22": "encoder/logvar", "fc3": "decoder/Dense_0", "fc4": "decoder/logits"}
    roles = {"fc1": "encoder.hidden", "fc21": "encoder.mean", "fc22": "encoder.logvar", "fc3": "decoder.hidden", "fc4": "decoder.output"}
    tensors, mapping = {}, {"tensors": {}, "orientation": "in-out", "activation": "relu"}
    for ours, theirs in names.items():
        # Flax's Dense: a kernel of inputs x outputs and a bias.
        tensors[theirs + "/kernel"] = np.ascontiguousarray(weights[ours + ".weight"].T)
        tensors[theirs + "/bias"] = weights[ours + ".bias"]
        mapping["tensors"][roles[ours] + ".weight"] = theirs + "/kernel"
        mapping["tensors"][roles[ours] + ".bias"] = theirs + "/bias"
    path = save(tensors, "flax.safetensors")
    mapping_path = os.path.join(work, "flax-mapping.json")
    with open(mapping_path, "w") as f:
        json.dump(mapping, f)
    model = os.path.join(work, "flax.vaem")
    vaedyn("import", path, "--layout", mapping_path, "--dataset", "mnist", "--data", DATA, "--out", model, "--samples", "1")
    assert largest_difference(model) < 1e-4
    # A mapping that leaves a tensor out is refused, naming it.
    del mapping["tensors"]["decoder.hidden.bias"]
    with open(mapping_path, "w") as f:
        json.dump(mapping, f)
    out = vaedyn("import", path, "--layout", mapping_path, "--dataset", "mnist", "--data", DATA, "--out", model + ".x", check=False)
    assert out.returncode != 0 and "decoder.hidden.bias" in out.stderr and not os.path.exists(model + ".x"), out.stderr


@test
def a_missing_tensor_a_wrong_shape_a_nan_and_a_broken_file_are_refused_naming_the_tensor():
    cases = []
    missing = dict(weights)
    del missing["fc22.bias"]
    cases.append((save(missing, "missing.safetensors"), ["fc22.bias", "encoder.logvar.bias"]))
    wrong = dict(weights, **{"fc3.weight": np.zeros((H, Z + 1), np.float32)})
    cases.append((save(wrong, "wrong.safetensors"), ["fc3.weight", f"[{H}, {Z + 1}]", f"[{H}, {Z}]"]))
    nan = {k: v.copy() for k, v in weights.items()}
    nan["fc4.weight"][5, 7] = np.nan
    cases.append((save(nan, "nan.safetensors"), ["fc4.weight", "nan", "[5, 7]"]))
    integers = dict(weights, **{"fc1.bias": np.zeros(H, np.int64)})
    cases.append((save(integers, "integers.safetensors"), ["fc1.bias", "I64"]))
    broken = os.path.join(work, "broken.safetensors")
    with open(broken, "wb") as f:
        f.write(open(source, "rb").read()[:5000])
    cases.append((broken, ["broken.safetensors", "bytes"]))
    for path, words in cases:
        out_path = path + ".vaem"
        out = vaedyn("import", path, "--layout", "pytorch-examples", "--dataset", "mnist", "--data", DATA, "--out", out_path, check=False)
        assert out.returncode != 0 and not os.path.exists(out_path), (path, out.returncode)
        assert all(w in out.stderr for w in words), (words, out.stderr)
        assert "Traceback" not in out.stderr and "Fatal error" not in out.stderr, out.stderr
    # Without --layout, the built-in layout whose names the file holds is taken.
    auto = os.path.join(work, "auto.vaem")
    assert "relu" in vaedyn("import", source, "--dataset", "mnist", "--data", DATA, "--out", auto, "--samples", "1").stdout


@test
def export_then_import_gives_identical_records_for_the_same_request_and_seed():
    exported = os.path.join(work, "exported.safetensors")
    vaedyn("export", MODEL, "--out", exported)
    model_id = os.path.splitext(os.path.basename(MODEL))[0]
    back = os.path.join(work, model_id + ".vaem")
    out = vaedyn("import", exported, "--layout", "ours", "--data", DATA, "--out", back, "--samples", "1")
    assert "kept" in out.stderr, out.stderr
    for request in (["--digit", "6", "--trials", "30", "--steps", "12", "--seed", "5"],
                    ["--digit", "2", "--noise", "flip:0.3", "--trials", "20", "--steps", "8", "--seed", "9", "--kernel", "mwg", "--mask", "top-half"]):
        original = vaedyn("dynamics", "--model", MODEL, *request).stdout
        again = vaedyn("dynamics", "--model", back, *request).stdout
        assert original == again and len(original.splitlines()) > 5, request


shutil.rmtree(work)
runner.finish()
