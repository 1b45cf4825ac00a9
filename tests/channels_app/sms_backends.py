"""SMS backends that misbehave, for the tests."""

import time

from channels_app.sms import OutboxSmsBackend, SmsBackend, SmsError


class FailingSmsBackend(SmsBackend):
    """A gateway that is down."""

    def send(self, to: str, body: str) -> str:
        raise SmsError("SMS gateway answered HTTP 503: down for maintenance")


class ExplodingSmsBackend(SmsBackend):
    """A backend with a bug: not even an SmsError."""

    def send(self, to: str, body: str) -> str:
        raise ZeroDivisionError("division by zero")


class SlowOutboxSmsBackend(OutboxSmsBackend):
    """A gateway that takes its time, so two workers overlap."""

    def send(self, to: str, body: str) -> str:
        time.sleep(0.2)
        return super().send(to, body)
