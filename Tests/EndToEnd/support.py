"""What the end-to-end tests share: a `vaedyn serve` on a free loopback port, HTTP helpers,
checks against the server's OpenAPI document, and a start that must fail."""
import http.client, json, os, subprocess, sys, tempfile

import jsonschema

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Support"))
from live_server import ROOT, LiveServer  # noqa: E402


class Server(LiveServer):
    """`vaedyn serve --port 0` with the given models (the first the default), configuration
    and flags (Tests/Support/live_server.py, which the scripts share), with request helpers."""

    def __init__(self, binary, models, config=None, flags=(), env=None, scheme="http"):
        more = tuple(sum((["--model", m] for m in models[1:]), []))
        super().__init__(binary, models[0], config=config, env=env, flags=more + tuple(flags), scheme=scheme)

    def request(self, method, path, payload=None, body=None, headers=None, timeout=120):
        """(status, body bytes); `payload` is sent as JSON."""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        if payload is not None:
            body, headers = json.dumps(payload).encode(), {"Content-Type": "application/json", **(headers or {})}
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, data

    def document(self, path):
        status, data = self.request("GET", path)
        assert status == 200, (path, status, data[:300])
        return json.loads(data)

    def records(self, path, payload=None, body=None, headers=None):
        status, data = self.request("POST", path, payload, body, headers)
        assert status == 200, (path, status, data[:300])
        return [json.loads(line) for line in data.decode().strip().split("\n")]


def check(document, name, value):
    """`value` against the schema `name` of a server's /openapi.json."""
    jsonschema.validate(value, {"$ref": f"#/components/schemas/{name}", "components": document["components"]})


def start_fails(binary, *args, config=None):
    """Runs `vaedyn serve` expecting it to refuse to start; returns its stderr."""
    cmd = [binary, "serve", "--host", "127.0.0.1", "--port", "0", *args]
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


# --- The commands' helpers (moved from scripts/test-commands) -------------------------
# Running `vaedyn` and the scripts, the figures they print and the records they write:
# what test_data_and_training, test_dynamics_commands, test_reproduce, test_study,
# test_impute and test_bench share.
import math, re, signal, time  # noqa: E402

DATA = os.path.join(ROOT, "data", "mnist")
FASHION = os.path.join(ROOT, "data", "fashion-mnist")
# One pixel coded as a fair coin: any model that learnt anything beats this per image.
UNIFORM_NATS = 784 * math.log(2)
# A printed figure, as a regular expression's group.
FIGURE = r"(-?[0-9.]+|nan|inf|-inf)"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def run_command(binary, *args, timeout=300, check=True, cwd=ROOT, env=None):
    """Runs `vaedyn ARGS` (a script when the first argument is scripts/... or an absolute
    path) and returns it done; with `check`, an exit other than 0 fails the test."""
    cmd = [binary, *args] if not args[0].startswith(("scripts/", "/")) else list(args)
    out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)
    if check and out.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {out.returncode}:\n{out.stderr[-2000:]}{out.stdout[-1000:]}")
    return out


def finite(text):
    value = float(text)
    assert math.isfinite(value), f"{text} is not finite"
    return value


def figure(pattern, text):
    """The number a line of `text` gives for `pattern` (which holds FIGURE once)."""
    m = re.search(pattern, text, re.M)
    assert m, f"no line matching {pattern!r} in:\n{text}"
    return finite(m.group(1))


def ndjson(text):
    """The JSON lines of `text`, blank lines skipped."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def jsonl(path):
    """The records of a JSON Lines file (a results file)."""
    with open(path) as f:
        return [json.loads(line) for line in f]


def check_records(document, records, step_kind):
    """start, then records of one kind, then a summary, each valid under the server's
    OpenAPI `document`; every distance (a step's) or minimum (a point's) finite and >= 0."""
    assert records and records[0]["type"] == "start", records[:1]
    assert records[-1]["type"] == "summary", records[-1]
    assert all(r["type"] == step_kind for r in records[1:-1]), {r["type"] for r in records}
    for r in records:
        check(document, "Record", r)
    n = len(records[0]["references"])
    for r in records[1:-1]:
        values = r["distance"] if step_kind == "step" else r["minimum"]
        assert len(values) == n and all(math.isfinite(v) and v >= 0 for v in values), r


def wait_for(path, text, seconds, process):
    """Waits until the file holds `text` (or the process ends, or time runs out)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with open(path) as f:
            if text in f.read():
                return True
        if process.poll() is not None:
            return False
        time.sleep(0.05)
    return False


def interrupted(cmd, log, after, delay):
    """Runs `cmd` with its stderr into the file `log`, sends it SIGINT `delay` seconds after
    its log shows `after`, and returns (its exit code, its log); killed if it outlives that."""
    with open(log, "w") as err:
        p = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
    try:
        assert wait_for(log, after, 120, p), open(log).read()
        time.sleep(delay)
        p.send_signal(signal.SIGINT)
        code = p.wait(timeout=120)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    return code, open(log).read()


def without_seconds(path):
    """A results file's bytes with the values of its seconds fields blanked: wall-clock
    time, the one thing two runs of the same command do not share."""
    return re.sub(rb'"(seconds|trainingSeconds|measuringSeconds)":[0-9.e+-]+', rb'"\1":_', open(path, "rb").read())


def seconds_of(path):
    """The values of a results file's seconds fields."""
    return [float(v) for v in re.findall(rb'"(?:seconds|trainingSeconds|measuringSeconds)":([0-9.e+-]+)', open(path, "rb").read())]
# --- end of the commands' helpers ------------------------------------------------------


# --- Stage counts in the reports (decided calls, then the undecided ones) ----------------
STAGE_CELL = re.compile(r"^\s*(\d+(?: / \d+)*)(?: \((\d+) undecided\))?\s*$")


def stage_cell(cell):
    """A report's "a / b / c (u undecided)" cell: the decided counts per stage and the undecided ones."""
    m = STAGE_CELL.match(cell)
    assert m, f"not a stage-count cell: {cell!r}"
    return [int(n) for n in m.group(1).split(" / ")], int(m.group(2) or 0)


def assert_report_regenerates(run, tmp_path, command, results, document):
    """`vaedyn COMMAND --report` from the committed results file writes the committed document, byte for byte."""
    assert os.path.exists(os.path.join(ROOT, document)), f"{document} is committed and must regenerate"
    out = str(tmp_path / os.path.basename(document))
    run(command, "--report", "--results", results, "--out", out)
    assert open(out, "rb").read() == open(os.path.join(ROOT, document), "rb").read(), f"{document} is not what {command} --report writes from {results}"
