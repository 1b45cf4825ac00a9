"""Settings every environment shares. Safe, working defaults for a laptop."""

import json
from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from .env import BASE_DIR, database_from_env, env, language_from_env, mailers_from_env

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "simple_history",
    "axes",
    "django_otp",
    "config.apps.TwoStepConfig",
    # django-tasks-db's task table, in every environment (its migrations run everywhere, so
    # `makemigrations --check` and a database moved between environments agree), though
    # only production's TASKS uses it (README: Background tasks).
    "config.apps.BackgroundTasksConfig",
    # Mustafid
    "config.apps.CoreConfig",
    "policies",
    "beneficiaries",
    "channels_app",
    "requests_app",
    "satisfaction",
    "config.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ArabicFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, reading the member with the session in one query (config/sessions.py).
    "config.sessions.AuthenticationMiddleware",
    # django-otp's, with its device check in the permissions query (config/twofactor.py).
    "config.twofactor.OTPMiddleware",
    "config.twofactor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.association",
            ],
            "builtins": ["config.templatetags.mustafid"],
        },
    }
]

DATABASES = {"default": database_from_env(BASE_DIR / "db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "mustafid",
    },
    # Rate-limit counters for the public forms (config/ratelimit.py): in the database so
    # every app server shares them. `manage.py createcachetable` creates the table.
    "ratelimit": {
        # The database cache with a one-transaction counter (config/ratelimit.py).
        "BACKEND": "config.ratelimit.CountingDatabaseCache",
        "LOCATION": "mustafid_ratelimit",
        # The default (300 entries, then a third culled) would forget an attacker's count.
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    },
}
# Proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated), for
# rate limits and the staff lock-out (config/ratelimit.client_ip).
MUSTAFID_TRUSTED_PROXIES = env.list("MUSTAFID_TRUSTED_PROXIES", default=[])
# POSTs allowed per client address: scope -> (count, seconds).
MUSTAFID_RATELIMITS = {
    "apply": (env.int("MUSTAFID_RATELIMIT_APPLY", default=60), 3600),
    "track": (env.int("MUSTAFID_RATELIMIT_TRACK", default=20), 900),
    # A survey link opened 60 times an hour is enough for a family sharing one phone.
    "survey": (60, 3600),
    "feedback": (env.int("MUSTAFID_RATELIMIT_FEEDBACK", default=10), 3600),
    "feedback-follow": (30, 3600),
}
# Applications started on the public site and never submitted are purged after this.
MUSTAFID_PENDING_APPLICATION_DAYS = env.int("MUSTAFID_PENDING_APPLICATION_DAYS", default=7)
# An expired form (CSRF) gets a friendly page that keeps what can be kept.
CSRF_FAILURE_VIEW = "config.views.csrf_failure"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# Staff login (issue #12): django-axes counts failed logins in the database, so every
# app server sees the same count; 5 failures for one user from one address lock that
# pair out for 15 minutes (a person elsewhere, or another colleague behind the same
# office address, is not locked out with them). A success resets the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Reads a member's permissions (own and groups') in one query for ModelBackend to
    # answer from; it signs no one in (config/auth.py).
    "config.auth.PermissionsPrefetchBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("MUSTAFID_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("MUSTAFID_LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.lockout.lockout_response"
AXES_USERNAME_CALLABLE = "config.lockout.lockout_username"
AXES_CLIENT_IP_CALLABLE = "config.ratelimit.client_ip"
AXES_VERBOSE = False

# Two-step sign-in (config/twofactor.py): the name shown in the authenticator app.
OTP_TOTP_ISSUER = "Mustafid"

# Sessions: a working day, and gone when the browser closes on a shared office computer.
# Django's database sessions in a table that also keeps whose session it is, so a staff
# page reads session, member and permissions in one query (config/sessions.py).
SESSION_ENGINE = "config.sessions"
SESSION_COOKIE_AGE = env.int("MUSTAFID_SESSION_HOURS", default=8) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Headers every page carries, in every environment, so the tests see what production
# sends. No inline script or style anywhere: the policy has no 'unsafe-inline'.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Features no page of Mustafid uses are switched off for every page (config/middleware.py).
MUSTAFID_PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)

# Arabic first (DESIGN.md): msgids are English, the Arabic catalogue is complete.
LANGUAGES = [("ar", _("Arabic")), ("en", _("English"))]
LANGUAGE_CODE = language_from_env(LANGUAGES)
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Riyadh"
USE_I18N = True
USE_TZ = True
# Saudi readers use Western digits in forms and figures; the week starts on Sunday.
FIRST_DAY_OF_WEEK = 0
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files browsers ask for at the site's root (favicon.ico), served by whitenoise.
WHITENOISE_ROOT = BASE_DIR / "public"
STORAGES = {
    # Uploaded documents are private (DESIGN.md): never under STATIC or a public MEDIA_URL;
    # they are served by permission-checked views only.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": env.path("MUSTAFID_PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private_media"),
            "base_url": None,
        },
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_242_880
MUSTAFID_MAX_UPLOAD_MB = env.int("MUSTAFID_MAX_UPLOAD_MB", default=10)
# Contacts and reach (issue #9): hours to answer an incoming inquiry (POL-7.1), and the
# largest CSV of reach figures accepted.
MUSTAFID_INQUIRY_ANSWER_HOURS = env.int("MUSTAFID_INQUIRY_ANSWER_HOURS", default=48)
MUSTAFID_REACH_IMPORT_MAX_MB = env.int("MUSTAFID_REACH_IMPORT_MAX_MB", default=5)
# Retention periods (beneficiaries/privacy.py RETENTION_DEFAULTS: finished beneficiaries
# 5 years, never-a-request registrations 2 years, access log 2 years, message text 365
# days); override any of them, e.g. MUSTAFID_RETENTION='{"access_log_years": 3}'.
try:
    MUSTAFID_RETENTION = json.loads(env.str("MUSTAFID_RETENTION", default="") or "{}")
except ValueError as exc:
    raise ImproperlyConfigured(
        f"MUSTAFID_RETENTION is not JSON ({exc}); e.g. MUSTAFID_RETENTION='{{\"access_log_years\": 3}}'."
    ) from None
# The public address of the site, for links in SMS and e-mail (tracking page, surveys).
MUSTAFID_PUBLIC_URL = env.str("MUSTAFID_PUBLIC_URL", default="http://127.0.0.1:8000")

# Outbound e-mail (Django 6.1's MAILERS; EMAIL_BACKEND and friends are deprecated).
MAILERS = mailers_from_env("django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="Mustafid <no-reply@localhost>")

# Outbound SMS for notifications (channels_app/sms.py). The console backend prints each
# message and sends nothing; channels_app.sms.HttpGatewaySmsBackend POSTs it to the
# gateway below (JSON, "Authorization: Bearer <API key>", 10-second timeout).
MUSTAFID_SMS_BACKEND = env.str("MUSTAFID_SMS_BACKEND", default="channels_app.sms.ConsoleSmsBackend")
MUSTAFID_SMS_GATEWAY_URL = env.str("MUSTAFID_SMS_GATEWAY_URL", default="")
MUSTAFID_SMS_API_KEY = env.str("MUSTAFID_SMS_API_KEY", default="")
MUSTAFID_SMS_SENDER = env.str("MUSTAFID_SMS_SENDER", default="")

# Slow work (messages, reminders) runs as Django Tasks: immediately on a laptop and in
# tests; production points TASKS at django-tasks-db and runs `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
