"""The commands around one trained model, as the README's "Commands" section runs them at a
small size: vaedyn serve (with --config, and as `make run` serves every committed model)
and vaedyn health, serve's exit on SIGTERM just after a client left a long run, vaedyn
dynamics (NDJSON, CSV, Ctrl-C), vaedyn sweep, vaedyn encode (NDJSON, npy, refusals),
vaedyn export, and vaedyn tree (learned, semantic, paper, into temporary files and in place
on a copy).

Every record is checked against the server's own /openapi.json, sizes against the model
card (GET /model), never against constants copied from the code."""
import csv, hashlib, http.client, io, json, math, os, re, signal, socket, subprocess

import numpy as np
import pytest

from support import ROOT, Server, check_records, ndjson


def test_health_answers_for_the_default_model_and_its_card_is_its_file(run, default_server, card, model):
    out = run("health", "--port", str(default_server.port), timeout=30)
    assert out.stdout.strip() == "healthy", out.stdout
    assert card["id"] == os.path.splitext(os.path.basename(model))[0]
    assert card["file"]["sha256"] == hashlib.sha256(open(os.path.join(ROOT, model), "rb").read()).hexdigest()


def test_serve_uses_its_config_file_and_health_fails_once_it_stopped(run, binary, model):
    other = Server(binary, [model], config={"limits": {"maxTrials": 7}})  # passed as --config FILE
    try:
        assert other.document("/model")["limits"]["maxTrials"] == 7
        assert run("health", "--port", str(other.port), timeout=30).stdout.strip() == "healthy"
    finally:
        code = other.stop()
    assert code == 0, f"serve exited {code} on SIGTERM"
    # Nothing listens there any more: health must say so and fail.
    out = run("health", "--port", str(other.port), "--timeout", "2", timeout=30, check=False)
    assert out.returncode != 0 and "unhealthy" in out.stderr, (out.returncode, out.stderr)


def test_serve_as_make_run_starts_it_serves_every_committed_model(binary):
    # `make run` is `vaedyn serve` with the committed config: models.directory, models.default.
    p = subprocess.Popen([binary, "serve", "--host", "127.0.0.1", "--port", "0"], cwd=ROOT, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True)
    try:
        line = p.stdout.readline()
        assert line.startswith("listening on"), line
        port = int(line.split()[-1])
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        c.request("GET", "/models")
        r = c.getresponse()
        body = r.read()
        c.close()
        assert r.status == 200, (r.status, body[:300])
        listing = json.loads(body)
    finally:
        p.terminate()
        p.wait(timeout=30)
    files = sorted(f for f in os.listdir(os.path.join(ROOT, "models")) if f.endswith(".vaem"))
    assert [m["file"]["name"] for m in listing["models"]] == files, (listing["models"], files)
    config = json.load(open(os.path.join(ROOT, "config", "vaedyn.json")))
    assert listing["defaultModel"] == config["models"]["default"], listing["defaultModel"]


def test_serve_exits_0_on_sigterm_just_after_a_client_left_a_long_run(binary, model, card):
    # The run's thread is still inside its step when the last connection closes; the
    # process must not exit under it (OpenBLAS is torn down at exit: a SIGSEGV). The
    # largest run the limits allow, so that a step takes long; five times over.
    limits = card["limits"]
    trials = limits["maxTrials"]
    steps = min(limits["maxSteps"], limits["maxChainSteps"] // trials - 1)
    body = json.dumps({"image": {"exemplar": {"digit": 6}}, "steps": steps, "trials": trials}).encode()
    codes = []
    for _ in range(5):
        live = Server(binary, [model])
        try:
            s = socket.create_connection(("127.0.0.1", live.port), timeout=60)
            s.sendall(b"POST /dynamics HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Content-Length: %d\r\n\r\n" % len(body) + body)
            received = b""
            while received.count(b'"type":"step"') < 2:
                chunk = s.recv(1 << 20)
                assert chunk, received[:300]
                received += chunk
            s.close()
        finally:
            codes.append(live.stop())
    assert codes == [0] * 5, f"exit codes {codes} (-11: SIGSEGV)"


@pytest.fixture(scope="module")
def dynamics_args(model):
    return ["dynamics", "--model", model, "--digit", "6", "--noise", "replace:0.2", "--steps", "10", "--trials", "50", "--seed", "1"]


def test_dynamics_streams_one_record_per_step(run, openapi, dynamics_args):
    out = run(*dynamics_args).stdout
    records = ndjson(out)
    check_records(openapi, records, "step")
    assert [r["t"] for r in records[1:-1]] == list(range(11))
    assert records[0]["inputs"][0]["label"] == 6
    assert records[0]["parameters"]["trials"] == 50 and records[0]["parameters"]["steps"] == 10
    assert records[-1]["done"] is True and records[-1]["completed"] == 10
    assert run(*dynamics_args).stdout == out, "the same seed gave other records"


def test_dynamics_contrast_adds_each_concepts_contrast_and_changes_nothing_else(run, openapi, dynamics_args):
    plain = ndjson(run(*dynamics_args).stdout)
    records = ndjson(run(*dynamics_args, "--contrast").stdout)
    check_records(openapi, records, "step")
    assert records[0]["parameters"]["contrast"] is True and plain[0]["parameters"]["contrast"] is False
    references = records[0]["references"]
    for step, before in zip(records[1:-1], plain[1:-1]):
        assert step["distance"] == before["distance"] and step["approach"] == before["approach"], step["t"]
        # A concept's contrast is the mean distance to the others of its level minus its own: from the step's own distances
        # (a mean over trials of per-trial contrasts equals the contrast of the trial means); none for self and the root.
        for i, r in enumerate(references):
            peers = [j for j, q in enumerate(references) if q["level"] == r["level"] and j != i]
            if r["level"] == "item" or not peers:
                assert step["contrast"][i] is None and step["contrastChange"][i] is None, (r["id"], step["contrast"][i])
                continue
            expected = sum(step["distance"][j] for j in peers) / len(peers) - step["distance"][i]
            assert abs(step["contrast"][i]["mean"] - expected) < 1e-4, (r["id"], step["contrast"][i], expected)
            assert abs(step["contrastChange"][i]["mean"] - (step["contrast"][i]["mean"] - records[1]["contrast"][i]["mean"])) < 1e-4
    bad = run(*dynamics_args, "--contrast", "--aggregate", "state", check=False)
    assert bad.returncode != 0 and "contrast" in bad.stderr, bad.stderr


def test_dynamics_csv_has_a_row_per_step(run, dynamics_args):
    rows = list(csv.reader(io.StringIO(run(*dynamics_args, "--format", "csv").stdout)))
    header, body = rows[0], rows[1:]
    assert header[:2] == ["t", "nearest"] and len(body) == 11, rows[:2]
    assert all(len(r) == len(header) for r in body) and [int(r[0]) for r in body] == list(range(11))
    assert all(math.isfinite(float(v)) for r in body for v, h in zip(r, header) if h.startswith("d_"))
    # The norm and the controls' distances, the NDJSON records' own numbers.
    records = ndjson(run(*dynamics_args).stdout)[1:-1]
    ids = [h[2:] for h in header if h.startswith("d_")]
    assert header[-len(ids) - 1:] == ["norm"] + [f"c_{i}" for i in ids], header
    for r, record in zip(body, records):
        assert float(r[header.index("norm")]) == pytest.approx(record["norm"]["mean"], rel=1e-6)
        assert [float(v) for v in r[-len(ids):]] == pytest.approx(record["controlDistance"], rel=1e-6)


def test_dynamics_stops_on_sigint_with_a_summary(binary, dynamics_args):
    p = subprocess.Popen([binary, *dynamics_args[:-6], "--steps", "1000", "--trials", "500"], cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        first = [p.stdout.readline() for _ in range(3)]  # start, t = 0, t = 1
        p.send_signal(signal.SIGINT)
        rest, _ = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    records = ndjson("".join(first) + rest)
    assert p.returncode == 130, p.returncode
    assert records[-1]["type"] == "summary" and records[-1]["done"] is False, records[-1]
    assert records[-1]["completed"] < 1000


def test_sweep_gives_a_point_per_ratio(run, openapi, model):
    records = ndjson(run("sweep", "--model", model, "--digit", "6", "--noise-grid", "0:1:0.25", "--steps", "10", "--trials", "20").stdout)
    check_records(openapi, records, "point")
    assert [p["ratio"] for p in records[1:-1]] == [0, 0.25, 0.5, 0.75, 1]
    assert all(p["stage"] in (1, 2, 3) for p in records[1:-1]), records[1:-1]
    # Each call with its bootstrap support; decided at 0.95; the summary counts decided calls, the rest apart.
    points = records[1:-1]
    assert all(0 <= p["stageSupport"] <= 1 and p["stageDecided"] == (p["stageSupport"] >= 0.95) for p in points), points
    summary = records[-1]
    assert summary["done"] is True
    for k, ratio in enumerate([0, 0.25, 0.5, 0.75, 1]):
        at = [p for p in points if p["ratio"] == ratio]
        assert summary["undecidedCounts"][k] == sum(not p["stageDecided"] for p in at), summary
        assert summary["stageCounts"][k] == [sum(p["stageDecided"] and p["stage"] == s for p in at) for s in (1, 2, 3)], summary


def test_sweep_of_a_population_as_csv_has_a_row_per_input_and_ratio(run, model):
    rows = list(csv.reader(io.StringIO(run("sweep", "--model", model, "--population", "3", "--count", "2", "--noise-grid", "0:1:0.5",
                                           "--steps", "5", "--trials", "5", "--format", "csv").stdout)))
    assert rows[0][:3] == ["input", "label", "ratio"] and len(rows) == 1 + 2 * 3, rows
    assert {r[1] for r in rows[1:]} == {"3"}


@pytest.fixture(scope="module")
def encoded(run, model, mnist):
    """`vaedyn encode` of test images 3...7 as NDJSON lines."""
    return [json.loads(l) for l in run("encode", "--model", model, "--data", mnist, "--test-range", "3:8").stdout.splitlines()]


def test_encode_prints_a_test_range_as_ndjson(encoded, card):
    z = card["architecture"]["latentSize"]
    assert [l["testIndex"] for l in encoded] == [3, 4, 5, 6, 7] and all(l["source"] == "test" and len(l["mean"]) == z for l in encoded), encoded[0].keys()


def test_encode_writes_the_same_codes_as_npy(run, model, mnist, card, encoded, tmp_path):
    # A test image's encoding is the `self` of a run from it: the same grey-level encoder mean.
    z = card["architecture"]["latentSize"]
    npy = str(tmp_path / "codes.npy")
    run("encode", "--model", model, "--data", mnist, "--test-range", "3:8", "--format", "npy", "--out", npy)
    codes = np.load(npy)
    assert codes.shape == (5, 2 * z) and codes.dtype == np.float32, (codes.shape, codes.dtype)
    assert np.array_equal(codes[:, :z], np.array([l["mean"] for l in encoded], dtype=np.float32))
    assert np.array_equal(codes[:, z:], np.array([l["logVariance"] for l in encoded], dtype=np.float32))


def test_encode_takes_an_exemplar_and_refuses_bad_choices(run, model, mnist):
    six = [json.loads(l) for l in run("encode", "--model", model, "--digit", "6").stdout.splitlines()]
    assert len(six) == 1 and six[0]["label"] == 6 and six[0]["source"] == "exemplar", six
    for bad in (["--test-range", "8:3"], ["--test-range", "0:999999"], ["--format", "npy"], ["--digit", "6", "--test-range", "0:2"]):
        out = run("encode", "--model", model, "--data", mnist, *bad, check=False)
        assert out.returncode != 0 and out.stderr.strip(), (bad, out.returncode)


def test_export_writes_safetensors(run, model, card, tmp_path):
    exported = str(tmp_path / "model.safetensors")
    assert "wrote" in run("export", model, "--out", exported).stdout
    n = int.from_bytes(open(exported, "rb").read(8), "little")
    header = json.loads(open(exported, "rb").read(8 + n)[8:])
    z = card["architecture"]["latentSize"]
    assert header["encoder.mean.weight"]["shape"] == [z, card["architecture"]["hiddenSize"]], header["encoder.mean.weight"]


def tree_lines(out):
    """The levels `vaedyn tree` reports, and each group's members by group id."""
    levels = re.search(r": levels (.*); \d+ groups$", out, re.M)
    assert levels, out
    groups = dict(re.findall(r"^  \S+ (\S+): (.*)$", out, re.M))
    return levels.group(1).split(", "), {g: m.split(" | ") for g, m in groups.items()}


def sha256(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


@pytest.fixture(scope="module")
def learned(run, model, tmp_path_factory):
    """`vaedyn tree --learned 5,2` of the default model into a new file: (the folder, the
    file, what tree printed, the model file's SHA-256 before)."""
    before = sha256(os.path.join(ROOT, model))
    folder = tmp_path_factory.mktemp("tree")
    path = str(folder / "learned.vaem")
    return folder, path, run("tree", model, "--learned", "5,2", "--out", path).stdout, before


def test_tree_learned_cuts_the_classes_into_groups_and_leaves_its_input(learned, card, model):
    folder, _, out, before = learned
    levels, groups = tree_lines(out)
    assert levels == ["item", "class", "group-1", "group-2", "all"], levels
    classes = card["classNames"]
    # Each class is under at most one group of a level (its labels joined by " + " when nested).
    level_one = [m for g, m in groups.items() if g.startswith("group-1-")]
    assert len(level_one) >= 1 and all(len(m) >= 2 and set(m) <= set(classes) for m in level_one), groups
    assert len(sum(level_one, [])) == len(set(sum(level_one, []))), groups
    assert not [n for n in os.listdir(folder) if n.endswith(".partial")], os.listdir(folder)
    assert sha256(os.path.join(ROOT, model)) == before, "vaedyn tree changed its input"


def test_a_sweep_on_a_learned_tree_names_its_levels(run, openapi, learned):
    _, path, out, _ = learned
    levels, _ = tree_lines(out)
    records = ndjson(run("sweep", "--model", path, "--digit", "6", "--noise-grid", "0:1:0.5", "--steps", "4", "--trials", "4").stdout)
    check_records(openapi, records, "point")
    assert records[0]["levels"] == levels, records[0]["levels"]
    for p in records[1:-1]:
        assert p["stageLevel"] == levels[p["stage"] - 1], p
    assert [len(row) for row in records[-1]["stageCounts"]] == [len(levels)] * 3, records[-1]


def write_tree(path, groups):
    with open(path, "w") as f:
        json.dump({"dataset": "mnist", "why": "a test", "levels": [{"name": "shape", "groups": groups}]}, f)


def test_tree_semantic_from_a_file_refused_by_name_and_paper_in_place(run, model, tmp_path):
    before = sha256(os.path.join(ROOT, model))
    # A tree file of our own: two groups of digits by shape, 1 and 7 left to "all".
    tree_file = str(tmp_path / "digits.json")
    write_tree(tree_file, [{"id": "loops", "label": "loops", "members": ["0", "6", "8", "9"]},
                           {"id": "strokes", "label": "strokes", "members": ["2", "3", "4", "5"]}])
    semantic = str(tmp_path / "semantic.vaem")
    levels, groups = tree_lines(run("tree", model, "--semantic", tree_file, "--out", semantic).stdout)
    assert levels == ["item", "class", "shape", "all"] and groups == {"loops": ["0", "6", "8", "9"], "strokes": ["2", "3", "4", "5"]}, groups
    # A wrong member is refused by name; in place, --paper gives the two levels back.
    write_tree(tree_file, [{"id": "loops", "label": "loops", "members": ["0", "ten"]}])
    bad = run("tree", semantic, "--semantic", tree_file, check=False)
    assert bad.returncode != 0 and "'ten'" in bad.stderr, (bad.returncode, bad.stderr)
    levels, groups = tree_lines(run("tree", semantic, "--paper").stdout)
    assert levels == ["item", "class", "all"] and not groups, (levels, groups)
    assert not [n for n in os.listdir(tmp_path) if n.endswith(".partial")], os.listdir(tmp_path)
    assert sha256(os.path.join(ROOT, model)) == before, "vaedyn tree changed its input"
