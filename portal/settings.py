"""Settings for the village affairs portal, read from the environment.

SQLite is the embedded default; set DATABASE_URL to use PostgreSQL.
"""

import datetime
import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name, default):
    return os.environ.get(name, default).lower() in ("1", "true", "yes", "on")


def envlist(name, default):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "False")
DEVELOPMENT_SECRET_KEY = "insecure-development-key-set-SECRET_KEY-in-production"


def secret_key(debug):
    """SECRET_KEY from the environment. Only a developer's machine (DEBUG on) may fall back
    to the key in the repository: anyone who reads it could forge sessions and CSRF tokens."""
    key = os.environ.get("SECRET_KEY", "")
    if debug:
        return key or DEVELOPMENT_SECRET_KEY
    if not key and os.environ.get("PORTAL_CODE_ONLY_COMMAND") == "1":
        # manage.py's CODE_ONLY_COMMANDS sign nothing: a throwaway key, never the one
        # in the repository.
        return secrets.token_urlsafe(50)
    if not key or key == DEVELOPMENT_SECRET_KEY or len(key) < 50 or len(set(key)) < 5:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a long random value when DEBUG is off (at least 50 "
            "characters, not the development key). Make one with: python3 -c "
            "'import secrets; print(secrets.token_urlsafe(50))'. On a developer's machine, "
            "after `make run` or `make test`: SECRET_KEY=$(cat .dev-secret-key) python "
            "manage.py ... (or DEBUG=true)."
        )
    return key


SECRET_KEY = secret_key(DEBUG)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
# A question form left open too long is shown again with what was typed
# (disclosures/questions/views.py).
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"

# Signs every published fingerprint and each village's chain head (HMAC-SHA256): keep it
# outside the database and its backups, long and random, and never change it (the old
# signatures would no longer verify). The fallback only exists for development and tests.
CHAIN_SIGNING_KEY = os.environ.get(
    "CHAIN_SIGNING_KEY", "insecure-development-chain-key-set-CHAIN_SIGNING_KEY-in-production"
)

# The absolute address printed on every QR sign. Signs hang on walls for years:
# change it only together with a redirect from the old address.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Questions (码上问) accepted from one client address per hour, counted in the database so
# that every server process shares the count. Villagers behind one mobile carrier's
# address share it too: keep it modest, not tiny.
QUESTIONS_PER_HOUR = int(os.environ.get("QUESTIONS_PER_HOUR", "5"))
# Behind a reverse proxy every request comes from the proxy: name the header it sets to the
# client's address, as Django sees it (e.g. HTTP_X_REAL_IP, HTTP_X_FORWARDED_FOR).
CLIENT_ADDRESS_HEADER = os.environ.get("CLIENT_ADDRESS_HEADER", "")

INSTALLED_APPS = [
    # Django's admin with the project's AdminSite (portal/admin.py).
    "portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "villages",
    "disclosures",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.middleware.TextGZipMiddleware",
    # Cached public pages and 304s go back from here, without a database query.
    "portal.middleware.CachedPublicPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "villages.security.AccountLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes requires: it answers a locked-out login with the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out username or client before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "portal.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"


def sqlite_must_exist(database):
    """With DEBUG off, open an SQLite file only if it exists (SQLite's mode=rw): a wrong
    path or an unmounted disk must not silently become a new, empty portal. A new
    installation creates the file once (`touch`); portal/sqlite3 says so when it is missing."""
    if database["ENGINE"] == "django.db.backends.sqlite3" and not DEBUG:
        database["ENGINE"] = "portal.sqlite3"
        path = Path(database["NAME"]).resolve()
        database["NAME"] = f"{path.as_uri()}?mode=rw"
        database["TEST"] = {"NAME": ""}  # the tests' in-memory database, as before
    return database


DATABASES = {
    "default": sqlite_must_exist(
        dj_database_url.config(
            default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
            conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
            # A kept connection that died (a database restart) is replaced, not used.
            conn_health_checks=True,
        )
    )
}

# The compliance report's covering index (disclosures.Disclosure) is PostgreSQL's; on
# SQLite it is a plain index, which is all the embedded default needs.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", _("Simplified Chinese")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            # Hashed names (cached for a year by browsers and the proxy) and .gz/.br copies.
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Behind nginx: the internal location that serves MEDIA_ROOT/generated/ (deploy/nginx.conf).
# The portal then answers a request for a made PDF with X-Accel-Redirect and nginx sends it.
GENERATED_X_ACCEL_PREFIX = os.environ.get("GENERATED_X_ACCEL_PREFIX", "")


def caches(redis_url):
    """Django's Redis cache when REDIS_URL is set, so that every app server shares the
    pages it renders; else each process keeps its own in memory (the embedded default).
    A Redis that does not answer is a cache miss, not an error (common/cache.py)."""
    if not redis_url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    return {
        "default": {
            "BACKEND": "common.cache.ForgivingRedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "village-portal"),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = caches(REDIS_URL)

# Page views are counted in the cache and written to the database by each web process
# every this many seconds (villages/visits.py); 0: only when flush_visits() is called.
VISIT_FLUSH_SECONDS = int(os.environ.get("VISIT_FLUSH_SECONDS", "60"))

# The background worker's queue (posters, booklets: disclosures/generated.py): django-tasks
# (the backport of Django 6's tasks) with its database backend, in the portal's own
# database. `manage.py db_worker` works through it; make serve and make run start one.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

LOGIN_URL = "admin:login"

# Staff sessions (only staff log in): a working day at most, and gone with the browser.
# Changing a password ends the user's other sessions (Django's session auth hash).
SESSION_COOKIE_AGE = int(os.environ.get("STAFF_SESSION_HOURS", "8")) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Login protection (django-axes): after LOGIN_FAILURE_LIMIT failed logins within the
# lock time, a user name is locked, and so is a client address, for LOGIN_LOCKOUT_MINUTES
# after the last failure. The address is the one CLIENT_ADDRESS_HEADER names, never an
# X-Forwarded-For nobody vouches for. Township staff and the superuser lift lockouts in
# the admin; every login, failure, logout and lockout is in the account log.
AXES_FAILURE_LIMIT = min(int(os.environ.get("LOGIN_FAILURE_LIMIT", "10")), 10)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "common.clients.client_address"
# A lockout ends LOGIN_LOCKOUT_MINUTES after the failure that caused it, whatever is tried
# meanwhile.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_ENABLE_ADMIN = False  # villages/admin.py scopes lockouts to the township
AXES_DISABLE_ACCESS_LOG = True  # the account log (villages/security.py) keeps logins
AXES_VERBOSE = False

DJANGO_TABLES2_TEMPLATE = "includes/_table.html"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Behind a TLS-terminating proxy (deploy/nginx.conf): HTTPS=true makes every cookie
# secure, tells browsers to use HTTPS only (HSTS) and redirects plain HTTP.
HTTPS = envbool("HTTPS", "False")
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "True")
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "True")
    # The proxy checks the health address over plain HTTP on the machine itself.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Pages use no script and load nothing from elsewhere: the browser may fetch only from
# the portal itself (portal/middleware.py relaxes inline styles in the admin only).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
    }
}
