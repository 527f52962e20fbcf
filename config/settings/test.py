"""The test suite: SQLite by default, PostgreSQL when DATABASE_URL is set (make test runs both)."""

from .base import *  # noqa: F401,F403

SECRET_KEY = "test-only-not-a-secret"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]
GOVPM_DEMO = True
