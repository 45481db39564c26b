"""The open-loop load of scripts/bench-http (scripts/bench-http-paced.lua) against a live
`vaedyn serve` on loopback: the paced wrk holds its stated rate, and a server stalled for a
while (SIGSTOP) shows in the latency of every request that fell due meanwhile, not just the
few in flight, which is what "no coordinated omission" means. Installs wrk if missing
(scripts/setup-survival-tests). About 6 s; marked `soak` with the load and survival runs
(was scripts/test-paced-load).

    python3 -m pytest Tests/EndToEnd/test_paced_load.py -m soak
"""
import os, re, signal, subprocess, threading, time

import pytest

from support import ROOT

pytestmark = pytest.mark.soak

LUA = os.path.join(ROOT, "scripts", "bench-http-paced.lua")


@pytest.fixture(scope="module")
def wrk():
    """wrk on PATH: scripts/setup-survival-tests installs what is missing (and prints
    nothing when all is there)."""
    out = subprocess.run([os.path.join(ROOT, "scripts", "setup-survival-tests")], cwd=ROOT,
                         capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, f"scripts/setup-survival-tests exited {out.returncode}:\n{(out.stdout + out.stderr)[-3000:]}"
    return "wrk"


@pytest.fixture
def healthz(wrk, serve, model):
    """(the server, the URL of its /healthz) for a server of its own, stopped after the test."""
    server = serve([model])
    return server, f"http://127.0.0.1:{server.port}/healthz"


def paced(wrk, url, rate, connections, seconds):
    """The figures of the paced: line wrk prints for `rate` requests/s over `connections`."""
    out = subprocess.run([wrk, f"-t{connections}", f"-c{connections}", f"-d{seconds}s", "-s", LUA, url, "--", str(rate), str(connections)],
                         capture_output=True, text=True, timeout=seconds + 30)
    line = re.search(r"^paced: (requests .*)$", out.stdout, re.M)
    assert line, out.stdout + out.stderr
    words = line.group(1).split()
    return {words[i]: float(words[i + 1]) for i in range(0, len(words), 2)}


def test_the_paced_load_holds_its_rate_and_its_percentiles_are_in_order(wrk, healthz):
    _, url = healthz
    f = paced(wrk, url, 400, 4, 2)
    assert abs(f["achieved_rps"] - 400) <= 20, f
    assert 0 < f["p50_ms"] <= f["p90_ms"] <= f["p99_ms"] <= f["p999_ms"] <= f["max_ms"], f
    # 400 requests/s of /healthz on loopback: nothing near the 300 ms stall below.
    assert f["p90_ms"] < 50, f


def test_a_stalled_server_shows_in_every_request_that_fell_due_during_the_stall(wrk, healthz):
    # 300 ms of a 2 s run at 400 requests/s: about 120 of 800 requests fall due while the
    # server is stopped, 15 %. Timed from their actual sends (coordinated omission) only
    # the 4 in flight would be late, 0.5 %, and the 90th percentile would not move.
    server, url = healthz
    pid = server.process.pid

    def stall():
        time.sleep(0.8)
        os.kill(pid, signal.SIGSTOP)
        time.sleep(0.3)
        os.kill(pid, signal.SIGCONT)
    t = threading.Thread(target=stall)
    t.start()
    try:
        f = paced(wrk, url, 400, 4, 2)
    finally:
        t.join()
        os.kill(pid, signal.SIGCONT)
    assert f["max_ms"] >= 250, f
    assert f["p90_ms"] >= 50, f"the stall is missing from the requests that fell due during it: {f}"
