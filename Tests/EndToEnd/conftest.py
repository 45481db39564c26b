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
