"""The end-to-end suite: `vaedyn` as a user runs it, on loopback only, under pytest.

    python3 -m pytest Tests/EndToEnd [--binary B] [--model M] [--second-model M2] [-k WORDS] [-m MARKS]

What every test file shares lives here, once: the binary and the models as options, a
factory of servers that are stopped however a test ends, HTTP helpers that return status
and body, and the server's own OpenAPI document to check answers against. Markers say
what a test needs beyond a build (pytest.ini): `root`, `browser`, `soak`; `make test` runs
`-m "not browser and not soak"`, `make check` all of them.
"""
import os

import pytest

from support import ROOT, Server


def pytest_addoption(parser):
    parser.addoption("--binary", default=os.path.join(ROOT, ".build", "release", "vaedyn"), help="the vaedyn binary")
    parser.addoption("--model", default="models/mnist-default.vaem", help="the model most tests serve")
    parser.addoption("--second-model", default="models/fashion-default.vaem", help="the model served beside it")


@pytest.fixture(scope="session")
def binary(request):
    path = os.path.abspath(request.config.getoption("--binary"))
    if not os.access(path, os.X_OK):
        pytest.fail(f"no vaedyn binary at {path}: build it (make build) or give --binary")
    return path


@pytest.fixture(scope="session")
def model(request):
    return request.config.getoption("--model")


@pytest.fixture(scope="session")
def second_model(request):
    return request.config.getoption("--second-model")


@pytest.fixture
def serve(binary):
    """A factory: serve(models, config=None, flags=(), ...) -> a running Server, stopped
    when the test ends."""
    started = []

    def start(models, **kw):
        server = Server(binary, models, **kw)
        started.append(server)
        return server
    yield start
    for server in started:
        server.stop()


# --- The commands' fixtures (moved from scripts/test-commands) -------------------------
# `run`, the default model's server with its OpenAPI document and model card, and the
# data sets the fetch scripts keep in data/ (ignored by git).
from support import DATA, FASHION, run_command  # noqa: E402


@pytest.fixture(scope="session")
def run(binary):
    """run(*args, timeout=300, check=True, cwd=ROOT, env=None): `vaedyn ARGS`, or a script
    when the first argument is scripts/... (support.run_command), done."""
    return lambda *args, **kw: run_command(binary, *args, **kw)


@pytest.fixture(scope="module")
def module_server(binary, model):
    """The default model with the default settings, for one test file (whose tests may
    leave runs behind that other files should not see)."""
    server = Server(binary, [model])
    yield server
    server.stop()


@pytest.fixture(scope="session")
def default_server(binary, model):
    """The default model served for the whole session; it must exit 0 on SIGTERM at the end."""
    server = Server(binary, [model])
    yield server
    code = server.stop()
    assert code == 0, f"serve exited {code} on SIGTERM"


@pytest.fixture(scope="session")
def openapi(default_server):
    """The server's own /openapi.json, which every record is checked against."""
    return default_server.document("/openapi.json")


@pytest.fixture(scope="session")
def card(default_server):
    """GET /model of the default model: its stored metrics, limits, class names, architecture."""
    return default_server.document("/model")


@pytest.fixture(scope="session")
def mnist_fetch(run):
    """scripts/fetch-mnist, run once: it downloads data/mnist when missing or wrong and
    checks the hashes otherwise."""
    return run("scripts/fetch-mnist", timeout=900)


@pytest.fixture(scope="session")
def mnist(mnist_fetch):
    """The MNIST folder, fetched."""
    return DATA


@pytest.fixture(scope="session")
def fashion_fetch(run):
    """scripts/fetch-fashion-mnist, run once: it installs Debian's dataset-fashion-mnist
    when missing and checks the hashes otherwise."""
    return run("scripts/fetch-fashion-mnist", timeout=900)


@pytest.fixture(scope="session")
def fashion(fashion_fetch):
    """The Fashion-MNIST folder, fetched."""
    return FASHION
# --- end of the commands' fixtures -----------------------------------------------------
