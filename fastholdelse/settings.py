"""Settings, driven by the environment.

Two run modes share this file:
- embedded default: no DATABASE_URL / REDIS_URL -> SQLite file + kombu's filesystem broker
  (one shared folder), so `make run` needs no server and still enforces deadlines;
- services: DATABASE_URL (PostgreSQL) and REDIS_URL (Redis broker and cache; CACHE_URL and
  CELERY_BROKER_URL override either).
With DEBUG off the security settings are those `manage.py check --deploy` asks for.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("FASTHOLDELSE_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# Demo mode: seed_demo may create the documented demo users (password "demo").
DEMO_MODE = env_bool("FASTHOLDELSE_DEMO", False)
TESTING = env_bool("FASTHOLDELSE_TESTING", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
# Without SECRET_KEY the development tools still run (makemigrations, check, compilemessages), but the
# processes that sign sessions and links refuse to start outside DEBUG/demo/tests: wsgi.py and the Celery
# worker/beat call fastholdelse.checks.require_secret_key(), and `check --deploy` reports it.
SECRET_KEY_FROM_ENVIRONMENT = bool(SECRET_KEY)
SECRET_KEY = SECRET_KEY or "dev-only-not-secret-" + "x" * 40

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if (DEBUG or DEMO_MODE) else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Absolute base URL used in e-mails (status links, invitation answers).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:%s" % os.environ.get("PORT", "8000")).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "axes",
    "ninja",  # the API's Swagger UI from its own static files (no CDN, no inline script)
    "cases",
    "roundtable",
    "fastholdelse.apps.ProjectConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "fastholdelse.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "fastholdelse.middleware.PermissionsPolicyMiddleware",
    # Axes must be last: it turns a lock-out into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fastholdelse.urls"
WSGI_APPLICATION = "fastholdelse.wsgi.application"

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
                "cases.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one file: wait for locks instead of failing, take the write
    # lock at BEGIN (no upgrade deadlocks) and let readers run beside the writer (WAL).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits, dashboard counts) ------------------------------------------------------
# REDIS_URL serves both the cache and the broker; CACHE_URL / CELERY_BROKER_URL override either, so an
# operator can give them separate Redis databases or servers and scale them apart.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_URL = os.environ.get("CACHE_URL", REDIS_URL)
# Seconds a Redis call may take before it fails (then the caller degrades: see cases.dashboard.cache).
# Short, so a dead or unreachable Redis costs a request milliseconds, not a worker for seconds.
REDIS_SOCKET_TIMEOUT = float(os.environ.get("REDIS_SOCKET_TIMEOUT", "0.25"))
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {
                "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
                "retry_on_timeout": False,
            },
        }
    }
else:
    # Shared between processes (web, worker), unlike the local-memory cache.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# /healthz answers within this many seconds whatever is down (probes that take longer are "timeout").
HEALTHZ_TIMEOUT_SECONDS = float(os.environ.get("HEALTHZ_TIMEOUT_SECONDS", "0.4"))

# --- Auth, sessions, lock-out -------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "mywork:home"  # a consultant lands on "Mit arbejde"
LOGOUT_REDIRECT_URL = "login"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Idle timeout: the session expires after this many seconds without a request.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- I18N / time --------------------------------------------------------------------------------
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Copenhagen"
USE_TZ = True

# --- Static files -------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every request when it is missing
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not (DEBUG or DEMO_MODE or TESTING)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Generated documents (minutes PDFs). In a multi-node set-up point this at shared storage.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail -------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
# Datatilsynet: personal data sent by e-mail must be encrypted in transit. STARTTLS is on unless
# switched off explicitly (EMAIL_USE_TLS=0, e.g. for a local test server); implicit TLS (port 465)
# with EMAIL_USE_SSL=1 instead.
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", not EMAIL_USE_SSL)
EMAIL_TIMEOUT = 20
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Fastholdelse <fastholdelse@kommune.example>")
# Where users report an accessibility problem; printed on the accessibility statement (/tilgaengelighed/).
ACCESSIBILITY_CONTACT_EMAIL = os.environ.get("ACCESSIBILITY_CONTACT_EMAIL", "tilgaengelighed@kommune.example")

# --- Personal data: CPR and retention -------------------------------------------------------------
# Key of the keyed hash (HMAC-SHA256) that a decided referral keeps instead of the CPR. Empty: derived
# from SECRET_KEY. Set it on its own when SECRET_KEY may be rotated (a new key makes old hashes unfindable).
CPR_HASH_KEY = os.environ.get("CPR_HASH_KEY", "")
# Retention (cases/retention.py, run nightly by beat): days after which a closed case is anonymised
# (counted from its closing date; check the municipality's archive rules), a rejected referral loses
# its personal data (from the decision), and a handled e-mail loses its body and attachments.
RETENTION_CLOSED_CASE_DAYS = int(os.environ.get("RETENTION_CLOSED_CASE_DAYS", str(5 * 365)))
RETENTION_REJECTED_REFERRAL_DAYS = int(os.environ.get("RETENTION_REJECTED_REFERRAL_DAYS", "180"))
RETENTION_SENT_MAIL_DAYS = int(os.environ.get("RETENTION_SENT_MAIL_DAYS", "30"))

# --- Fast track (the public referral form) -------------------------------------------------------
# Accepted referrals per client address per fixed 10-minute window (failed validations do not count).
FASTTRACK_RATE_LIMIT = int(os.environ.get("FASTTRACK_RATE_LIMIT", "5"))
# PDFs from the managers' public templates (absence conversation, contact note) per client address per
# the same 10-minute window: a PDF costs CPU, so the public endpoint cannot be used to load the server.
MANAGERS_PDF_RATE_LIMIT = int(os.environ.get("MANAGERS_PDF_RATE_LIMIT", "20"))
# Addresses or networks (CIDR) of our own reverse proxies / load balancers. X-Forwarded-For is read only
# when the request comes from one of them; the client is the first address after the last trusted proxy,
# counted from the right (cases/clientip.py). Empty: X-Forwarded-For is ignored.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
# The login lock-out keys on the same address.
AXES_CLIENT_IP_CALLABLE = "cases.clientip.client_ip_for_axes"

# Days the employee's consent link works (it goes to an address the employer typed).
FASTTRACK_CONSENT_LINK_DAYS = int(os.environ.get("FASTTRACK_CONSENT_LINK_DAYS", "7"))

# --- Varde: employers book the roundtable themselves (roundtable/selfbooking) ---------------------
# How far ahead free times are offered, how close to now a time can still be booked, how long a new
# booking link works, and the default notice for cancelling or moving (each link's own value is
# editable in the admin).
SELFBOOKING_HORIZON_DAYS = int(os.environ.get("SELFBOOKING_HORIZON_DAYS", "21"))
SELFBOOKING_LEAD_HOURS = int(os.environ.get("SELFBOOKING_LEAD_HOURS", "2"))
SELFBOOKING_LINK_DAYS = int(os.environ.get("SELFBOOKING_LINK_DAYS", "365"))
SELFBOOKING_NOTICE_HOURS = int(os.environ.get("SELFBOOKING_NOTICE_HOURS", "24"))

# --- The channel to the citizen (cases/channel) --------------------------------------------------
# Text messages with one-time codes: a backend class as for mail. Development prints them
# (console) or writes files (SMS_FILE_PATH); without a configured gateway production sends none
# (codes then go to a verified e-mail address or are handed over in person).
SMS_BACKEND = os.environ.get(
    "SMS_BACKEND",
    "cases.channel.sms.ConsoleBackend" if (DEBUG or DEMO_MODE) else "cases.channel.sms.DisabledBackend",
)
SMS_FILE_PATH = os.environ.get("SMS_FILE_PATH", str(VAR_DIR / "sms"))
SMS_SENDER_NAME = os.environ.get("SMS_SENDER_NAME", "Jobcenter")
# How letters (a link, never a document) reach the citizen, tried in order: add a Digital Post
# (SF1601) sender in front of the e-mail sender when the municipality has one.
CITIZEN_LETTER_SENDERS = env_list("CITIZEN_LETTER_SENDERS", "cases.channel.senders.EmailLetterSender")
CITIZEN_LINK_DAYS = int(os.environ.get("CITIZEN_LINK_DAYS", "30"))
CITIZEN_CODE_MINUTES = int(os.environ.get("CITIZEN_CODE_MINUTES", "10"))
CITIZEN_CODE_IN_PERSON_MINUTES = int(os.environ.get("CITIZEN_CODE_IN_PERSON_MINUTES", "60"))
CITIZEN_CODE_ATTEMPTS = int(os.environ.get("CITIZEN_CODE_ATTEMPTS", "5"))
CITIZEN_CODES_PER_HOUR = int(os.environ.get("CITIZEN_CODES_PER_HOUR", "5"))
# After the right code, the citizen's documents stay open in that browser session this long.
CITIZEN_GRANT_MINUTES = int(os.environ.get("CITIZEN_GRANT_MINUTES", "20"))

# --- Celery -------------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
if CELERY_BROKER_URL:
    # A publish from a web request (the outbox kick after commit) gives up fast when the broker is
    # down: the row is stored and the beat sweep sends it. Workers keep reconnecting on their own.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": REDIS_SOCKET_TIMEOUT * 4,
        "socket_timeout": 5.0,
        "max_retries": 1,
    }
    CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1,
                                        "interval_max": 0.1}
else:
    # kombu's filesystem transport: worker and beat need the SAME in/out folder.
    _broker_dir = VAR_DIR / "broker"
    _broker_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "control_folder": str(_broker_dir / "control"),  # default is ./control in the working directory
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
DEADLINE_SWEEP_SECONDS = float(os.environ.get("DEADLINE_SWEEP_SECONDS", "60"))
CELERY_BEAT_SCHEDULE = {
    "sweep-deadlines": {"task": "cases.tasks.sweep_deadlines", "schedule": DEADLINE_SWEEP_SECONDS},
    "send-outbox": {"task": "cases.tasks.send_outbox", "schedule": DEADLINE_SWEEP_SECONDS},
    # Nightly, Europe/Copenhagen (CELERY_TIMEZONE).
    "retention": {"task": "cases.tasks.retention_run", "schedule": crontab(hour=2, minute=30)},
    # "Mit arbejde" by mail for those who switched it on; the task skips holidays and closed days.
    # Early detection: an ongoing spell reaches its 7th day without a new import (cases/absence/alerts.py).
    "absence-alerts": {"task": "cases.absence.tasks.evaluate_absence_alerts", "schedule": crontab(hour=6, minute=15)},
    "morning-digest": {"task": "cases.dashboard.tasks.send_morning_digests",
                       "schedule": crontab(hour=7, minute=30, day_of_week="mon-fri")},
}

# --- Security (production mode) ----------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"  # signed links in paths never travel to another site
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp 4): our own files only. No inline <script>, no style="..."
# attributes and no <style> elements in pages; htmx's indicator styles are switched off in base.html.
# Bootstrap's CSS draws its icons (select arrow, menu button) from data: SVGs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Browser features the app never uses are switched off for every page (fastholdelse.middleware).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=()"
)
CSRF_FAILURE_VIEW = "fastholdelse.views.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
