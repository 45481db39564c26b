#!/usr/bin/env python3
"""The page (public/) in a real browser: starts `vaedyn serve` on a free loopback port,
drives Debian's headless Chromium through selenium, and checks what a researcher would
see: the catalogue loads, a short run streams into every figure, Stop ends a long run (and
the server stops computing), a sweep fills Fig 3, a drawing can be run, downloads hold the
run, API errors are shown in words, every control is labelled, a phone-width layout does
not overflow, and the console stays clean. Saves a screenshot to .build/page-screenshot.png.
Prints 'N passed, N failed'.

Needs scripts/setup-browser-tests (Chromium, chromium-driver, selenium).

usage: test_page.py VAEDYN_BINARY MODEL_FILE
"""
import csv, json, os, shutil, sys, tempfile, traceback, urllib.request

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
BINARY, MODEL = sys.argv[1], sys.argv[2]
SCREENSHOT = os.path.join(ROOT, ".build", "page-screenshot.png")
# Bounds on waiting for the server and the browser, so a hang fails instead of blocking
# `make test`; none of them is a speed requirement.
WAIT = 180
PNG = b"\x89PNG\r\n\x1a\n"
runner = Runner()
test = runner.test


class Server(LiveServer):
    """`vaedyn serve` on a free loopback port, serving public/ from the repository."""

    def __init__(self):
        super().__init__(BINARY, MODEL)

    def json(self, path):
        with urllib.request.urlopen(self.url + path, timeout=30) as r:
            return json.load(r)


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


def stroke(kind, points):
    """Draws through `points` (offsets from the pad's centre) with a mouse or a finger."""
    pad = driver.find_element(By.ID, "pad")
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


def downloaded(name):
    """The bytes of a finished download: present, not empty (none of ours is), and no
    partial .crdownload left beside it."""
    path = os.path.join(downloads, name)
    finished = lambda: os.path.exists(path) and os.path.getsize(path) > 0 and not any(
        f.endswith(".crdownload") for f in os.listdir(downloads))
    wait_for(finished, f"{name} to download")
    with open(path, "rb") as f:
        return f.read()


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
        records = [json.loads(line) for line in downloaded("dynamics.ndjson").decode().splitlines()]
        assert [r["type"] for r in records] == ["start"] + ["step"] * 6 + ["summary"], [r["type"] for r in records]
        driver.find_element(By.CSS_SELECTOR, "[data-download='dynamics-csv']").click()
        rows = list(csv.reader(downloaded("dynamics.csv").decode().splitlines()))
        assert rows[0][:3] == ["t", "nearest", "d_" + records[0]["references"][0]["id"]], rows[0]
        assert [int(r[0]) for r in rows[1:]] == list(range(6))
        for figure in ["fig2a", "fig2b", "fig2c"]:
            driver.find_element(By.CSS_SELECTOR, f"[data-download='{figure}']").click()
            assert downloaded(f"{figure}.png").startswith(PNG), figure

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
        rows = list(csv.reader(downloaded("sweep.csv").decode().splitlines()))
        assert rows[0][:5] == ["input", "label", "ratio", "stage", "stage_reference"], rows[0]
        assert [(r[1], float(r[2]), int(r[3])) for r in rows[1:]] == [("6", 0.0, stages[0]), ("6", 0.5, stages[1]), ("6", 1.0, stages[2])]
        driver.find_element(By.CSS_SELECTOR, "[data-download='fig3']").click()
        assert downloaded("fig3.png").startswith(PNG)

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

finally:
    driver.quit()
    server.stop()
    shutil.rmtree(downloads)

runner.finish()
