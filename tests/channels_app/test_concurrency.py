"""Two workers given the same message (a task run twice, a retry racing the worker)
send it once: the first to claim the row wins."""

import threading

import pytest
from django.db import connection

from channels_app.models import Notification
from channels_app.services import notification_deliver
from tests.factories import NotificationFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_delivering_the_same_message_send_it_once(settings, sms_outbox):
    settings.MUSTAFID_SMS_BACKEND = "tests.channels_app.sms_backends.SlowOutboxSmsBackend"
    notification = NotificationFactory(queued=True)
    start = threading.Barrier(2)
    results = []

    def worker():
        try:
            start.wait(timeout=5)
            results.append(notification_deliver(notification_id=notification.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert sorted(results) == ["not-queued", "sent"]
    assert len(sms_outbox) == 1
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.attempts == 1
