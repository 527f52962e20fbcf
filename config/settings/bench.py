"""`make bench`: production's request path (DEBUG off, persistent PostgreSQL connections, the same
middleware and DRF settings), served over plain HTTP on loopback, with the bare comparison views mounted.

Not a deployment: the secret key is fixed and public, and nothing here may be used outside the benchmark.
"""

import os
import warnings

from .base import *  # noqa: F401,F403
from .base import DATABASES

SECRET_KEY = "bench-only-not-a-secret-" + "x" * 40
DEBUG = False
GOVPM_DEMO = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# The normal patterns plus /bench/bare/…; config.urls never mounts the bare views.
ROOT_URLCONF = "config.bench_urls"
# No TLS on loopback, so no SSL redirect or secure cookies; the rest of the request path is production's.
SECURE_SSL_REDIRECT = False

# Persistent connections: closing one per request cost 5–8× on this machine (notes/stack.md).
# None keeps each worker's connection for its whole life, as a busy production worker would.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = (
        None if os.environ.get("CONN_MAX_AGE") is None else int(os.environ["CONN_MAX_AGE"])
    )

# collectstatic is not run for the bench; whitenoise would warn once per worker about the empty STATIC_ROOT.
warnings.filterwarnings("ignore", message="No directory at")

# Quiet: a log line per request would measure the terminal.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "ERROR")},
}
