"""`vaedyn export` read as a PyTorch or JAX user reads it: the safetensors package from
PyPI (numpy backend) loads the file, and a numpy forward pass over its tensors, written
here from their names and PyTorch's nn.Linear orientation (y = x W^T + b), must give the
encoder means and log-variances `vaedyn encode` prints for the same images. Then the
decoder tensors and the concepts, the header's layout against the format's rules, and a
model file export refuses."""
import json, os, struct, subprocess

import numpy as np
import pytest
from safetensors import safe_open
from safetensors.numpy import load_file

from support import ROOT


def vaedyn(binary, *args):
    out = subprocess.run([binary, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, f"vaedyn {' '.join(args)}: {out.stderr[-2000:]}"
    return out.stdout


class Export:
    """The exported file, its tensors, its metadata and the architecture it declares."""

    def __init__(self, path):
        self.path = path
        self.tensors = load_file(path)
        with safe_open(path, framework="numpy") as f:
            self.metadata = f.metadata()
        a = json.loads(self.metadata["architecture"])
        self.D, self.H, self.Z = a["inputSize"], a["hiddenSize"], a["latentSize"]

    def forward(self, x):
        """q(z | x) from the exported tensors alone: tanh hidden layer, then the two heads."""
        t = self.tensors
        h = np.tanh(x @ t["encoder.hidden.weight"].T.astype(np.float64) + t["encoder.hidden.bias"])
        return h @ t["encoder.mean.weight"].T + t["encoder.mean.bias"], h @ t["encoder.logvar.weight"].T + t["encoder.logvar.bias"]


@pytest.fixture(scope="module")
def export(binary, model, tmp_path_factory):
    path = str(tmp_path_factory.mktemp("export") / "model.safetensors")
    vaedyn(binary, "export", model, "--out", path)
    return Export(path)


def test_the_tensors_have_pytorch_shapes(export):
    D, H, Z = export.D, export.H, export.Z
    shapes = {name: tuple(t.shape) for name, t in export.tensors.items()}
    expected = {"encoder.hidden.weight": (H, D), "encoder.hidden.bias": (H,), "encoder.mean.weight": (Z, H), "encoder.mean.bias": (Z,),
                "encoder.logvar.weight": (Z, H), "encoder.logvar.bias": (Z,), "decoder.hidden.weight": (H, Z), "decoder.hidden.bias": (H,),
                "decoder.output.weight": (D, H), "decoder.output.bias": (D,)}
    assert all(shapes[k] == v for k, v in expected.items()), shapes
    assert all(t.dtype == np.float32 and np.isfinite(t).all() for t in export.tensors.values())
    m = export.metadata
    assert m["format"] == "vaedyn-vae" and m["activation"] == "tanh" and m["likelihood"] == "bernoulli", m.keys()


def test_a_numpy_forward_pass_gives_the_encodings_vaedyn_prints(binary, model, export, tmp_path):
    rng = np.random.default_rng(7)
    D, Z = export.D, export.Z
    # Binary digit-like images, grey levels, and an empty one: raw 784-byte files, taken as they are.
    images = [np.where(rng.random(D) < 0.15, 255, 0), rng.integers(0, 256, D), np.zeros(D, dtype=int)]
    worst = 0.0
    for k, image in enumerate(images):
        path = tmp_path / f"image-{k}.raw"
        path.write_bytes(bytes(int(v) for v in image))
        [line] = [json.loads(l) for l in vaedyn(binary, "encode", "--model", model, "--image", str(path)).splitlines()]
        mean, logvar = export.forward(image.astype(np.float64) / 255)
        assert len(line["mean"]) == Z and len(line["logVariance"]) == Z, line.keys()
        scale = max(1.0, float(np.abs(mean).max()), float(np.abs(logvar).max()))
        worst = max(worst, float(np.abs(np.array(line["mean"]) - mean).max()) / scale, float(np.abs(np.array(line["logVariance"]) - logvar).max()) / scale)
    # Float32 sums over 784 and 1024 terms: a few units in the sixth digit.
    assert worst < 1e-4, worst
    print(f"  largest difference, relative to the largest value: {worst:.2e}")


def test_the_decoder_tensors_make_probabilities_and_the_concepts_sit_in_the_latent_space(export):
    t, m = export.tensors, export.metadata
    h = np.tanh(t["concepts"].astype(np.float64) @ t["decoder.hidden.weight"].T + t["decoder.hidden.bias"])
    p = 1 / (1 + np.exp(-(h @ t["decoder.output.weight"].T + t["decoder.output.bias"])))
    concepts = json.loads(m["concepts"])
    assert p.shape == (len(concepts), export.D) and ((0 <= p) & (p <= 1)).all()
    assert t["concepts"].shape == (len(concepts), export.Z)
    # A class concept is the mean of encoder means: near the class's own decoded ink, far from blank.
    assert (p.mean(axis=1) > 0.02).all(), p.mean(axis=1)
    assert t["projection.axes"].shape == (2, export.Z) and t["projection.mean"].shape == (export.Z,)
    assert np.allclose(np.linalg.norm(t["projection.axes"], axis=1), 1, atol=1e-3)
    assert json.loads(m["classNames"]) and m["dataset"] in ("mnist", "fashion-mnist"), m["dataset"]


def test_the_header_follows_the_format(export):
    data = open(export.path, "rb").read()
    n = struct.unpack_from("<Q", data, 0)[0]
    header = json.loads(data[8:8 + n])
    assert (8 + n) % 8 == 0, n
    spans = sorted(tuple(v["data_offsets"]) for k, v in header.items() if k != "__metadata__")
    assert spans[0][0] == 0 and all(a[1] == b[0] for a, b in zip(spans, spans[1:])) and spans[-1][1] == len(data) - 8 - n, spans[:3]
    assert all(isinstance(v, str) for v in header["__metadata__"].values())


def test_a_bad_model_file_is_refused_in_words(binary, tmp_path):
    bad = tmp_path / "bad.vaem"
    bad.write_bytes(b"not a model")
    out_file = tmp_path / "bad.safetensors"
    out = subprocess.run([binary, "export", str(bad), "--out", str(out_file)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode != 0 and "bad.vaem" in out.stderr and not out_file.exists(), out.stderr
