"""Production: PostgreSQL from DATABASE_URL, several stateless app servers behind HTTPS, one worker.

Required environment: SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS. `manage.py check --deploy` passes.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import DATABASES, SECRET_KEY, env_bool

if not SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set to at least 50 random characters")
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("production runs on PostgreSQL: set DATABASE_URL=postgres://…")

DEBUG = False
GOVPM_DEMO = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# The default storage of base.py (file system, or S3 when GOVPM_S3_BUCKET is set) for materials.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Production stands behind the buffering nginx of deploy/nginx/ (README): one trusted proxy, whose
# X-Forwarded-For entry is the client's address for the login lockout.
GOVPM_PROXY_COUNT = int(os.environ.get("GOVPM_PROXY_COUNT", "1"))
