"""The cast and clock of tests/conftest.py, and the web tests' browser fixtures."""

from govpm.web.tests.conftest import *  # noqa: F401,F403 (cast, clock, browser, logged-in pages)
