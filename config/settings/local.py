"""Local development and `make demo`: embedded SQLite unless DATABASE_URL says otherwise."""

from .base import *  # noqa: F401,F403
from .base import SECRET_KEY, env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = SECRET_KEY or "local-only-not-a-secret"
GOVPM_DEMO = env_bool("GOVPM_DEMO", True)
