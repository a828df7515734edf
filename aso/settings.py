"""Settings for the ASO platform: one module, configured by environment variables.

Embedded default: a SQLite file and Celery tasks run eagerly in-process.
Real path: DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis) with real workers.
Production mode (ASO_ENV=production) refuses to start without SECRET_KEY and passes check --deploy.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (os.environ.get(name) or default).split(",") if item.strip()]


ASO_ENV = env("ASO_ENV", "development")
PRODUCTION = ASO_ENV == "production"
# Demo mode (published demo users and their published TOTP secret) can never be on in production mode.
DEMO_MODE = env_bool("ASO_DEMO", default=not PRODUCTION) and not PRODUCTION

SECRET_KEY = env("SECRET_KEY") or ""
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set in production mode (ASO_ENV=production)."
        )
    SECRET_KEY = "development-only-key-never-used-in-production-mode"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "guardian",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_celery_results",
    "django_celery_beat",
    "oauth2_provider",
    "aso.core",
    "providers",
    "members",
    "authorizations",
    "care",
    "par",
    "relations",
    "oversight",
    "interop",
    "interop.x12",
    "aso",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "aso.core.middleware.SessionLifetimeMiddleware",
    "aso.core.middleware.MfaRequiredMiddleware",
    "aso.core.middleware.NoStoreForSignedInMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "aso.core.middleware.LoginRequiredByDefaultMiddleware",
    # Last: turns a sign-in refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "aso.urls"
WSGI_APPLICATION = "aso.wsgi.application"

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
                "aso.core.navigation.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(env("DB_CONN_MAX_AGE", "0")),
        # A persistent connection is checked before a request reuses it: after a database restart
        # the first request reconnects instead of failing.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the eager job runner and the web server share the file without "database is locked".
    # Temporary tables (an eligibility load stages its file in them) live in memory.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY;"
    )
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses every sign-in of a locked account before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "aso.core.accounts.backends.PermissionBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = "AnonymousUser"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# ASVS V2.1: length over composition (12 to 128 characters, any characters, no "one digit, one
# symbol" rules), a common-password check, no forced rotation (no password-age setting exists).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "aso.core.accounts.validators.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Sign-in lockout (django-axes): AXES_FAILURE_LIMIT failed sign-ins of either factor lock the account
# for AXES_COOLOFF_MINUTES; an administrator unlocks sooner (admin action or `manage.py axes_reset_username`).
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("AXES_COOLOFF_MINUTES", "15")))
# By account, not by address: a clinic's whole staff shares one NAT address, and five typos among
# them must not lock everyone out. (axes.W006 warns about the address; silenced for this reason.)
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = False  # failures are forgotten after the second factor (accounts.mfa)
AXES_LOCKOUT_CALLABLE = "aso.core.accounts.views.lockout_response"
AXES_VERBOSE = False
# Failed attempts keep the request's GET and POST data: never the secrets typed in.
AXES_SENSITIVE_PARAMETERS = [
    "password",
    "code",
    "csrfmiddlewaretoken",
    "new_password1",
    "new_password2",
]

# Multi-factor authentication (django-otp TOTP, static recovery codes): required of every user.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "ASO platform")
MFA_RECOVERY_CODES = 10
# Changing the password or the authenticator needs a fresh password + code within this many seconds.
REAUTH_MAX_AGE = int(env("REAUTH_MAX_AGE_SECONDS", "300"))

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND",
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}
# Demo and development print emails (staff invitations) to the console; production sends them.
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEMO_MODE
    else "django.core.mail.backends.smtp.EmailBackend",
)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["aso.core.filtering.StrictDjangoFilterBackend"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "aso.core.pagination.StrictPageNumberPagination",
    "PAGE_SIZE": 50,
}
# OAuth2 client credentials for provider systems (FHIR PAS, X12 278): django-oauth-toolkit. Each
# Application belongs to a provider-system user linked to one organization (docs/api.md).
OAUTH2_PROVIDER = {
    # Provider systems use the client-credentials grant only. Every RFC 9700 (OAuth 2.0 Security BCP)
    # gate is on: no implicit or password grants, S256 PKCE required, tokens only in the
    # Authorization header, hashed at rest, refresh-token replay revokes the family, exact https
    # redirect URIs.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    "ALLOW_URI_WILDCARDS": False,
    "PKCE_REQUIRED": True,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "SCOPES": {
        "system/Claim.write": "Submit prior-authorization requests",
        "system/ClaimResponse.read": "Read decisions",
        "system/Coverage.read": "Read members' coverage",
    },
    "DEFAULT_SCOPES": ["system/Claim.write", "system/ClaimResponse.read", "system/Coverage.read"],
}

SPECTACULAR_SETTINGS = {
    # FHIR operation paths keep their "$" (Claim/$submit): interop/fhir/schema.py.
    "PREPROCESSING_HOOKS": ["interop.fhir.schema.fhir_paths"],
    "TITLE": "ASO platform API",
    "DESCRIPTION": "Eligibility, registrations, authorizations and provider data for a behavioral-health ASO.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    # Status fields of different models share a name: give each choice set its own schema name.
    "ENUM_NAME_OVERRIDES": {
        "JobStatusEnum": "aso.core.choices.JobStatus",
        "ProviderStatusEnum": "providers.choices.ProviderStatus",
        "RequestStatusEnum": "authorizations.choices.RequestStatus",
        "AuthorizationStatusEnum": "authorizations.choices.AuthorizationStatus",
        "RequestKindEnum": "authorizations.choices.RequestKind",
        "NoticeKindEnum": "authorizations.choices_review.NoticeKind",
        "ProviderKindEnum": "providers.choices.ProviderKind",
    },
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "aso.core.api_schema.document_error_responses",
    ],
}

# The cache carries live job progress between processes: Redis in production (CACHE_URL).
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("CACHE_URL")}
        if env("CACHE_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Celery: eager in-process unless a broker is configured.
CELERY_BROKER_URL = env("CELERY_BROKER_URL") or "memory://"
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND") or (
    "django-db" if env("CELERY_BROKER_URL") else "cache+memory://"
)
CELERY_TASK_ALWAYS_EAGER = env_bool(
    "CELERY_TASK_ALWAYS_EAGER", default=not env("CELERY_BROKER_URL")
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_EXTENDED = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# How long finished job result files are kept before the cleanup task removes them.
JOB_RESULT_RETENTION_DAYS = int(env("JOB_RESULT_RETENTION_DAYS", "7"))
# How long oversight export files are kept (`manage.py purge_oversight_files`).
OVERSIGHT_FILE_RETENTION_DAYS = int(env("OVERSIGHT_FILE_RETENTION_DAYS", "7"))

# Sessions end after SESSION_IDLE_TIMEOUT without activity and SESSION_ABSOLUTE_LIFETIME after sign-in
# (aso.core.middleware.SessionLifetimeMiddleware); the cookie and the stored session expire with the latter.
SESSION_IDLE_TIMEOUT = int(env("SESSION_IDLE_SECONDS", str(15 * 60)))
SESSION_ABSOLUTE_LIFETIME = int(env("SESSION_ABSOLUTE_SECONDS", str(12 * 60 * 60)))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_LIFETIME
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content Security Policy in every mode, so tests and the demo run under the production policy:
# scripts and styles only from our own static files (no inline script, no inline style, no eval).
CONTENT_SECURITY_POLICY: dict[str, dict[str, list[str] | bool]] = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies: only over HTTPS, only for this exact host, never for a parent domain.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["upgrade-insecure-requests"] = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request logs carry URLs only; URLs never carry PHI (member ids travel in POST bodies).
        "django.request": {"level": "ERROR"},
        # Failed sign-ins are warnings (username and address, never the password or code).
        "axes": {"level": "WARNING"},
    },
}
