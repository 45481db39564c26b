"""The cluster deployments, tested on this machine: scripts/test-slurm brings up a one-node
Slurm (munged, slurmctld, slurmd from Debian's packages, installed when missing) and runs
deploy/slurm's array and merge scripts through it; scripts/validate-kubernetes checks
deploy/kubernetes offline (no cluster). They stay scripts (docs/scaling.md quotes them);
here each must exit 0 and its PASS/ok lines must say what its checks say.

test-slurm needs root (slurmd launches the jobs as the submitting user) and takes 10-20 s
a mode: marked `root` and `soak`. validate-kubernetes takes about 1 s once its virtual
environment is made (.build-venv-k8s, from PyPI on the first run, 17-36 s): unmarked.

    python3 -m pytest Tests/EndToEnd/test_cluster.py [-m "root and soak"] [-k slurm|kubernetes]
"""
import glob, os, re

import pytest

from script_runs import run_script, succeeded, tail
from support import ROOT


def slurm_passed(code, out):
    """Exit 0, its closing `N passed, 0 failed` with N > 0, and no FAIL line."""
    succeeded("scripts/test-slurm", code, out)
    failed = re.findall(r"^FAIL: .*$", out, re.M)
    assert not failed, "\n".join(failed) + "\n" + tail(out)
    totals = re.search(r"^(\d+) passed, (\d+) failed$", out, re.M)
    assert totals and int(totals.group(1)) > 0 and totals.group(2) == "0", tail(out)


def has_pass(pattern, out):
    assert re.search(rf"^PASS: {pattern}", out, re.M), f"no PASS line matching {pattern!r}:\n{tail(out)}"


@pytest.mark.root
@pytest.mark.soak
def test_slurm_array_jobs_of_reproduce_and_impute_merge_to_the_unsharded_runs(binary, model, mnist):
    # The jobs read the MNIST test set (the `mnist` fixture fetches it when missing).
    code, out = run_script("scripts/test-slurm", binary, model, timeout=900)
    slurm_passed(code, out)
    has_pass(re.escape(f"{binary} has reproduce and impute --shard-dir, and merge"), out)
    for pair in ("reproduce", "impute"):
        has_pass(rf"{pair}: all \d+ array tasks COMPLETED", out)
        has_pass(rf"{pair}: merge job COMPLETED after the array", out)
    has_pass(r"merged report of \d+ shards is byte-identical to the unsharded one", out)
    has_pass(r"impute: merge\.sbatch merged the \d+ shards into OUT, not the run's own --results", out)
    has_pass(r"merged impute results of \d+ shards are byte-identical to the unsharded ones but for the [1-9]\d* seconds values", out)


@pytest.mark.root
@pytest.mark.soak
def test_slurm_smoke_runs_the_sbatch_scripts_with_a_stand_in_and_their_refusals():
    code, out = run_script("scripts/test-slurm", "--smoke", timeout=900)
    slurm_passed(code, out)
    for pattern in [r"merged file holds task 0, 1, 2 of \d+ in order",
                    r"each task saw SLURM_ARRAY_TASK_ID",
                    r"COMMAND=impute: merge got the \d+ \.jsonl shards in order, none of the \d+ \.seconds\.json",
                    r"an array 1-\d+ without SHARDS: every task refused, the merge job never ran",
                    r"SHARDS=\d+ with --array=2 wrote shard 2 of \d+; merge\.sbatch refused the incomplete set",
                    r"COMMAND=train: every array task refused",
                    r"COMMAND=sweep: merged into OUT; merge\.sbatch without OUT refused",
                    r"REPRODUCE_OPTS without OPTS and REPORT without OUT: both refused"]:
        has_pass(pattern, out)


def test_validate_kubernetes_finds_every_manifest_valid():
    code, out = run_script("scripts/validate-kubernetes", timeout=900)
    succeeded("scripts/validate-kubernetes", code, out)
    manifests = sorted(os.path.basename(p) for p in glob.glob(os.path.join(ROOT, "deploy", "kubernetes", "*.y*ml")))
    assert manifests, "no manifests in deploy/kubernetes"
    not_ok = [m for m in manifests if not re.search(rf"^ok +{re.escape(m)} ", out, re.M)]
    assert not not_ok, f"not ok: {not_ok}\n{tail(out)}"
    totals = re.search(r"^validate-kubernetes: (\d+) of (\d+) files valid", out, re.M)
    assert totals and int(totals.group(1)) == int(totals.group(2)) == len(manifests), tail(out)
