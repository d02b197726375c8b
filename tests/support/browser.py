"""A real browser for the pages people open from their email: Debian's Chromium, headless,
driven by Selenium through Debian's chromedriver (``.ci/run`` installs ``chromium`` and
``chromium-driver``). The driver's path is given explicitly, so Selenium Manager never
looks for, or downloads, anything. Where either is missing, tests marked ``needs_chromium``
skip, unless ``PANEL_REQUIRE_BROWSER=1`` (as in ``.ci/run``).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium")
CHROMEDRIVER_CANDIDATES = ("/usr/bin/chromedriver", "chromedriver")
PAGE_SECONDS = 30
# Nothing but the page under test: no sync, updates, safe-browsing lookups or other
# background traffic, no proxy from the environment, a profile of its own.
CHROMIUM_ARGUMENTS = (
    "--headless=new",
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--no-proxy-server",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--metrics-recording-only",
    "--window-size=1280,1024",
)


def _found(candidates: tuple[str, ...]) -> str | None:
    for candidate in candidates:
        path = candidate if Path(candidate).is_absolute() else shutil.which(candidate)
        if path and Path(path).is_file():
            return path
    return None


def browser_problem() -> str | None:
    """Why no browser test can run here, or None."""
    if importlib.util.find_spec("selenium") is None:
        return "selenium is not installed (it is in the dev extras: pip install -e '.[dev]')"
    if _found(CHROMIUM_CANDIDATES) is None or _found(CHROMEDRIVER_CANDIDATES) is None:
        return (
            "Chromium and chromedriver are not installed here (Debian: apt-get install "
            "chromium chromium-driver; .ci/run installs them)"
        )
    return None


# CI installs the browser: there (PANEL_REQUIRE_BROWSER=1) a missing one fails the tests
# instead of skipping them.
_REQUIRED = os.environ.get("PANEL_REQUIRE_BROWSER") == "1"
needs_chromium = pytest.mark.skipif(
    browser_problem() is not None and not _REQUIRED, reason=str(browser_problem())
)


@contextmanager
def chromium(directory: Path) -> Iterator[Any]:
    """A headless Chromium (a Selenium WebDriver) with its profile and the driver's log in
    ``directory``, quit when the block ends."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver_path = _found(CHROMIUM_CANDIDATES), _found(CHROMEDRIVER_CANDIDATES)
    assert binary and driver_path, browser_problem()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in (*CHROMIUM_ARGUMENTS, f"--user-data-dir={directory / 'chromium-profile'}"):
        options.add_argument(argument)
    service = Service(executable_path=driver_path, log_output=str(directory / "chromedriver.log"))
    driver = webdriver.Chrome(service=service, options=options)
    try:
        driver.set_page_load_timeout(PAGE_SECONDS)
        yield driver
    finally:
        driver.quit()


def wait_for_text(driver: Any, text: str, seconds: float = PAGE_SECONDS) -> str:
    """The page's visible text once it contains ``text`` (bounded)."""
    from selenium.common.exceptions import (
        NoSuchElementException,
        StaleElementReferenceException,
        TimeoutException,
    )
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def body(current: Any) -> str | bool:
        shown: str = current.find_element(By.TAG_NAME, "body").text
        return shown if text in shown else False

    try:
        # While a new page replaces the old one, its body may be gone or not there yet.
        found = WebDriverWait(
            driver,
            seconds,
            poll_frequency=0.1,
            ignored_exceptions=(NoSuchElementException, StaleElementReferenceException),
        ).until(body)
    except TimeoutException as exc:  # show what the page said instead
        shown = driver.find_element(By.TAG_NAME, "body").text
        raise AssertionError(f"{text!r} not on {driver.current_url}:\n{shown[:3000]}") from exc
    return str(found)
