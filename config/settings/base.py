"""Settings shared by every deployment. Everything that differs between machines comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("GOVPM_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "health_check",
    "govpm.core",
    "govpm.accounts",
    "govpm.policy",
    "govpm.projects",
    "govpm.notices",
    "govpm.targets",
    "govpm.documents",
    "govpm.promotion",
    "govpm.inventory",
    "govpm.portfolio",
    "govpm.materials",
    "govpm.web",
    "govpm.demo",
    "govpm.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Oversized bodies and control characters in query parameters are refused before anything reads
    # them; lost database connections and crashes on /api/ answer in the API's error shape.
    "govpm.core.middleware.InputGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it sees the lockout flag the authentication backend sets and answers with the lockout page.
    "axes.middleware.AxesMiddleware",
    # The demo's DEBUG shows the Chinese 404/500 pages, not Django's debug pages (a no-op otherwise).
    "govpm.core.middleware.DemoErrorPagesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def database_from_env() -> dict:
    """DATABASE_URL selects the database; without it an embedded SQLite file under var/."""
    url = os.environ.get("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")))
        config["CONN_HEALTH_CHECKS"] = True
        return config
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("SQLITE_PATH", str(VAR_DIR / "db.sqlite3")),
        "OPTIONS": {
            # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of one failing
            # half-way with "database is locked"; WAL lets readers go on meanwhile.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        },
    }


DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Axes first: it refuses a locked-out account or client before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Applied wherever Django validates a new password: the admin, the web password change, createsuperuser.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "display_name", "first_name", "last_name", "email")},
    },
    # 12 characters for real accounts; a demo deployment (GOVPM_DEMO) keeps Django's 8 for its shared password.
    {"NAME": "govpm.accounts.passwords.AccountMinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.CommonPasswordValidator",
        "OPTIONS": {
            "password_list_path": BASE_DIR / "govpm" / "accounts" / "data" / "common-passwords-zh.txt"
        },
    },
    {"NAME": "govpm.accounts.passwords.NotADateValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (issue 13 item 2): django-axes counts failures in the database, so every app server
# behind the proxy sees the same count. 20 failures lock the account (from anywhere) or the client
# (on any account) for the cool-off; a failure during the lockout starts the cool-off again.
AXES_FAILURE_LIMIT = int(os.environ.get("GOVPM_LOGIN_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("GOVPM_LOGIN_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "govpm.core.auth.lockout_response"
AXES_CLIENT_IP_CALLABLE = "govpm.core.auth.client_ip"
AXES_HTTP_RESPONSE_CODE = 429
# How many reverse proxies append to X-Forwarded-For in front of the app; 0 trusts REMOTE_ADDR only.
GOVPM_PROXY_COUNT = int(os.environ.get("GOVPM_PROXY_COUNT", "0"))

# API tokens (django-rest-knox): only a hash is stored; each expires; one per device of a user.
GOVPM_TOKEN_TTL = timedelta(hours=float(os.environ.get("GOVPM_TOKEN_TTL_HOURS", "8")))
KNOX_TOKEN_MODEL = "accounts.AuthToken"
# knox's migrations create its own token table even when the model is swapped for ours; unused, and its
# foreign key to the user table would only block PostgreSQL's TRUNCATE. Our table is accounts_authtoken.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {"TOKEN_TTL": GOVPM_TOKEN_TTL, "AUTH_HEADER_PREFIX": "Token"}

# One language whatever the browser asks for: no LocaleMiddleware, so Django's and DRF's own messages
# are Chinese too, never half in the language of an Accept-Language header.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"


# Uploaded materials (govpm.materials) go through Django's storage API. The default is the file system
# under MEDIA_ROOT (one server, or a shared volume). Several app servers share an S3-compatible object
# store instead (django-storages, README "Materials storage"): set GOVPM_S3_BUCKET and the AWS_* below.
def storages_from_env(environ) -> dict[str, dict]:
    """The file system by default; with GOVPM_S3_BUCKET set, django-storages' S3Storage (the optional
    extra `s3` of pyproject.toml) on that bucket, at AWS_S3_ENDPOINT_URL for a non-AWS store."""
    storages: dict[str, dict] = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    if environ.get("GOVPM_S3_BUCKET"):
        storages["default"] = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": environ["GOVPM_S3_BUCKET"],
                "endpoint_url": environ.get("AWS_S3_ENDPOINT_URL") or None,
                "region_name": environ.get("AWS_S3_REGION_NAME") or None,
                "access_key": environ.get("AWS_ACCESS_KEY_ID") or None,
                "secret_key": environ.get("AWS_SECRET_ACCESS_KEY") or None,
                "addressing_style": environ.get("AWS_S3_ADDRESSING_STYLE") or None,
                "default_acl": None,  # private objects: every read goes through the app's access check
                "querystring_auth": True,
                "file_overwrite": False,  # a material is never overwritten (MAT-02)
            },
        }
    return storages


STORAGES = storages_from_env(os.environ)
# MAT-01: a required material missing refuses its action (the test suite uploads first, as the demo does).
# Off only for a data migration or an import of historic projects that predate materials.
GOVPM_MATERIALS_REQUIRED = env_bool("GOVPM_MATERIALS_REQUIRED", True)
# An upload larger than this is spooled to a temporary file, never held whole in memory (MAT-02).
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
# Files per request: a material form carries a handful; 100 (Django's default) refuses floods with 400.
DATA_UPLOAD_MAX_NUMBER_FILES = 100
# The material views refuse past 20 files naming the material (govpm/materials/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "govpm.materials.uploads.MaterialFileCount",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

LOGIN_URL = "/accounts/login/"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "govpm.core.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Deny by default: an endpoint that forgets its permission stays closed.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["govpm.core.parsers.DecimalJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "govpm.core.api.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "govpm.core.api.exception_handler",
    "UNAUTHENTICATED_USER": None,
}

# The OpenAPI document (govpm/core/schema.py). Operation ids drop the /api/v1 prefix and tags are the
# first path segment, so a generated client reads `projects_list`, `projects_action_record_tender`.
SPECTACULAR_SETTINGS = {
    "TITLE": "衢州市政府投资数字化项目全生命周期管理平台 API",
    "DESCRIPTION": "衢政办发〔2020〕8号规定的数字化项目全生命周期，以及衢州政报2020年第4期所载目标的监测评价。"
    '错误一律为 {"error": {code, message, rule, citation, field}}，message 为中文；分页的列表为'
    " {count, next, previous, results}。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "govpm.core.schema.error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "StageEnum": "govpm.projects.stages.Stage",
        "DocumentKindEnum": "govpm.projects.models.IssuedDocument.Kind",
        "DeadlineKindEnum": "govpm.projects.models.Deadline.Kind",
        "PublicityKindEnum": "govpm.promotion.models.Publicity.Kind",
    },
}

# Swagger UI from the installed sidecar package, not a CDN: the CSP below allows no other origin.
SPECTACULAR_SETTINGS.update(
    {
        "SWAGGER_UI_DIST": "SIDECAR",
        "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
        "REDOC_DIST": "SIDECAR",
    }
)

# Content-Security-Policy: only this origin's scripts, styles, images and fonts; no inline script or style
# (the templates carry none: charts read JSON data blocks, htmx's indicator styles live in app.css).
# `data:` images serve the empty favicon and ECharts' exported images. The Swagger page is the same origin's
# split view (its initialiser is a separate script), so it needs no exception either.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# How the platform counts "3 days" (TIME-01): "calendar" or "working" (holiday calendar).
GOVPM_DAY_COUNTING = os.environ.get("GOVPM_DAY_COUNTING", "calendar")
# Post-evaluation is due one year after final acceptance (SUPV-04); it is overdue this many days later.
GOVPM_POST_EVALUATION_GRACE_DAYS = int(os.environ.get("GOVPM_POST_EVALUATION_GRACE_DAYS", "90"))
# Demo mode prints and accepts the demo accounts' shared password.
GOVPM_DEMO = env_bool("GOVPM_DEMO")
# A running system with no use report for this many days is a zombie candidate (INV-02).
GOVPM_ZOMBIE_IDLE_DAYS = int(os.environ.get("GOVPM_ZOMBIE_IDLE_DAYS", "365"))
# Prefix of OCDS identifiers (ocid), registered with the OCDS helpdesk by a deployment.
GOVPM_OCID_PREFIX = os.environ.get("GOVPM_OCID_PREFIX", "ocds-qzdp01")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# -- Job engine (ADR 0011): Celery, Redis as broker. Unset: tasks run inline (demo, most tests). ---------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("GOVPM_CELERY_QUEUE", "celery")
CELERY_TASK_EAGER_PROPAGATES = False  # inline mode: a failing job is logged, the committed action stands
CELERY_TASK_ACKS_LATE = True  # a worker that dies mid-task leaves it queued; every task is idempotent
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# ADR 0302: how often the portfolio summary (dashboard, statistics) is rebuilt; without a job engine
# a read older than this rebuilds it.
GOVPM_SUMMARY_SECONDS = int(os.environ.get("GOVPM_SUMMARY_SECONDS", "300"))
CELERY_BEAT_SCHEDULE = {
    "deadline-pass": {
        "task": "periodic.deadline_pass",
        "schedule": float(os.environ.get("GOVPM_DEADLINE_PASS_SECONDS", "3600")),
    },
    "warm-pdf-cache": {"task": "periodic.warm_pdf_cache", "schedule": 600.0},
    "verify-documents": {"task": "periodic.verify_documents", "schedule": 86400.0},
    "convert-previews": {"task": "periodic.convert_previews", "schedule": 120.0},
    "verify-materials": {"task": "periodic.verify_materials", "schedule": 86400.0},
    "notices-sweep": {"task": "notices.sweep", "schedule": 60.0},
    # ADR 0302: the dashboard and statistics read a summary rebuilt this often (the pages say as of when).
    "portfolio-summary": {
        "task": "periodic.portfolio_summary",
        "schedule": float(GOVPM_SUMMARY_SECONDS),
    },
    "enroll-systems": {"task": "periodic.enroll_systems", "schedule": 86400.0},
}

# -- Notices (NOTE-01..03): the inbox is always on; each outside channel is off until configured. --------
NOTICES_SITE_URL = os.environ.get("GOVPM_SITE_URL", "")  # links in email / 浙政钉 are made absolute
NOTICES_MAX_ATTEMPTS = int(os.environ.get("GOVPM_NOTICE_MAX_ATTEMPTS", "5"))
NOTICES_RETRY_BASE_SECONDS = float(os.environ.get("GOVPM_NOTICE_RETRY_BASE_SECONDS", "30"))
NOTICES_RETRY_MAX_SECONDS = 3600.0
NOTICES_HTTP_TIMEOUT = float(os.environ.get("GOVPM_NOTICE_HTTP_TIMEOUT", "5"))
NOTICES_REVIEW_STALE_DAYS = int(os.environ.get("GOVPM_REVIEW_STALE_WORKING_DAYS", "5"))
NOTICES_EMAIL_ENABLED = env_bool("GOVPM_NOTICE_EMAIL")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "govpm@localhost")
NOTICES_ZZD = {
    "endpoint": os.environ.get("GOVPM_ZZD_ENDPOINT", ""),  # e.g. https://openplatform.dg-work.cn
    "app_key": os.environ.get("GOVPM_ZZD_APP_KEY", ""),
    "app_secret": os.environ.get("GOVPM_ZZD_APP_SECRET", ""),
    "tenant_id": os.environ.get("GOVPM_ZZD_TENANT_ID", ""),
}
NOTICES_ROBOT = {
    "webhook": os.environ.get("GOVPM_DINGTALK_ROBOT_WEBHOOK", ""),
    "secret": os.environ.get("GOVPM_DINGTALK_ROBOT_SECRET", ""),
}
NOTICES_HEALTH_MAX_QUEUE = int(os.environ.get("GOVPM_HEALTH_MAX_QUEUE", "10000"))
NOTICES_HEALTH_MAX_PASS_AGE_HOURS = float(os.environ.get("GOVPM_HEALTH_MAX_PASS_AGE_HOURS", "26"))
