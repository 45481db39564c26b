"""What test_soak.py and test_cluster.py share: a script of scripts/ run to its end from the
repository's root with its output captured (stderr into stdout, in order), the tail of that
output for a failure's message, and the `NAME: figure: LABEL: VALUE` lines the survival
scripts print (Tests/Support/survival.py, the form docs/reliability.md quotes)."""
import os, re, signal, subprocess

from support import ROOT

TAIL_LINES = 60


def tail(output, lines=TAIL_LINES):
    """The last `lines` lines of a script's output, for an assertion's message."""
    return "\n".join(output.rstrip("\n").split("\n")[-lines:])


def run_script(*args, env=None, timeout):
    """Runs `args` (a path under scripts/ first) in the repository's root and returns
    (exit code, output). A script that outlives `timeout` seconds gets SIGTERM, which the
    scripts turn into their own clean-up (servers, nginx, Slurm daemons stopped), then
    SIGKILL a minute later; the test fails with the tail of what it printed."""
    command = [os.path.join(ROOT, args[0]), *args[1:]]
    environment = dict(os.environ, **(env or {}))
    process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGTERM)
        try:
            output, _ = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        raise AssertionError(f"{' '.join(args)} did not finish in {timeout} s; the end of its output:\n{tail(output or '')}")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return process.returncode, output


def succeeded(name, code, output):
    """Asserts exit 0, with the tail of the output otherwise."""
    assert code == 0, f"{name} exited {code}; the end of its output:\n{tail(output)}"


def figure(name, label, output):
    """The value of the script's first `NAME: figure: LABEL: VALUE` line for `label` (labels
    and values may hold ': ' themselves, so the label is matched whole); the test fails
    with the output's tail when there is none."""
    m = re.search(rf"^{re.escape(name)}: figure: {re.escape(label)}: (.*)$", output, re.M)
    assert m, f"{name} printed no figure {label!r}; the end of its output:\n{tail(output)}"
    return m.group(1)


def number(pattern, text, output):
    """The number group 1 of `pattern` finds in `text` (a figure's value) as a float; the
    test fails with the output's tail when it is not there."""
    m = re.search(pattern, text or "")
    assert m, f"no {pattern!r} in {text!r}; the end of the output:\n{tail(output)}"
    return float(m.group(1).replace(",", ""))
