"""Production: DEBUG off, secrets and hosts required, HTTPS assumed behind a proxy."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env
from .env import mailers_from_env

DEBUG = False


def _required(name: str) -> str:
    value = env.str(name, default="").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in production (see .env.example).")
    return value


SECRET_KEY = _required("DJANGO_SECRET_KEY")
if SECRET_KEY.startswith("dev-only") or len(SECRET_KEY) < 32:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be a random value of at least 32 characters."
    )
ALLOWED_HOSTS = [h.strip() for h in _required("DJANGO_ALLOWED_HOSTS").split(",") if h.strip()]

# TLS ends at the load balancer, which sets X-Forwarded-Proto (README: Deploying).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# X-Frame-Options DENY, nosniff, Referrer-Policy, the Content Security Policy and the
# Permissions-Policy are set in base.py: every environment sends them, tests included.

# Production sends real e-mail: SMTP unless DJANGO_EMAIL_BACKEND names another backend.
MAILERS = mailers_from_env("django.core.mail.backends.smtp.EmailBackend")

# Messages and other slow work wait in the database for `manage.py db_worker` (README:
# Background tasks): a slow SMS gateway never holds a web request, and a task queued in a
# request's transaction is stored with that request's rows or not at all.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Several app servers share rate-limit counters and sessions through the database.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "mustafid_cache",
    },
    "ratelimit": {
        # The database cache with a one-transaction counter (config/ratelimit.py).
        "BACKEND": "config.ratelimit.CountingDatabaseCache",
        "LOCATION": "mustafid_ratelimit",
        # The default (300 entries, then a third culled) would forget an attacker's count.
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    },
}
