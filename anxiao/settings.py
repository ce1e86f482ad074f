"""Settings, read from environment variables and validated at start-up.

Defaults give a working development set-up (SQLite under var/). Production sets
ANXIAO_ENV=production, ANXIAO_SECRET_KEY, ANXIAO_ALLOWED_HOSTS and DATABASE_URL;
`anxiao check --deploy` then passes without warnings.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def load_env_file(path: str | None) -> None:
    """``ANXIAO_ENV_FILE``: read ``KEY=VALUE`` lines (systemd's ``EnvironmentFile`` form: ``#`` comments, values
    optionally in quotes) into the environment, variables already set winning. The command line then needs no
    ``env $(…)`` that would put the secret key and database password on it (``ps``, ``bash -x``)."""
    if not path:
        return
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ImproperlyConfigured(f"ANXIAO_ENV_FILE: cannot read {path}: {exc.strerror}") from None
    for line in lines:
        line = line.strip()
        if not line or line.startswith(("#", ";")) or "=" not in line:
            continue
        key, value = (part.strip() for part in line.split("=", 1))
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        os.environ.setdefault(key, value)


load_env_file(os.environ.get("ANXIAO_ENV_FILE"))

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ANXIAO_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


ANXIAO_ENV = os.environ.get("ANXIAO_ENV", "test" if "pytest" in Path(sys.argv[0]).name else "development")
if ANXIAO_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured("ANXIAO_ENV must be development, test or production")
PRODUCTION = ANXIAO_ENV == "production"

DEBUG = env_bool("ANXIAO_DEBUG", not PRODUCTION)
SECRET_KEY = os.environ.get("ANXIAO_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("ANXIAO_SECRET_KEY is required when ANXIAO_ENV=production")
    SECRET_KEY = "dev-insecure-anxiao-key-not-for-production-use-0123456789abcdef"
elif PRODUCTION and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("ANXIAO_SECRET_KEY must be at least 50 characters")

ALLOWED_HOSTS = env_list("ANXIAO_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ANXIAO_ALLOWED_HOSTS is required when ANXIAO_ENV=production")
CSRF_TRUSTED_ORIGINS = env_list("ANXIAO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # serves its own Swagger UI files (no CDN)
    "anxiao.core",
    "anxiao.accounts",
    "anxiao.org",
    "anxiao.notifications",
    "anxiao.policies",
    "anxiao.documents",
    "anxiao.responsibility",
    "anxiao.obligations",
    "anxiao.inspections",
    "anxiao.hazards",
    "anxiao.risks",
    "anxiao.staffing",
    "anxiao.drills",
    "anxiao.education",
    "anxiao.incidents",
    "anxiao.accountability",
    "anxiao.reports",  # before assessment: the demo's assessment is computed on the year's ledgers
    "anxiao.assessment",
    "anxiao.chiefs",
]

MIDDLEWARE = [
    "anxiao.core.logs.RequestIdMiddleware",
    "anxiao.core.health.HealthMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "anxiao.accounts.middleware.ForcePasswordChangeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "anxiao.core.middleware.RequestContextMiddleware",
    "anxiao.core.middleware.ReadOnlyMiddleware",
    "anxiao.core.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "anxiao.urls"
WSGI_APPLICATION = "anxiao.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "anxiao.core.context_processors.navigation",
                "anxiao.core.context_processors.access",
            ],
        },
    }
]

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("ANXIAO_DB_CONN_MAX_AGE", 60))}
    except Exception as exc:  # dj_database_url raises several types for a malformed URL
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}")
    # PostgreSQL's JIT compiles the roll-ups' aggregates on every run: about 150 ms each for queries that take
    # 20–200 ms to run (benchmarks/bench_obligations.py). ANXIAO_PG_JIT=on keeps the server's setting.
    if DATABASES["default"].get("ENGINE", "").endswith("postgresql") and os.environ.get("ANXIAO_PG_JIT") != "on":
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
else:
    Path(os.environ.get("ANXIAO_SQLITE_PATH", VAR_DIR / "anxiao.sqlite3")).parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("ANXIAO_SQLITE_PATH", str(VAR_DIR / "anxiao.sqlite3")),
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["anxiao.accounts.backends.UsernameOrMobileBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if ANXIAO_ENV == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Repeated failed log-ins for one account or from one address lock further attempts for a while.
# How many bureaus the worker's daily run expands at once (PostgreSQL only; SQLite writes one at a time).
EXPAND_JOBS = env_int("ANXIAO_EXPAND_JOBS", 2)
LOGIN_FAILURE_LIMIT = env_int("ANXIAO_LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_MINUTES = env_int("ANXIAO_LOGIN_LOCKOUT_MINUTES", 15)
# Failures with unknown user names from one client address before that address is locked for such names.
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("ANXIAO_LOGIN_ADDRESS_FAILURE_LIMIT", 20)
# Reverse proxies (addresses or networks) whose X-Forwarded-For names the real client address.
ANXIAO_TRUSTED_PROXIES = env_list("ANXIAO_TRUSTED_PROXIES", [])
# API tokens expire this many days after they are issued.
API_TOKEN_DAYS = env_int("ANXIAO_API_TOKEN_DAYS", 90)
# The pages load nothing from other origins; inline scripts and styles are still used by the templates.
CONTENT_SECURITY_POLICY = os.environ.get("ANXIAO_CONTENT_SECURITY_POLICY") or (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

LANGUAGE_CODE = "zh-hans"
# One language: the interface is Simplified Chinese only. An English switch was offered once and translated only
# the menus and chrome (issue 19); it was removed rather than left half-translated.
LANGUAGES = [("zh-hans", _("简体中文"))]
TIME_ZONE = os.environ.get("ANXIAO_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end libraries from npm (package.json), copied here by `make assets`; served as /static/vendor/….
VENDOR_DIR = VAR_DIR / "vendor"
STATICFILES_DIRS = [("vendor", VENDOR_DIR)] if VENDOR_DIR.is_dir() else []
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded files are never served directly: downloads go through access-checked views.
MEDIA_ROOT = Path(os.environ.get("ANXIAO_MEDIA_ROOT", VAR_DIR / "media"))
MAX_UPLOAD_MB = env_int("ANXIAO_MAX_UPLOAD_MB", 20)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_MB * 1024 * 1024

EMAIL_BACKEND = os.environ.get(
    "ANXIAO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("ANXIAO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("ANXIAO_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("ANXIAO_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ANXIAO_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("ANXIAO_EMAIL_USE_TLS", False)  # STARTTLS, usually port 587
EMAIL_USE_SSL = env_bool("ANXIAO_EMAIL_USE_SSL", False)  # implicit TLS, usually port 465
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("ANXIAO_EMAIL_USE_TLS and ANXIAO_EMAIL_USE_SSL cannot both be true (587 STARTTLS or 465 SSL)")
EMAIL_TIMEOUT = env_int("ANXIAO_EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = os.environ.get("ANXIAO_EMAIL_FROM", "anxiao@localhost")

# Self-service password reset (accounts.actions.request_password_reset): a link by e-mail (the e-mail settings
# above) or a code by SMS through an HTTP gateway; both expire after PASSWORD_RESET_MINUTES.
PASSWORD_RESET_MINUTES = env_int("ANXIAO_PASSWORD_RESET_MINUTES", 30)
PASSWORD_RESET_TIMEOUT = PASSWORD_RESET_MINUTES * 60  # Django's reset-link tokens
PASSWORD_RESET_REQUEST_LIMIT = env_int("ANXIAO_PASSWORD_RESET_REQUEST_LIMIT", 3)  # per account per window
# SMS gateway: POST of ANXIAO_SMS_TEMPLATE (JSON; "{mobile}", "{code}", "{minutes}" replaced in its strings) to
# ANXIAO_SMS_URL, with ANXIAO_SMS_AUTHORIZATION as the Authorization header when set. No URL: no SMS reset.
SMS_URL = os.environ.get("ANXIAO_SMS_URL", "")
SMS_TEMPLATE = os.environ.get(
    "ANXIAO_SMS_TEMPLATE", '{"mobile": "{mobile}", "text": "【安校】验证码 {code}，{minutes} 分钟内有效，用于重设密码。"}')
SMS_AUTHORIZATION = os.environ.get("ANXIAO_SMS_AUTHORIZATION", "")
SMS_TIMEOUT = env_int("ANXIAO_SMS_TIMEOUT", 10)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("ANXIAO_SESSION_HOURS", 12) * 3600
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = env_bool("ANXIAO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("ANXIAO_SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("ANXIAO_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("ANXIAO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("ANXIAO_HSTS_PRELOAD", False)  # intranet hosts: preload is an opt-in
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]  # preload off on purpose (docs/security.md)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# The address users reach the site at (https://anxiao.example.gov.cn): links in e-mails and robot messages.
BASE_URL = os.environ.get("ANXIAO_BASE_URL", "").strip().rstrip("/")
if BASE_URL and not BASE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"ANXIAO_BASE_URL must start with http:// or https://, got {BASE_URL!r}")

# `anxiao serve` (gunicorn): address, worker processes, threads per process, request timeout in seconds.
SERVE_BIND = os.environ.get("ANXIAO_BIND", "127.0.0.1:8000")
WEB_WORKERS = env_int("ANXIAO_WEB_WORKERS", 2)
WEB_THREADS = env_int("ANXIAO_WEB_THREADS", 4)
WEB_TIMEOUT = env_int("ANXIAO_WEB_TIMEOUT", 120)
# /readyz answers 503 when no worker has reported for this many minutes.
READY_WORKER_MINUTES = env_int("ANXIAO_READY_WORKER_MINUTES", 10)

# Logs: one line per event to stdout (and to a rotating file when ANXIAO_LOG_FILE is set); each line carries
# the request id. ANXIAO_LOG_FORMAT=json for machine-read lines. Lines never carry names, phone numbers or
# passwords: requests log method, path, status, time and the account id.
LOG_LEVEL = os.environ.get("ANXIAO_LOG_LEVEL", "INFO").upper()
LOG_FORMAT = os.environ.get("ANXIAO_LOG_FORMAT", "text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured("ANXIAO_LOG_FORMAT must be text or json")
LOG_FILE = os.environ.get("ANXIAO_LOG_FILE", "")
LOG_FILE_MB = env_int("ANXIAO_LOG_FILE_MB", 20)
LOG_FILE_COUNT = env_int("ANXIAO_LOG_FILE_COUNT", 10)
LOGGING: dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "anxiao.core.logs.RequestIdFilter"}},
    "formatters": {"line": {"()": "anxiao.core.logs.LineFormatter", "json": LOG_FORMAT == "json"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": "line"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"},
                # anxiao.core.logs logs each request once (without the query string); Django's own lines repeat it.
                "django.request": {"level": "ERROR"}, "django.server": {"level": "WARNING"}},
}
if LOG_FILE:
    LOGGING["handlers"]["file"] = {
        "class": "logging.handlers.RotatingFileHandler", "filename": LOG_FILE, "encoding": "utf-8",
        "maxBytes": LOG_FILE_MB * 1024 * 1024, "backupCount": LOG_FILE_COUNT,
        "filters": ["request_id"], "formatter": "line"}
    LOGGING["root"]["handlers"].append("file")

NINJA_PAGINATION_PER_PAGE = 50
PAGE_SIZE = env_int("ANXIAO_PAGE_SIZE", 50)
