"""The client against a live `vaedyn serve` (make test starts one and passes its URL in
VAEDYN_URL; run alone, `pytest clients/python/tests` starts its own from the built binary)."""
import json, os, subprocess, sys, time, urllib.request

import numpy as np
import pytest

from vaedyn_client import Client, VaedynError

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


@pytest.fixture(scope="module")
def url():
    if os.environ.get("VAEDYN_URL"):
        yield os.environ["VAEDYN_URL"]
        return
    binary = os.environ.get("VAEDYN_BINARY", os.path.join(ROOT, ".build", "release", "vaedyn"))
    p = subprocess.Popen([binary, "serve", "--host", "127.0.0.1", "--port", "0", "--model", "models/mnist-default.vaem"],
                         cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = p.stdout.readline()
    assert line.startswith("listening on"), line
    yield f"http://127.0.0.1:{int(line.split()[-1])}"
    p.terminate()
    p.wait(timeout=30)


@pytest.fixture(scope="module")
def client(url):
    return Client(url)


def metric(url, name):
    text = urllib.request.urlopen(url + "/metrics", timeout=30).read().decode()
    return sum(float(l.split()[-1]) for l in text.splitlines() if l.startswith(name + " ") or l.startswith(name + "{"))


def test_models_and_concepts(client):
    listing = client.models()
    default = listing["defaultModel"]
    assert default in [m["id"] for m in listing["models"]]
    concepts = client.concepts(default, fields="vector")
    assert concepts["levels"][0] == "item" and all(len(c["vector"]) == concepts["latentSize"] for c in concepts["concepts"])


def test_a_run_streams_typed_records_and_gives_arrays(client):
    run = client.dynamics(digit=6, noise=("replace", 0.2), steps=8, trials=20, seed=3)
    seen = [step.t for step in run]
    assert seen == list(range(9)) and run.start.parameters["seed"] == 3 and run.summary.done
    distance, error, ids = run.to_numpy()
    assert distance.shape == error.shape == (9, len(ids)) and "self" in ids
    # The arrays are the records' own numbers.
    assert np.array_equal(distance[4], np.array(run.records[5].distance))
    # Iterating again reads no new request: the same steps.
    assert [s.t for s in run] == seen


def test_a_sweep_and_an_encoding(client):
    sweep = client.sweep(digit=6, noiseGrid="0:1:0.5", steps=5, trials=10)
    ratios, minimum, stages, ids = sweep.to_numpy()
    assert list(ratios) == [0, 0.5, 1] and minimum.shape == (3, len(ids)) and set(stages) <= {0, 1, 2, 3}
    six, four = client.encode([{"exemplar": {"digit": 6}}, {"exemplar": {"digit": 4}}])
    assert six["label"] == 6 and len(six["mean"]) == len(six["logVariance"])
    assert client.encode(digit=6)[0]["mean"] == six["mean"]


def test_a_field_error_is_an_exception_with_the_servers_code_and_message(client):
    with pytest.raises(VaedynError) as raised:
        list(client.dynamics(digit=6, steps=0))
    assert raised.value.status == 422 and raised.value.code == "invalid_field" and raised.value.message.startswith("steps")
    with pytest.raises(VaedynError) as raised:
        client.concepts("no-such-model")
    assert raised.value.status == 422 and "model" in raised.value.message


def test_leaving_a_stream_early_stops_the_server_computing(client, url):
    # A run far longer than the test: 300 steps of 2,000 chains.
    before = metric(url, "vaedyn_chain_steps_total")
    run = client.dynamics(digit=6, steps=300, trials=2000)
    for step in run:
        if step.t == 2:
            break
    # The server notices the closed connection within a step; then nothing more is computed.
    deadline = time.time() + 60
    while metric(url, "vaedyn_chains_running") > 0 and time.time() < deadline:
        time.sleep(0.1)
    assert metric(url, "vaedyn_chains_running") == 0
    done = metric(url, "vaedyn_chain_steps_total") - before
    assert done < 301 * 2000 / 4, f"{done} chain-steps ran after a cancel at t = 2"
    assert run.summary is None and [s.t for s in run] == [0, 1, 2]


def test_plotting_helpers_draw_fig2b_and_fig3(client, tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from vaedyn_client.plot import fig2b, fig3
    ax = fig2b(client.dynamics(digit=6, steps=5, trials=10))
    assert len(ax.get_lines()) > 10
    ax.figure.savefig(tmp_path / "fig2b.png")
    ax = fig3(client.sweep(digit=6, noiseGrid="0:1:0.5", steps=4, trials=5))
    ax.figure.savefig(tmp_path / "fig3.png")
    assert (tmp_path / "fig2b.png").read_bytes()[:4] == b"\x89PNG"


def test_the_fig2b_example_renders_a_png(url, tmp_path):
    out = tmp_path / "fig2b.png"
    done = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "examples", "fig2b.py"), str(out)],
                          env=dict(os.environ, VAEDYN_URL=url), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes()[:4] == b"\x89PNG" and "51 steps" in done.stdout, done.stdout
