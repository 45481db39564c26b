#!/usr/bin/env python3
"""An independent reader of vaedyn model files, written from docs/model-format.md alone:
it checks the file's layout and CRC, decodes the description, unpacks the weights, checks
the relations the page states between concepts and projection, and runs the network's
forward pass on stored exemplars, comparing it with what `vaedyn dynamics` measures on the
same exemplars. Prints one line per check and 'N passed, N failed'; exits 1 on a failure.

usage: read_vaem.py MODEL_FILE [VAEDYN_BINARY]
       (the binary defaults to .build/release/vaedyn in the repository, as `make` builds it)

As a module: `read(data)` gives the header, description and tensors (or raises Refused);
`Model(data)` unpacks them; the check groups below (`reader_checks`, `layout_checks`,
`weight_checks`, `description_checks`, `relation_checks`, `forward_checks`) each yield
(name, ok, detail), which this script prints and Tests/EndToEnd/test_model_format.py asserts.
"""
import base64, binascii, json, os, struct, subprocess, sys, zlib

import numpy as np

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
MAGIC = bytes([0x56, 0x41, 0x45, 0x4D, 0x0D, 0x0A, 0x1A, 0x0A])
# How many exemplars the forward pass is compared on (one of each of the first classes).
COMPARED = 3


class Refused(Exception):
    pass


def read(data):
    """The file's header, description and tensors, or Refused with the reason."""
    if len(data) < 20 or data[:8] != MAGIC:
        raise Refused("wrong magic bytes")
    version, n = struct.unpack_from("<II", data, 8)
    if version != 1:
        raise Refused(f"format version {version}")
    if len(data) < 16 + n + 4:
        raise Refused("truncated header")
    header = json.loads(data[16:16 + n].decode("utf-8"))
    base, length = 16 + n, header["dataLength"]
    if not isinstance(length, int) or length < 0 or len(data) != base + length + 4:
        raise Refused(f"file is {len(data)} bytes, header implies {base + length + 4}")
    stored = struct.unpack_from("<I", data, base + length)[0]
    computed = zlib.crc32(data[:base + length]) & 0xFFFFFFFF
    if stored != computed:
        raise Refused(f"CRC-32 0x{stored:08x} stored, 0x{computed:08x} computed")
    if header["kind"] != "vaedyn-model":
        raise Refused(f"kind {header['kind']}")
    description = json.loads(base64.b64decode(header["metadata"], validate=True).decode("utf-8"))
    tensors = {}
    for e in header["tensors"]:
        name, shape = e["name"], e["shape"]
        if name in tensors:
            raise Refused(f"tensor {name} listed twice")
        width = {"float32": 4, "uint8": 1}[e["dtype"]]
        count = 1
        for dim in shape:
            if dim < 0:
                raise Refused(f"tensor {name}: negative dimension")
            count *= dim  # Python integers do not overflow
        if e["length"] != count * width:
            raise Refused(f"tensor {name}: length {e['length']} for shape {shape}")
        if not (0 <= e["offset"] and e["offset"] + e["length"] <= length):
            raise Refused(f"tensor {name} lies outside the data")
        start = base + e["offset"]
        dtype = "<f4" if e["dtype"] == "float32" else "u1"
        tensors[name] = np.frombuffer(data, dtype=dtype, count=count, offset=start).reshape(shape)
    return header, description, tensors


# What read() raises on a file it cannot read.
UNREADABLE = (Refused, KeyError, ValueError, binascii.Error)


def blocks(d, h, z):
    """(name, rows, columns) of the eight weight blocks, in file order; columns 0 for a bias."""
    return [("W1", d, h), ("b1", h, 0), ("W2", h, 2 * z), ("b2", 2 * z, 0),
            ("W3", z, h), ("b3", h, 0), ("W4", h, d), ("b4", d, 0)]


def unpack(flat, d, h, z):
    """The weights by name, and the padding floats, from the flat tensor."""
    weights, padding, offset = {}, [], 0
    for name, rows, columns in blocks(d, h, z):
        size = rows * columns if columns else rows
        block = flat[offset:offset + size].astype(np.float64)
        weights[name] = block.reshape(rows, columns) if columns else block
        padded = (size + 15) // 16 * 16
        padding.append(flat[offset + size:offset + padded])
        offset += padded
    return weights, np.concatenate(padding), offset


ACTIVATIONS = {"tanh": np.tanh, "relu": lambda a: np.maximum(a, 0)}


def encoder_mean(w, x, z):
    h1 = w["f"](x @ w["W1"] + w["b1"])
    return (h1 @ w["W2"] + w["b2"])[..., :z]


def decoder_probabilities(w, latent):
    h3 = w["f"](latent @ w["W3"] + w["b3"])
    return 1 / (1 + np.exp(-(h3 @ w["W4"] + w["b4"])))


def close(a, b, absolute, relative=0.0):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= absolute + relative * np.abs(b)))


def worst(a, b):
    return float(np.max(np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64))))


class Model:
    """A model file read (`read`, which raises on a file it cannot read) and unpacked: the
    architecture, the description's lists, the weights and the padding between them."""

    def __init__(self, path, data=None):
        self.path = path
        self.data = open(path, "rb").read() if data is None else data
        self.header, self.description, self.tensors = read(self.data)
        a = self.architecture = self.description["architecture"]
        self.d, self.h, self.z = a["inputSize"], a["hiddenSize"], a["latentSize"]
        # Files written before ReLU was supported have no activation: tanh.
        self.activation = a.get("activation", "tanh")
        self.concepts, self.exemplars = self.description["concepts"], self.description["exemplars"]
        self.classes = self.description["classNames"]
        self.weights, self.padding, self.count = unpack(self.tensors["parameters"], self.d, self.h, self.z)
        self.weights["f"] = ACTIVATIONS.get(self.activation)
        self.ids = [c["id"] for c in self.concepts]
        self.roots = [c for c in self.concepts if "parent" not in c]
        self.class_rows = [i for i, c in enumerate(self.concepts) if c["level"] == "class"]
        self.labels = [e["label"] for e in self.exemplars]
        self.per_class = [[e["testIndex"] for e in self.exemplars if e["label"] == c] for c in range(len(self.classes))]
        self.vectors = self.tensors["concepts"].astype(np.float64)
        self.axes = self.tensors["projection_axes"].astype(np.float64)

    def summary(self):
        return (f"model '{self.description['id']}': {self.d}-{self.h}-{self.z} {self.activation}, {len(self.classes)} classes, "
                f"{len(self.concepts)} concepts, {len(self.exemplars)} exemplars")


# The check groups: each yields (name, ok, detail).

def reader_checks(data):
    """The reader itself: the CRC the page names, and damage it must see."""
    yield "CRC-32 is the one the page names (check value of '123456789')", zlib.crc32(b"123456789") == 0xCBF43926, ""
    damaged = bytearray(data)
    damaged[len(data) // 2] ^= 0x01
    try:
        read(bytes(damaged))
        yield "a copy with one flipped bit is refused", False, "it was read"
    except Refused as e:
        yield "a copy with one flipped bit is refused", "CRC-32" in str(e), str(e)


def layout_checks(m):
    header = m.header
    yield "header keys", set(header) == {"kind", "metadata", "tensors", "dataLength"}, str(sorted(header))
    offsets = [e["offset"] for e in header["tensors"]]
    yield "tensor offsets are multiples of 64 from the start of the data", all(o % 64 == 0 for o in offsets), str(offsets)


def weight_checks(m):
    yield "the activation is one the page names", m.activation in ACTIVATIONS, str(m.architecture)
    yield ("parameters has the shape of the documented block layout", m.tensors["parameters"].shape == (m.count,),
           f"{m.tensors['parameters'].shape} against {m.count}")
    yield "padding floats are 0", bool(np.all(m.padding == 0)), f"{np.count_nonzero(m.padding)} are not"
    shapes = {"concepts": (len(m.concepts), m.z), "exemplars": (len(m.exemplars), m.d), "projection_mean": (m.z,)}
    for name, shape in shapes.items():
        yield f"{name} has shape {list(shape)}", m.tensors[name].shape == shape, str(m.tensors[name].shape)
    yield "projection_axes is K x Z", m.axes.ndim == 2 and m.axes.shape[1] == m.z, str(m.axes.shape)
    for name in ("parameters", "concepts", "projection_mean", "projection_axes"):
        yield f"{name} is finite", bool(np.all(np.isfinite(m.tensors[name]))), ""


def description_checks(m):
    """The description's structure."""
    concepts, ids, classes, labels = m.concepts, m.ids, m.classes, m.labels
    yield "concept ids are unique and not 'self'", len(set(ids)) == len(ids) and "self" not in ids, ""
    yield ("one root concept, every parent a concept",
           len(m.roots) == 1 and all(c.get("parent") in ids for c in concepts if "parent" in c), "")
    yield "a class concept per class, labelled with its name", [concepts[i]["label"] for i in m.class_rows] == classes, ""
    yield ("exemplars are classes, class by class",
           all(0 <= l < len(classes) for l in labels) and labels == sorted(labels), "")
    yield ("exemplars are the first test images of each class (increasing test index)",
           all(t == sorted(t) for t in m.per_class), "")
    variance = m.description["projectionVariance"]
    yield ("projectionVariance has a fraction per axis",
           len(variance) == len(m.axes) and all(0 < f <= 1 for f in variance) and sum(variance) <= 1, "")


def relation_checks(m):
    """The relations the page states."""
    concepts, ids, vectors, axes = m.concepts, m.ids, m.vectors, m.axes
    class_vectors = vectors[m.class_rows]
    root = ids.index(m.roots[0]["id"])
    yield ("the 'all' concept is the unweighted mean of the class concepts", close(vectors[root], class_vectors.mean(axis=0), 1e-6),
           f"worst {worst(vectors[root], class_vectors.mean(axis=0)):.2e}")
    # The concept tree: its levels (the paper's two when the record is absent), parents one
    # or more levels up, each group the mean of its children and counting them.
    tree = m.description.get("conceptTree", {"levels": ["class", "all"], "source": "paper"})
    levels = tree["levels"]
    rank = {name: i for i, name in enumerate(levels)}
    by_id = {c["id"]: c for c in concepts}
    yield ("tree levels start at 'class', are distinct and exclude 'item'",
           levels[:1] == ["class"] and len(set(levels)) == len(levels) >= 2 and "item" not in levels, str(levels))
    yield (f"tree source '{tree['source']}' has its provenance",
           tree["source"] == "paper" and levels == ["class", "all"]
           or tree["source"] == "semantic" and {"file", "sha256", "groups"} <= set(tree.get("semantic", {}))
           or tree["source"] == "learned" and {"distance", "linkage", "clusterCounts"} <= set(tree.get("learned", {})), json.dumps(tree))
    yield ("every concept is at a level of the tree, the root at the last", all(c["level"] in rank for c in concepts)
           and m.roots[0]["level"] == levels[-1], str(sorted({c["level"] for c in concepts})))
    yield ("every parent is of a more abstract level than its child", all(
        rank.get(by_id[c["parent"]]["level"], -1) > rank.get(c["level"], len(levels)) for c in concepts if c.get("parent") in by_id), "")
    groups = [i for i, c in enumerate(concepts) if c["level"] not in (levels[0], levels[-1])]
    bad = []
    for g in groups:
        children = [i for i, c in enumerate(concepts) if c.get("parent") == concepts[g]["id"]]
        if not children or concepts[g]["count"] != len(children) or not close(vectors[g], vectors[children].mean(axis=0), 1e-5, 1e-5):
            bad.append(concepts[g]["id"])
    yield f"each of the {len(groups)} group concepts is the mean of its children and counts them", not bad, str(bad)
    counts = np.array([concepts[i]["count"] for i in m.class_rows], dtype=np.float64)
    weighted = (class_vectors * counts[:, None]).sum(axis=0) / counts.sum()
    yield ("projection_mean is the count-weighted mean of the class concepts", close(m.tensors["projection_mean"], weighted, 1e-6),
           f"worst {worst(m.tensors['projection_mean'], weighted):.2e}")
    if m.description["dataset"] == "mnist":
        yield "class counts add up to MNIST's 60000 training images", counts.sum() == 60000, str(counts.sum())
    yield "projection axes are orthonormal", close(axes @ axes.T, np.eye(len(axes)), 1e-5), str(axes @ axes.T)
    yield "each axis's largest-magnitude component is positive", all(axis[np.argmax(np.abs(axis))] > 0 for axis in axes), ""


def compared_classes(m):
    """The classes whose first exemplar the forward pass is compared on."""
    return [c for c in range(min(COMPARED, len(m.classes))) if m.per_class[c]]


def forward_checks(m, binary, c):
    """The forward pass against vaedyn's own measurements on class c's first exemplar."""
    weights, z, vectors, ids = m.weights, m.z, m.vectors, m.ids
    row = m.labels.index(c)  # the class's first exemplar
    x0 = m.tensors["exemplars"][row].astype(np.float64) / 255
    mu0 = encoder_mean(weights, x0, z)
    x1 = decoder_probabilities(weights, mu0)
    mu1 = encoder_mean(weights, x1, z)
    # Grey levels (no binarisation), no noise, means instead of draws: step 0 measures
    # mu(x0), step 1 takes x(1) = sigmoid(decoder(mu(x0))) and measures mu(x(1)).
    command = [binary, "dynamics", "--model", m.path, "--digit", str(c), "--index", "0", "--steps", "1", "--trials", "1",
               "--no-binarize", "--noise", "replace:0", "--x", "mean", "--z", "mean", "--mean-image", "--projection"]
    run = subprocess.run(command, capture_output=True, text=True, timeout=300)
    yield f"vaedyn dynamics runs on exemplar {row} (class {c})", run.returncode == 0, run.stderr.strip()[-500:]
    if run.returncode != 0:
        return
    records = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    start = records[0]
    steps = {r["t"]: r for r in records if r["type"] == "step"}
    references = [r["id"] for r in start["references"]]
    yield f"class {c}: vaedyn's references are the file's concepts in row order, then self", references == ids + ["self"], str(references)
    for t, mu in ((0, mu0), (1, mu1)):
        expected = list(np.linalg.norm(vectors - mu, axis=1)) + [float(np.linalg.norm(mu - mu0))]
        got = steps[t]["distance"]
        yield (f"class {c}, t = {t}: distances of the encoder mean to every concept agree with vaedyn",
               close(got, expected, 1e-3, 1e-4), f"worst {worst(got, expected):.2e}")
        projected = (mu - m.tensors["projection_mean"]) @ m.axes[:2].T
        got = steps[t]["projection"]["mean"]
        yield (f"class {c}, t = {t}: projection on the stored axes agrees with vaedyn", close(got, projected, 1e-3, 1e-4),
               f"worst {worst(got, projected):.2e}")
    yield f"class {c}: x(0) is the exemplar's grey levels", close(steps[0]["meanImage"], x0, 1e-6), ""
    yield (f"class {c}, t = 1: the decoder's pixel probabilities agree with vaedyn", close(steps[1]["meanImage"], x1, 1e-4),
           f"worst {worst(steps[1]['meanImage'], x1):.2e}")


def main(argv):
    model_path = argv[1] if len(argv) > 1 else os.path.join(ROOT, "models", "mnist-default.vaem")
    binary = argv[2] if len(argv) > 2 else os.path.join(ROOT, ".build", "release", "vaedyn")
    passed = failed = 0

    def report(checks):
        nonlocal passed, failed
        for name, ok, detail in checks:
            if ok:
                passed += 1
                print(f"ok   {name}")
            else:
                failed += 1
                print(f"FAIL {name}{': ' + detail if detail else ''}")

    def finish():
        print(f"{passed} passed, {failed} failed")
        return 1 if failed else 0

    data = open(model_path, "rb").read()
    report(reader_checks(data))
    try:
        m = Model(model_path, data)
    except UNREADABLE as e:
        report([("the file reads", False, f"{type(e).__name__}: {e}")])
        return finish()
    report([("magic, version 1, sizes and CRC-32 as the page describes", True, "")])
    report(layout_checks(m))
    print(f"     {m.summary()}")
    report(weight_checks(m))
    report(description_checks(m))
    report(relation_checks(m))
    if not os.access(binary, os.X_OK):
        report([("vaedyn binary to compare with", False, f"none at {binary}: build it (make build) or pass one")])
        return finish()
    if m.weights["f"] is None:
        return finish()  # no forward pass through an activation the page does not name (a check has failed)
    for c in compared_classes(m):
        report(forward_checks(m, binary, c))
    return finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
