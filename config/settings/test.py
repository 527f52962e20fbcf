"""The test suite: SQLite by default, PostgreSQL when DATABASE_URL is set (make test runs both)."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F401,F403

# Generated files (DOCX, cached PDFs) of a test run never land in, or are read from, the repository.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="govpm-test-media-"))

SECRET_KEY = "test-only-not-a-secret"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]
GOVPM_DEMO = True
# Every dashboard or statistics read rebuilds the portfolio summary first (inline mode), so a test sees
# the summary of the data it just wrote; tests/test_portfolio_summary.py covers a stale one.
GOVPM_SUMMARY_SECONDS = 0
