"""The page's tests (test_page.py) skip themselves when selenium cannot be imported, so that
`make test` collects the suite on a machine without a browser. Where the browser tests are
asked for (`-m browser`, `make check`), that skip would pass unseen: this test fails instead."""
import importlib.util
import shutil

import pytest

pytestmark = pytest.mark.browser


def test_the_browser_tests_have_what_they_drive():
    assert importlib.util.find_spec("selenium") is not None, "selenium is missing: run scripts/setup-browser-tests"
    for tool in ("/usr/bin/chromium", "chromedriver"):
        assert shutil.which(tool), f"{tool} is missing: run scripts/setup-browser-tests"
