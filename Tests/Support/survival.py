"""What the survival scripts (scripts/survive-load, survive-slow, contract-fuzz) share: the
command line, the tools' installer, a server that is stopped however the script ends, the
server's own view of itself (/proc), a /healthz probe, and one way to print figures."""
import http.client, os, signal, subprocess, sys, threading, time

from live_server import ROOT, LiveServer

BINARY = os.environ.get("VAEDYN_BINARY", os.path.join(ROOT, ".build", "release", "vaedyn"))
MODEL = os.environ.get("VAEDYN_MODEL", os.path.join(ROOT, "models", "mnist-default.vaem"))
# Served beside MODEL, so that the survival runs see the shared compute slots and queue.
SECOND_MODEL = os.environ.get("VAEDYN_SECOND_MODEL", os.path.join(ROOT, "models", "fashion-default.vaem"))


class Failed(Exception):
    """A survival requirement was not met; the message says which."""


def argument(default, usage):
    """The script's one optional positive-integer argument."""
    if len(sys.argv) > 2 or (len(sys.argv) == 2 and not sys.argv[1].isdigit()) or (len(sys.argv) == 2 and int(sys.argv[1]) < 1):
        sys.exit(f"usage: {usage}")
    return int(sys.argv[1]) if len(sys.argv) == 2 else default


def prepare(name):
    """Installs the missing tools and checks the server binary is built. SIGTERM and SIGHUP
    become exceptions, so the `finally` that stops the server runs however the script ends."""
    def interrupted(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGHUP, interrupted)
    subprocess.run([os.path.join(ROOT, "scripts", "setup-survival-tests")], check=True)
    if not os.access(BINARY, os.X_OK):
        sys.exit(f"{name}: {BINARY} is missing; run `make build` first")


def run(name, body):
    """Runs `body()`; a Failed ends the script with its message and exit code 1."""
    try:
        body()
    except Failed as failure:
        print(f"{name}: FAILED: {failure}", flush=True)
        sys.exit(1)
    print(f"{name}: passed", flush=True)


def start_server(config, env=None):
    return LiveServer(BINARY, MODEL, config=config, env=env, flags=("--model", SECOND_MODEL))


def server_log(server):
    server.log.seek(0)
    return server.log.read()


def figure(name, label, value):
    """One measured figure per line, the form docs/reliability.md quotes."""
    print(f"{name}: figure: {label}: {value}", flush=True)


def rss_kib(pid):
    """Resident memory (VmRSS) and its peak (VmHWM) in KiB."""
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key] = value.split()
    return int(fields["VmRSS"][0]), int(fields["VmHWM"][0])


def open_sockets(pid):
    """Sockets the process holds, listeners included: the server's own count of its open
    connections, which is what its deadlines act on (a client may still think one open)."""
    count = 0
    fds = f"/proc/{pid}/fd"
    for fd in os.listdir(fds):
        try:
            if os.readlink(os.path.join(fds, fd)).startswith("socket:"):
                count += 1
        except FileNotFoundError:
            pass  # closed while listed
    return count


def percentile(values, p):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class Probe(threading.Thread):
    """A normal client: a fresh connection and GET /healthz every `interval` seconds,
    recording each latency (connect to last byte) and any failure; it also samples the
    server's open sockets before each probe."""

    def __init__(self, server, interval=0.1, timeout=2.0):
        super().__init__(daemon=True)
        self.server, self.interval, self.timeout = server, interval, timeout
        self.latencies, self.failures, self.sockets = [], [], []
        self.halt = threading.Event()

    def run(self):
        while not self.halt.is_set():
            # Counted before the probe's own connection opens, and long after the last one closed.
            try:
                self.sockets.append((time.monotonic(), open_sockets(self.server.process.pid)))
            except OSError:
                pass
            began = time.monotonic()
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=self.timeout)
                c.request("GET", "/healthz")
                r = c.getresponse()
                r.read()
                c.close()
                elapsed = time.monotonic() - began
                if r.status != 200:
                    self.failures.append(f"status {r.status}")
                self.latencies.append(elapsed)
            except OSError as error:
                self.failures.append(f"{type(error).__name__}: {error}")
            self.halt.wait(max(0.0, self.interval - (time.monotonic() - began)))

    def stop(self):
        self.halt.set()
        self.join()
