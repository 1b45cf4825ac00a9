"""Sending a text message: one small interface and the backends that implement it.

``settings.MUSTAFID_SMS_BACKEND`` names the backend class (a dotted path):

- ``channels_app.sms.ConsoleSmsBackend`` (default): prints the message, sends nothing.
- ``channels_app.sms.HttpGatewaySmsBackend``: POSTs JSON to an HTTP gateway configured by
  ``MUSTAFID_SMS_GATEWAY_URL``, ``MUSTAFID_SMS_API_KEY`` and ``MUSTAFID_SMS_SENDER``.
- ``channels_app.sms.OutboxSmsBackend``: keeps messages in ``channels_app.sms.outbox``
  (the test suite's backend).

A gateway with another request format is a subclass overriding ``build_request`` and
``message_id_from``."""

import json
import logging
import sys
import threading
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

DEFAULT_BACKEND = "channels_app.sms.ConsoleSmsBackend"


class SmsError(Exception):
    """The gateway could not be reached or refused the message."""


class SmsBackend:
    """Send one text message; return the provider's message ID ("" when it gives none).
    Raise an exception (``SmsError`` preferably) when the message did not go."""

    def send(self, to: str, body: str) -> str:
        raise NotImplementedError


class ConsoleSmsBackend(SmsBackend):
    """Print the message to standard output: a laptop, a demonstration."""

    _lock = threading.Lock()

    def __init__(self, stream=None):
        self.stream = stream

    def send(self, to: str, body: str) -> str:
        message_id = f"console-{uuid.uuid4().hex[:12]}"
        stream = self.stream or sys.stdout
        with self._lock:
            stream.write(f"SMS to {to} ({message_id}):\n{body}\n{'-' * 40}\n")
            stream.flush()
        return message_id


class DummySmsBackend(SmsBackend):
    """Accept every message and send nothing (the benchmark and load test: thousands of
    applications whose texts nobody reads)."""

    def send(self, to: str, body: str) -> str:
        return f"dummy-{uuid.uuid4().hex[:12]}"


@dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str
    message_id: str


# The messages OutboxSmsBackend "sent"; tests clear it between tests.
outbox: list[SmsMessage] = []


class OutboxSmsBackend(SmsBackend):
    """Keep each message in ``channels_app.sms.outbox`` (tests)."""

    def send(self, to: str, body: str) -> str:
        message = SmsMessage(to=to, body=body, message_id=f"outbox-{len(outbox) + 1}")
        outbox.append(message)
        return message.message_id


class HttpGatewaySmsBackend(SmsBackend):
    """POST the message as JSON to an SMS gateway over HTTPS.

    The request: ``{"to": "+9665XXXXXXXX", "sender": SENDER, "body": TEXT}`` with
    ``Authorization: Bearer API_KEY``. Any 2xx answer is success; the message ID is read
    from a JSON answer's ``message_id``, ``messageId`` or ``id`` when there is one.
    Anything else raises ``SmsError`` naming the status and the start of the answer."""

    timeout = 10  # seconds: a slow gateway must not hold a worker for long

    def __init__(
        self, url: str | None = None, api_key: str | None = None, sender: str | None = None
    ):
        self.url = url if url is not None else getattr(settings, "MUSTAFID_SMS_GATEWAY_URL", "")
        self.api_key = (
            api_key if api_key is not None else getattr(settings, "MUSTAFID_SMS_API_KEY", "")
        )
        self.sender = sender if sender is not None else getattr(settings, "MUSTAFID_SMS_SENDER", "")

    def build_request(self, to: str, body: str) -> urllib.request.Request:
        payload = json.dumps({"to": to, "sender": self.sender, "body": body}).encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            "User-Agent": "Mustafid",
        }
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        return urllib.request.Request(self.url, data=payload, headers=headers, method="POST")

    def message_id_from(self, status: int, text: str) -> str:
        try:
            data = json.loads(text) if text else {}
        except ValueError:
            return ""
        if isinstance(data, dict):
            for key in ("message_id", "messageId", "id"):
                if data.get(key) not in (None, ""):
                    return str(data[key])[:200]
        return ""

    def send(self, to: str, body: str) -> str:
        if not self.url.startswith(("https://", "http://")):
            raise ImproperlyConfigured(
                "MUSTAFID_SMS_GATEWAY_URL must be the gateway's http(s) address "
                "to use HttpGatewaySmsBackend."
            )
        request = self.build_request(to, body)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - the URL is the operator's
                status = response.status
                text = response.read(65536).decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            detail = exc.read(500).decode("utf-8", "replace").strip() if exc.fp else ""
            raise SmsError(f"SMS gateway answered HTTP {exc.code}: {detail[:200]}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise SmsError(f"SMS gateway could not be reached: {reason}") from exc
        if not 200 <= status < 300:
            raise SmsError(f"SMS gateway answered HTTP {status}: {text[:200]}")
        return self.message_id_from(status, text)


def get_sms_backend() -> SmsBackend:
    """The backend ``settings.MUSTAFID_SMS_BACKEND`` names, ready to send."""
    path = getattr(settings, "MUSTAFID_SMS_BACKEND", "") or DEFAULT_BACKEND
    try:
        backend_class = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(
            f"MUSTAFID_SMS_BACKEND={path!r} cannot be imported: {exc}"
        ) from exc
    return backend_class()
