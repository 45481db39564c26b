#!/usr/bin/env python3
"""`vaedyn export` read as a PyTorch or JAX user reads it: the safetensors package from
PyPI (numpy backend) loads the file, and a numpy forward pass over its tensors, written
here from their names and PyTorch's nn.Linear orientation (y = x W^T + b), must give the
encoder means and log-variances `vaedyn encode` prints for the same images. Then the
decoder tensors and the concepts, the header's layout against the format's rules, and a
model file export refuses. Prints one line per check and 'N passed, N failed'.

usage: test_safetensors.py VAEDYN_BINARY MODEL_FILE
"""
import json, os, shutil, struct, subprocess, sys, tempfile

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Support"))
from live_server import ROOT, Runner  # noqa: E402

BINARY, MODEL = sys.argv[1], sys.argv[2]
runner = Runner()
test = runner.test
work = tempfile.mkdtemp(prefix="vaedyn-safetensors-")


def vaedyn(*args):
    out = subprocess.run([BINARY, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, f"vaedyn {' '.join(args)}: {out.stderr[-2000:]}"
    return out.stdout


exported = os.path.join(work, "model.safetensors")
vaedyn("export", MODEL, "--out", exported)
tensors = load_file(exported)
with safe_open(exported, framework="numpy") as f:
    metadata = f.metadata()
architecture = json.loads(metadata["architecture"])
D, H, Z = architecture["inputSize"], architecture["hiddenSize"], architecture["latentSize"]


def forward(x):
    """q(z | x) from the exported tensors alone: tanh hidden layer, then the two heads."""
    h = np.tanh(x @ tensors["encoder.hidden.weight"].T.astype(np.float64) + tensors["encoder.hidden.bias"])
    return (h @ tensors["encoder.mean.weight"].T + tensors["encoder.mean.bias"],
            h @ tensors["encoder.logvar.weight"].T + tensors["encoder.logvar.bias"])


@test
def the_tensors_have_pytorch_shapes():
    shapes = {name: tuple(t.shape) for name, t in tensors.items()}
    expected = {"encoder.hidden.weight": (H, D), "encoder.hidden.bias": (H,), "encoder.mean.weight": (Z, H), "encoder.mean.bias": (Z,),
                "encoder.logvar.weight": (Z, H), "encoder.logvar.bias": (Z,), "decoder.hidden.weight": (H, Z), "decoder.hidden.bias": (H,),
                "decoder.output.weight": (D, H), "decoder.output.bias": (D,)}
    assert all(shapes[k] == v for k, v in expected.items()), shapes
    assert all(t.dtype == np.float32 and np.isfinite(t).all() for t in tensors.values())
    assert metadata["format"] == "vaedyn-vae" and metadata["activation"] == "tanh" and metadata["likelihood"] == "bernoulli", metadata.keys()


@test
def a_numpy_forward_pass_gives_the_encodings_vaedyn_prints():
    rng = np.random.default_rng(7)
    # Binary digit-like images, grey levels, and an empty one: raw 784-byte files, taken as they are.
    images = [np.where(rng.random(D) < 0.15, 255, 0), rng.integers(0, 256, D), np.zeros(D, dtype=int)]
    worst = 0.0
    for k, image in enumerate(images):
        path = os.path.join(work, f"image-{k}.raw")
        with open(path, "wb") as f:
            f.write(bytes(int(v) for v in image))
        [line] = [json.loads(l) for l in vaedyn("encode", "--model", MODEL, "--image", path).splitlines()]
        mean, logvar = forward(image.astype(np.float64) / 255)
        assert len(line["mean"]) == Z and len(line["logVariance"]) == Z, line.keys()
        scale = max(1.0, float(np.abs(mean).max()), float(np.abs(logvar).max()))
        worst = max(worst, float(np.abs(np.array(line["mean"]) - mean).max()) / scale, float(np.abs(np.array(line["logVariance"]) - logvar).max()) / scale)
    # Float32 sums over 784 and 1024 terms: a few units in the sixth digit.
    assert worst < 1e-4, worst
    print(f"  largest difference, relative to the largest value: {worst:.2e}")


@test
def the_decoder_tensors_make_probabilities_and_the_concepts_sit_in_the_latent_space():
    h = np.tanh(tensors["concepts"].astype(np.float64) @ tensors["decoder.hidden.weight"].T + tensors["decoder.hidden.bias"])
    p = 1 / (1 + np.exp(-(h @ tensors["decoder.output.weight"].T + tensors["decoder.output.bias"])))
    concepts = json.loads(metadata["concepts"])
    assert p.shape == (len(concepts), D) and ((0 <= p) & (p <= 1)).all()
    assert tensors["concepts"].shape == (len(concepts), Z)
    # A class concept is the mean of encoder means: near the class's own decoded ink, far from blank.
    assert (p.mean(axis=1) > 0.02).all(), p.mean(axis=1)
    assert tensors["projection.axes"].shape == (2, Z) and tensors["projection.mean"].shape == (Z,)
    assert np.allclose(np.linalg.norm(tensors["projection.axes"], axis=1), 1, atol=1e-3)
    assert json.loads(metadata["classNames"]) and metadata["dataset"] in ("mnist", "fashion-mnist"), metadata["dataset"]


@test
def the_header_follows_the_format():
    data = open(exported, "rb").read()
    n = struct.unpack_from("<Q", data, 0)[0]
    header = json.loads(data[8:8 + n])
    assert (8 + n) % 8 == 0, n
    spans = sorted(tuple(v["data_offsets"]) for k, v in header.items() if k != "__metadata__")
    assert spans[0][0] == 0 and all(a[1] == b[0] for a, b in zip(spans, spans[1:])) and spans[-1][1] == len(data) - 8 - n, spans[:3]
    assert all(isinstance(v, str) for v in header["__metadata__"].values())


@test
def a_bad_model_file_is_refused_in_words():
    bad = os.path.join(work, "bad.vaem")
    with open(bad, "wb") as f:
        f.write(b"not a model")
    out = subprocess.run([BINARY, "export", bad, "--out", os.path.join(work, "bad.safetensors")], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode != 0 and "bad.vaem" in out.stderr and not os.path.exists(os.path.join(work, "bad.safetensors")), out.stderr


shutil.rmtree(work)
runner.finish()
