"""The test suite: fast hashing, in-memory e-mail, immediate tasks, files in a temp dir."""

import tempfile

from .base import *  # noqa: F403
from .base import STORAGES

DEBUG = False
SECRET_KEY = "test-only-key-not-secret"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Text messages go to channels_app.sms.outbox, like e-mail to mail.outbox.
MUSTAFID_SMS_BACKEND = "channels_app.sms.OutboxSmsBackend"
STORAGES = {
    **STORAGES,
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tempfile.mkdtemp(prefix="mustafid-test-media-"), "base_url": None},
    },
    # The manifest storage needs collectstatic; tests render templates without it.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
