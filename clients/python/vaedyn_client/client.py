"""HTTP to the vaedyn service with the standard library only: JSON documents, and NDJSON
streams read line by line as the server writes them, so a run is seen while it computes."""
import http.client
import json
import urllib.parse

from .records import Record


class VaedynError(Exception):
    """An answer other than 2xx, with the server's error code and message (docs/records.md)."""

    def __init__(self, status, code, message):
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message


def _image(digit=None, index=0, pixels=None, png=None, image=None):
    """The `image` field: a stored exemplar (digit, index), 784 pixels in 0..1, PNG bytes, or a ready dict."""
    given = [x is not None for x in (digit, pixels, png, image)]
    if sum(given) != 1:
        raise ValueError("give one of digit=, pixels=, png= or image=")
    if image is not None:
        return image
    if digit is not None:
        return {"exemplar": {"digit": digit, "index": index}}
    if pixels is not None:
        return {"pixels": [float(v) for v in pixels]}
    import base64
    return {"png": base64.b64encode(png).decode()}


def _noise(noise):
    """("replace", 0.2), "replace:0.2", or {"kind", "ratio"}."""
    if isinstance(noise, tuple):
        return {"kind": noise[0], "ratio": noise[1]}
    return noise


class Client:
    def __init__(self, url="http://127.0.0.1:8080", timeout=600):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        self.scheme, self.host, self.port = parts.scheme, parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
        self.timeout = timeout

    def _connection(self):
        kind = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
        return kind(self.host, self.port, timeout=self.timeout)

    def _send(self, method, path, body=None, accept="application/json"):
        connection = self._connection()
        headers = {"Accept": accept}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        if response.status >= 300:
            raw = response.read()
            connection.close()
            try:
                error = json.loads(raw)["error"]
                raise VaedynError(response.status, error["code"], error["message"])
            except (ValueError, KeyError, TypeError):
                raise VaedynError(response.status, "http_error", raw[:200].decode(errors="replace")) from None
        return connection, response

    def _json(self, method, path, body=None):
        connection, response = self._send(method, path, body)
        try:
            return json.loads(response.read())
        finally:
            connection.close()

    @staticmethod
    def _query(path, **params):
        given = {k: v for k, v in params.items() if v is not None}
        return path + ("?" + urllib.parse.urlencode(given) if given else "")

    # ---- the catalogue ----

    def models(self):
        """GET /models: every served model's document, and which is the default."""
        return self._json("GET", "/models")

    def concepts(self, model=None, fields=None):
        """GET /concepts: the concept tree (levels, concepts with vector, image, projection)."""
        return self._json("GET", self._query("/concepts", model=model, fields=fields))

    def exemplars(self, model=None, digit=None):
        return self._json("GET", self._query("/exemplars", model=model, digit=digit))

    def encode(self, images=None, model=None, **image):
        """POST /encode: a list of {"mean", "logVariance", ...}, one per image. `images` is a
        list of image dicts; or give one image as digit=, pixels= or png=."""
        body = {"images": images} if images is not None else {"image": _image(**image)}
        if model is not None:
            body["model"] = model
        return self._json("POST", "/encode", body)["encodings"]

    # ---- runs ----

    def dynamics(self, digit=None, index=0, pixels=None, png=None, image=None, label=None, noise=None, model=None, **parameters):
        """POST /dynamics, streamed: a Run to iterate over (step records as they arrive) or to
        read whole (`to_numpy()`). Parameters are docs/records.md's (steps, trials, seed, x, z,
        kernel, mask, ...); noise is ("replace", 0.2)."""
        body = {"image": _image(digit, index, pixels, png, image), **parameters}
        if noise is not None:
            body["noise"] = _noise(noise)
        if label is not None:
            body["label"] = label
        if model is not None:
            body["model"] = model
        return Run(self, "/dynamics", body)

    def sweep(self, digit=None, index=0, pixels=None, png=None, image=None, label=None, noise="replace", model=None, **parameters):
        """POST /sweep, streamed: a Sweep of point records (noiseGrid="0:1:0.05" and the rest as in dynamics)."""
        body = {"image": _image(digit, index, pixels, png, image), "noise": noise, **parameters}
        if label is not None:
            body["label"] = label
        if model is not None:
            body["model"] = model
        return Sweep(self, "/sweep", body)


class _Stream:
    """The records of one streamed run. Iterating yields the step (or point) records as the
    server writes them; `start` and `summary` are set when those arrive. Leaving the loop
    early, or `cancel()`, closes the connection, and the server stops computing within one
    step (`summary` then stays None). A run's records are kept: iterating again gives them
    without a new request."""

    kind = "step"

    def __init__(self, client, path, body):
        self.client, self.path, self.body = client, path, body
        self.start = self.summary = None
        self.records = []
        self._connection = self._response = None
        self._done = False

    def __iter__(self):
        for record in self.records:
            if record.type == self.kind:
                yield record
        if self._done:
            return
        if self._response is None:
            self._connection, self._response = self.client._send("POST", self.path, self.body, accept="application/x-ndjson")
        try:
            for line in self._response:
                if not line.strip():
                    continue
                record = Record(json.loads(line))
                self.records.append(record)
                if record.type == "start":
                    self.start = record
                elif record.type == "summary":
                    self.summary = record
                elif record.type == "error":
                    raise VaedynError(200, "run_failed", record.message)
                elif record.type == self.kind:
                    yield record
        finally:
            # The end of the stream, an error, or a loop left early: the run is over either way.
            self._done = True
            self._close()

    def _close(self):
        if self._connection is not None:
            self._connection.close()
            self._connection = self._response = None

    def cancel(self):
        """Closes the stream: the server stops this run within one step."""
        self._done = True
        self._close()

    def wait(self):
        """Reads the stream to its end; returns self."""
        for _ in self:
            pass
        return self


class Run(_Stream):
    kind = "step"

    def to_numpy(self):
        """(distance, standard_error, reference_ids): T+1 x R arrays of the mean distance of
        each reference and its standard error (NaN with aggregate "state"), read to the end first."""
        import numpy as np
        steps = list(self.wait())
        ids = [r["id"] for r in self.start.references]
        distance = np.array([s.distance for s in steps], dtype=float)
        error = np.array([s.get("standardError") or [np.nan] * len(ids) for s in steps], dtype=float)
        return distance, error, ids

    def controls_to_numpy(self):
        """What the distances are measured against (docs/records.md, "Controls"): a dict of
        `norm` (T+1: the state's mean norm), `control` (T+1 x R: each reference's control
        distance), `approach` and `approach_se` (T+1 x R: the approach beyond the control since
        t = 0, paired over trials, and its standard error; NaN with aggregate "state"), and
        `ids`, read to the end first."""
        import numpy as np
        steps = list(self.wait())
        ids = [r["id"] for r in self.start.references]
        nan = [{"mean": np.nan, "standardError": np.nan}] * len(ids)
        approach = [s.get("approach") or nan for s in steps]
        return {"norm": np.array([s.norm["mean"] for s in steps], dtype=float),
                "control": np.array([s.controlDistance for s in steps], dtype=float),
                "approach": np.array([[a["mean"] for a in row] for row in approach], dtype=float),
                "approach_se": np.array([[a["standardError"] for a in row] for row in approach], dtype=float),
                "ids": ids}


class Sweep(_Stream):
    kind = "point"

    def to_numpy(self):
        """(ratios, minimum, stages, reference_ids) for the first input: minimum distances
        (ratios x R) and the stage at each ratio (0 where none)."""
        import numpy as np
        points = [p for p in self.wait() if p.input == 0]
        ids = [r["id"] for r in self.start.references]
        return (np.array([p.ratio for p in points]), np.array([p.minimum for p in points], dtype=float),
                np.array([p.get("stage") or 0 for p in points]), ids)

    def support_to_numpy(self):
        """(support, decided) for the first input, one per ratio: the share of bootstrap
        resamples of the trials that give the same stage (NaN where none was measured), and
        whether it reaches 0.95 (docs/records.md, "Stage calls with their uncertainty")."""
        import numpy as np
        points = [p for p in self.wait() if p.input == 0]
        support = [p.get("stageSupport") for p in points]
        return (np.array([np.nan if v is None else v for v in support], dtype=float),
                np.array([bool(p.get("stageDecided")) for p in points]))
