"""The benchmark's server: production settings on a loopback address, without HTTPS
redirects (the load generator speaks plain HTTP to 127.0.0.1), plus a hello-world URL
for the baseline every figure is compared with."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 40)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

from .production import *  # noqa: E402,F403

ROOT_URLCONF = "config.bench_urls"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# Loopback only: no mail leaves the machine, and the per-address limits of the public
# forms (every simulated applicant comes from 127.0.0.1) are lifted for the load test.
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend", "OPTIONS": {}}}
MUSTAFID_SMS_BACKEND = "channels_app.sms.DummySmsBackend"
MUSTAFID_RATELIMITS = dict.fromkeys(MUSTAFID_RATELIMITS, (10**9, 3600))  # noqa: F405
