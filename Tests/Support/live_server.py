"""What the Python end-to-end tests share: `vaedyn serve` on a free loopback port, and a
tiny runner that counts passes and failures and closes with 'N passed, N failed'."""
import json, os, signal, subprocess, sys, tempfile, traceback

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


class LiveServer:
    """`vaedyn serve --port 0`, optionally with a configuration file and more flags; stopped
    with SIGTERM."""

    def __init__(self, binary, model, config=None, env=None, flags=(), scheme="http"):
        self.config_path = None
        args = [binary, "serve", "--host", "127.0.0.1", "--port", "0", "--model", model, *flags]
        if config is not None:
            fd, self.config_path = tempfile.mkstemp(suffix=".json")
            with os.fdopen(fd, "w") as f:
                json.dump(config, f)
            args += ["--config", self.config_path]
        # The log goes to a file: a pipe nobody reads would stall the server once full.
        self.log = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("listening on"):
            self.stop()
            self.log.seek(0)
            raise RuntimeError(f"server did not start: {line!r} {self.log.read()}")
        self.port = int(line.split()[-1])
        self.url = f"{scheme}://127.0.0.1:{self.port}"

    def stop(self):
        """Stops the server gracefully (SIGTERM; killed after 15 s) and returns its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.config_path:
            os.unlink(self.config_path)
            self.config_path = None
        return self.process.returncode


class Runner:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def test(self, fn):
        """Runs `fn` at once (used as a decorator) and records its outcome."""
        try:
            fn()
            self.passed += 1
            print(f"PASS {fn.__name__}", flush=True)
        except Exception:
            self.failed += 1
            print(f"FAIL {fn.__name__}\n{traceback.format_exc()}", flush=True)
        return fn

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed", flush=True)
        sys.exit(1 if self.failed else 0)
