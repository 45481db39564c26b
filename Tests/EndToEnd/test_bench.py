"""vaedyn bench --quick, with stand-ins for the peers of scripts/bench-peers (PyTorch, JAX,
numpy: large downloads) that have the same command line and JSON line, so that the
comparison code runs too; and scripts/bench-api, the API against the CLI.

Every ratio a line prints is checked against the figures it is worked out from, on the
same output, never against constants copied from the code."""
import os, re, sys

import pytest

from support import FIGURE, figure

# name, training images/s, chain-steps/s of 500 chains: what each stand-in reports.
PEERS = [("vae_torch.py", "PyTorch", 1000, 4000), ("vae_jax.py", "JAX", 2000, 5000), ("vae_numpy.py", "numpy", 500, 2500)]


def close(printed, worked_out):
    """A printed ratio against the one worked out from the printed figures: within their rounding."""
    return abs(printed - worked_out) <= 0.01 * worked_out + 0.006


@pytest.fixture(scope="module")
def bench(run, model, tmp_path_factory):
    """(the stand-ins' folder, what `vaedyn bench --quick` printed)."""
    peers = str(tmp_path_factory.mktemp("peers"))
    for name, _, train, chains in PEERS:
        # Each notes its arguments in NAME.CHAINS, and reports 100 chain-steps/s for one chain.
        with open(os.path.join(peers, name), "w") as f:
            f.write("import json, os, sys\n"
                    f"open(os.path.join({peers!r}, {name!r} + '.' + os.environ.get('PEER_CHAINS', '500')), 'w').write(' '.join(sys.argv[1:]))\n"
                    f"print('warming up'); print(json.dumps({{'train_img_per_s_median': {train}, "
                    f"'chain_steps_per_s_median': {chains} if os.environ.get('PEER_CHAINS', '500') == '500' else 100}}))\n")
    return peers, run("bench", "--quick", "--model", model, "--peers", peers, "--python", sys.executable, timeout=300).stdout


def ours(out):
    """Our training images/s, chain-steps/s of 500 chains and of one."""
    return (figure(rf"^  training: +{FIGURE} images/s", out), figure(rf"^  chains x500: +{FIGURE} chain-steps/s", out),
            figure(rf"^  one chain: +{FIGURE} chain-steps/s", out))


def test_bench_quick_measures_everything(bench):
    out = bench[1]
    seconds = figure(rf"^  dynamics run: +{FIGURE} s for 500 trials x 10 steps", out)
    assert min(*ours(out), seconds) > 0, out


def test_bench_quick_rates_one_trial_and_the_products_by_their_own_figures(bench):
    # One trial through the engine, and the fixed-order product against OpenBLAS, each
    # with the ratio the line prints worked out from its own figures.
    out = bench[1]
    chain1 = ours(out)[2]
    trial = re.search(rf"^  one trial: +{FIGURE} chain-steps/s \(engine path; {FIGURE}x the bare chain\)$", out, re.M)
    assert trial and float(trial.group(1)) > 0 and abs(float(trial.group(2)) - float(trial.group(1)) / chain1) <= 0.01 * float(trial.group(2)) + 0.006, out
    products = re.search(rf"^  products: +fixed order {FIGURE} ms, OpenBLAS sgemm {FIGURE} ms .*: {FIGURE}x OpenBLAS's speed$", out, re.M)
    assert products, out
    fixed, theirs, ratio = (float(products.group(k)) for k in (1, 2, 3))
    assert fixed > 0 and theirs > 0 and abs(ratio - theirs / fixed) <= 0.01 * ratio + 0.006, products.group(0)


def test_bench_quick_rates_each_peer_against_ours(bench):
    out = bench[1]
    train, chain500, chain1 = ours(out)
    for _, label, peer_train, peer_chains in PEERS:
        line = re.search(rf"^{label}: training (\d+) images/s \(ours {FIGURE}x\), chains x500 (\d+) steps/s \(ours {FIGURE}x\)$", out, re.M)
        assert line, (label, out)
        assert int(line.group(1)) == peer_train and int(line.group(3)) == peer_chains, line.group(0)
        assert close(float(line.group(2)), train / peer_train), line.group(0)
        assert close(float(line.group(4)), chain500 / peer_chains), line.group(0)
    for label in ("PyTorch 1 chain", "JAX 1 chain"):
        line = re.search(rf"^{label}: 100 chain-steps/s \(ours {FIGURE}x\)$", out, re.M)
        assert line and close(float(line.group(1)), chain1 / 100), (label, out)


def test_bench_quick_tells_the_peers_the_quick_sizes(bench):
    # Threads, 10 training steps, 1 repetition.
    peers = bench[0]
    for name in ("vae_torch.py.500", "vae_jax.py.500", "vae_numpy.py.500", "vae_torch.py.1", "vae_jax.py.1"):
        assert open(os.path.join(peers, name)).read().split()[1:] == ["10", "1"], name


def test_bench_api_compares_the_api_with_the_cli(run, binary, model):
    out = run("scripts/bench-api", "--binary", binary, "--model", model, "--repetitions", "1", timeout=600).stdout
    first = figure(rf"^  first record +{FIGURE} ms", out)
    total = figure(rf"^  total +{FIGURE} s", out)
    cli = figure(rf"^  CLI, same run +{FIGURE} s", out)
    ratio = figure(rf"API/CLI = {FIGURE}", out)
    pair = figure(rf"^  two at once +{FIGURE} s", out)
    idle = figure(rf"^  resident memory +{FIGURE} MB idle", out)
    assert 0 < first / 1000 < total and 0 < cli and 0 < pair and idle > 0, out
    assert abs(ratio - total / cli) <= 0.01 + 0.01 * ratio, out
