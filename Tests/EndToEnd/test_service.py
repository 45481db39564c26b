"""End-to-end tests of `vaedyn serve` over loopback: every curl example in scripts/examples
against a live server, every response checked against the server's own /openapi.json,
errors, limits (503 with Retry-After), a client that leaves mid-stream (visible in
/metrics) and start-up failures. Stops every server it starts."""
import http.client, json, os, re, socket, subprocess, tempfile, threading, time

import pytest

from support import ROOT, Server, check


class Api:
    """A live server with the request helpers of these tests: (status, headers, body)."""

    def __init__(self, server):
        self.server = server
        self.port, self.url, self.process = server.port, server.url, server.process

    def stop(self):
        return self.server.stop()

    def request(self, method, path, body=None, headers=None, timeout=120):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), data

    def json(self, method, path, payload=None, **kw):
        body = json.dumps(payload).encode() if payload is not None else None
        headers = {"Content-Type": "application/json"} if payload is not None else {}
        headers.update(kw.pop("headers", {}))
        return self.request(method, path, body, headers, **kw)


@pytest.fixture(scope="module")
def server(binary, model):
    """One server for the tests that do not change its settings; it must stop with exit 0."""
    live = Api(Server(binary, [model]))
    yield live
    assert live.stop() == 0, "a graceful stop exits 0"


@pytest.fixture(scope="module")
def doc(server):
    return json.loads(server.request("GET", "/openapi.json")[2])


@pytest.fixture
def start(serve, model):
    """start(config=None, env=None): another server of the model, stopped after the test."""
    return lambda config=None, env=None: Api(serve([model], config=config, env=env))


@pytest.fixture
def run_example(server):
    def run(name, *args):
        env = dict(os.environ, VAEDYN_URL=server.url)
        out = subprocess.run([os.path.join(ROOT, "scripts", "examples", name), *args], env=env, capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, f"{name} exited {out.returncode}: {out.stderr}{out.stdout[:500]}"
        return out.stdout
    return run


def ndjson(text):
    return [json.loads(line) for line in text.strip().split("\n")]


def check_stream(doc, records, kind):
    assert records[0]["type"] == "start", records[0]
    assert records[-1]["type"] == "summary" and records[-1]["done"] is True, records[-1]
    assert all(r["type"] == kind for r in records[1:-1]), {r["type"] for r in records}
    for r in records:
        check(doc, "Record", r)


def metric(srv, name):
    _, _, raw = srv.request("GET", "/metrics")
    for line in raw.decode().splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.split()[-1])
    return 0.0


def test_example_dynamics_streams_ndjson_matching_the_document(server, doc, run_example):
    records = ndjson(run_example("dynamics.sh"))
    check_stream(doc, records, "step")
    assert len(records) == 1 + 31 + 1
    start = records[0]
    assert start["parameters"]["steps"] == 30 and start["parameters"]["trials"] == 100
    assert [r["t"] for r in records[1:-1]] == list(range(31))
    n = len(start["references"])
    assert all(len(r["distance"]) == n for r in records[1:-1])

def test_example_dynamics_png_takes_query_options(server, doc, run_example):
    records = ndjson(run_example("dynamics-png.sh"))
    check_stream(doc, records, "step")
    assert records[0]["inputs"][0]["label"] == 6 and records[0]["parameters"]["seed"] == 2

def test_example_impute_fills_the_hidden_half_and_says_how_well(server, doc, run_example):
    records = ndjson(run_example("impute.sh"))
    check_stream(doc, records, "step")
    start, steps = records[0], records[1:-1]
    assert start["kernel"] == "mwg" and start["hiddenPixels"] == 392 and start["parameters"]["mask"] == "top-half", start
    assert len(steps) == 21 and "acceptance" not in steps[0] and all(0 <= s["acceptance"] <= 1 for s in steps[1:]), steps[1]
    assert all(0 <= s["imputation"]["error"] <= 1 and 0 <= s["imputation"]["accuracy"] <= 1 for s in steps)
    # The chain fills in: its hidden pixels come closer to the 6's than the blank start.
    assert steps[-1]["imputation"]["error"] < steps[0]["imputation"]["error"] + 0.05, (steps[0]["imputation"], steps[-1]["imputation"])
    # A mask without an imputation kernel, or a bad one, is a field error, not a run.
    for body, field in [({"mask": "top-half"}, "mask"), ({"kernel": "mwg"}, "mask"), ({"kernel": "clamped", "mask": "square:20,20,9,9"}, "mask"),
                        ({"kernel": "mwg", "mask": "top-half", "x": "mean"}, "kernel")]:
        status, _, raw = server.request("POST", "/dynamics?stream=false", json.dumps({"image": {"exemplar": {"digit": 6}}, **body}).encode(),
                                        {"Content-Type": "application/json"})
        error = json.loads(raw)["error"]
        assert status == 422 and error["message"].startswith(field), (body, status, error)

def test_example_encode_places_images_in_the_latent_space_as_a_run_does(server, doc, run_example):
    document = json.loads(run_example("encode.sh"))
    check(doc, "Encodings", document)
    six, four = document["encodings"]
    assert (six["label"], four["label"]) == (6, 4) and len(six["mean"]) == document["latentSize"] == len(six["logVariance"]), document
    concepts = json.loads(server.request("GET", "/concepts?fields=vector")[2])["concepts"]
    assert six["mean"] != four["mean"]
    # The 6 lies nearer the 6 concept than the 4 does.
    def distance(a, b):
        return sum((x - y) ** 2 for x, y in zip(a, b)) ** 0.5
    vector = {c["label"]: c["vector"] for c in concepts if c["level"] == "class"}
    assert distance(six["mean"], vector["6"]) < distance(four["mean"], vector["6"]), "the 6 is not nearer the 6 concept"
    for body, field in [({}, "image"), ({"images": []}, "images"), ({"images": [7]}, "images[0]"), ({"image": {"exemplar": {"digit": 6}}, "x": 1}, "x"),
                        ({"image": {"exemplar": {"digit": 6}}, "images": [{"exemplar": {"digit": 6}}]}, "images")]:
        status, _, raw = server.request("POST", "/encode", json.dumps(body).encode(), {"Content-Type": "application/json"})
        assert status == 422 and json.loads(raw)["error"]["message"].startswith(field), (body, status, raw[:200])

def test_example_events_are_server_sent_events(server, doc, run_example):
    text = run_example("dynamics-events.sh")
    events = [block for block in text.strip().split("\n\n") if block]
    kinds = [e.split("\n")[0] for e in events]
    assert kinds[0] == "event: start" and kinds[-1] == "event: summary" and kinds.count("event: step") == 6, kinds
    for e in events:
        check(doc, "Record", json.loads(e.split("\n")[1][len("data: "):]))

def test_example_sweep_is_one_document(server, doc, run_example):
    before = metric(server, "vaedyn_chain_steps_total")
    document = json.loads(run_example("sweep.sh"))
    # 5 ratios, each a run of 50 trials over t = 0...20.
    assert metric(server, "vaedyn_chain_steps_total") - before == 5 * 21 * 50
    check(doc, "RecordDocument", document)
    check_stream(doc, document["records"], "point")
    assert [p["ratio"] for p in document["records"][1:-1]] == [0, 0.25, 0.5, 0.75, 1]

def test_example_catalogue_documents(server, doc, run_example, request):
    concepts = json.loads(run_example("concepts.sh"))
    check(doc, "Concepts", concepts)
    assert all("projection" in c and "vector" not in c for c in concepts["concepts"])
    exemplars = json.loads(run_example("exemplars.sh", "6"))
    check(doc, "Exemplars", exemplars)
    assert exemplars["exemplars"] and all(e["digit"] == 6 for e in exemplars["exemplars"])
    model = json.loads(run_example("model.sh"))
    check(doc, "Model", model)
    import hashlib
    assert model["file"]["sha256"] == hashlib.sha256(open(os.path.join(ROOT, request.config.getoption("--model")), "rb").read()).hexdigest()
    check(doc, "Health", json.loads(run_example("healthz.sh")))
    assert json.loads(run_example("openapi.sh"))["openapi"] == "3.1.0"

def test_the_health_command_answers_for_the_container(server, binary):
    out = subprocess.run([binary, "health", "--port", str(server.port)], cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert out.returncode == 0 and out.stdout.strip() == "healthy", (out.returncode, out.stderr)
    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    port = free.getsockname()[1]
    free.close()
    out = subprocess.run([binary, "health", "--port", str(port)], cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert out.returncode != 0 and "unhealthy" in out.stderr and "refused" in out.stderr, (out.returncode, out.stderr)

def test_catalogue_documents_are_tagged_and_the_same_every_time(server, doc, run_example):
    import gzip
    first = server.request("GET", "/concepts?fields=image,vector")
    again = server.request("GET", "/concepts?fields=vector,image", headers={"Accept-Encoding": "gzip"})
    other = server.request("GET", "/concepts?fields=vector")
    assert first[1]["etag"].startswith('"') and again[1]["etag"] == "W/" + first[1]["etag"], (first[1], again[1])
    assert gzip.decompress(again[2]) == first[2] and other[1]["etag"] != first[1]["etag"]
    for path in ["/exemplars?digit=3", "/model"]:
        a, b = server.request("GET", path), server.request("GET", path)
        assert a[2] == b[2] and a[1]["etag"] == b[1]["etag"], path

def test_full_concepts_have_vectors_and_decoded_images(server, doc, run_example):
    status, _, raw = server.request("GET", "/concepts")
    body = json.loads(raw)
    check(doc, "Concepts", body)
    z = body["latentSize"]
    assert [c["id"] for c in body["concepts"]][-1] == "all"
    for c in body["concepts"]:
        assert len(c["vector"]) == z and len(c["image"]) == 784

def test_metrics_count_requests_and_chain_steps(server, doc, run_example):
    text = run_example("metrics.sh")
    assert 'vaedyn_http_requests_total{route="/dynamics",status="200"}' in text
    steps = [l for l in text.splitlines() if l.startswith("vaedyn_chain_steps_total")]
    assert steps and float(steps[0].split()[-1]) >= 31 * 100

def test_stream_false_gives_one_document(server, doc, run_example):
    status, headers, raw = server.json("POST", "/dynamics?stream=false", {"image": {"exemplar": {"digit": 1}}, "steps": 3, "trials": 10})
    assert status == 200 and headers["content-type"].startswith("application/json")
    check(doc, "RecordDocument", json.loads(raw))

def test_same_seed_same_records(server, doc, run_example):
    payload = {"image": {"exemplar": {"digit": 2}}, "steps": 5, "trials": 30, "seed": 9}
    a = server.json("POST", "/dynamics", payload)[2]
    b = server.json("POST", "/dynamics", payload)[2]
    assert a == b

def test_a_start_records_parameters_posted_back_run_the_same_chains(server, doc, run_example):
    # Away from every default, so that a parameter dropped or misread on the way back shows.
    image = {"pixels": [((i * 37) % 256) / 255 for i in range(784)]}
    first = {"image": image, "label": 4, "steps": 6, "trials": 20, "seed": 31, "noise": "salt-pepper:0.15", "binarize": False,
             "x": "mean", "z": "mean", "measure": "sample", "metric": "cosine", "aggregate": "state", "window": "2:5",
             "meanImage": True, "projection": True}
    status, _, raw = server.json("POST", "/dynamics", first)
    assert status == 200, (status, raw[:300])
    records = ndjson(raw.decode())
    check_stream(doc, records, "step")
    echoed = records[0]["parameters"]
    assert {"x", "z", "aggregate"} <= set(echoed) and not {"image", "latent", "aggregation"} & set(echoed), echoed
    status, _, again = server.json("POST", "/dynamics", {**echoed, "image": image, "label": 4})
    assert status == 200 and again == raw, (status, again[:300])
    # A sweep's start record, with its ratios, posted back to /sweep: its noise ratio 0 and
    # the step-record switches it echoes as false are taken.
    sweep = {"image": {"exemplar": {"digit": 3}}, "noise": "flip", "noiseGrid": "0:0.5:0.25", "steps": 4, "trials": 10, "z": "mean"}
    status, _, raw = server.json("POST", "/sweep", sweep)
    assert status == 200, (status, raw[:300])
    start = ndjson(raw.decode())[0]
    status, _, again = server.json("POST", "/sweep", {**start["parameters"], "image": sweep["image"], "ratios": start["noiseRatios"]})
    assert status == 200 and again == raw, (status, again[:300])

def test_a_request_takes_the_names_the_start_record_echoes(server, doc, run_example):
    # The old bug: x, z and aggregate went out as image, latent and aggregation, and those came back 422.
    payload = {"image": {"exemplar": {"digit": 6}}, "steps": 3, "trials": 5, "x": "mean", "z": "mean", "aggregate": "state",
               "noise": {"kind": "gaussian", "ratio": 0.3}, "window": {"from": 0, "to": 2}, "memory": False}
    status, _, raw = server.json("POST", "/dynamics", payload)
    assert status == 200, (status, raw[:300])
    parameters = ndjson(raw.decode())[0]["parameters"]
    for name in ["x", "z", "aggregate", "noise", "window", "memory"]:
        assert parameters[name] == payload[name], (name, parameters[name], payload[name])
    # The aliases run the same chains as the echoed forms.
    alias = {**payload, "noise": {"model": "gaussian", "p": 0.3}, "window": "0:2"}
    assert server.json("POST", "/dynamics", alias)[2] == raw

def test_every_choice_the_model_document_offers_is_taken_by_a_run(server, doc, run_example):
    # The page builds its lists from /model's choices: each name must run, and a name
    # not among them must be refused.
    status, _, raw = server.json("GET", "/model")
    choices = json.loads(raw)["choices"]
    assert "replace" in choices["noiseKinds"] and "gibbs" in choices["kernels"] and choices["maskHalves"], choices
    base = {"image": {"exemplar": {"digit": 4}}, "steps": 1, "trials": 2}
    requests = [{**base, "noise": {"kind": k, "ratio": 0.2}} for k in choices["noiseKinds"]]
    requests += [{**base, "kernel": k, **({} if k == "gibbs" else {"mask": choices["maskHalves"][0]})} for k in choices["kernels"]]
    requests += [{**base, "kernel": "mwg", "mask": m} for m in choices["maskHalves"]]
    for payload in requests:
        status, _, answer = server.json("POST", "/dynamics?stream=false", payload)
        assert status == 200, (payload, status, answer[:300])
    status, _, answer = server.json("POST", "/dynamics?stream=false", {**base, "noise": {"kind": "smudge", "ratio": 0.2}})
    assert status == 422, (status, answer[:200])

def test_every_raw_image_type_the_document_lists_is_taken(server, doc, run_example):
    listed = [t for t in doc["paths"]["/dynamics"]["post"]["requestBody"]["content"] if t.startswith("image/")]
    assert "image/x-portable-anymap" in listed, listed
    pgm = b"P5\n28 28\n255\n" + bytes((i * 7) % 256 for i in range(784))
    png = open(os.path.join(ROOT, "scripts", "examples", "six.png"), "rb").read()
    for media_type in listed:
        body = png if media_type == "image/png" else pgm
        status, _, raw = server.request("POST", "/dynamics?steps=2&trials=3&x=mean&window=0:1&label=6", body, {"Content-Type": media_type})
        assert status == 200, (media_type, status, raw[:300])
        start = ndjson(raw.decode())[0]
        assert start["parameters"]["x"] == "mean" and start["parameters"]["window"] == {"from": 0, "to": 1}, start["parameters"]

def test_invalid_requests_name_the_field_and_the_rule(server, doc, run_example):
    cases = [
        ({"image": {"exemplar": {"digit": 6}}, "trails": 5}, 422, "trails"),
        ({"image": {"exemplar": {"digit": 6}}, "steps": 0}, 422, "steps"),
        ({"image": {"exemplar": {"digit": 6}}, "steps": 2.5}, 422, "steps"),
        ({"image": {"exemplar": {"digit": 6}}, "noise": {"model": "replace", "p": 1.5}}, 422, "noise.p"),
        ({"image": {"exemplar": {"digit": 6}}, "noise": {"model": "blur", "p": 0.1}}, 422, "noise.model"),
        ({"image": {"exemplar": {"digit": 6}}, "noise": {"kind": "replace", "ratio": -0.1}}, 422, "noise.ratio"),
        ({"image": {"exemplar": {"digit": 6}}, "noise": ""}, 422, "noise.kind"),
        ({"image": {"exemplar": {"digit": 6}}, "noise": ":0.2"}, 422, "noise.kind"),
        ({"image": {"exemplar": {"digit": 6}}, "memory": True}, 422, "memory"),
        ({"image": {"exemplar": {"digit": 6}}, "aggregation": "state"}, 422, "aggregation"),
        ({"image": {"exemplar": {"digit": 12}}}, 422, "image.exemplar.digit"),
        ({"image": {"pixels": [0.5] * 10}}, 422, "image.pixels"),
        ({"image": {"pixels": [0.5] * 783 + [2]}}, 422, "image.pixels[783]"),
        ({"image": {"png": "bm90IGEgcG5n"}}, 422, "image.png"),
        ({}, 422, "image"),
        ({"image": {"exemplar": {"digit": 6}}, "steps": 1000, "trials": 2000}, 422, "steps x trials"),
        ({"image": {"exemplar": {"digit": 6}}, "x": "maybe"}, 422, "x"),
    ]
    for payload, want, field in cases:
        status, _, raw = server.json("POST", "/dynamics", payload)
        body = json.loads(raw)
        check(doc, "Error", body)
        assert status == want and body["error"]["message"].startswith(field + ":"), (payload, status, body)

def test_malformed_bodies_and_media_types(server, doc, run_example):
    for body in [b'{"steps": NaN}', b'{"steps": 1e999}', b'{"steps": ', b'[1, 2]']:
        status, _, raw = server.request("POST", "/dynamics", body, {"Content-Type": "application/json"})
        error = json.loads(raw)["error"]
        want = 422 if body.startswith(b"[") else 400
        assert status == want and ("JSON" in error["message"] or "object" in error["message"]), (body, status, raw)
    status, _, raw = server.request("POST", "/dynamics", b"hello", {"Content-Type": "text/plain"})
    assert status == 415, status
    check(doc, "Error", json.loads(raw))
    # A media type with no type before its parameters once crashed the server.
    for media_type in [";", " ; charset=utf-8"]:
        status, _, raw = server.request("POST", "/dynamics", b"{}", {"Content-Type": media_type})
        assert status == 415, (media_type, status)
        check(doc, "Error", json.loads(raw))
    for path in ["/dynamics", "/sweep"]:
        status, _, raw = server.request("POST", path, b"x" * (2 * 1024 * 1024), {"Content-Type": "application/json"})
        assert status == 413 and "413" in doc["paths"][path]["post"]["responses"], (path, status)
        check(doc, "Error", json.loads(raw))
    status, headers, _ = server.request("GET", "/dynamics")
    assert status == 405 and "POST" in headers["allow"], (status, headers)

def test_client_leaving_mid_stream_stops_the_computation(server, doc, run_example):
    before = metric(server, "vaedyn_chain_steps_total")
    s = socket.create_connection(("127.0.0.1", server.port))
    body = json.dumps({"image": {"exemplar": {"digit": 6}}, "steps": 1000, "trials": 1000}).encode()
    s.sendall(b"POST /dynamics HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    received = b""
    while received.count(b'"type":"step"') < 2:
        received += s.recv(65536)
    at_leave = metric(server, "vaedyn_chain_steps_total")
    s.close()
    left = time.time()
    deadline = left + 10
    while time.time() < deadline and metric(server, "vaedyn_chains_running") != 0:
        time.sleep(0.01)
    stopped_after = time.time() - left
    assert metric(server, "vaedyn_chains_running") == 0
    settled = metric(server, "vaedyn_chain_steps_total")
    time.sleep(1)
    assert metric(server, "vaedyn_chain_steps_total") == settled, "steps still being computed"
    # Far fewer than the 1001 x 1000 chain-steps asked for were computed, and after the
    # client left only the step in progress (give or take the /metrics round trip).
    steps_after = (settled - at_leave) / 1000
    assert settled - before < 300 * 1000, (before, settled)
    assert steps_after <= 3, steps_after
    print(f"  figure: client left after {(at_leave - before) / 1000:.0f} steps; {steps_after:.0f} more steps ran; "
          f"chains_running 0 after {stopped_after * 1000:.0f} ms")


def test_busy_server_answers_503_with_retry_after(binary, model, start):
    busy = start({"limits": {"maxConcurrent": 1, "queueLength": 0, "retryAfterSeconds": 7}})
    try:
        s = socket.create_connection(("127.0.0.1", busy.port))
        body = json.dumps({"image": {"exemplar": {"digit": 6}}, "steps": 1000, "trials": 1000}).encode()
        s.sendall(b"POST /dynamics HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        received = b""
        while b'"type":"step"' not in received:
            received += s.recv(65536)
        status, headers, raw = busy.json("POST", "/dynamics", {"image": {"exemplar": {"digit": 1}}, "steps": 1, "trials": 1})
        s.close()
        assert status == 503 and headers.get("retry-after") == "7", (status, headers)
        assert json.loads(raw)["error"]["code"] == "overloaded"
        status, _, _ = busy.request("GET", "/healthz")
        assert status == 200
    finally:
        busy.stop()


def test_a_queued_request_holds_no_thread_and_metrics_count_what_was_answered(binary, model, start):
    busy = start({"limits": {"maxConcurrent": 1, "queueLength": 2}})
    try:
        def post():
            s = socket.create_connection(("127.0.0.1", busy.port))
            body = json.dumps({"image": {"exemplar": {"digit": 6}}, "steps": 1000, "trials": 1000}).encode()
            s.sendall(b"POST /dynamics HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
            return s
        def threads():
            """Stream threads (named so by the server): Dispatch's own pool grows as it likes."""
            names = []
            for task in os.listdir(f"/proc/{busy.process.pid}/task"):
                try:
                    with open(f"/proc/{busy.process.pid}/task/{task}/comm") as f:
                        names.append(f.read().strip())
                except OSError:
                    pass
            return names.count("http-stream")
        running = post()
        received = b""
        while b'"type":"step"' not in received:
            received += running.recv(65536)
        before = threads()
        queued = [post() for _ in range(2)]
        deadline = time.time() + 10
        while json.loads(busy.request("GET", "/healthz")[2])["computationsWaiting"] != 2 and time.time() < deadline:
            time.sleep(0.05)
        assert json.loads(busy.request("GET", "/healthz")[2])["computationsWaiting"] == 2
        after = threads()
        assert before == 1 and after == 1, f"stream threads: {before} with one running, {after} with two more queued"
        for s in queued:
            s.close()
        while json.loads(busy.request("GET", "/healthz")[2])["computationsWaiting"] != 0 and time.time() < deadline:
            time.sleep(0.05)
        running.close()
        while json.loads(busy.request("GET", "/healthz")[2])["computationsRunning"] != 0 and time.time() < deadline:
            time.sleep(0.05)
        text = busy.request("GET", "/metrics")[2].decode()
        counts = {m.group(1): float(m.group(2)) for m in re.finditer(r'vaedyn_http_requests_total\{route="/dynamics",status="(\d+)"\} (\S+)', text)}
        assert counts.get("499") == 2, f"the two clients that left while queued: {counts}"
        assert counts.get("200") == 1, f"the one that streamed: {counts}"
    finally:
        busy.stop()


def test_sigterm_during_streams_ends_each_one_properly_and_exits_zero(binary, model, start):
    live = start({"limits": {"maxConcurrent": 2, "queueLength": 4}})
    body = json.dumps({"image": {"exemplar": {"digit": 6}}, "steps": 1000, "trials": 1000})
    connections, responses = [], []
    for accept in ["application/x-ndjson", "text/event-stream", "application/x-ndjson"]:
        c = http.client.HTTPConnection("127.0.0.1", live.port, timeout=60)
        c.request("POST", "/dynamics", body=body, headers={"Content-Type": "application/json", "Accept": accept})
        connections.append(c)
        if len(connections) < 3:
            response = c.getresponse()
            assert response.status == 200 and response.readline(), response.status  # running: its start record is out
            responses.append(response)
    deadline = time.time() + 10
    while json.loads(live.request("GET", "/healthz")[2])["computationsWaiting"] != 1 and time.time() < deadline:
        time.sleep(0.05)
    results = {}

    def finish(i, read):
        try:
            results[i] = read()
        except Exception as error:  # an IncompleteRead here means a stream was cut, not ended
            results[i] = error

    readers = [threading.Thread(target=finish, args=(i, r.read)) for i, r in enumerate(responses)]
    readers.append(threading.Thread(target=finish, args=(2, lambda: (lambda r: (r.status, dict(r.getheaders()), r.read()))(connections[2].getresponse()))))
    for reader in readers:
        reader.start()
    started = time.time()
    code = live.stop()
    stopped = time.time() - started
    for reader in readers:
        reader.join(30)
    assert code == 0 and stopped < 10, (code, stopped)
    print(f"  figure: SIGTERM with 2 streams running and 1 queued: exit code {code} after {stopped * 1000:.0f} ms")
    ndjson_tail = results[0].decode().strip().splitlines()[-1]
    assert json.loads(ndjson_tail)["type"] == "summary" and json.loads(ndjson_tail)["done"] is False, results[0][-300:]
    last_event = results[1].decode().strip().split("\n\n")[-1]
    assert last_event.startswith("event: summary") and '"done":false' in last_event, last_event
    status, headers, raw = results[2]
    assert status == 503 and json.loads(raw)["error"]["code"] == "shutting_down" and "Retry-After" in headers, results[2]


def test_bad_configuration_stops_the_start_naming_the_key(binary, model, start):
    for config, needle in [({"server": {"prot": 1}}, "server.prot"), ({"limits": {"maxSteps": "many"}}, "limits.maxSteps"),
                           ({"limits": {"maxTrials": 0}}, "limits.maxTrials")]:
        fd, path = tempfile.mkstemp(suffix=".json")
        with os.fdopen(fd, "w") as f:
            json.dump(config, f)
        out = subprocess.run([binary, "serve", "--port", "0", "--config", path], cwd=ROOT, capture_output=True, text=True, timeout=60)
        os.unlink(path)
        assert out.returncode != 0 and needle in out.stderr, (config, out.returncode, out.stderr)


def test_environment_overrides_the_file(binary, model, start):
    live = start(env=dict(os.environ, VAEDYN_LIMITS_MAX_STEPS="7"))
    try:
        status, _, raw = live.json("POST", "/dynamics", {"image": {"exemplar": {"digit": 6}}, "steps": 8})
        assert status == 422 and "1...7" in raw.decode(), (status, raw)
    finally:
        live.stop()


def test_unreadable_model_and_busy_port_are_clear_errors(binary, model, start):
    original = open(os.path.join(ROOT, model), "rb").read()
    flipped = bytearray(original)
    flipped[len(flipped) // 2] ^= 0x10  # one bit inside the weights
    for content, needle in [(original[:5000], "truncated"), (bytes(flipped), "corrupted"), (b"", "not a vaedyn file")]:
        fd, path = tempfile.mkstemp(suffix=".vaem")
        with os.fdopen(fd, "wb") as f:
            f.write(content)
        out = subprocess.run([binary, "serve", "--port", "0", "--model", path], cwd=ROOT, capture_output=True, text=True, timeout=60)
        os.unlink(path)
        assert out.returncode != 0 and needle in out.stderr and path in out.stderr, (needle, out.stderr)
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    port = holder.getsockname()[1]
    out = subprocess.run([binary, "serve", "--port", str(port), "--model", model], cwd=ROOT, capture_output=True, text=True, timeout=60)
    holder.close()
    assert out.returncode != 0 and "cannot listen" in out.stderr, out.stderr
