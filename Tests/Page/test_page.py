#!/usr/bin/env python3
"""The page (public/) in a real browser: starts `vaedyn serve` on a free loopback port,
drives Debian's headless Chromium through selenium, and checks what a researcher would
see: the catalogue loads, a short run streams into every figure, Stop ends a long run (and
the server stops computing), a sweep fills Fig 3, a drawing can be run and cleared, downloads
hold the run, API errors are shown in words, every control is labelled, a phone-width layout
does not overflow, and the console stays clean. Then a second server, configured with other
limits and serving a variant of the model (other class names, no projection axes), shows
that the page takes its limits and classes from the server and asks for projections only
when the model has them; a third server with two models shows the picker switching the
catalogue and running on the model picked; and with Chart.js blocked, the page says what did not load.
Saves a screenshot beside the binary's build folder (BUILD/page-screenshot.png for
BUILD/release/vaedyn). Prints 'N passed, N failed'.

Needs scripts/setup-browser-tests (Chromium, chromium-driver, selenium).

usage: test_page.py VAEDYN_BINARY MODEL_FILE SECOND_MODEL_FILE
"""
import base64, csv, json, os, shutil, struct, sys, tempfile, traceback, urllib.error, urllib.request, zlib

from selenium import webdriver
from selenium.webdriver.chrome.service import Service as DriverService
from selenium.webdriver.common.actions import interaction
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.actions.pointer_input import PointerInput
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Support"))
from live_server import ROOT, LiveServer, Runner  # noqa: E402
BINARY, MODEL, SECOND_MODEL = sys.argv[1], sys.argv[2], sys.argv[3]
# BUILD/release/vaedyn -> BUILD/page-screenshot.png: beside the build that was tested.
SCREENSHOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(BINARY))), "page-screenshot.png")
# Bounds on waiting for the server and the browser, so a hang fails instead of blocking
# `make test`; none of them is a speed requirement.
WAIT = 180
PNG = b"\x89PNG\r\n\x1a\n"
runner = Runner()
test = runner.test


class Server(LiveServer):
    """`vaedyn serve` on a free loopback port, serving public/ from the repository."""

    def __init__(self, model=MODEL, config=None):
        super().__init__(BINARY, model, config)

    def json(self, path):
        with urllib.request.urlopen(self.url + path, timeout=30) as r:
            return json.load(r)

    def post(self, path, payload):
        """(status, parsed body) of a JSON POST answered with one document."""
        request = urllib.request.Request(self.url + path, data=json.dumps(payload).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as r:
                return r.status, json.load(r)
        except urllib.error.HTTPError as error:
            return error.code, json.load(error)


def variant_model(path, class_names=None, projection=True, model_id=None):
    """Writes a copy of MODEL with its classes renamed (`class_names`, in class order, the
    class concepts' labels following), with `projection` false without projection axes
    (empty tensors, as the format allows), and with `model_id` under another id: the layout
    of TensorArchive, re-laid out with its 64-byte alignment and CRC-32."""
    with open(os.path.join(ROOT, MODEL), "rb") as f:
        data = f.read()
    magic, (version, header_length) = data[:8], struct.unpack_from("<II", data, 8)
    header = json.loads(data[16:16 + header_length])
    base = 16 + header_length
    blobs = {t["name"]: data[base + t["offset"]:base + t["offset"] + t["length"]] for t in header["tensors"]}
    description = json.loads(base64.b64decode(header["metadata"]))
    if class_names:
        renamed = dict(zip(description["classNames"], class_names))
        description["classNames"] = list(class_names)
        for concept in description["concepts"]:
            if concept["level"] == "class":
                concept["label"] = renamed[concept["label"]]
    if model_id:
        description["id"] = model_id
    if not projection:
        latent = description["architecture"]["latentSize"]
        blobs["projection_mean"], blobs["projection_axes"] = b"", b""
        description["projectionVariance"] = []
        for t in header["tensors"]:
            t["shape"] = {"projection_mean": [0], "projection_axes": [0, latent]}.get(t["name"], t["shape"])
    offset = 0
    for t in header["tensors"]:
        t["offset"], t["length"] = offset, len(blobs[t["name"]])
        offset = (offset + t["length"] + 63) // 64 * 64
    header["dataLength"] = header["tensors"][-1]["offset"] + header["tensors"][-1]["length"]
    header["metadata"] = base64.b64encode(json.dumps(description).encode()).decode()
    head = json.dumps(header).encode()
    out = bytearray(magic + struct.pack("<II", version, len(head)) + head)
    start = len(out)
    for t in header["tensors"]:
        out += bytes(start + t["offset"] - len(out)) + blobs[t["name"]]
    out += struct.pack("<I", zlib.crc32(out))
    with open(path, "wb") as f:
        f.write(out)


def browser(downloads):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    # Root in a container needs --no-sandbox; the rest keeps Chromium off the network
    # beyond the loopback server.
    for arg in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1500,1100",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-pings"]:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.add_experimental_option("prefs", {"download.default_directory": downloads, "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=DriverService("/usr/bin/chromedriver"), options=options)
    driver.set_script_timeout(WAIT)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
    return driver


downloads = tempfile.mkdtemp(prefix="vaedyn-page-")
server = driver = None
try:
    server = Server()
    driver = browser(downloads)
except Exception:
    # Nothing to test without both; still end with the summary line.
    print(f"FAIL start\n{traceback.format_exc()}\n0 passed, 1 failed")
    if server:
        server.stop()
    shutil.rmtree(downloads)
    sys.exit(1)


def app(name):
    return driver.find_element(By.ID, "app").get_attribute(f"data-{name}")


def wait_for(condition, what):
    return WebDriverWait(driver, WAIT, poll_frequency=0.1).until(lambda d: condition(), message=what)


def wait_finished():
    """Waits until the current run leaves the running state; returns the state."""
    wait_for(lambda: app("state") != "running", "the run to finish")
    return app("state")


def viewport(width, height):
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})


def set_field(element_id, value):
    field = driver.find_element(By.ID, element_id)
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(str(value))


def chart(canvas_id, expression):
    """Evaluates `expression` with `c` bound to the Chart.js instance on that canvas."""
    return driver.execute_script(f"const c = Chart.getChart(document.getElementById('{canvas_id}')); return {expression};")


def pick_exemplar(digit):
    """Picks an exemplar of `digit` from the keyboard: the grid's one Tab stop, arrow keys
    up or down its rows of digits, Enter."""
    stop = driver.find_element(By.CSS_SELECTOR, ".exemplar[tabindex='0']")
    rows = digit - int(stop.get_attribute("data-digit"))
    stop.send_keys(*[Keys.ARROW_DOWN if rows > 0 else Keys.ARROW_UP] * abs(rows), Keys.ENTER)
    picked = driver.find_element(By.CSS_SELECTOR, ".exemplar[aria-pressed='true']")
    assert picked.get_attribute("data-digit") == str(digit) and picked == driver.switch_to.active_element


def stroke(kind, points, canvas="pad"):
    """Draws through `points` (offsets from the canvas's centre) with a mouse or a finger."""
    pad = driver.find_element(By.ID, canvas)
    # The controls scroll on their own: bring the canvas into their view first.
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", pad)
    actions = ActionBuilder(driver, mouse=PointerInput(kind, kind))
    actions.pointer_action.move_to(pad, *points[0]).pointer_down()
    for x, y in points[1:]:
        actions.pointer_action.move_to(pad, x, y)
    actions.pointer_action.pointer_up()
    actions.perform()


def canvas_pixels(element_id):
    return driver.execute_script(
        "const c = document.getElementById(arguments[0]);"
        "return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data);", element_id)


def severe_console_entries():
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def watch_requests():
    """From now on (until the next page load) the page's POST bodies are kept in
    window.sentBodies, in order; api.js calls the global fetch, so wrapping it sees them.
    Called again on the same page it starts the list afresh (the page's own fetch is wrapped once)."""
    driver.execute_script(
        "window.sentBodies = []; window.unwatchedFetch ??= window.fetch;"
        "window.fetch = (url, init = {}) => {"
        "  if (init.method === 'POST') window.sentBodies.push({ path: String(url), body: JSON.parse(init.body) });"
        "  return window.unwatchedFetch(url, init); };")


def sent_bodies():
    return driver.execute_script("return window.sentBodies;")


def blank(element_id):
    """True when the canvas shows nothing: every pixel black or transparent."""
    pixels = canvas_pixels(element_id)
    return not any(v for i, v in enumerate(pixels) if i % 4 != 3)


def open_page(url):
    """Loads the page afresh and waits for its catalogue."""
    driver.get(url + "/")
    wait_for(lambda: app("concepts") != "0" or app("state") == "error", "the page to load")
    assert app("state") != "error", driver.find_element(By.ID, "error").text


def downloaded(name):
    """The bytes of a finished download: present, not empty (none of ours is), and no
    partial .crdownload left beside it."""
    path = os.path.join(downloads, name)
    finished = lambda: os.path.exists(path) and os.path.getsize(path) > 0 and not any(
        f.endswith(".crdownload") for f in os.listdir(downloads))
    wait_for(finished, f"{name} to download")
    with open(path, "rb") as f:
        return f.read()


def saved(name):
    """A download's name: the page puts the id of the model its run ran on first."""
    return f"{app('model')}-{name}"


try:
    driver.get(server.url + "/")
    concepts = server.json("/concepts?fields=projection")["concepts"]
    exemplars = server.json("/exemplars")["exemplars"]

    @test
    def page_loads_the_catalogue():
        wait_for(lambda: app("concepts") != "0", "the concepts to load")
        assert int(app("exemplars")) == len(exemplars) and int(app("concepts")) == len(concepts)
        assert len(driver.find_elements(By.CSS_SELECTOR, "#exemplars .exemplar")) == len(exemplars)
        assert len(driver.find_elements(By.CSS_SELECTOR, "#exemplars .exemplar[tabindex='0']")) == 1, "one Tab stop"
        assert len(driver.find_elements(By.CSS_SELECTOR, "#gallery .concept")) == len(concepts)
        # Fig 2c already places every concept, where /concepts says.
        points = chart("fig2c", "c.data.datasets[0].data.map(p => [p.x, p.y])")
        assert points == [c["projection"] for c in concepts], points
        assert app("state") == "idle" and driver.find_element(By.CSS_SELECTOR, ".exemplar[aria-pressed='true']")
        # One model served: nothing to pick.
        assert app("models") == "1" and not driver.find_element(By.ID, "model-choice").is_displayed()

    @test
    def noise_preview_follows_model_and_ratio():
        driver.find_element(By.ID, "binarize").click()  # grey levels, so p = 0 leaves x0 clean
        ratio = driver.find_element(By.ID, "noise-ratio")
        ratio.send_keys(Keys.HOME)
        assert driver.find_element(By.ID, "noise-ratio-value").text == "0.00"
        assert canvas_pixels("noisy-preview") == canvas_pixels("clean-preview")
        ratio.send_keys(Keys.END)
        assert driver.find_element(By.ID, "noise-ratio-value").text == "1.00"
        assert canvas_pixels("noisy-preview") != canvas_pixels("clean-preview")
        driver.find_element(By.ID, "binarize").click()
        driver.execute_script("const r = document.getElementById('noise-ratio'); r.value = 0.2;"
                              "r.dispatchEvent(new Event('input'));")

    @test
    def short_run_streams_into_every_figure():
        pick_exemplar(3)
        steps, trials = 5, 8
        set_field("steps", steps)
        set_field("trials", trials)
        driver.find_element(By.ID, "run").click()
        assert wait_finished() == "done", driver.find_element(By.ID, "error").text
        assert app("experiment") == "dynamics"
        assert int(app("steps-received")) == steps + 1 and int(app("records-received")) == steps + 3
        references = len(concepts) + 1  # the concepts and the input's own pattern
        # Fig 2b: per reference an upper edge, a lower edge and the mean, one point a step.
        lengths = chart("fig2b", "c.data.datasets.map(d => d.data.length)")
        assert lengths == [steps + 1] * (3 * references), lengths
        bands = chart("fig2b", "c.data.datasets.filter((d, i) => i % 3 === 0).map((d, i) =>"
                               " d.data.every((p, t) => p.y >= c.data.datasets[3 * i + 1].data[t].y))")
        assert all(bands), bands
        ribbon = driver.find_elements(By.CSS_SELECTOR, "#nearest-ribbon .nearest-run")
        assert sum(int(r.get_attribute("data-steps")) for r in ribbon) == steps + 1
        assert len(driver.find_elements(By.CSS_SELECTOR, "#strip .frame")) == steps + 1
        # The input is a 3: its class concept is the one drawn heavy.
        heavy = chart("fig2b", "c.data.datasets.filter(d => !d.band && d.level === 'class' && d.borderWidth > 2).map(d => d.ref)")
        assert heavy == ["class-3"], heavy
        # Fig 2c: the mean state and each drawn trial (some of them) gain a point per step.
        lengths = chart("fig2c", "c.data.datasets.slice(1).map(d => d.data.length)")
        assert 2 <= len(lengths) <= 1 + trials and set(lengths) == {steps + 1}, lengths
        assert "Done" in driver.find_element(By.ID, "status").text

    @test
    def run_downloads_hold_the_records():
        driver.find_element(By.CSS_SELECTOR, "[data-download='dynamics-ndjson']").click()
        records = [json.loads(line) for line in downloaded(saved("dynamics.ndjson")).decode().splitlines()]
        assert [r["type"] for r in records] == ["start"] + ["step"] * 6 + ["summary"], [r["type"] for r in records]
        driver.find_element(By.CSS_SELECTOR, "[data-download='dynamics-csv']").click()
        rows = list(csv.reader(downloaded(saved("dynamics.csv")).decode().splitlines()))
        assert rows[0][:3] == ["t", "nearest", "d_" + records[0]["references"][0]["id"]], rows[0]
        assert [int(r[0]) for r in rows[1:]] == list(range(6))
        for figure in ["fig2a", "fig2b", "fig2c"]:
            driver.find_element(By.CSS_SELECTOR, f"[data-download='{figure}']").click()
            assert downloaded(saved(f"{figure}.png")).startswith(PNG), figure

    @test
    def stop_ends_a_long_stream_and_the_computation():
        set_field("steps", 1000)
        set_field("trials", 1000)
        driver.find_element(By.ID, "run").click()
        wait_for(lambda: int(app("steps-received") or 0) >= 2, "the first steps")
        # The figures grow while the stream runs, not only at its end.
        assert app("state") == "running" and chart("fig2b", "c.data.datasets[2].data.length") >= 2
        driver.find_element(By.ID, "stop").click()
        assert wait_finished() == "stopped"
        received = int(app("records-received"))
        # The server notices the closed connection and stops within one step.
        wait_for(lambda: server.json("/healthz")["computationsRunning"] == 0, "the server to stop computing")
        assert int(app("records-received")) == received
        assert int(app("steps-received")) < 1001
        assert driver.find_element(By.ID, "run").is_enabled() and not driver.find_element(By.ID, "stop").is_enabled()

    @test
    def tiny_sweep_fills_fig3_with_stages():
        pick_exemplar(6)
        set_field("steps", 5)
        set_field("trials", 8)
        set_field("noise-grid", "0:1:0.5")
        driver.find_element(By.ID, "sweep").click()
        assert wait_finished() == "done", driver.find_element(By.ID, "error").text
        assert app("experiment") == "sweep" and int(app("points-received")) == 3
        assert chart("fig3", "c.data.datasets.map(d => d.data.map(p => p.x))") == [[0, 0.5, 1]] * (len(concepts) + 1)
        stages = chart("fig3", "c.$stagePoints.map(p => p.stage)")
        assert len(stages) == 3 and all(s in (1, 2, 3) for s in stages), stages
        assert driver.find_element(By.ID, "transitions").text, "the summary's transitions are not described"
        driver.find_element(By.CSS_SELECTOR, "[data-download='sweep-csv']").click()
        rows = list(csv.reader(downloaded(saved("sweep.csv")).decode().splitlines()))
        assert rows[0][:5] == ["input", "label", "ratio", "stage", "stage_reference"], rows[0]
        assert [(r[1], float(r[2]), int(r[3])) for r in rows[1:]] == [("6", 0.0, stages[0]), ("6", 0.5, stages[1]), ("6", 1.0, stages[2])]
        driver.find_element(By.CSS_SELECTOR, "[data-download='fig3']").click()
        assert downloaded(saved("fig3.png")).startswith(PNG)

    @test
    def drawn_digit_runs_as_pixels():
        stroke(interaction.POINTER_MOUSE, [(0, -60), (0, 60)])  # a 1
        assert not driver.find_elements(By.CSS_SELECTOR, ".exemplar[aria-pressed='true']")
        one = canvas_pixels("clean-preview")
        assert any(one[0::4]), "the mouse drawing did not reach the preview"
        driver.find_element(By.ID, "clear-pad").click()
        stroke(interaction.POINTER_TOUCH, [(-50, -60), (50, -60), (-10, 60)])  # a 7, by finger
        assert canvas_pixels("clean-preview") != one, "the finger drawing did not reach the preview"
        Select(driver.find_element(By.ID, "drawn-label")).select_by_visible_text("7")
        set_field("steps", 2)
        set_field("trials", 4)
        driver.find_element(By.ID, "run").click()
        assert wait_finished() == "done", driver.find_element(By.ID, "error").text
        assert int(app("steps-received")) == 3
        # The class given with the drawing reached the server: its concept is drawn heavy.
        heavy = chart("fig2b", "c.data.datasets.filter(d => !d.band && d.level === 'class' && d.borderWidth > 2).map(d => d.ref)")
        assert heavy == ["class-7"], heavy

    @test
    def clearing_a_drawing_forgets_it():
        watch_requests()
        stroke(interaction.POINTER_MOUSE, [(0, -60), (0, 60)])  # a 1
        Select(driver.find_element(By.ID, "drawn-label")).select_by_index(2)  # with a class
        one = canvas_pixels("clean-preview")
        assert not blank("clean-preview") and not blank("noisy-preview")
        driver.find_element(By.ID, "clear-pad").click()
        assert blank("pad") and blank("clean-preview") and blank("noisy-preview"), "the erased drawing is still previewed"
        run, sweep = driver.find_element(By.ID, "run"), driver.find_element(By.ID, "sweep")
        assert not run.is_enabled() and not sweep.is_enabled(), "there is nothing to run, yet Run is enabled"
        assert driver.find_element(By.ID, "drawn-label").get_attribute("value") == "", "the erased drawing's class is kept"
        assert "draw" in driver.find_element(By.ID, "status").text.lower(), driver.find_element(By.ID, "status").text
        driver.execute_script("document.getElementById('run').click(); document.getElementById('sweep').click();")
        assert sent_bodies() == [] and app("state") == "done", sent_bodies()
        # The next drawing is what runs, not the erased one, and without the erased one's class.
        stroke(interaction.POINTER_TOUCH, [(-50, -60), (50, -60), (-10, 60)])  # a 7
        seven = canvas_pixels("clean-preview")
        assert run.is_enabled()
        set_field("steps", 2)
        set_field("trials", 4)
        run.click()
        assert wait_finished() == "done", driver.find_element(By.ID, "error").text
        [request] = sent_bodies()
        body = request["body"]
        sent = [round(v * 255) for v in body["image"]["pixels"]]
        assert all(abs(a - b) <= 1 for a, b in zip(sent, seven[0::4])) and len(sent) == len(seven) // 4, "the run did not send the preview"
        assert sum(abs(a - b) > 1 for a, b in zip(sent, one[0::4])) > 50, "the run sent the erased drawing"
        assert "label" not in body, body.get("label")
        # This model has projection axes, so the run asks for them (the other server's has none).
        assert body.get("projection") is True, body.get("projection")
        # Clearing an empty pad leaves a picked exemplar alone.
        pick_exemplar(6)
        driver.find_element(By.ID, "clear-pad").click()
        assert run.is_enabled() and not blank("clean-preview")

    @test
    def the_eraser_hides_pixels_that_an_imputation_run_fills_in():
        kernel = Select(driver.find_element(By.ID, "kernel"))
        assert kernel.first_selected_option.get_attribute("value") == "gibbs"
        pick_exemplar(6)
        # A stroke across the top hides pixels and, with the paper's chain picked, picks the exact chain.
        stroke(interaction.POINTER_MOUSE, [(-60, -60), (60, -60)], canvas="eraser")
        assert kernel.first_selected_option.get_attribute("value") == "mwg"
        painted = driver.find_element(By.ID, "hidden-count").text
        assert "pixels hidden" in painted and int(painted.split()[0]) > 20, painted
        red = canvas_pixels("eraser")
        # The stroke's row, in the canvas's own pixels (it is shown smaller than it is).
        side, shown = driver.execute_script("const c = document.getElementById('eraser'); return [c.width, c.getBoundingClientRect().width];")
        y = int((shown / 2 - 60) * side / shown)
        top, bottom = (side * y + side // 2) * 4, (side * (side - 5) + 5) * 4
        assert red[top] >= 150 and red[top + 1] < red[top], red[top:top + 4]
        assert red[bottom] == red[bottom + 1] == red[bottom + 2], "an unpainted pixel is tinted"
        # A half replaces the paint; the run sends it as indices with the kernel.
        Select(driver.find_element(By.ID, "mask-half")).select_by_value("top-half")
        assert driver.find_element(By.ID, "hidden-count").text.startswith("392 pixels hidden")
        watch_requests()
        set_field("steps", 5)
        set_field("trials", 20)
        driver.find_element(By.ID, "run").click()
        assert wait_finished() == "done", driver.find_element(By.ID, "error").text
        bodies = sent_bodies()
        assert len(bodies) == 1, [(b["path"], {k: v for k, v in b["body"].items() if k not in ("image", "mask")}) for b in bodies]
        request = bodies[0]
        assert request["body"]["kernel"] == "mwg" and request["body"]["mask"] == list(range(392)), request["body"].get("mask", [])[:5]
        # Fig 2a: the hidden rows red in every frame, the acceptance under every frame after t = 0.
        captions = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#strip .frame figcaption")]
        assert len(captions) == 6 and "acc" not in captions[0] and all("acc" in c and "%" in c for c in captions[1:]), captions
        frame = driver.execute_script(
            "const c = document.querySelectorAll('#strip .frame canvas')[3];"
            "return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data);")
        assert frame[0] >= 150 and frame[1] < frame[0], "a hidden pixel of the frame is not red"
        last = 27 * 28 * 4
        assert frame[last] == frame[last + 1] == frame[last + 2], "an observed pixel of the frame is tinted"
        text = driver.find_element(By.ID, "status").text
        assert "392 hidden pixels" in text and "accepted" in text, text
        # Nothing hidden, an imputation chain has nothing to do: said, and nothing sent.
        driver.find_element(By.ID, "clear-mask").click()
        assert "No pixel hidden yet" in driver.find_element(By.ID, "hidden-count").text
        driver.find_element(By.ID, "run").click()
        error = driver.find_element(By.ID, "error")
        assert error.is_displayed() and "paint" in error.text, error.text
        assert len(sent_bodies()) == 1 and app("state") == "done"
        kernel.select_by_value("gibbs")
        assert driver.find_element(By.ID, "hidden-count").text == "No pixel hidden."

    @test
    def every_control_is_labelled():
        unlabelled = driver.execute_script(
            "return Array.from(document.querySelectorAll('input, select, button, textarea'))"
            ".filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim()"
            " && !e.querySelector('[aria-label]')).map(e => e.outerHTML.slice(0, 80));")
        assert unlabelled == [], unlabelled

    @test
    def console_has_no_errors():
        entries = severe_console_entries()
        assert entries == [], entries

    @test
    def api_errors_are_shown_in_words():
        pick_exemplar(6)
        set_field("steps", 5000)
        driver.find_element(By.ID, "run").click()
        assert wait_finished() == "error"
        message = driver.find_element(By.ID, "error")
        assert message.is_displayed() and "422" in message.text and "steps" in message.text, message.text
        # Chrome reports the refused request itself; nothing else may appear.
        others = [e for e in severe_console_entries() if "422" not in e["message"]]
        assert others == [], others

    @test
    def phone_width_does_not_overflow():
        viewport(390, 844)  # narrower than a headless window may be
        try:
            assert driver.execute_script("return innerWidth;") == 390
            # Charts follow a new width on their next resize callback, so the page gets
            # a moment to settle before it counts as too wide.
            overflow = lambda: driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth;")
            wait_for(lambda: overflow() <= 0, "the page to fit a phone's width")
        finally:
            driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    @test
    def screenshot_of_a_paper_run():
        set_field("steps", 30)
        set_field("trials", 50)
        set_field("noise-grid", "0:1:0.1")
        driver.find_element(By.ID, "sweep").click()
        assert wait_finished() == "done", driver.find_element(By.ID, "error").text
        driver.find_element(By.ID, "run").click()
        assert wait_finished() == "done", driver.find_element(By.ID, "error").text
        viewport(1500, driver.execute_script("return document.documentElement.scrollHeight;"))
        os.makedirs(os.path.dirname(SCREENSHOT), exist_ok=True)
        assert driver.save_screenshot(SCREENSHOT)
        assert severe_console_entries() == []

    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    # A second server: limits other than the defaults (and than the page's own input
    # values) and a model whose classes have other names and which has no projection axes.
    LIMITS = {"maxSteps": 321, "maxTrials": 77, "maxChainSteps": 20000, "maxSweepPoints": 9, "maxSweepInputs": 5}
    CLASS_NAMES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    variant_dir = tempfile.mkdtemp(prefix="vaedyn-variant-")
    other = None
    try:
        variant = os.path.join(variant_dir, "variant.vaem")
        variant_model(variant, CLASS_NAMES, projection=False)
        other = Server(variant, {"limits": LIMITS})

        @test
        def the_second_server_differs_as_the_tests_need():
            model = other.json("/model")
            assert model["classNames"] == CLASS_NAMES and model["limits"] == LIMITS, (model["classNames"], model.get("limits"))
            assert server.json("/model")["limits"] != LIMITS
            assert not any("projection" in c for c in other.json("/concepts?fields=projection")["concepts"])
            status, body = other.post("/dynamics?stream=false", {"image": {"exemplar": {"digit": 6}}, "steps": 1, "trials": 1, "projection": True})
            assert status == 422 and "projection" in body["error"]["message"], (status, body)

        @test
        def limits_and_class_names_come_from_the_server():
            open_page(other.url)
            steps, trials = driver.find_element(By.ID, "steps"), driver.find_element(By.ID, "trials")
            assert (steps.get_attribute("max"), trials.get_attribute("max")) == (str(LIMITS["maxSteps"]), str(LIMITS["maxTrials"]))
            assert 1 <= int(steps.get_attribute("value")) <= LIMITS["maxSteps"], steps.get_attribute("value")
            assert 1 <= int(trials.get_attribute("value")) <= LIMITS["maxTrials"], trials.get_attribute("value")
            options = [(o.get_attribute("value"), o.text) for o in Select(driver.find_element(By.ID, "drawn-label")).options]
            assert options == [("", "unknown")] + [(str(i), name) for i, name in enumerate(CLASS_NAMES)], options
            said = driver.find_element(By.ID, "limits").text
            assert all(f"{LIMITS[k]:,}" in said for k in ["maxSteps", "maxTrials", "maxChainSteps"]), said
            assert f"{LIMITS['maxSweepPoints']} ratios" in driver.find_element(By.ID, "grid-hint").text

        @test
        def a_model_without_projection_axes_is_not_asked_for_them():
            watch_requests()
            pick_exemplar(6)
            # The page's own values, as the server's limits left them, run as they are.
            driver.find_element(By.ID, "run").click()
            assert wait_finished() == "done", driver.find_element(By.ID, "error").text
            [request] = sent_bodies()
            assert request["path"] == "/dynamics" and "projection" not in request["body"], request["body"]
            assert int(app("steps-received")) == int(driver.find_element(By.ID, "steps").get_attribute("value")) + 1
            # Fig 2c says why it is empty instead of showing empty axes, and offers nothing to save.
            assert driver.find_element(By.ID, "no-projection").is_displayed() and not driver.find_element(By.ID, "fig2c").is_displayed()
            assert chart("fig2c", "c.data.datasets.flatMap(d => d.data).length") == 0
            assert not driver.find_element(By.CSS_SELECTOR, "[data-download='fig2c']").is_enabled()
            assert severe_console_entries() == []
    finally:
        if other:
            other.stop()
        shutil.rmtree(variant_dir)

    # A third server with two models: the picker lists both and switches between them.
    pair = None
    try:
        pair = LiveServer(BINARY, MODEL, flags=("--model", SECOND_MODEL))
        listing = json.load(urllib.request.urlopen(pair.url + "/models", timeout=30))
        first, second = listing["models"][0], listing["models"][1]

        @test
        def the_model_picker_switches_the_catalogue_and_runs_on_the_model_picked():
            open_page(pair.url)
            picker = Select(driver.find_element(By.ID, "model-picker"))
            assert driver.find_element(By.ID, "model-picker").is_displayed()
            assert [o.get_attribute("value") for o in picker.options] == [first["id"], second["id"]]
            assert picker.first_selected_option.get_attribute("value") == first["id"] and app("model") == first["id"]
            # Two datasets: an input of one means nothing to the other, so nothing to compare.
            assert first["dataset"] != second["dataset"]
            assert not driver.find_element(By.ID, "compare").is_displayed() and not driver.find_element(By.ID, "compare-choice").is_displayed()
            picker.select_by_value(second["id"])
            wait_for(lambda: app("model") == second["id"] and app("state") == "idle", "the second model's catalogue")
            line = driver.find_element(By.ID, "model-line").text
            assert second["id"] in line and second["dataset"] in line, line
            labels = [o.text for o in Select(driver.find_element(By.ID, "drawn-label")).options][1:]
            assert labels == second["classNames"], labels
            second_concepts = json.load(urllib.request.urlopen(f"{pair.url}/concepts?model={second['id']}", timeout=30))["concepts"]
            assert int(app("concepts")) == len(second_concepts) == len(driver.find_elements(By.CSS_SELECTOR, "#gallery .concept"))
            # Fig 3's legend names the second model's levels, item to root.
            levels = json.load(urllib.request.urlopen(f"{pair.url}/concepts?model={second['id']}&fields=image", timeout=30))["levels"]
            legend = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#stage-legend .stage")]
            assert len(legend) == len(levels) and all(level in text for level, text in zip(levels[1:], legend[1:])), (legend, levels)
            watch_requests()
            pick_exemplar(0)
            set_field("steps", 3)
            set_field("trials", 5)
            driver.find_element(By.ID, "run").click()
            assert wait_finished() == "done", driver.find_element(By.ID, "error").text
            [request] = sent_bodies()
            assert request["body"]["model"] == second["id"], request["body"]
            labels_drawn = chart("fig2b", "c.data.datasets.filter(d => !d.band).map(d => d.label)")
            assert set(c["label"] for c in second_concepts) <= set(labels_drawn), labels_drawn
            # Fig 2b draws the input's own rungs heavy: its class and every group above it (not the root, dashed grey).
            parents = {c["id"]: c.get("parent") for c in second_concepts}
            own, rungs = next(c["id"] for c in second_concepts if c["level"] == "class" and c["label"] == second["classNames"][0]), []
            while own is not None and parents.get(own) is not None:
                rungs.append(own)
                own = parents[own]
            heavy = chart("fig2b", "c.data.datasets.filter(d => !d.band && d.ref !== 'self' && d.level !== 'all' && d.borderWidth > 2).map(d => d.ref)")
            assert sorted(heavy) == sorted(rungs), (heavy, rungs)
            # A sweep on it shades Fig 3 by that model's levels.
            set_field("noise-grid", "0:1:0.5")
            driver.find_element(By.ID, "sweep").click()
            assert wait_finished() == "done", driver.find_element(By.ID, "error").text
            assert chart("fig3", "c.$levels") == levels
            stages = chart("fig3", "c.$stagePoints.map(p => p.stage)")
            assert len(stages) == 3 and all(1 <= s <= len(levels) for s in stages), stages
            assert second["id"] in driver.find_element(By.ID, "status").text
            driver.find_element(By.CSS_SELECTOR, "[data-download='dynamics-ndjson']").click()
            records = [json.loads(line) for line in downloaded(f"{second['id']}-dynamics.ndjson").decode().splitlines()]
            assert {r["model"] for r in records} == {second["id"]}
            # And back: the first model's catalogue replaces the second's, and its runs are gone.
            picker.select_by_value(first["id"])
            wait_for(lambda: app("model") == first["id"] and app("state") == "idle", "the first model's catalogue again")
            assert chart("fig2b", "c.data.datasets.length") == 0
            assert not driver.find_element(By.CSS_SELECTOR, "[data-download='dynamics-ndjson']").is_enabled()
            assert severe_console_entries() == []
    finally:
        if pair:
            pair.stop()

    # A fourth server with MODEL and its twin (the same weights under another id): the same
    # input and seed on both must draw the same curves, and those of a run by reference.
    twin_dir = tempfile.mkdtemp(prefix="vaedyn-twin-")
    twins = None
    try:
        twin = os.path.join(twin_dir, "twin.vaem")
        variant_model(twin, model_id="twin")
        twins = LiveServer(BINARY, MODEL, flags=("--model", twin))

        @test
        def the_comparison_runs_the_same_input_and_seed_on_two_models_side_by_side():
            open_page(twins.url)
            default = app("model")
            assert driver.find_element(By.ID, "compare").is_displayed()
            assert [o.get_attribute("value") for o in Select(driver.find_element(By.ID, "compare-picker")).options] == ["twin"]
            assert not driver.find_element(By.ID, "comparison").is_displayed(), "the panel waits for a comparison"
            watch_requests()
            pick_exemplar(6)
            set_field("steps", 6)
            set_field("trials", 20)
            set_field("seed", 7)
            driver.find_element(By.ID, "compare").click()
            assert wait_finished() == "done", driver.find_element(By.ID, "error").text
            assert driver.find_element(By.ID, "comparison").is_displayed()
            bodies = sent_bodies()
            assert [b["path"] for b in bodies] == ["/dynamics", "/dynamics"] and [b["body"]["model"] for b in bodies] == [default, "twin"]
            assert {k: v for k, v in bodies[0]["body"].items() if k != "model"} == {k: v for k, v in bodies[1]["body"].items() if k != "model"}
            # The exemplar goes as its pixels (the other file may store another image under 6/0).
            exemplars = json.load(urllib.request.urlopen(twins.url + "/exemplars?digit=6", timeout=30))["exemplars"]
            picked = int(driver.find_element(By.CSS_SELECTOR, ".exemplar[aria-pressed='true']").get_attribute("data-index"))
            exemplar = next(e for e in exemplars if e["index"] == picked)
            assert bodies[0]["body"]["image"]["pixels"] == [v / 255 for v in exemplar["pixels"]]
            assert bodies[0]["body"]["label"] == 6 and bodies[0]["body"]["seed"] == 7
            curves = [chart(f"fig2b-{side}", "c.data.datasets.filter(d => !d.band).map(d => [d.ref, d.data.map(p => p.y)])") for side in ("left", "right")]
            assert curves[0] == curves[1], "the same weights, input and seed drew different curves"
            assert all(len(points) == 7 for _, points in curves[0]), curves[0]
            # ...and the curves of the same run asked for by reference, straight from the server.
            request = urllib.request.Request(twins.url + "/dynamics?stream=false", method="POST", headers={"Content-Type": "application/json"},
                                             data=json.dumps({"image": {"exemplar": {"digit": 6, "index": picked}}, "steps": 6, "trials": 20, "seed": 7,
                                                              "noise": bodies[0]["body"]["noise"]}).encode())
            with urllib.request.urlopen(request, timeout=60) as r:
                steps = [rec for rec in json.load(r)["records"] if rec["type"] == "step"]
            assert [[ys[t] for _, ys in curves[0]] for t in range(7)] == [step["distance"] for step in steps]
            titles = [driver.find_element(By.ID, f"compare-{side}-title").text for side in ("left", "right")]
            assert titles[0].startswith(default) and titles[1].startswith("twin"), titles
            notes = [driver.find_element(By.ID, f"compare-{side}-note").text for side in ("left", "right")]
            assert notes[0] == notes[1] and "t = 0" in notes[0] and "t = 6" in notes[0] and "Stage" in notes[0], notes
            assert int(app("steps-received")) == 14
            driver.find_element(By.CSS_SELECTOR, "[data-download='compare-ndjson']").click()
            records = [json.loads(line) for line in downloaded(f"{default}-vs-twin-comparison.ndjson").decode().splitlines()]
            assert [r["model"] for r in records if r["type"] == "start"] == [default, "twin"]
            assert sum(r["type"] == "step" for r in records) == 14
            driver.find_element(By.CSS_SELECTOR, "[data-download='compare-png']").click()
            assert downloaded(f"{default}-vs-twin-comparison.png").startswith(PNG)
            assert severe_console_entries() == []
    finally:
        if twins:
            twins.stop()
        shutil.rmtree(twin_dir)

    @test
    def a_chart_library_that_does_not_load_is_named():
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/vendor/*"]})
        try:
            driver.get(server.url + "/")
            message = driver.find_element(By.ID, "error")
            wait_for(message.is_displayed, "the page to say what did not load")
            source = driver.execute_script("return document.querySelector('script[data-library]').src")
            assert "/vendor/" in source and "Chart.js" in message.text and source in message.text, message.text
            # The header, the first thing seen, says it too.
            assert "Chart.js" in driver.find_element(By.ID, "model-line").text, driver.find_element(By.ID, "model-line").text
            assert app("state") == "error" and not driver.find_element(By.ID, "run").is_enabled()
        finally:
            driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
            driver.get_log("browser")  # the blocked request and the error the page reported
        # Unblocked, the same page loads: it was the library that failed.
        open_page(server.url)
        assert not driver.find_element(By.ID, "error").is_displayed() and severe_console_entries() == []

finally:
    driver.quit()
    server.stop()
    shutil.rmtree(downloads)

runner.finish()
