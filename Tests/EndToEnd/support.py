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
