"""The measurement scripts of docs/reliability.md, each run once at the size `make check`
ran it: scripts/survive-load 10, survive-slow 8, survive-replicas 6, contract-fuzz 50. They
stay scripts (the long runs in the docs are theirs, at other sizes); here each must exit 0,
close with `NAME: passed`, and the figures or PASS lines it prints must say what its own
checks say. The binary and the models are the suite's options (--binary, --model,
--second-model), given to the scripts as VAEDYN_BINARY, VAEDYN_MODEL, VAEDYN_SECOND_MODEL.
Each installs what it drives when missing (scripts/setup-survival-tests: wrk, slowhttptest,
schemathesis; survive-replicas: nginx). About 2 minutes in all on 2 cores (105 s here).

    python3 -m pytest Tests/EndToEnd -m soak [-k survive_load|survive_slow|survive_replicas|contract_fuzz]
"""
import os, re

import pytest

from script_runs import figure, number, run_script, succeeded, tail
from support import ROOT

pytestmark = pytest.mark.soak


@pytest.fixture(scope="module")
def survival_env(binary, model, second_model):
    """The scripts' environment: Tests/Support/survival.py reads the binary and models there."""
    return {"VAEDYN_BINARY": binary, "VAEDYN_MODEL": os.path.join(ROOT, model),
            "VAEDYN_SECOND_MODEL": os.path.join(ROOT, second_model)}


def passed(name, code, output):
    """Exit 0 and the closing `NAME: passed` (a failure prints `NAME: FAILED: why`)."""
    succeeded(name, code, output)
    assert output.rstrip().endswith(f"{name}: passed"), f"{name} did not close with '{name}: passed':\n{tail(output)}"


def test_survive_load_10_s_no_errors_no_growth_and_the_queue_within_its_bound(survival_env):
    name = "survive-load"
    code, out = run_script("scripts/survive-load", "10", env=survival_env, timeout=900)
    passed(name, code, out)
    assert figure(name, "wrk", out).endswith("-d10s GET /healthz"), tail(out)
    assert number(r"^(\d+) ", figure(name, "healthz requests", out), out) > 0, tail(out)
    assert figure(name, "socket errors", out).startswith("0 "), tail(out)
    assert figure(name, "healthz non-2xx", out) == "0", tail(out)
    answers = figure(name, "dynamics answers", out)
    assert number(r"other: (\d+)", answers, out) == 0 and number(r"200: (\d+)", answers, out) > 0, answers
    # Resident memory after the run at most 10 % above before it.
    rss = figure(name, "RSS before / after / peak", out)
    assert number(r"\(([+-][0-9.]+) %\)", rss, out) <= 10, rss
    assert figure(name, "server exit code", out) == "0", tail(out)
    # The queue phase: the gate full (some running, some waiting), the next request refused,
    # the peak within the bound the server publishes, back within 10 % of idle.
    queue = figure(name, "queue phase", out)
    assert queue.endswith("the next one refused with 503"), queue
    assert number(r"(\d+) running", queue, out) > 0 and number(r"(\d+) waiting", queue, out) > 0, queue
    idle_peak_bound = figure(name, "queue phase RSS idle / peak / bound", out)
    _, peak, bound = (float(v) for v in re.findall(r"([0-9.]+) MiB", idle_peak_bound))
    assert peak <= bound, idle_peak_bound
    after = figure(name, "queue phase RSS after", out)
    assert number(r"\(([+-][0-9.]+) % of idle", after, out) <= 10, after


def test_survive_slow_8_s_probes_answered_and_every_slow_connection_closed(survival_env):
    """Each of the three modes: every /healthz probe answered in under 100 ms, at least half
    the slow connections open at once, all closed by the server within 1.5 s of
    slowhttptest's end."""
    name = "survive-slow"
    code, out = run_script("scripts/survive-slow", "8", env=survival_env, timeout=600)
    passed(name, code, out)
    for mode in ("slow headers", "slow body", "slow read"):
        attack = figure(name, f"{mode}: slowhttptest", out)
        assert " -l 8 " in attack, attack
        connections = number(r" -c (\d+) ", attack, out)
        probes = figure(name, f"{mode}: probes", out)
        assert number(r"^(\d+) ok", probes, out) > 0 and number(r"(\d+) failed", probes, out) == 0, f"{mode}: {probes}"
        latency = figure(name, f"{mode}: probe latency median / p99 / max", out)
        assert number(r"/ ([0-9.]+) ms$", latency, out) < 100, f"{mode}: {latency}"
        peak = figure(name, f"{mode}: slow connections open on the server, peak", out)
        assert number(r"^(\d+) at", peak, out) >= connections // 2, f"{mode}: {peak}"
        cleared = figure(name, f"{mode}: all closed by the server", out)
        ran = re.search(rf"^{name}: figure: {re.escape(mode)}: slowhttptest: ran ([0-9.]+) s", out, re.M)
        assert ran, f"{mode}: no 'ran N s' figure:\n{tail(out)}"
        # Both printed to 0.1 s: 0.1 s of slack for their rounding.
        assert number(r"^([0-9.]+) s after the start", cleared, out) <= float(ran.group(1)) + 1.5 + 0.1, f"{mode}: {cleared}, {ran.group(0)}"


# survive-replicas' checks, one PASS or FAIL line each (its docstring lists them).
REPLICA_CHECKS = [
    "1. one replica, no balancer: no socket errors, no non-2xx",
    "2. one replica behind nginx: no socket errors, no non-2xx",
    "3. two replicas behind nginx: no socket errors, no non-2xx",
    "the kill hit running /dynamics streams on each replica",
    "/dynamics failures only among the streams running on A at the kill",
    "every /dynamics stream B served finished with done: true",
    "every /dynamics stream started after the kill went to B and finished",
    "/healthz errors at most those in flight on A at the kill, all within fail_timeout of it",
    "nginx stops sending to the killed replica",
    "the survivor answers /healthz after the run",
    "the survivor exits 0 on SIGTERM",
]


def test_survive_replicas_6_s_every_check_passes_with_a_replica_killed(survival_env):
    name = "survive-replicas"
    code, out = run_script("scripts/survive-replicas", "6", env=survival_env, timeout=600)
    passed(name, code, out)
    failed = re.findall(rf"^{name}: FAIL: .*$", out, re.M)
    assert not failed, "\n".join(failed)
    missing = [c for c in REPLICA_CHECKS if not re.search(rf"^{name}: PASS: {re.escape(c)}(: |$)", out, re.M)]
    assert not missing, f"no PASS line for {missing}:\n{tail(out)}"
    # The kill came with streams running on each replica, and only those on A failed.
    running = figure(name, "4. kill: /dynamics running at the kill", out)
    on_a, failed_on_a = number(r"^(\d+) on A", running, out), number(r"on A \((\d+) failed", running, out)
    on_b, done_on_b = number(r"(\d+) on B", running, out), number(r"on B \((\d+) finished", running, out)
    assert on_a >= 1 and on_b >= 1 and failed_on_a <= on_a and done_on_b == on_b, running


def test_contract_fuzz_50_examples_every_generated_case_passes(survival_env):
    name = "contract-fuzz"
    code, out = run_script("scripts/contract-fuzz", "50", env=survival_env, timeout=1200)
    passed(name, code, out)
    seed = figure(name, "seed", out)
    assert figure(name, "examples per operation (max)", out) == "50", tail(out)
    cases = figure(name, "test cases", out)
    # schemathesis' "Test cases:" line: N generated, N passed (and any skipped); no other kind.
    generated = number(r"^(\d+) generated", cases, out)
    kinds = dict((k, int(n)) for n, k in re.findall(r"(\d+) (\w+)", cases))
    assert set(kinds) <= {"generated", "passed", "skipped"} and kinds.get("passed", 0) > 0, f"{cases} (rerun with SEED={seed})"
    assert kinds.get("passed", 0) + kinds.get("skipped", 0) == generated, f"{cases} (rerun with SEED={seed})"
    assert figure(name, "server exit code", out) == "0", f"rerun with SEED={seed}:\n{tail(out)}"
