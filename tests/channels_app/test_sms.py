"""The SMS backends: console, the in-memory outbox, and the HTTP gateway against a real
(local) HTTP server."""

import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured

from channels_app.checks import check_sms_backend
from channels_app.models import Notification
from channels_app.services import notification_send
from channels_app.sms import (
    ConsoleSmsBackend,
    HttpGatewaySmsBackend,
    OutboxSmsBackend,
    SmsError,
    get_sms_backend,
)
from tests.factories import RecipientFactory

ARABIC_TEXT = "تم استلام طلبك رقم R-7K3Q9X"


class GatewayHandler(BaseHTTPRequestHandler):
    """/ok answers 201 with a message ID, /fail answers 500, /html answers 200 with HTML."""

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        self.server.received.append(
            {
                "path": self.path,
                "headers": dict(self.headers),
                "json": json.loads(self.rfile.read(length).decode()),
            }
        )
        if self.path == "/ok":
            self._answer(201, b'{"messageId": 98765, "status": "queued"}', "application/json")
        elif self.path == "/html":
            self._answer(200, b"<html>ok</html>", "text/html")
        else:
            self._answer(500, b'{"error": "internal gateway error"}', "application/json")

    def _answer(self, status, body, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # keep the test output clean
        pass


@pytest.fixture
def gateway():
    server = ThreadingHTTPServer(("127.0.0.1", 0), GatewayHandler)
    server.received = []
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield server, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_the_http_gateway_posts_json_with_the_key_and_sender_and_returns_the_id(gateway):
    server, base = gateway
    backend = HttpGatewaySmsBackend(url=f"{base}/ok", api_key="secret-key", sender="Mustafid")
    message_id = backend.send("+966501234567", ARABIC_TEXT)
    assert message_id == "98765"
    (request,) = server.received
    assert request["json"] == {"to": "+966501234567", "sender": "Mustafid", "body": ARABIC_TEXT}
    assert request["headers"]["Authorization"] == "Bearer secret-key"
    assert request["headers"]["Content-Type"].startswith("application/json")


def test_the_http_gateway_accepts_a_2xx_answer_without_an_id(gateway):
    _server, base = gateway
    assert (
        HttpGatewaySmsBackend(url=f"{base}/html", api_key="k", sender="s").send("+9665", "x") == ""
    )


def test_the_http_gateway_raises_a_clear_error_on_a_500(gateway):
    _server, base = gateway
    backend = HttpGatewaySmsBackend(url=f"{base}/fail", api_key="k", sender="s")
    with pytest.raises(SmsError, match=r"HTTP 500: .*internal gateway error"):
        backend.send("+966501234567", "x")


def test_an_unreachable_gateway_is_a_clear_error():
    # Port 9 (discard) on localhost: nothing listens there, the connection is refused.
    backend = HttpGatewaySmsBackend(url="http://127.0.0.1:9/sms", api_key="k", sender="s")
    with pytest.raises(SmsError, match="could not be reached"):
        backend.send("+966501234567", "x")


def test_the_http_gateway_without_a_url_says_which_setting_is_missing():
    with pytest.raises(ImproperlyConfigured, match="MUSTAFID_SMS_GATEWAY_URL"):
        HttpGatewaySmsBackend(url="", api_key="k", sender="s").send("+966501234567", "x")


def test_the_http_gateway_reads_its_settings(settings):
    settings.MUSTAFID_SMS_GATEWAY_URL = "https://sms.example.org/send"
    settings.MUSTAFID_SMS_API_KEY = "key"
    settings.MUSTAFID_SMS_SENDER = "Jameya"
    backend = HttpGatewaySmsBackend()
    assert (backend.url, backend.api_key, backend.sender) == (
        "https://sms.example.org/send",
        "key",
        "Jameya",
    )


@pytest.mark.django_db
def test_a_notification_through_a_failing_http_gateway_is_failed_with_the_status(
    gateway, settings, django_capture_on_commit_callbacks
):
    _server, base = gateway
    settings.MUSTAFID_SMS_BACKEND = "channels_app.sms.HttpGatewaySmsBackend"
    settings.MUSTAFID_SMS_GATEWAY_URL = f"{base}/fail"
    settings.MUSTAFID_SMS_API_KEY = "k"
    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_send(
            recipient=RecipientFactory(),
            event=Notification.Event.REFERRED_RESEARCH,
            context={"reference": "R-7K3Q9X"},
        )
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert "SmsError: SMS gateway answered HTTP 500" in notification.error


@pytest.mark.django_db
def test_a_notification_through_a_working_http_gateway_keeps_the_providers_id(
    gateway, settings, django_capture_on_commit_callbacks
):
    server, base = gateway
    settings.MUSTAFID_SMS_BACKEND = "channels_app.sms.HttpGatewaySmsBackend"
    settings.MUSTAFID_SMS_GATEWAY_URL = f"{base}/ok"
    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_send(
            recipient=RecipientFactory(mobile="+966501112233"),
            event=Notification.Event.REFERRED_RESEARCH,
            context={"reference": "R-7K3Q9X"},
        )
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.provider_message_id == "98765"
    assert server.received[0]["json"]["to"] == "+966501112233"


def test_the_console_backend_prints_the_message():
    stream = io.StringIO()
    message_id = ConsoleSmsBackend(stream=stream).send("+966501234567", ARABIC_TEXT)
    assert message_id.startswith("console-")
    assert "+966501234567" in stream.getvalue()
    assert ARABIC_TEXT in stream.getvalue()


def test_the_console_backend_is_the_default(settings):
    settings.MUSTAFID_SMS_BACKEND = ""
    assert isinstance(get_sms_backend(), ConsoleSmsBackend)


def test_the_test_settings_use_the_outbox(sms_outbox):
    backend = get_sms_backend()
    assert isinstance(backend, OutboxSmsBackend)
    backend.send("+966501234567", "x")
    assert sms_outbox[0].body == "x"


def test_a_backend_path_that_does_not_import_is_a_clear_error(settings):
    settings.MUSTAFID_SMS_BACKEND = "channels_app.sms.NoSuchBackend"
    with pytest.raises(ImproperlyConfigured, match="MUSTAFID_SMS_BACKEND"):
        get_sms_backend()
    assert [e.id for e in check_sms_backend()] == ["channels_app.E001"]


def test_the_system_check_catches_a_gateway_without_url_or_key(settings):
    settings.MUSTAFID_SMS_BACKEND = "channels_app.sms.HttpGatewaySmsBackend"
    settings.MUSTAFID_SMS_GATEWAY_URL = ""
    settings.MUSTAFID_SMS_API_KEY = ""
    assert [e.id for e in check_sms_backend()] == ["channels_app.E003", "channels_app.W001"]
    settings.MUSTAFID_SMS_GATEWAY_URL = "https://sms.example.org/send"
    settings.MUSTAFID_SMS_API_KEY = "key"
    assert check_sms_backend() == []


def test_the_system_check_refuses_a_class_that_is_not_an_sms_backend(settings):
    settings.MUSTAFID_SMS_BACKEND = "channels_app.models.Channel"
    assert [e.id for e in check_sms_backend()] == ["channels_app.E002"]


def test_dummy_backend_sends_nothing_and_answers_an_id(capsys):
    from channels_app.sms import DummySmsBackend

    message_id = DummySmsBackend().send("+966501234567", ARABIC_TEXT)
    assert message_id.startswith("dummy-")
    assert capsys.readouterr().out == ""
