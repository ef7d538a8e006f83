"""A real browser for tests of what a page looks like: headless Chromium driven by Selenium, with
the distribution's chromium and chromedriver (`.ci/run` installs them, like LibreOffice). Without
them the tests that ask for `chromium` are skipped, saying what to install.

Selenium is given chromedriver's path, so Selenium Manager never runs (it would try to download a
driver; the network is closed). The flags keep Chromium from opening connections of its own
(updates, sync, field trials): this machine refuses them, and a test must talk to nothing.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SIZES = {"phone": (375, 800), "desktop": (1280, 900)}
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--hide-scrollbars")
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


@pytest.fixture(scope="session")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One headless Chromium for the session, on a fresh profile; `show` sizes it per test."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip("selenium is not installed; install the test extras: pip install -e '.[test]'")
    binary = next(filter(None, map(shutil.which, BROWSERS)), None)
    driver = shutil.which("chromedriver")
    if binary is None or driver is None:
        pytest.skip("Chromium or chromedriver is not installed; install them (apt-get install chromium "
                    "chromium-driver) to run the browser tests")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in (*FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(executable_path=driver), options=options)
    try:
        yield browser
    finally:
        browser.quit()


def show(browser: Any, page: Path | str, size: str | tuple[int, int]) -> None:
    """Open `page` (a file, or a URL) in a window of `size` ("phone", "desktop" or (w, h) pixels)."""
    width, height = SIZES[size] if isinstance(size, str) else size
    browser.set_window_size(width, height)
    browser.get(page.as_uri() if isinstance(page, Path) else page)
    assert browser.execute_script("return window.innerWidth") == width, "the window was not sized as asked"
