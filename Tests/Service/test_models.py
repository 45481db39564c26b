#!/usr/bin/env python3
"""Two models served at once by `vaedyn serve`: /models lists both, every endpoint that uses
a model answers for each and refuses an unknown id with a 422 naming the field and the
known ids, the same request on two models gives records that name their model, and a bad
set of model files stops the start with a message naming the file. Prints 'N passed, N failed'.

usage: test_models.py VAEDYN_BINARY MODEL_FILE SECOND_MODEL_FILE
"""
import base64, hashlib, http.client, json, os, shutil, struct, subprocess, sys, tempfile

import jsonschema

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Support"))
from live_server import ROOT, LiveServer, Runner  # noqa: E402

BINARY, FIRST, SECOND = sys.argv[1], sys.argv[2], sys.argv[3]
runner = Runner()
test = runner.test


def get(server, method, path, payload=None, body=None, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    if payload is not None:
        body, headers = json.dumps(payload).encode(), {"Content-Type": "application/json", **(headers or {})}
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data


def document(server, path):
    status, data = get(server, "GET", path)
    assert status == 200, (path, status, data[:300])
    return json.loads(data)


def records(server, path, payload=None, body=None, headers=None):
    status, data = get(server, "POST", path, payload, body, headers)
    assert status == 200, (path, status, data[:300])
    return [json.loads(line) for line in data.decode().strip().split("\n")]


def file_id(path):
    """The id a model file declares: the description is base64 JSON in the header
    (docs/model-format.md), read here without the service."""
    data = open(os.path.join(ROOT, path), "rb").read()
    length = struct.unpack_from("<I", data, 12)[0]
    header = json.loads(data[16:16 + length])
    return json.loads(base64.b64decode(header["metadata"]))["id"]


def sha256(path):
    return hashlib.sha256(open(os.path.join(ROOT, path), "rb").read()).hexdigest()


def check(doc, name, value):
    jsonschema.validate(value, {"$ref": f"#/components/schemas/{name}", "components": doc["components"]})


def refused_naming_the_model(status, data, known):
    assert status == 422, (status, data[:300])
    message = json.loads(data)["error"]["message"]
    assert message.startswith("model: ") and all(k in message for k in known), message


IDS = [file_id(FIRST), file_id(SECOND)]
assert IDS[0] != IDS[1], f"the two model files share the id {IDS[0]}"
server = LiveServer(BINARY, FIRST, flags=("--model", SECOND))
try:
    DOC = document(server, "/openapi.json")

    @test
    def models_lists_both_with_the_first_as_default():
        listing = document(server, "/models")
        check(DOC, "ModelList", listing)
        assert [m["id"] for m in listing["models"]] == IDS and listing["defaultModel"] == IDS[0]
        assert [m["isDefault"] for m in listing["models"]] == [True, False]
        for m, path in zip(listing["models"], (FIRST, SECOND)):
            assert m["file"]["sha256"] == sha256(path), m["id"]
            assert m["residentBytes"] > 0 and m["architecture"]["latentSize"] > 0
            assert sum(m["conceptTree"]["conceptsPerLevel"]) == len(m["concepts"])
        assert document(server, "/healthz")["models"] == IDS

    @test
    def each_catalogue_endpoint_answers_for_each_model():
        for model_id, path in zip(IDS, (FIRST, SECOND)):
            for where in (f"/model/{model_id}", f"/model?model={model_id}"):
                card = document(server, where)
                check(DOC, "Model", card)
                assert card["id"] == model_id and card["file"]["sha256"] == sha256(path)
            concepts = document(server, f"/concepts?model={model_id}&fields=vector")
            check(DOC, "Concepts", concepts)
            assert concepts["model"] == model_id
            exemplars = document(server, f"/exemplars?model={model_id}&digit=1")
            assert exemplars["model"] == model_id and exemplars["exemplars"]
        assert document(server, "/model")["id"] == IDS[0], "without a model, the default answers"
        a, b = (document(server, f"/concepts?model={m}&fields=vector")["concepts"][0]["vector"] for m in IDS)
        assert a != b, "both ids answered with the same model's concepts"

    @test
    def the_same_request_on_two_models_names_its_model():
        request = {"image": {"exemplar": {"digit": 1}}, "noise": "replace:0.2", "steps": 5, "trials": 20, "seed": 3}
        runs = {m: records(server, "/dynamics", {**request, "model": m}) for m in IDS}
        for m, recs in runs.items():
            assert {r["model"] for r in recs} == {m}, (m, {r["model"] for r in recs})
        assert runs[IDS[0]][1]["distance"] != runs[IDS[1]][1]["distance"]
        assert records(server, "/dynamics", request)[1:] == runs[IDS[0]][1:], "no model field runs the default"
        sweep = records(server, "/sweep", {**request, "noise": "replace", "model": IDS[1], "ratios": [0, 0.5]})
        assert {r["model"] for r in sweep} == {IDS[1]} and [r["type"] for r in sweep].count("point") == 2
        png = open(os.path.join(ROOT, "scripts", "examples", "six.png"), "rb").read()
        raw = records(server, f"/dynamics?model={IDS[1]}&steps=3&trials=10", body=png, headers={"Content-Type": "image/png"})
        assert {r["model"] for r in raw} == {IDS[1]}
        queried = records(server, f"/dynamics?model={IDS[1]}", request)
        assert queried[1:] == runs[IDS[1]][1:], "a JSON body takes the model from the query too"

    @test
    def an_unknown_id_is_refused_on_every_endpoint():
        for path in ("/model/nonesuch", "/model?model=nonesuch", "/concepts?model=nonesuch", "/exemplars?model=nonesuch"):
            refused_naming_the_model(*get(server, "GET", path), IDS)
        body = {"model": "nonesuch", "image": {"exemplar": {"digit": 1}}, "noise": "replace:0.2", "steps": 2, "trials": 2}
        for path in ("/dynamics", "/sweep"):
            refused_naming_the_model(*get(server, "POST", path, body), IDS)
        status, data = get(server, "POST", f"/dynamics?model={IDS[1]}", {**body, "model": IDS[0]})
        assert status == 422 and "model" in json.loads(data)["error"]["message"], (status, data[:200])

    @test
    def the_example_script_runs_dynamics_on_the_fashion_model():
        if "fashion-default" not in IDS:
            raise AssertionError(f"the served models {IDS} do not include fashion-default")
        out = subprocess.run([os.path.join(ROOT, "scripts", "examples", "dynamics-fashion.sh")], env=dict(os.environ, VAEDYN_URL=server.url),
                             capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr
        recs = [json.loads(line) for line in out.stdout.strip().split("\n")]
        assert recs[0]["model"] == "fashion-default" and recs[-1]["type"] == "summary" and recs[-1]["done"]
        listing = json.loads(subprocess.run([os.path.join(ROOT, "scripts", "examples", "models.sh")], env=dict(os.environ, VAEDYN_URL=server.url),
                                            capture_output=True, text=True, timeout=60).stdout)
        assert [m["id"] for m in listing["models"]] == IDS
finally:
    server.stop()


@test
def the_compute_slots_and_the_queue_are_shared_by_the_models():
    # One slot and no queue: a long run on the first model leaves nothing for the second.
    srv = LiveServer(BINARY, FIRST, config={"limits": {"maxConcurrent": 1, "queueLength": 0}}, flags=("--model", SECOND))
    try:
        long_run = json.dumps({"model": IDS[0], "image": {"exemplar": {"digit": 1}}, "steps": 900, "trials": 2000}).encode()
        c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=120)
        c.request("POST", "/dynamics", body=long_run, headers={"Content-Type": "application/json"})
        first = c.getresponse()
        head = first.read(300)
        assert first.status == 200 and b"\"experiment\":\"dynamics\"" in head, (first.status, head)
        status, data = get(srv, "POST", "/dynamics", {"model": IDS[1], "image": {"exemplar": {"digit": 1}}, "steps": 1, "trials": 1})
        assert status == 503, (status, data[:200])
        c.close()
    finally:
        srv.stop()


def start_fails(*args, config=None):
    """Runs `vaedyn serve` expecting it to refuse to start; returns its stderr."""
    cmd = [BINARY, "serve", "--host", "127.0.0.1", "--port", "0", *args]
    config_file = None
    if config is not None:
        fd, config_file = tempfile.mkstemp(suffix=".json")
        with os.fdopen(fd, "w") as f:
            json.dump(config, f)
        cmd += ["--config", config_file]
    try:
        out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60)
    finally:
        if config_file:
            os.unlink(config_file)
    assert out.returncode != 0 and "listening" not in out.stdout, (out.returncode, out.stdout)
    return out.stderr


@test
def a_bad_file_among_good_ones_stops_the_start_naming_it():
    with tempfile.TemporaryDirectory() as tmp:
        bad = os.path.join(tmp, "truncated.vaem")
        with open(os.path.join(ROOT, SECOND), "rb") as f:
            open(bad, "wb").write(f.read()[:5000])
        err = start_fails("--model", FIRST, "--model", bad)
        assert "truncated.vaem" in err, err


@test
def two_files_with_one_id_and_an_unknown_default_are_refused():
    with tempfile.TemporaryDirectory() as tmp:
        twin = os.path.join(tmp, "twin.vaem")
        shutil.copyfile(os.path.join(ROOT, FIRST), twin)
        err = start_fails("--model", FIRST, "--model", twin)
        assert "twin.vaem" in err and IDS[0] in err, err
    err = start_fails("--model", FIRST, "--default-model", "nonesuch")
    assert "models.default" in err and "nonesuch" in err, err


@test
def a_models_directory_serves_every_file_in_it_with_the_configured_default():
    with tempfile.TemporaryDirectory() as tmp:
        names = ["a.vaem", "b.vaem"]
        for name, path in zip(names, (SECOND, FIRST)):
            os.symlink(os.path.join(ROOT, path), os.path.join(tmp, name))
        open(os.path.join(tmp, "notes.txt"), "w").write("not a model")
        # LiveServer always passes --model, which replaces the directory: start this one by hand.
        fd, config_file = tempfile.mkstemp(suffix=".json")
        with os.fdopen(fd, "w") as f:
            json.dump({"models": {"directory": tmp, "default": IDS[0]}}, f)
        proc = subprocess.Popen([BINARY, "serve", "--host", "127.0.0.1", "--port", "0", "--config", config_file], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            line = proc.stdout.readline()
            assert line.startswith("listening on"), line

            class Port:
                port = int(line.split()[-1])
            listing = document(Port, "/models")
            assert [m["id"] for m in listing["models"]] == [IDS[1], IDS[0]], "directory order is name order"
            assert listing["defaultModel"] == IDS[0]
        finally:
            proc.terminate()
            proc.wait(timeout=15)
            os.unlink(config_file)
        err = start_fails(config={"models": {"directory": os.path.join(tmp, "missing")}})
        assert "models.directory" in err, err


runner.finish()
