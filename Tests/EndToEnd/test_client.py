"""The Python client (clients/python) against a live `vaedyn serve`: imported from its
source folder by the system Python (numpy, matplotlib), one server for the module. Then
the package as a user installs it (clients/python/README.md): `pip install
./clients/python[plot]` into a virtual environment of its own (.build-venv-client,
dependencies from PyPI, reinstalled only when the package's files changed), where
`import vaedyn_client` must find the installed copy of these very files."""
import fcntl, hashlib, json, os, subprocess, sys, time

import numpy as np
import pytest

from support import ROOT

CLIENT = os.path.join(ROOT, "clients", "python")
sys.path.insert(0, CLIENT)
from vaedyn_client import Client, VaedynError  # noqa: E402

VENV = os.path.join(ROOT, ".build-venv-client")


@pytest.fixture(scope="module")
def server(module_server):
    return module_server


@pytest.fixture(scope="module")
def url(server):
    return server.url


@pytest.fixture(scope="module")
def client(url):
    return Client(url)


def metric(server, name):
    """The sum of a /metrics family over its labels."""
    status, data = server.request("GET", "/metrics", timeout=30)
    assert status == 200, status
    return sum(float(l.split()[-1]) for l in data.decode().splitlines() if l.startswith(name + " ") or l.startswith(name + "{"))


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
    # The controls, as arrays of the records' numbers: no approach at t = 0.
    controls = run.controls_to_numpy()
    assert controls["ids"] == ids and controls["norm"].shape == (9,) and controls["control"].shape == controls["approach"].shape == (9, len(ids))
    assert np.array_equal(controls["control"][4], np.array(run.records[5].controlDistance, dtype=float))
    assert controls["norm"][4] == run.records[5].norm["mean"] and np.all(controls["approach"][0] == 0) and np.all(controls["approach_se"] >= 0)
    state = client.dynamics(digit=6, steps=2, trials=5, aggregate="state").controls_to_numpy()
    assert np.all(np.isnan(state["approach"])) and not np.any(np.isnan(state["control"]))


def test_a_sweep_and_an_encoding(client):
    sweep = client.sweep(digit=6, noiseGrid="0:1:0.5", steps=5, trials=10)
    ratios, minimum, stages, ids = sweep.to_numpy()
    assert list(ratios) == [0, 0.5, 1] and minimum.shape == (3, len(ids)) and set(stages) <= {0, 1, 2, 3}
    support, decided = sweep.support_to_numpy()
    assert support.shape == decided.shape == (3,) and np.all((support >= 0) & (support <= 1))
    assert list(decided) == [p.stageDecided for p in sweep.records if p.type == "point"] == list(support >= 0.95)
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


def test_leaving_a_stream_early_stops_the_server_computing(client, server):
    # A run far longer than the test: 300 steps of 2,000 chains.
    before = metric(server, "vaedyn_chain_steps_total")
    run = client.dynamics(digit=6, steps=300, trials=2000)
    for step in run:
        if step.t == 2:
            break
    # The server notices the closed connection within a step; then nothing more is computed.
    deadline = time.time() + 60
    while metric(server, "vaedyn_chains_running") > 0 and time.time() < deadline:
        time.sleep(0.1)
    assert metric(server, "vaedyn_chains_running") == 0
    done = metric(server, "vaedyn_chain_steps_total") - before
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
    # The example imports vaedyn_client as an installed package; here it is the source folder.
    path = os.pathsep.join(p for p in (CLIENT, os.environ.get("PYTHONPATH")) if p)
    done = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "examples", "fig2b.py"), str(out)],
                          env=dict(os.environ, VAEDYN_URL=url, PYTHONPATH=path), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes()[:4] == b"\x89PNG" and "51 steps" in done.stdout, done.stdout


# The package as a user installs it.

def package_files():
    """The package's own files, relative to clients/python: what pip leaves beside it when it
    builds in place (build/, *.egg-info) and Python's caches left out."""
    files = []
    for folder, dirs, names in os.walk(CLIENT):
        relative = os.path.relpath(folder, CLIENT)
        dirs[:] = [d for d in dirs if d != "__pycache__" and not d.endswith(".egg-info") and not (relative == "." and d == "build")]
        files += [os.path.normpath(os.path.join(relative, n)) for n in names if not n.endswith(".egg-info")]
    return sorted(files)


def package_hash():
    digest = hashlib.sha256()
    for name in package_files():
        with open(os.path.join(CLIENT, name), "rb") as f:
            digest.update(f"{name}\0{hashlib.sha256(f.read()).hexdigest()}\n".encode())
    return digest.hexdigest()


def installed_venv():
    """.build-venv-client with the package as it is now: made when missing, and `pip install
    ./clients/python[plot]` run again whenever the package's files changed since the last
    install (their hash is kept in the venv), so an unchanged package costs nothing. Returns
    (its python, whether pip ran)."""
    python = os.path.join(VENV, "bin", "python")
    if not os.access(python, os.X_OK):
        # Debian's own python3 makes virtual environments only with python3-venv, which this installs.
        if subprocess.run([sys.executable, "-c", "import ensurepip"], capture_output=True).returncode != 0:
            subprocess.run([os.path.join(ROOT, "scripts", "setup-survival-tests")], cwd=ROOT, check=True, timeout=1200)
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True, timeout=300)
    stamp = os.path.join(VENV, ".vaedyn-client-hash")
    with open(os.path.join(VENV, ".vaedyn-client-lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two runs at once install one after the other
        digest = package_hash()
        current = open(stamp).read().strip() if os.path.exists(stamp) else None
        if current == digest:
            return python, False
        out = subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "./clients/python[plot]"],
                             cwd=ROOT, capture_output=True, text=True, timeout=1200)
        assert out.returncode == 0, f"pip install ./clients/python[plot] exited {out.returncode}:\n{out.stderr[-3000:]}"
        with open(stamp, "w") as f:
            f.write(digest + "\n")
        return python, True


PROBE = """
import json, sys
import matplotlib
matplotlib.use("Agg")
import vaedyn_client, vaedyn_client.plot
from vaedyn_client import Client
print(json.dumps({"file": vaedyn_client.__file__, "default": Client(sys.argv[1]).models()["defaultModel"]}))
"""


def test_the_package_installs_as_a_user_installs_it_and_is_the_source(url, client, tmp_path):
    python, installed = installed_venv()
    print(f"  {'installed into' if installed else 'reused (package unchanged)'} {VENV}")
    # From a folder of its own, so that nothing but the venv can provide the package.
    out = subprocess.run([python, "-I", "-c", PROBE, url], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    probe = json.loads(out.stdout)
    package = os.path.dirname(os.path.realpath(probe["file"]))
    assert package.startswith(os.path.realpath(VENV) + os.sep) and "site-packages" in package, package
    assert probe["default"] == client.models()["defaultModel"], probe
    # The installed modules are the source's, byte for byte, and none is missing or extra.
    source = os.path.join(CLIENT, "vaedyn_client")
    modules = sorted(n for n in os.listdir(source) if n.endswith(".py"))
    assert sorted(n for n in os.listdir(package) if n.endswith(".py")) == modules, os.listdir(package)
    for name in modules:
        with open(os.path.join(source, name), "rb") as a, open(os.path.join(package, name), "rb") as b:
            assert a.read() == b.read(), f"the installed {name} is not the source's"
