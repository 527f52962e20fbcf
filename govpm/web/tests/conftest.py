"""Fixtures of the web UI's tests: the cast and clock of tests/conftest.py, a logged-in client per
role, and Debian's chromium for the browser tests (Playwright cannot download a browser here)."""

from pathlib import Path

import pytest

from tests.conftest import SHANGHAI, cast, clock  # noqa: F401 (fixtures shared with the API tests)

SCREENSHOTS = Path(__file__).resolve().parents[3] / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
]


@pytest.fixture
def login(client):
    """login(user) → the test client, logged in as that user."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, for one test module. Playwright's sync API keeps an event loop in this
    thread while it runs, and Django refuses ORM calls under a running loop; the override of that
    check (DJANGO_ALLOW_ASYNC_UNSAFE) is confined to the module, and so is the loop."""
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield launched
            launched.close()


@pytest.fixture
def screenshots():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
