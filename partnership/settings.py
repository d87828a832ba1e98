"""Köprü settings.

Everything that differs between a laptop and production comes from the
environment (see `.env.example`); nothing here is edited per deployment.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.contrib.messages import constants as messages
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local `.env` is a convenience for developers; real deployments set variables.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(for example with `python -c 'import secrets; print(secrets.token_urlsafe(50))'`), "
            "or set DEBUG=true for local development."
        )
    # Development only: a key that changes on every start, so nothing signed with it
    # survives a restart and nobody can mistake it for a production key.
    import secrets

    SECRET_KEY = "dev-only-" + secrets.token_urlsafe(40)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_tables2",
    "simple_history",
    "import_export",  # spreadsheet columns as Resources (core/resources.py): pages and admin alike
    "django_tasks",
    "django_tasks_db",  # the task queue's tables, and its admin: the queue's state at /admin/
    "csp",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served as static files (no CDN)
    # Köprü, lowest layer first: arrows point upwards only.
    "core",
    "partnership",
    "notifications",
    "projects",
    "events",
    "transfers",
    "dashboard",
    "public",
    "api",
    "webhooks",  # above the API: payloads are the API's representation of a record
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.TurkishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.SessionTimeoutMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.middleware.ErrorIdMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "partnership.urls"
WSGI_APPLICATION = "partnership.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.access",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes (`Index(include=…)`) serve PostgreSQL's index-only scans; SQLite, for
# development and tests, builds them without the extra columns, which is all it needs.
# Without this, every `make run` starts with one warning per such model.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTHENTICATION_BACKENDS = [
    # First: refuses any sign-in for a locked-out username and IP pair, even with the right password.
    "axes.backends.AxesStandaloneBackend",
    # MembershipBackend, with the unread notification count read in the same query.
    "notifications.backends.NotificationBackend",
]
# Lock a username + IP pair for 15 minutes after 5 failures (django-axes' own default is 3).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0) or None
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "tr"
LANGUAGES = [("tr", _("Turkish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["partnership.formats"]
USE_I18N = True
TIME_ZONE = "Europe/Istanbul"
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"

# Sessions end after 30 idle minutes and after 12 hours in all (SessionTimeoutMiddleware).
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_MAX_SECONDS = env.int("SESSION_MAX_SECONDS", default=12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_MAX_SECONDS
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
# HTTPS everywhere in production; a TLS-terminating proxy sets X-Forwarded-Proto (BEHIND_TLS_PROXY).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # load balancers probe over plain HTTP

# A strict Content-Security-Policy: no inline scripts or styles anywhere. Bootstrap's
# CSS draws a few icons (select arrows, the menu toggler) as data: SVG images.
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
    },
}

# Bootstrap names the error colour "danger".
MESSAGE_TAGS = {messages.ERROR: "danger"}

# Köprü's own knobs.
KOPRU_UPDATE_DUE_DAYS = env.int("KOPRU_UPDATE_DUE_DAYS", default=30)
# The deployed release (a git commit, a tag): part of every cache key, so that with a shared
# cache (Redis) one release's kept HTML is never served by the next (core/cache.py).
KOPRU_RELEASE = env.str("KOPRU_RELEASE", default="dev")
# Background work (django-tasks): the database backend keeps the queue in the default database, so
# `make run` needs no broker and workers on any number of hosts share it (`manage.py db_worker`).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Mail: EMAIL_URL (django-environ), e.g. smtp+tls://user:password@smtp.example.org:587. Required in
# production, where a mail printed to a console nobody reads is a reminder lost; with DEBUG (what
# `make run` uses) it defaults to printing mails on the console.
if not DEBUG and not env.str("EMAIL_URL", default=""):
    raise ImproperlyConfigured(
        "EMAIL_URL is not set. Set it to the mail server Köprü sends through "
        "(for example smtp+tls://user:password@smtp.example.org:587), "
        "or set DEBUG=true for local development, where mails are printed on the console."
    )
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Köprü <kopru@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A worker that cannot reach the mail server gives up on this attempt after this many seconds.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# The weekly digest goes out from this hour (Istanbul time) of each person's chosen day, at the first
# `send_digests` run after it (manage.py send_digests, hourly or daily).
KOPRU_DIGEST_HOUR = env.int("KOPRU_DIGEST_HOUR", default=8)
# A mail still unsent this many minutes after it was queued was left by a worker that died
# mid-task: `send_reminders` and `send_digests` queue it again (the task never sends one twice).
KOPRU_MAIL_STUCK_MINUTES = env.int("KOPRU_MAIL_STUCK_MINUTES", default=30)
# Links in mails are absolute: the address people open Köprü at.
KOPRU_SITE_URL = env.str("KOPRU_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

KOPRU_DORMANT_MONTHS = env.int("KOPRU_DORMANT_MONTHS", default=6)
KOPRU_ATTACHMENT_MAX_BYTES = env.int("KOPRU_ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)
# Spreadsheet imports: a proxy in front must accept request bodies this large too.
KOPRU_IMPORT_MAX_BYTES = env.int("KOPRU_IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
KOPRU_IMPORT_MAX_ROWS = env.int("KOPRU_IMPORT_MAX_ROWS", default=10_000)
# Longer exports and imports run as background jobs (core/jobs.py) instead of in the request:
# an export of more rows than this, the import of a file with more rows than that.
KOPRU_EXPORT_BACKGROUND_ROWS = env.int("KOPRU_EXPORT_BACKGROUND_ROWS", default=5_000)
KOPRU_IMPORT_BACKGROUND_ROWS = env.int("KOPRU_IMPORT_BACKGROUND_ROWS", default=300)
# Requests a minute from one address to the public pages and open data (public/http.py); 0 turns
# the throttle off (the benchmark, which sends everything from one address).
KOPRU_PUBLIC_RATE = env.int("KOPRU_PUBLIC_RATE", default=300)

# The REST API (api/): personal tokens or the session, the pages' access rule, cursor pages,
# throttles per token and per IP kept in the cache (429 with Retry-After).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",  # with its CSRF check
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.KopruAccess"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.LimitedJSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["api.filters.FilterSetBackend", "api.filters.TieBreakingOrderingFilter"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Cursor",
    "PAGE_SIZE": 25,
    # The per-IP budget is asked first of all, before the token (api.viewsets.ApiViewMixin).
    "DEFAULT_THROTTLE_CLASSES": ["api.throttles.PerTokenThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "token": env.str("KOPRU_API_RATE_TOKEN", default="600/minute"),
        "ip": env.str("KOPRU_API_RATE_IP", default="1200/minute"),
    },
    "NUM_PROXIES": env.int("KOPRU_API_PROXY_COUNT", default=0) or None,
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Köprü API",
    "DESCRIPTION": "The İzmir Teknoloji – İSBAK partnership: read and write what your token's owner may in the pages.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
}
# A personal API token lives this long unless its owner picks another date.
KOPRU_API_TOKEN_DAYS = env.int("KOPRU_API_TOKEN_DAYS", default=365)
# Webhooks (webhooks/targets.py) go to public https:// addresses only. Loopback, private and
# link-local addresses are refused unless this is on (a development receiver, the tests' own).
KOPRU_WEBHOOK_ALLOW_PRIVATE = env.bool("KOPRU_WEBHOOK_ALLOW_PRIVATE", default=False)
# Plain http:// targets: for development only, never in production.
KOPRU_WEBHOOK_ALLOW_HTTP = env.bool("KOPRU_WEBHOOK_ALLOW_HTTP", default=DEBUG)
# `manage.py prune_webhooks` forgets finished deliveries and dispatched outbox events this old.
KOPRU_WEBHOOK_KEEP_DAYS = env.int("KOPRU_WEBHOOK_KEEP_DAYS", default=30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"error_id": {"()": "core.log.ErrorIdLogFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["error_id"]},
        "axes": {"level": "WARNING"},  # its lockouts still show; its start-up banner does not
        # Sign-ins, failed sign-ins and denied accesses: never passwords or tokens.
        "kopru.audit": {"level": "INFO"},
    },
}
