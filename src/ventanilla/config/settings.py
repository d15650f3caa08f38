"""Ventanilla's settings: one module, read from the environment (12-factor).

``VENTANILLA_MODE=embedded`` (the default) needs nothing: it keeps a SQLite file (WAL mode)
and generated secrets (the secret key, the ledger's signing and pseudonym keys) in
``VENTANILLA_DATA_DIR``. ``VENTANILLA_MODE=production`` refuses to start without a real
``SECRET_KEY``, ``ALLOWED_HOSTS``, ``VENTANILLA_LEDGER_SIGNING_KEY`` and
``VENTANILLA_PSEUDONYM_KEY``.
"""

from __future__ import annotations

import base64
import os
import secrets
import ssl
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent

MODE = os.environ.get("VENTANILLA_MODE", "embedded").strip().lower()
if MODE not in {"embedded", "production"}:
    raise ImproperlyConfigured(f"VENTANILLA_MODE must be 'embedded' or 'production', not {MODE!r}.")
EMBEDDED = MODE == "embedded"

DATA_DIR = Path(os.environ.get("VENTANILLA_DATA_DIR") or Path.cwd() / ".ventanilla").resolve()


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def _env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def _persistent_secret(path: Path, *, make: Callable[[], str], check: Callable[[str], bool]) -> str:
    """Read an embedded secret from ``path``, creating it (mode 0600) on first start.

    Several processes (web workers, the task worker) may start at once: the file is
    created exclusively and whoever loses the race reads the winner's value.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        value = path.read_text().strip()
        if not check(value):
            raise ImproperlyConfigured(
                f"{path} holds no usable secret; delete it to have a new one made."
            ) from None
        return value
    value = make()
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value


def _is_ed25519_seed(value: str) -> bool:
    try:
        return len(base64.b64decode(value, validate=True)) == 32
    except ValueError:
        return False


if EMBEDDED:
    (DATA_DIR / "static").mkdir(parents=True, exist_ok=True)
    SECRET_KEY = os.environ.get("SECRET_KEY") or _persistent_secret(
        DATA_DIR / "secret_key",
        make=lambda: secrets.token_urlsafe(64),
        check=lambda value: len(value) >= 50,
    )
    ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS") or ["127.0.0.1", "localhost", "[::1]"]
else:
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured(
            "VENTANILLA_MODE=production needs SECRET_KEY: a random value of at least "
            "50 characters (for example from `python -c 'import secrets; "
            "print(secrets.token_urlsafe(64))'`)."
        )
    ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "VENTANILLA_MODE=production needs ALLOWED_HOSTS: the host names this site "
            "answers to, separated by commas (for example 'ventanilla.gov.example')."
        )

DEBUG = _env_bool("VENTANILLA_DEBUG", default=False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Ours come before allauth so that our templates override allauth's.
    "ventanilla.core",
    "ventanilla.identity",
    "ventanilla.registries",
    "ventanilla.catalogue",
    "ventanilla.ledger",
    "ventanilla.payments",
    "ventanilla.casework",
    "ventanilla.exchange",
    "ventanilla.opendata",
    "ventanilla.applications",
    "ventanilla.notifications",
    "ventanilla.insights",
    "ventanilla.portal",
    "ventanilla.backoffice",
    "ventanilla.api",
    "ventanilla.demo",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ventanilla.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "ventanilla.config.urls"
WSGI_APPLICATION = "ventanilla.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ventanilla.portal.context_processors.site",
            ],
        },
    },
]

# Database: DATABASE_URL (PostgreSQL in production) or the embedded SQLite file.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
DATABASES: dict[str, dict[str, Any]]
if DATABASE_URL:
    DATABASES = {
        "default": dict(
            dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
        )
    }
    # Django's cursors bind on the client and prepare nothing; the few statements that
    # run in every mediated call and ledger append (core/hotsql.py) are prepared on the
    # server, once per connection. Behind PgBouncer in transaction mode that needs its
    # max_prepared_statements (1.21 or later).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 5)
else:
    DATABASES = {
        "default": {
            "ENGINE": "ventanilla.core.sqlite",
            "NAME": DATA_DIR / "ventanilla.sqlite3",
            # Kept open between requests: closing SQLite's last connection checkpoints
            # and removes the WAL, which cost more than the rest of a submission.
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # WAL lets readers go on while one writer writes; IMMEDIATE takes the write
                # lock at BEGIN so concurrent writers wait (busy timeout) instead of failing.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        # Shared by every web and worker process (sign-in rate limits must be).
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "ventanilla_cache",
    },
    # Rendered public pages, per process (see ventanilla.portal.page_cache); bounded.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "ventanilla-pages",
        "TIMEOUT": 3600,
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

AUTH_USER_MODEL = "identity.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:my"

# django-allauth: residents sign in with email; officials must use TOTP.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "ventanilla.identity.forms.ResidentSignupForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/ip,5/5m/key",
    "signup": "20/m/ip",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Ventanilla] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Ventanilla"
MFA_ADAPTER = "ventanilla.identity.adapters.MFAAdapter"
ACCOUNT_ADAPTER = "ventanilla.identity.adapters.AccountAdapter"

EMAIL_SUBJECT_PREFIX = "[Ventanilla] "
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "no-reply@ventanilla.example")
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", default=True)
else:
    # Embedded: emails (sign-up codes) are printed in the terminal that runs the server.
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Internationalisation: English and Spanish ship complete.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
# The address people reach this site at: links in emails and QR codes use it.
VENTANILLA_PUBLIC_URL = os.environ.get("VENTANILLA_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")

# Application references read DL-2026-000123 ("DL" for Demoland).
VENTANILLA_REFERENCE_PREFIX = os.environ.get("VENTANILLA_REFERENCE_PREFIX", "DL")

# The transparency ledger (ledger/): the Ed25519 key that signs its checkpoints, and the
# HMAC key of the pseudonyms it records people under (never their national id). Embedded
# mode makes both on first start; production reads them from the environment. Losing the
# signing key means starting a new log; losing the pseudonym key means residents can no
# longer find their earlier entries. Back both up with the database.
if EMBEDDED:
    VENTANILLA_LEDGER_SIGNING_KEY = os.environ.get(
        "VENTANILLA_LEDGER_SIGNING_KEY"
    ) or _persistent_secret(
        DATA_DIR / "ledger_signing_key",
        make=lambda: base64.b64encode(secrets.token_bytes(32)).decode(),
        check=_is_ed25519_seed,
    )
    VENTANILLA_PSEUDONYM_KEY = os.environ.get("VENTANILLA_PSEUDONYM_KEY") or _persistent_secret(
        DATA_DIR / "pseudonym_key",
        make=lambda: secrets.token_urlsafe(48),
        check=lambda value: len(value) >= 32,
    )
else:
    VENTANILLA_LEDGER_SIGNING_KEY = os.environ.get("VENTANILLA_LEDGER_SIGNING_KEY", "")
    VENTANILLA_PSEUDONYM_KEY = os.environ.get("VENTANILLA_PSEUDONYM_KEY", "")
if not _is_ed25519_seed(VENTANILLA_LEDGER_SIGNING_KEY):
    raise ImproperlyConfigured(
        "VENTANILLA_LEDGER_SIGNING_KEY must be an Ed25519 private key: 32 random bytes in "
        "base64 (for example from `python -c 'import base64, secrets; "
        "print(base64.b64encode(secrets.token_bytes(32)).decode())'`)."
    )
if len(VENTANILLA_PSEUDONYM_KEY) < 32:
    raise ImproperlyConfigured(
        "VENTANILLA_PSEUDONYM_KEY must be a random value of at least 32 characters (for "
        "example from `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)."
    )
# The information mediator (exchange/): this node's Ed25519 key, which signs its requests
# to other nodes (HTTP Message Signatures, RFC 9421); a separate key from the ledger's.
if EMBEDDED:
    VENTANILLA_EXCHANGE_SIGNING_KEY = os.environ.get(
        "VENTANILLA_EXCHANGE_SIGNING_KEY"
    ) or _persistent_secret(
        DATA_DIR / "exchange_signing_key",
        make=lambda: base64.b64encode(secrets.token_bytes(32)).decode(),
        check=_is_ed25519_seed,
    )
else:
    VENTANILLA_EXCHANGE_SIGNING_KEY = os.environ.get("VENTANILLA_EXCHANGE_SIGNING_KEY", "")
if not _is_ed25519_seed(VENTANILLA_EXCHANGE_SIGNING_KEY):
    raise ImproperlyConfigured(
        "VENTANILLA_EXCHANGE_SIGNING_KEY must be an Ed25519 private key: 32 random bytes in "
        "base64, like VENTANILLA_LEDGER_SIGNING_KEY (and not the same one)."
    )
# The X-Road instance this node's members belong to, and how far a signed request's
# creation time may be from this node's clock.
VENTANILLA_EXCHANGE_INSTANCE = os.environ.get("VENTANILLA_EXCHANGE_INSTANCE", "DEMO")
VENTANILLA_EXCHANGE_MAX_SKEW_SECONDS = int(
    os.environ.get("VENTANILLA_EXCHANGE_MAX_SKEW_SECONDS", "300")
)
# Certificate authorities (a PEM file) this node trusts, besides the system's, for the
# HTTPS certificates of the nodes and security servers it calls: a federation's own.
VENTANILLA_EXCHANGE_CA_FILE = os.environ.get("VENTANILLA_EXCHANGE_CA_FILE", "").strip()
if VENTANILLA_EXCHANGE_CA_FILE:
    try:  # read now, so that a wrong file stops the start, not every call to another node
        ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).load_verify_locations(VENTANILLA_EXCHANGE_CA_FILE)
    except (OSError, ssl.SSLError):
        raise ImproperlyConfigured(
            f"VENTANILLA_EXCHANGE_CA_FILE names {VENTANILLA_EXCHANGE_CA_FILE}, which is not a "
            "readable PEM file of certificates: give the certificate authorities to trust, or "
            "leave it empty."
        ) from None
# The agency that is the central digital office: its officials (with TOTP, as every
# official) see the whole exchange, every member's systems, rights and calls.
VENTANILLA_CENTRAL_OFFICE = os.environ.get("VENTANILLA_CENTRAL_OFFICE", "digital-office").strip()
# The log's name in its checkpoints, by convention the address it is published at.
VENTANILLA_LEDGER_ORIGIN = os.environ.get("VENTANILLA_LEDGER_ORIGIN") or (
    VENTANILLA_PUBLIC_URL.split("://", 1)[-1] + "/ledger"
)
# The worker signs a new checkpoint this many seconds after the first entry it does not
# cover, or as soon as that many entries wait, whichever comes first.
VENTANILLA_LEDGER_CHECKPOINT_SECONDS = float(
    os.environ.get("VENTANILLA_LEDGER_CHECKPOINT_SECONDS", "5")
)
VENTANILLA_LEDGER_CHECKPOINT_ENTRIES = int(
    os.environ.get("VENTANILLA_LEDGER_CHECKPOINT_ENTRIES", "1000")
)

# Insights (issue 6): the worker folds yesterday's and today's facts this often; a draft
# untouched this many days counts as abandoned; below this many transactions a period is
# too small to publish; the KPI targets, in per cent (the GOV.UK service standard's).
VENTANILLA_INSIGHTS_FOLD_SECONDS = float(os.environ.get("VENTANILLA_INSIGHTS_FOLD_SECONDS", "900"))
VENTANILLA_INSIGHTS_ABANDONED_AFTER_DAYS = int(
    os.environ.get("VENTANILLA_INSIGHTS_ABANDONED_AFTER_DAYS", "30")
)
VENTANILLA_INSIGHTS_MIN_PUBLISHED = int(os.environ.get("VENTANILLA_INSIGHTS_MIN_PUBLISHED", "10"))
VENTANILLA_INSIGHTS_TARGETS = {
    "digital_take_up": float(os.environ.get("VENTANILLA_TARGET_DIGITAL_TAKE_UP", "79")),
    "completion_rate": float(os.environ.get("VENTANILLA_TARGET_COMPLETION_RATE", "80")),
    "satisfaction": float(os.environ.get("VENTANILLA_TARGET_SATISFACTION", "78")),
}

LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["ventanilla.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")


def uploads_storage(environ: Mapping[str, str], data_dir: Path) -> dict[str, Any]:
    """The "uploads" storage: residents' evidence files, private, served only through
    views that check who asks (never as static or public media, never by URL).

    Under ``data_dir`` by default; in an S3-compatible bucket when
    ``VENTANILLA_UPLOADS_S3_BUCKET`` is set, so that several web nodes share them. The
    bucket's credentials come from boto3's usual sources (``AWS_ACCESS_KEY_ID`` and
    ``AWS_SECRET_ACCESS_KEY``, a profile, an instance role), never from settings.
    """
    bucket = environ.get("VENTANILLA_UPLOADS_S3_BUCKET", "").strip()
    if not bucket:
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(data_dir / "uploads")},
        }
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": environ.get("VENTANILLA_UPLOADS_S3_ENDPOINT_URL", "").strip() or None,
            "region_name": environ.get("VENTANILLA_UPLOADS_S3_REGION", "").strip() or None,
            "location": environ.get("VENTANILLA_UPLOADS_S3_PREFIX", "uploads").strip("/ "),
            # No ACL is sent: objects are as private as the bucket (and a bucket that
            # disables ACLs, as new AWS buckets do, accepts them).
            "default_acl": None,
            # Nothing links to an object, but a URL made by mistake must still be signed.
            "querystring_auth": True,
            # Names are random; never write over an object that happens to exist.
            "file_overwrite": False,
        },
    }


STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "uploads": uploads_storage(os.environ, DATA_DIR),
    "opendata": {  # published files of the open-data catalogue (public)
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DATA_DIR / "opendata"},
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False
WHITENOISE_MAX_AGE = 3600

# Security headers (more in core.middleware.SecurityHeadersMiddleware).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
if not EMBEDDED:
    SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", default=False)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    if _env_bool("BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS")

# Ventanilla's own settings.
VENTANILLA_SITE_NAME = _("Ventanilla")
VENTANILLA_GOVERNMENT_NAME = os.environ.get("VENTANILLA_GOVERNMENT_NAME", "Demoland")
# How often the worker refreshes the open datasets the platform publishes itself (the
# central digital office publishes the platform's own; each registry's owner its statistics).
VENTANILLA_OPENDATA_REFRESH_SECONDS = int(
    os.environ.get("VENTANILLA_OPENDATA_REFRESH_SECONDS", "3600")
)
VENTANILLA_CATALOGUE_DIR = Path(
    os.environ.get("VENTANILLA_CATALOGUE_DIR") or PACKAGE_DIR / "demo" / "catalogue"
)
# Exposes the bench scripts' baselines: /bench/bare (one query, no template) and
# /bench/direct/population/person/<id> (the registry unmediated, with no sign-in). Off
# unless asked for, and refused in production: the second would publish personal data.
VENTANILLA_BENCH_VIEWS = _env_bool("VENTANILLA_BENCH_VIEWS", default=False)
if VENTANILLA_BENCH_VIEWS and not EMBEDDED:
    raise ImproperlyConfigured(
        "VENTANILLA_BENCH_VIEWS is for benchmarks on a throw-away embedded site; "
        "VENTANILLA_MODE=production refuses it."
    )
# Takes fees: a class following ventanilla.payments.providers.PaymentProvider (dotted path).
VENTANILLA_PAYMENT_PROVIDER = (
    os.environ.get("VENTANILLA_PAYMENT_PROVIDER") or "ventanilla.payments.providers.SandboxProvider"
)
if (
    not EMBEDDED
    and VENTANILLA_PAYMENT_PROVIDER.endswith(".SandboxProvider")
    and not _env_bool("VENTANILLA_ALLOW_SANDBOX_PAYMENTS", default=False)
):
    raise ImproperlyConfigured(
        "VENTANILLA_MODE=production takes no real money with the sandbox payment provider: "
        "set VENTANILLA_PAYMENT_PROVIDER to a real provider, or "
        "VENTANILLA_ALLOW_SANDBOX_PAYMENTS=true for a staging site."
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request lines can carry personal data in query strings: keep them out.
        "django.server": {"level": "WARNING"},
    },
}
