"""The page (public/) in a real browser: `vaedyn serve` on a free loopback port, Debian's
headless Chromium driven through selenium, and what a researcher would see: the catalogue
loads, a short run streams into every figure, Stop ends a long run (and the server stops
computing), a sweep fills Fig 3, a drawing can be run and cleared, downloads hold the run,
API errors are shown in words, every control is labelled, a phone-width layout does not
overflow, and the console stays clean. Then a second server, configured with other limits
and serving a variant of the model (other class names, no projection axes), shows that the
page takes its limits and classes from the server and asks for projections only when the
model has them; a third server with two models shows the picker switching the catalogue
and running on the model picked; a fourth with the model and its twin, the comparison; and
with Chart.js blocked, the page says what did not load.

One browser and one server of each kind for the module; every test loads its page afresh,
so each runs alone (-k) as well as with the others. Saves a screenshot beside the binary's
build folder (BUILD/page-screenshot.png for BUILD/release/vaedyn).

Needs scripts/setup-browser-tests (Chromium, chromium-driver, selenium); marked `browser`,
which `make test` leaves out."""
import base64, csv, json, os, struct, zlib

import pytest

from support import PNG_SIGNATURE as PNG, Server

webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium: scripts/setup-browser-tests")
from selenium.webdriver.chrome.service import Service as DriverService  # noqa: E402
from selenium.webdriver.common.actions import interaction  # noqa: E402
from selenium.webdriver.common.actions.action_builder import ActionBuilder  # noqa: E402
from selenium.webdriver.common.actions.pointer_input import PointerInput  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

pytestmark = pytest.mark.browser

# Bounds on waiting for the server and the browser, so a hang fails instead of blocking
# the suite; none of them is a speed requirement.
WAIT = 180
# The second server: limits other than the defaults (and than the page's own input
# values) and a model whose classes have other names and which has no projection axes.
LIMITS = {"maxSteps": 321, "maxTrials": 77, "maxChainSteps": 20000, "maxSweepPoints": 9, "maxSweepInputs": 5}
CLASS_NAMES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def variant_model(model, path, class_names=None, projection=True, model_id=None):
    """Writes a copy of `model` with its classes renamed (`class_names`, in class order, the
    class concepts' labels following), with `projection` false without projection axes
    (empty tensors, as the format allows), and with `model_id` under another id: the layout
    of TensorArchive, re-laid out with its 64-byte alignment and CRC-32."""
    with open(model, "rb") as f:
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


# The servers, one of each for the module.

@pytest.fixture(scope="module")
def server(module_server):
    """The model, with the default settings: most tests' page."""
    return module_server


@pytest.fixture(scope="module")
def concepts(server):
    return server.document("/concepts?fields=projection")["concepts"]


@pytest.fixture(scope="module")
def exemplars(server):
    return server.document("/exemplars")["exemplars"]


@pytest.fixture(scope="module")
def other(binary, model, tmp_path_factory):
    """The second server: LIMITS, and a variant of the model with CLASS_NAMES and no
    projection axes."""
    variant = str(tmp_path_factory.mktemp("variant") / "variant.vaem")
    variant_model(model, variant, CLASS_NAMES, projection=False)
    live = Server(binary, [variant], config={"limits": LIMITS})
    yield live
    live.stop()


@pytest.fixture(scope="module")
def pair(binary, model, second_model):
    """The third server: two models (of two data sets), the first the default."""
    live = Server(binary, [model, second_model])
    yield live
    live.stop()


@pytest.fixture(scope="module")
def twins(binary, model, tmp_path_factory):
    """The fourth server: the model and its twin (the same weights under the id 'twin')."""
    twin = str(tmp_path_factory.mktemp("twin") / "twin.vaem")
    variant_model(model, twin, model_id="twin")
    live = Server(binary, [model, twin])
    yield live
    live.stop()


# The browser, one for the module; each test gets it with a page helper of its own.

@pytest.fixture(scope="module")
def driver():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    # Root in a container needs --no-sandbox; the rest keeps Chromium off the network
    # beyond the loopback server.
    for arg in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1500,1100",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-pings"]:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.add_experimental_option("prefs", {"download.prompt_for_download": False})
    driver = webdriver.Chrome(service=DriverService("/usr/bin/chromedriver"), options=options)
    driver.set_script_timeout(WAIT)
    yield driver
    driver.quit()


class Page:
    """The helpers of these tests over the driver: the page's data-* state, waiting, the
    controls, the charts, the console, the POST bodies it sends and its downloads (into a
    folder of the test's own)."""

    def __init__(self, driver, downloads):
        self.driver, self.downloads = driver, downloads

    def app(self, name):
        return self.driver.find_element(By.ID, "app").get_attribute(f"data-{name}")

    def wait_for(self, condition, what):
        return WebDriverWait(self.driver, WAIT, poll_frequency=0.1).until(lambda d: condition(), message=what)

    def wait_finished(self):
        """Waits until the current run leaves the running state; returns the state."""
        self.wait_for(lambda: self.app("state") != "running", "the run to finish")
        return self.app("state")

    def viewport(self, width, height):
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    def set_field(self, element_id, value):
        field = self.driver.find_element(By.ID, element_id)
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys(str(value))

    def chart(self, canvas_id, expression):
        """Evaluates `expression` with `c` bound to the Chart.js instance on that canvas."""
        return self.driver.execute_script(f"const c = Chart.getChart(document.getElementById('{canvas_id}')); return {expression};")

    def pick_exemplar(self, digit):
        """Picks an exemplar of `digit` from the keyboard: the grid's one Tab stop, arrow keys
        up or down its rows of digits, Enter."""
        stop = self.driver.find_element(By.CSS_SELECTOR, ".exemplar[tabindex='0']")
        rows = digit - int(stop.get_attribute("data-digit"))
        stop.send_keys(*[Keys.ARROW_DOWN if rows > 0 else Keys.ARROW_UP] * abs(rows), Keys.ENTER)
        picked = self.driver.find_element(By.CSS_SELECTOR, ".exemplar[aria-pressed='true']")
        assert picked.get_attribute("data-digit") == str(digit) and picked == self.driver.switch_to.active_element

    def stroke(self, kind, points, canvas="pad"):
        """Draws through `points` (offsets from the canvas's centre) with a mouse or a finger."""
        pad = self.driver.find_element(By.ID, canvas)
        # The controls scroll on their own: bring the canvas into their view first.
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", pad)
        actions = ActionBuilder(self.driver, mouse=PointerInput(kind, kind))
        actions.pointer_action.move_to(pad, *points[0]).pointer_down()
        for x, y in points[1:]:
            actions.pointer_action.move_to(pad, x, y)
        actions.pointer_action.pointer_up()
        actions.perform()

    def canvas_pixels(self, element_id):
        return self.driver.execute_script(
            "const c = document.getElementById(arguments[0]);"
            "return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data);", element_id)

    def severe_console_entries(self):
        return [e for e in self.driver.get_log("browser") if e["level"] == "SEVERE"]

    def watch_requests(self):
        """From now on (until the next page load) the page's POST bodies are kept in
        window.sentBodies, in order; api.js calls the global fetch, so wrapping it sees them.
        Called again on the same page it starts the list afresh (the page's own fetch is wrapped once)."""
        self.driver.execute_script(
            "window.sentBodies = []; window.unwatchedFetch ??= window.fetch;"
            "window.fetch = (url, init = {}) => {"
            "  if (init.method === 'POST') window.sentBodies.push({ path: String(url), body: JSON.parse(init.body) });"
            "  return window.unwatchedFetch(url, init); };")

    def sent_bodies(self):
        return self.driver.execute_script("return window.sentBodies;")

    def blank(self, element_id):
        """True when the canvas shows nothing: every pixel black or transparent."""
        pixels = self.canvas_pixels(element_id)
        return not any(v for i, v in enumerate(pixels) if i % 4 != 3)

    def open(self, url):
        """Loads the page afresh and waits for its catalogue; what the console held before
        (an earlier test's) is dropped first, so that the console checks see this test's."""
        self.driver.get_log("browser")
        self.driver.get(url + "/")
        self.wait_for(lambda: self.app("concepts") != "0" or self.app("state") == "error", "the page to load")
        assert self.app("state") != "error", self.driver.find_element(By.ID, "error").text

    def downloaded(self, name):
        """The bytes of a finished download: present, not empty (none of ours is), and no
        partial .crdownload left beside it."""
        path = os.path.join(self.downloads, name)
        finished = lambda: os.path.exists(path) and os.path.getsize(path) > 0 and not any(
            f.endswith(".crdownload") for f in os.listdir(self.downloads))
        self.wait_for(finished, f"{name} to download")
        with open(path, "rb") as f:
            return f.read()

    def saved(self, name):
        """A download's name: the page puts the id of the model its run ran on first."""
        return f"{self.app('model')}-{name}"

    def error(self):
        return self.driver.find_element(By.ID, "error").text


@pytest.fixture
def page(driver, tmp_path):
    """The module's browser with downloads going to this test's own folder, and back to the
    window's own size afterwards whatever the test did to it."""
    downloads = str(tmp_path / "downloads")
    os.makedirs(downloads)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
    yield Page(driver, downloads)
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def short_run(page, driver, steps=5, trials=8):
    """A 3, `steps` steps of `trials` chains, run to its end."""
    page.pick_exemplar(3)
    page.set_field("steps", steps)
    page.set_field("trials", trials)
    driver.find_element(By.ID, "run").click()
    assert page.wait_finished() == "done", page.error()


def tiny_sweep(page, driver, steps=5, trials=8, grid="0:1:0.5"):
    """A 6 at the ratios of `grid` (0, 0.5 and 1), 5 steps of 8 chains each, run to its end."""
    page.pick_exemplar(6)
    page.set_field("steps", steps)
    page.set_field("trials", trials)
    page.set_field("noise-grid", grid)
    driver.find_element(By.ID, "sweep").click()
    assert page.wait_finished() == "done", page.error()


def console_is_clean(page):
    entries = page.severe_console_entries()
    assert entries == [], entries


# The default server's page.

def test_page_loads_the_catalogue(page, driver, server, concepts, exemplars):
    page.open(server.url)
    assert int(page.app("exemplars")) == len(exemplars) and int(page.app("concepts")) == len(concepts)
    assert len(driver.find_elements(By.CSS_SELECTOR, "#exemplars .exemplar")) == len(exemplars)
    assert len(driver.find_elements(By.CSS_SELECTOR, "#exemplars .exemplar[tabindex='0']")) == 1, "one Tab stop"
    assert len(driver.find_elements(By.CSS_SELECTOR, "#gallery .concept")) == len(concepts)
    # Fig 2c already places every concept, where /concepts says.
    points = page.chart("fig2c", "c.data.datasets[0].data.map(p => [p.x, p.y])")
    assert points == [c["projection"] for c in concepts], points
    assert page.app("state") == "idle" and driver.find_element(By.CSS_SELECTOR, ".exemplar[aria-pressed='true']")
    # One model served: nothing to pick.
    assert page.app("models") == "1" and not driver.find_element(By.ID, "model-choice").is_displayed()
    console_is_clean(page)


def test_noise_preview_follows_model_and_ratio(page, driver, server):
    page.open(server.url)
    driver.find_element(By.ID, "binarize").click()  # grey levels, so p = 0 leaves x0 clean
    ratio = driver.find_element(By.ID, "noise-ratio")
    ratio.send_keys(Keys.HOME)
    assert driver.find_element(By.ID, "noise-ratio-value").text == "0.00"
    assert page.canvas_pixels("noisy-preview") == page.canvas_pixels("clean-preview")
    ratio.send_keys(Keys.END)
    assert driver.find_element(By.ID, "noise-ratio-value").text == "1.00"
    assert page.canvas_pixels("noisy-preview") != page.canvas_pixels("clean-preview")
    console_is_clean(page)


def test_short_run_streams_into_every_figure(page, driver, server, concepts):
    page.open(server.url)
    steps, trials = 5, 8
    short_run(page, driver, steps, trials)
    assert page.app("experiment") == "dynamics"
    assert int(page.app("steps-received")) == steps + 1 and int(page.app("records-received")) == steps + 3
    references = len(concepts) + 1  # the concepts and the input's own pattern
    # Fig 2b: per reference an upper edge, a lower edge and the mean, one point a step; then the
    # class concept's control (its two edges and its line) and the state's norm.
    lengths = page.chart("fig2b", "c.data.datasets.map(d => d.data.length)")
    assert lengths == [steps + 1] * (3 * references + 4), lengths
    bands = page.chart("fig2b", "c.data.datasets.filter((d, i) => i % 3 === 0 && !d.control).map((d, i) =>"
                                " d.data.every((p, t) => p.y >= c.data.datasets[3 * i + 1].data[t].y))")
    assert all(bands), bands
    ribbon = driver.find_elements(By.CSS_SELECTOR, "#nearest-ribbon .nearest-run")
    assert sum(int(r.get_attribute("data-steps")) for r in ribbon) == steps + 1
    assert len(driver.find_elements(By.CSS_SELECTOR, "#strip .frame")) == steps + 1
    # The input is a 3: its class concept is the one drawn heavy.
    heavy = page.chart("fig2b", "c.data.datasets.filter(d => !d.band && d.level === 'class' && d.borderWidth > 2).map(d => d.ref)")
    assert heavy == ["class-3"], heavy
    # Fig 2c: the mean state and each drawn trial (some of them) gain a point per step.
    lengths = page.chart("fig2c", "c.data.datasets.slice(1).map(d => d.data.length)")
    assert 2 <= len(lengths) <= 1 + trials and set(lengths) == {steps + 1}, lengths
    assert "Done" in driver.find_element(By.ID, "status").text
    console_is_clean(page)


def test_fig2b_draws_the_control_and_the_norm_and_says_whether_the_approach_beats_it(page, driver, server):
    page.open(server.url)
    short_run(page, driver)  # a 3, 5 steps: t = 0...5
    driver.find_element(By.CSS_SELECTOR, "[data-download='dynamics-ndjson']").click()
    records = [json.loads(line) for line in page.downloaded(page.saved("dynamics.ndjson")).decode().splitlines()]
    start, steps = records[0], [r for r in records if r["type"] == "step"]
    own = [r["id"] for r in start["references"]].index("class-3")
    control = page.chart("fig2b", "c.data.datasets.filter(d => d.control).map(d => [d.label, d.data.map(p => p.y)])")
    assert [label for label, _ in control] == ["control + SE", "control − SE", "control of 3", "|μ(t)|"], control
    upper, lower, line, norm = (values for _, values in control)
    # The line is the records' distance to the class concept's control, within its SE band; the norm is the records' norm.
    assert line == pytest.approx([s["controlDistance"][own] for s in steps], rel=1e-6), line
    assert all(lo <= c <= up for lo, c, up in zip(lower, line, upper)), (lower, line, upper)
    assert norm == pytest.approx([s["norm"]["mean"] for s in steps], rel=1e-6), norm
    # The sentence under the chart gives the approach beyond the control at t = 1 and at the last step, with a verdict.
    approach = driver.find_element(By.ID, "approach").text
    first, last = steps[1]["approach"][own], steps[-1]["approach"][own]
    assert f"From t = 0 to 1 the state came {'' if first['mean'] >= 0 else '−'}{abs(first['mean']):.3f} ± {first['standardError']:.3f} nearer class 3" in approach, approach
    assert f"From t = 0 to 5 the state came {'' if last['mean'] >= 0 else '−'}{abs(last['mean']):.3f}" in approach, approach
    assert any(v in approach for v in ("beyond its control", "the control is approached more", "not distinguishable from its control")), approach
    # The status line gives the stage with its bootstrap support, undecided when the trials cannot decide it.
    summary = records[-1]
    status = driver.find_element(By.ID, "status").text
    assert f"support {summary['stageSupport']:.2f}" in status and (("stage undecided" in status) == (not summary["stageDecided"])), (status, summary)
    # The checkbox hides and shows the control and the norm, and nothing else.
    shown = "c.data.datasets.map((d, i) => c.isDatasetVisible(i))"
    before = page.chart("fig2b", shown)
    driver.find_element(By.ID, "controls").click()
    hidden = page.chart("fig2b", shown)
    assert hidden[:-4] == before[:-4] and hidden[-4:] == [False] * 4 and before[-4:] == [True] * 4, (before, hidden)
    driver.find_element(By.ID, "controls").click()
    assert page.chart("fig2b", shown) == before
    console_is_clean(page)


def test_run_downloads_hold_the_records(page, driver, server):
    page.open(server.url)
    short_run(page, driver)  # 5 steps: t = 0...5
    driver.find_element(By.CSS_SELECTOR, "[data-download='dynamics-ndjson']").click()
    records = [json.loads(line) for line in page.downloaded(page.saved("dynamics.ndjson")).decode().splitlines()]
    assert [r["type"] for r in records] == ["start"] + ["step"] * 6 + ["summary"], [r["type"] for r in records]
    driver.find_element(By.CSS_SELECTOR, "[data-download='dynamics-csv']").click()
    rows = list(csv.reader(page.downloaded(page.saved("dynamics.csv")).decode().splitlines()))
    assert rows[0][:3] == ["t", "nearest", "d_" + records[0]["references"][0]["id"]], rows[0]
    assert [int(r[0]) for r in rows[1:]] == list(range(6))
    for figure in ["fig2a", "fig2b", "fig2c"]:
        driver.find_element(By.CSS_SELECTOR, f"[data-download='{figure}']").click()
        assert page.downloaded(page.saved(f"{figure}.png")).startswith(PNG), figure
    console_is_clean(page)


def test_stop_ends_a_long_stream_and_the_computation(page, driver, server):
    page.open(server.url)
    page.set_field("steps", 1000)
    page.set_field("trials", 1000)
    driver.find_element(By.ID, "run").click()
    page.wait_for(lambda: int(page.app("steps-received") or 0) >= 2, "the first steps")
    # The figures grow while the stream runs, not only at its end.
    assert page.app("state") == "running" and page.chart("fig2b", "c.data.datasets[2].data.length") >= 2
    driver.find_element(By.ID, "stop").click()
    assert page.wait_finished() == "stopped"
    received = int(page.app("records-received"))
    # The server notices the closed connection and stops within one step.
    page.wait_for(lambda: server.document("/healthz")["computationsRunning"] == 0, "the server to stop computing")
    assert int(page.app("records-received")) == received
    assert int(page.app("steps-received")) < 1001
    assert driver.find_element(By.ID, "run").is_enabled() and not driver.find_element(By.ID, "stop").is_enabled()
    console_is_clean(page)


def test_tiny_sweep_fills_fig3_with_stages(page, driver, server, concepts):
    page.open(server.url)
    tiny_sweep(page, driver)
    assert page.app("experiment") == "sweep" and int(page.app("points-received")) == 3
    assert page.chart("fig3", "c.data.datasets.map(d => d.data.map(p => p.x))") == [[0, 0.5, 1]] * (len(concepts) + 1)
    stages = page.chart("fig3", "c.$stagePoints.map(p => [p.stage, p.undecided])")
    # A decided stage, or none with the point marked undecided (shaded grey).
    assert len(stages) == 3 and all((s in (1, 2, 3) and not u) or (s is None and u) for s, u in stages), stages
    assert driver.find_element(By.ID, "transitions").text, "the summary's transitions are not described"
    driver.find_element(By.CSS_SELECTOR, "[data-download='sweep-csv']").click()
    rows = list(csv.reader(page.downloaded(page.saved("sweep.csv")).decode().splitlines()))
    assert rows[0][:7] == ["input", "label", "ratio", "stage", "stage_reference", "stage_support", "stage_decided"], rows[0]
    # The CSV gives each call and whether it is decided; the figure shades the decided ones.
    assert [(r[1], float(r[2]), int(r[3]) if r[6] == "true" else None) for r in rows[1:]] == [("6", ratio, s) for ratio, (s, _) in zip((0.0, 0.5, 1.0), stages)]
    assert all((float(r[5]) >= 0.95) == (r[6] == "true") for r in rows[1:]), rows
    driver.find_element(By.CSS_SELECTOR, "[data-download='fig3']").click()
    assert page.downloaded(page.saved("fig3.png")).startswith(PNG)
    console_is_clean(page)


def test_drawn_digit_runs_as_pixels(page, driver, server):
    page.open(server.url)
    page.stroke(interaction.POINTER_MOUSE, [(0, -60), (0, 60)])  # a 1
    assert not driver.find_elements(By.CSS_SELECTOR, ".exemplar[aria-pressed='true']")
    one = page.canvas_pixels("clean-preview")
    assert any(one[0::4]), "the mouse drawing did not reach the preview"
    driver.find_element(By.ID, "clear-pad").click()
    page.stroke(interaction.POINTER_TOUCH, [(-50, -60), (50, -60), (-10, 60)])  # a 7, by finger
    assert page.canvas_pixels("clean-preview") != one, "the finger drawing did not reach the preview"
    Select(driver.find_element(By.ID, "drawn-label")).select_by_visible_text("7")
    page.set_field("steps", 2)
    page.set_field("trials", 4)
    driver.find_element(By.ID, "run").click()
    assert page.wait_finished() == "done", page.error()
    assert int(page.app("steps-received")) == 3
    # The class given with the drawing reached the server: its concept is drawn heavy.
    heavy = page.chart("fig2b", "c.data.datasets.filter(d => !d.band && d.level === 'class' && d.borderWidth > 2).map(d => d.ref)")
    assert heavy == ["class-7"], heavy
    console_is_clean(page)


def test_clearing_a_drawing_forgets_it(page, driver, server):
    page.open(server.url)
    short_run(page, driver, 2, 4)  # a run done before: clicks with nothing to run must leave it "done"
    page.watch_requests()
    page.stroke(interaction.POINTER_MOUSE, [(0, -60), (0, 60)])  # a 1
    Select(driver.find_element(By.ID, "drawn-label")).select_by_index(2)  # with a class
    one = page.canvas_pixels("clean-preview")
    assert not page.blank("clean-preview") and not page.blank("noisy-preview")
    driver.find_element(By.ID, "clear-pad").click()
    assert page.blank("pad") and page.blank("clean-preview") and page.blank("noisy-preview"), "the erased drawing is still previewed"
    run, sweep = driver.find_element(By.ID, "run"), driver.find_element(By.ID, "sweep")
    assert not run.is_enabled() and not sweep.is_enabled(), "there is nothing to run, yet Run is enabled"
    assert driver.find_element(By.ID, "drawn-label").get_attribute("value") == "", "the erased drawing's class is kept"
    assert "draw" in driver.find_element(By.ID, "status").text.lower(), driver.find_element(By.ID, "status").text
    driver.execute_script("document.getElementById('run').click(); document.getElementById('sweep').click();")
    assert page.sent_bodies() == [] and page.app("state") == "done", page.sent_bodies()
    # The next drawing is what runs, not the erased one, and without the erased one's class.
    page.stroke(interaction.POINTER_TOUCH, [(-50, -60), (50, -60), (-10, 60)])  # a 7
    seven = page.canvas_pixels("clean-preview")
    assert run.is_enabled()
    page.set_field("steps", 2)
    page.set_field("trials", 4)
    run.click()
    assert page.wait_finished() == "done", page.error()
    [request] = page.sent_bodies()
    body = request["body"]
    sent = [round(v * 255) for v in body["image"]["pixels"]]
    assert all(abs(a - b) <= 1 for a, b in zip(sent, seven[0::4])) and len(sent) == len(seven) // 4, "the run did not send the preview"
    assert sum(abs(a - b) > 1 for a, b in zip(sent, one[0::4])) > 50, "the run sent the erased drawing"
    assert "label" not in body, body.get("label")
    # This model has projection axes, so the run asks for them (the other server's has none).
    assert body.get("projection") is True, body.get("projection")
    # Clearing an empty pad leaves a picked exemplar alone.
    page.pick_exemplar(6)
    driver.find_element(By.ID, "clear-pad").click()
    assert run.is_enabled() and not page.blank("clean-preview")
    console_is_clean(page)


def test_the_eraser_hides_pixels_that_an_imputation_run_fills_in(page, driver, server):
    page.open(server.url)
    kernel = Select(driver.find_element(By.ID, "kernel"))
    assert kernel.first_selected_option.get_attribute("value") == "gibbs"
    page.pick_exemplar(6)
    # A stroke across the top hides pixels and, with the paper's chain picked, picks the exact chain.
    page.stroke(interaction.POINTER_MOUSE, [(-60, -60), (60, -60)], canvas="eraser")
    assert kernel.first_selected_option.get_attribute("value") == "mwg"
    painted = driver.find_element(By.ID, "hidden-count").text
    assert "pixels hidden" in painted and int(painted.split()[0]) > 20, painted
    red = page.canvas_pixels("eraser")
    # The stroke's row, in the canvas's own pixels (it is shown smaller than it is).
    side, shown = driver.execute_script("const c = document.getElementById('eraser'); return [c.width, c.getBoundingClientRect().width];")
    y = int((shown / 2 - 60) * side / shown)
    top, bottom = (side * y + side // 2) * 4, (side * (side - 5) + 5) * 4
    assert red[top] >= 150 and red[top + 1] < red[top], red[top:top + 4]
    assert red[bottom] == red[bottom + 1] == red[bottom + 2], "an unpainted pixel is tinted"
    # A half replaces the paint; the run sends it as indices with the kernel.
    Select(driver.find_element(By.ID, "mask-half")).select_by_value("top-half")
    assert driver.find_element(By.ID, "hidden-count").text.startswith("392 pixels hidden")
    page.watch_requests()
    page.set_field("steps", 5)
    page.set_field("trials", 20)
    driver.find_element(By.ID, "run").click()
    assert page.wait_finished() == "done", page.error()
    bodies = page.sent_bodies()
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
    assert len(page.sent_bodies()) == 1 and page.app("state") == "done"
    kernel.select_by_value("gibbs")
    assert driver.find_element(By.ID, "hidden-count").text == "No pixel hidden."
    console_is_clean(page)


def test_every_control_is_labelled(page, driver, server):
    def unlabelled():
        return driver.execute_script(
            "return Array.from(document.querySelectorAll('input, select, button, textarea'))"
            ".filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim()"
            " && !e.querySelector('[aria-label]')).map(e => e.outerHTML.slice(0, 80));")
    page.open(server.url)
    assert unlabelled() == [], unlabelled()
    # And with what runs add to the page: a run's figures and strip, a sweep's.
    short_run(page, driver)
    tiny_sweep(page, driver)
    assert unlabelled() == [], unlabelled()


def test_console_has_no_errors(page, driver, server):
    # Each test above also ends on a clean console; here a page that loads, runs and sweeps.
    page.open(server.url)
    short_run(page, driver)
    tiny_sweep(page, driver)
    console_is_clean(page)


def test_api_errors_are_shown_in_words(page, driver, server):
    page.open(server.url)
    page.pick_exemplar(6)
    page.set_field("steps", 5000)
    driver.find_element(By.ID, "run").click()
    assert page.wait_finished() == "error"
    message = driver.find_element(By.ID, "error")
    assert message.is_displayed() and "422" in message.text and "steps" in message.text, message.text
    # Chrome reports the refused request itself; nothing else may appear.
    others = [e for e in page.severe_console_entries() if "422" not in e["message"]]
    assert others == [], others


def test_phone_width_does_not_overflow(page, driver, server):
    page.open(server.url)
    # The page as the tests before left it: a run's figures, a sweep's and an error shown.
    short_run(page, driver)
    tiny_sweep(page, driver)
    page.set_field("steps", 5000)
    driver.find_element(By.ID, "run").click()
    assert page.wait_finished() == "error"
    page.viewport(390, 844)  # narrower than a headless window may be
    assert driver.execute_script("return innerWidth;") == 390
    # Charts follow a new width on their next resize callback, so the page gets
    # a moment to settle before it counts as too wide.
    overflow = lambda: driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth;")
    page.wait_for(lambda: overflow() <= 0, "the page to fit a phone's width")


def test_screenshot_of_a_paper_run(page, driver, server, binary):
    # BUILD/release/vaedyn -> BUILD/page-screenshot.png: beside the build that was tested.
    screenshot = os.path.join(os.path.dirname(os.path.dirname(binary)), "page-screenshot.png")
    page.open(server.url)
    tiny_sweep(page, driver, steps=30, trials=50, grid="0:1:0.1")
    driver.find_element(By.ID, "run").click()
    assert page.wait_finished() == "done", page.error()
    page.viewport(1500, driver.execute_script("return document.documentElement.scrollHeight;"))
    os.makedirs(os.path.dirname(screenshot), exist_ok=True)
    assert driver.save_screenshot(screenshot)
    print(f"  screenshot: {screenshot}")
    console_is_clean(page)


# The second server: other limits, other class names, no projection axes.

def test_the_second_server_differs_as_the_tests_need(server, other):
    model = other.document("/model")
    assert model["classNames"] == CLASS_NAMES and model["limits"] == LIMITS, (model["classNames"], model.get("limits"))
    assert server.document("/model")["limits"] != LIMITS
    assert not any("projection" in c for c in other.document("/concepts?fields=projection")["concepts"])
    status, data = other.request("POST", "/dynamics?stream=false", {"image": {"exemplar": {"digit": 6}}, "steps": 1, "trials": 1, "projection": True})
    body = json.loads(data)
    assert status == 422 and "projection" in body["error"]["message"], (status, body)


def test_limits_and_class_names_come_from_the_server(page, driver, other):
    page.open(other.url)
    steps, trials = driver.find_element(By.ID, "steps"), driver.find_element(By.ID, "trials")
    assert (steps.get_attribute("max"), trials.get_attribute("max")) == (str(LIMITS["maxSteps"]), str(LIMITS["maxTrials"]))
    assert 1 <= int(steps.get_attribute("value")) <= LIMITS["maxSteps"], steps.get_attribute("value")
    assert 1 <= int(trials.get_attribute("value")) <= LIMITS["maxTrials"], trials.get_attribute("value")
    options = [(o.get_attribute("value"), o.text) for o in Select(driver.find_element(By.ID, "drawn-label")).options]
    assert options == [("", "unknown")] + [(str(i), name) for i, name in enumerate(CLASS_NAMES)], options
    said = driver.find_element(By.ID, "limits").text
    assert all(f"{LIMITS[k]:,}" in said for k in ["maxSteps", "maxTrials", "maxChainSteps"]), said
    assert f"{LIMITS['maxSweepPoints']} ratios" in driver.find_element(By.ID, "grid-hint").text


def test_a_model_without_projection_axes_is_not_asked_for_them(page, driver, other):
    page.open(other.url)
    page.watch_requests()
    page.pick_exemplar(6)
    # The page's own values, as the server's limits left them, run as they are.
    driver.find_element(By.ID, "run").click()
    assert page.wait_finished() == "done", page.error()
    [request] = page.sent_bodies()
    assert request["path"] == "/dynamics" and "projection" not in request["body"], request["body"]
    assert int(page.app("steps-received")) == int(driver.find_element(By.ID, "steps").get_attribute("value")) + 1
    # Fig 2c says why it is empty instead of showing empty axes, and offers nothing to save.
    assert driver.find_element(By.ID, "no-projection").is_displayed() and not driver.find_element(By.ID, "fig2c").is_displayed()
    assert page.chart("fig2c", "c.data.datasets.flatMap(d => d.data).length") == 0
    assert not driver.find_element(By.CSS_SELECTOR, "[data-download='fig2c']").is_enabled()
    console_is_clean(page)


# The third server, two models: the picker lists both and switches between them.

def test_the_model_picker_switches_the_catalogue_and_runs_on_the_model_picked(page, driver, pair):
    listing = pair.document("/models")
    first, second = listing["models"][0], listing["models"][1]
    page.open(pair.url)
    picker = Select(driver.find_element(By.ID, "model-picker"))
    assert driver.find_element(By.ID, "model-picker").is_displayed()
    assert [o.get_attribute("value") for o in picker.options] == [first["id"], second["id"]]
    assert picker.first_selected_option.get_attribute("value") == first["id"] and page.app("model") == first["id"]
    # Two datasets: an input of one means nothing to the other, so nothing to compare.
    assert first["dataset"] != second["dataset"]
    assert not driver.find_element(By.ID, "compare").is_displayed() and not driver.find_element(By.ID, "compare-choice").is_displayed()
    picker.select_by_value(second["id"])
    page.wait_for(lambda: page.app("model") == second["id"] and page.app("state") == "idle", "the second model's catalogue")
    line = driver.find_element(By.ID, "model-line").text
    assert second["id"] in line and second["dataset"] in line, line
    labels = [o.text for o in Select(driver.find_element(By.ID, "drawn-label")).options][1:]
    assert labels == second["classNames"], labels
    second_concepts = pair.document(f"/concepts?model={second['id']}")["concepts"]
    assert int(page.app("concepts")) == len(second_concepts) == len(driver.find_elements(By.CSS_SELECTOR, "#gallery .concept"))
    # Fig 3's legend names the second model's levels, item to root.
    levels = pair.document(f"/concepts?model={second['id']}&fields=image")["levels"]
    legend = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#stage-legend .stage")]
    assert len(legend) == len(levels) + 1 and all(level in text for level, text in zip(levels[1:], legend[1:])), (legend, levels)
    assert legend[-1].startswith("? undecided"), legend
    page.watch_requests()
    page.pick_exemplar(0)
    page.set_field("steps", 3)
    page.set_field("trials", 5)
    driver.find_element(By.ID, "run").click()
    assert page.wait_finished() == "done", page.error()
    [request] = page.sent_bodies()
    assert request["body"]["model"] == second["id"], request["body"]
    labels_drawn = page.chart("fig2b", "c.data.datasets.filter(d => !d.band).map(d => d.label)")
    assert set(c["label"] for c in second_concepts) <= set(labels_drawn), labels_drawn
    # Fig 2b draws the input's own rungs heavy: its class and every group above it (not the root, dashed grey).
    parents = {c["id"]: c.get("parent") for c in second_concepts}
    own, rungs = next(c["id"] for c in second_concepts if c["level"] == "class" and c["label"] == second["classNames"][0]), []
    while own is not None and parents.get(own) is not None:
        rungs.append(own)
        own = parents[own]
    heavy = page.chart("fig2b", "c.data.datasets.filter(d => !d.band && d.ref !== 'self' && d.level !== 'all' && d.borderWidth > 2).map(d => d.ref)")
    assert sorted(heavy) == sorted(rungs), (heavy, rungs)
    # A sweep on it shades Fig 3 by that model's levels.
    page.set_field("noise-grid", "0:1:0.5")
    driver.find_element(By.ID, "sweep").click()
    assert page.wait_finished() == "done", page.error()
    assert page.chart("fig3", "c.$levels") == levels
    stages = page.chart("fig3", "c.$stagePoints.map(p => [p.stage, p.undecided])")
    assert len(stages) == 3 and all((s is not None and 1 <= s <= len(levels) and not u) or (s is None and u) for s, u in stages), stages
    assert second["id"] in driver.find_element(By.ID, "status").text
    driver.find_element(By.CSS_SELECTOR, "[data-download='dynamics-ndjson']").click()
    records = [json.loads(line) for line in page.downloaded(f"{second['id']}-dynamics.ndjson").decode().splitlines()]
    assert {r["model"] for r in records} == {second["id"]}
    # And back: the first model's catalogue replaces the second's, and its runs are gone.
    picker.select_by_value(first["id"])
    page.wait_for(lambda: page.app("model") == first["id"] and page.app("state") == "idle", "the first model's catalogue again")
    assert page.chart("fig2b", "c.data.datasets.length") == 0
    assert not driver.find_element(By.CSS_SELECTOR, "[data-download='dynamics-ndjson']").is_enabled()
    console_is_clean(page)


# The fourth server, the model and its twin: the same input and seed on both must draw the
# same curves, and those of a run by reference.

def test_the_comparison_runs_the_same_input_and_seed_on_two_models_side_by_side(page, driver, twins):
    page.open(twins.url)
    default = page.app("model")
    assert driver.find_element(By.ID, "compare").is_displayed()
    assert [o.get_attribute("value") for o in Select(driver.find_element(By.ID, "compare-picker")).options] == ["twin"]
    assert not driver.find_element(By.ID, "comparison").is_displayed(), "the panel waits for a comparison"
    page.watch_requests()
    page.pick_exemplar(6)
    page.set_field("steps", 6)
    page.set_field("trials", 20)
    page.set_field("seed", 7)
    driver.find_element(By.ID, "compare").click()
    assert page.wait_finished() == "done", page.error()
    assert driver.find_element(By.ID, "comparison").is_displayed()
    bodies = page.sent_bodies()
    assert [b["path"] for b in bodies] == ["/dynamics", "/dynamics"] and [b["body"]["model"] for b in bodies] == [default, "twin"]
    assert {k: v for k, v in bodies[0]["body"].items() if k != "model"} == {k: v for k, v in bodies[1]["body"].items() if k != "model"}
    # The exemplar goes as its pixels (the other file may store another image under 6/0).
    exemplars = twins.document("/exemplars?digit=6")["exemplars"]
    picked = int(driver.find_element(By.CSS_SELECTOR, ".exemplar[aria-pressed='true']").get_attribute("data-index"))
    exemplar = next(e for e in exemplars if e["index"] == picked)
    assert bodies[0]["body"]["image"]["pixels"] == [v / 255 for v in exemplar["pixels"]]
    assert bodies[0]["body"]["label"] == 6 and bodies[0]["body"]["seed"] == 7
    curves = [page.chart(f"fig2b-{side}", "c.data.datasets.filter(d => !d.band && !d.control).map(d => [d.ref, d.data.map(p => p.y)])") for side in ("left", "right")]
    assert curves[0] == curves[1], "the same weights, input and seed drew different curves"
    assert all(len(points) == 7 for _, points in curves[0]), curves[0]
    # ...and the curves of the same run asked for by reference, straight from the server.
    status, data = twins.request("POST", "/dynamics?stream=false", {"image": {"exemplar": {"digit": 6, "index": picked}}, "steps": 6, "trials": 20,
                                                                  "seed": 7, "noise": bodies[0]["body"]["noise"]}, timeout=60)
    assert status == 200, (status, data[:300])
    steps = [rec for rec in json.loads(data)["records"] if rec["type"] == "step"]
    assert [[ys[t] for _, ys in curves[0]] for t in range(7)] == [step["distance"] for step in steps]
    titles = [driver.find_element(By.ID, f"compare-{side}-title").text for side in ("left", "right")]
    assert titles[0].startswith(default) and titles[1].startswith("twin"), titles
    notes = [driver.find_element(By.ID, f"compare-{side}-note").text for side in ("left", "right")]
    assert notes[0] == notes[1] and "t = 0" in notes[0] and "t = 6" in notes[0] and "At the minima, stage" in notes[0] and "support" in notes[0], notes
    assert "nearer class 6 than a point of the same norm" in notes[0], notes
    assert int(page.app("steps-received")) == 14
    driver.find_element(By.CSS_SELECTOR, "[data-download='compare-ndjson']").click()
    records = [json.loads(line) for line in page.downloaded(f"{default}-vs-twin-comparison.ndjson").decode().splitlines()]
    assert [r["model"] for r in records if r["type"] == "start"] == [default, "twin"]
    assert sum(r["type"] == "step" for r in records) == 14
    driver.find_element(By.CSS_SELECTOR, "[data-download='compare-png']").click()
    assert page.downloaded(f"{default}-vs-twin-comparison.png").startswith(PNG)
    console_is_clean(page)


# Chart.js blocked: the page says what did not load.

def test_a_chart_library_that_does_not_load_is_named(page, driver, server):
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/vendor/*"]})
    try:
        driver.get(server.url + "/")
        message = driver.find_element(By.ID, "error")
        page.wait_for(message.is_displayed, "the page to say what did not load")
        source = driver.execute_script("return document.querySelector('script[data-library]').src")
        assert "/vendor/" in source and "Chart.js" in message.text and source in message.text, message.text
        # The header, the first thing seen, says it too.
        assert "Chart.js" in driver.find_element(By.ID, "model-line").text, driver.find_element(By.ID, "model-line").text
        assert page.app("state") == "error" and not driver.find_element(By.ID, "run").is_enabled()
    finally:
        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
        driver.get_log("browser")  # the blocked request and the error the page reported
    # Unblocked, the same page loads: it was the library that failed.
    page.open(server.url)
    assert not driver.find_element(By.ID, "error").is_displayed() and page.severe_console_entries() == []
