"""Two models served at once by `vaedyn serve`: /models lists both, every endpoint that uses
a model answers for each and refuses an unknown id with a 422 naming the field and the
known ids, the same request on two models gives records that name their model, and a bad
set of model files stops the start with a message naming the file."""
import base64, hashlib, http.client, json, os, shutil, struct, subprocess, tempfile

import pytest

from support import ROOT, Server, check, start_fails


def file_id(path):
    """The id a model file declares: the description is base64 JSON in the header
    (docs/model-format.md), read here without the service."""
    data = open(os.path.join(ROOT, path), "rb").read()
    length = struct.unpack_from("<I", data, 12)[0]
    header = json.loads(data[16:16 + length])
    return json.loads(base64.b64decode(header["metadata"]))["id"]


def sha256(path):
    return hashlib.sha256(open(os.path.join(ROOT, path), "rb").read()).hexdigest()


def refused_naming_the_model(status, data, known):
    assert status == 422, (status, data[:300])
    message = json.loads(data)["error"]["message"]
    assert message.startswith("model: ") and all(k in message for k in known), message


@pytest.fixture(scope="module")
def files(request):
    first, second = request.config.getoption("--model"), request.config.getoption("--second-model")
    ids = [file_id(first), file_id(second)]
    assert ids[0] != ids[1], f"the two model files share the id {ids[0]}"
    return first, second, ids


@pytest.fixture(scope="module")
def both(binary, files):
    """One server of both models for the tests that only read."""
    first, second, _ = files
    server = Server(binary, [first, second])
    yield server
    server.stop()


@pytest.fixture(scope="module")
def doc(both):
    return both.document("/openapi.json")


def test_models_lists_both_with_the_first_as_default(both, doc, files):
    first, second, ids = files
    listing = both.document("/models")
    check(doc, "ModelList", listing)
    assert [m["id"] for m in listing["models"]] == ids and listing["defaultModel"] == ids[0]
    assert [m["isDefault"] for m in listing["models"]] == [True, False]
    for m, path in zip(listing["models"], (first, second)):
        assert m["file"]["sha256"] == sha256(path), m["id"]
        assert m["residentBytes"] > 0 and m["architecture"]["latentSize"] > 0
        assert sum(m["conceptTree"]["conceptsPerLevel"]) == len(m["concepts"])
    assert both.document("/healthz")["models"] == ids


def test_each_catalogue_endpoint_answers_for_each_model(both, doc, files):
    first, second, ids = files
    for model_id, path in zip(ids, (first, second)):
        for where in (f"/model/{model_id}", f"/model?model={model_id}"):
            card = both.document(where)
            check(doc, "Model", card)
            assert card["id"] == model_id and card["file"]["sha256"] == sha256(path)
        concepts = both.document(f"/concepts?model={model_id}&fields=vector")
        check(doc, "Concepts", concepts)
        assert concepts["model"] == model_id
        exemplars = both.document(f"/exemplars?model={model_id}&digit=1")
        assert exemplars["model"] == model_id and exemplars["exemplars"]
    assert both.document("/model")["id"] == ids[0], "without a model, the default answers"
    a, b = (both.document(f"/concepts?model={m}&fields=vector")["concepts"][0]["vector"] for m in ids)
    assert a != b, "both ids answered with the same model's concepts"


def test_the_same_request_on_two_models_names_its_model(both, files):
    ids = files[2]
    request = {"image": {"exemplar": {"digit": 1}}, "noise": "replace:0.2", "steps": 5, "trials": 20, "seed": 3}
    runs = {m: both.records("/dynamics", {**request, "model": m}) for m in ids}
    for m, recs in runs.items():
        assert {r["model"] for r in recs} == {m}, (m, {r["model"] for r in recs})
    assert runs[ids[0]][1]["distance"] != runs[ids[1]][1]["distance"]
    assert both.records("/dynamics", request)[1:] == runs[ids[0]][1:], "no model field runs the default"
    sweep = both.records("/sweep", {**request, "noise": "replace", "model": ids[1], "ratios": [0, 0.5]})
    assert {r["model"] for r in sweep} == {ids[1]} and [r["type"] for r in sweep].count("point") == 2
    png = open(os.path.join(ROOT, "scripts", "examples", "six.png"), "rb").read()
    raw = both.records(f"/dynamics?model={ids[1]}&steps=3&trials=10", body=png, headers={"Content-Type": "image/png"})
    assert {r["model"] for r in raw} == {ids[1]}
    queried = both.records(f"/dynamics?model={ids[1]}", request)
    assert queried[1:] == runs[ids[1]][1:], "a JSON body takes the model from the query too"


def test_an_unknown_id_is_refused_on_every_endpoint(both, files):
    ids = files[2]
    for path in ("/model/nonesuch", "/model?model=nonesuch", "/concepts?model=nonesuch", "/exemplars?model=nonesuch"):
        refused_naming_the_model(*both.request("GET", path), ids)
    body = {"model": "nonesuch", "image": {"exemplar": {"digit": 1}}, "noise": "replace:0.2", "steps": 2, "trials": 2}
    for path in ("/dynamics", "/sweep"):
        refused_naming_the_model(*both.request("POST", path, body), ids)
    status, data = both.request("POST", f"/dynamics?model={ids[1]}", {**body, "model": ids[0]})
    assert status == 422 and "model" in json.loads(data)["error"]["message"], (status, data[:200])


def test_the_example_script_runs_dynamics_on_the_fashion_model(both, files):
    ids = files[2]
    assert "fashion-default" in ids, f"the served models {ids} do not include fashion-default"
    out = subprocess.run([os.path.join(ROOT, "scripts", "examples", "dynamics-fashion.sh")], env=dict(os.environ, VAEDYN_URL=both.url),
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    recs = [json.loads(line) for line in out.stdout.strip().split("\n")]
    assert recs[0]["model"] == "fashion-default" and recs[-1]["type"] == "summary" and recs[-1]["done"]
    listing = json.loads(subprocess.run([os.path.join(ROOT, "scripts", "examples", "models.sh")], env=dict(os.environ, VAEDYN_URL=both.url),
                                        capture_output=True, text=True, timeout=60).stdout)
    assert [m["id"] for m in listing["models"]] == ids


def test_the_compute_slots_and_the_queue_are_shared_by_the_models(serve, files):
    # One slot and no queue: a long run on the first model leaves nothing for the second.
    first, second, ids = files
    srv = serve([first, second], config={"limits": {"maxConcurrent": 1, "queueLength": 0}})
    long_run = json.dumps({"model": ids[0], "image": {"exemplar": {"digit": 1}}, "steps": 900, "trials": 2000}).encode()
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=120)
    c.request("POST", "/dynamics", body=long_run, headers={"Content-Type": "application/json"})
    first_answer = c.getresponse()
    head = first_answer.readline()  # the start record, whole
    assert first_answer.status == 200 and b"\"experiment\":\"dynamics\"" in head, (first_answer.status, head)
    status, data = srv.request("POST", "/dynamics", {"model": ids[1], "image": {"exemplar": {"digit": 1}}, "steps": 1, "trials": 1})
    assert status == 503, (status, data[:200])
    c.close()


def test_a_bad_file_among_good_ones_stops_the_start_naming_it(binary, files, tmp_path):
    first, second, _ = files
    bad = tmp_path / "truncated.vaem"
    bad.write_bytes(open(os.path.join(ROOT, second), "rb").read()[:5000])
    err = start_fails(binary, "--model", first, "--model", str(bad))
    assert "truncated.vaem" in err, err


def test_two_files_with_one_id_and_an_unknown_default_are_refused(binary, files, tmp_path):
    first, _, ids = files
    twin = tmp_path / "twin.vaem"
    shutil.copyfile(os.path.join(ROOT, first), twin)
    err = start_fails(binary, "--model", first, "--model", str(twin))
    assert "twin.vaem" in err and ids[0] in err, err
    err = start_fails(binary, "--model", first, "--default-model", "nonesuch")
    assert "models.default" in err and "nonesuch" in err, err


def test_a_models_directory_serves_every_file_in_it_with_the_configured_default(binary, files, tmp_path):
    first, second, ids = files
    for name, path in zip(["a.vaem", "b.vaem"], (second, first)):
        os.symlink(os.path.join(ROOT, path), tmp_path / name)
    (tmp_path / "notes.txt").write_text("not a model")
    # Server always passes --model, which replaces the directory: start this one by hand.
    fd, config_file = tempfile.mkstemp(suffix=".json")
    with os.fdopen(fd, "w") as f:
        json.dump({"models": {"directory": str(tmp_path), "default": ids[0]}}, f)
    proc = subprocess.Popen([binary, "serve", "--host", "127.0.0.1", "--port", "0", "--config", config_file], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("listening on"), line
        c = http.client.HTTPConnection("127.0.0.1", int(line.split()[-1]), timeout=60)
        c.request("GET", "/models")
        listing = json.loads(c.getresponse().read())
        c.close()
        assert [m["id"] for m in listing["models"]] == [ids[1], ids[0]], "directory order is name order"
        assert listing["defaultModel"] == ids[0]
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        os.unlink(config_file)
    err = start_fails(binary, config={"models": {"directory": str(tmp_path / "missing")}})
    assert "models.directory" in err, err
