"""Failed messages are sent again: by the service, the command, and never twice."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from channels_app.models import Notification, NotificationTemplate
from channels_app.services import notification_retry
from channels_app.tasks import deliver_notification
from tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def retry_command(*args, capture):
    out = io.StringIO()
    with capture(execute=True):
        call_command("retry_notifications", *args, stdout=out)
    return out.getvalue()


def test_retrying_a_failed_message_sends_the_same_text(
    sms_outbox, django_capture_on_commit_callbacks
):
    notification = NotificationFactory(failed=True, body="نص الرسالة كما كُتب أول مرة")
    with django_capture_on_commit_callbacks(execute=True):
        notification_retry(notification=notification)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.attempts == 2
    assert notification.error == ""
    assert [m.body for m in sms_outbox] == ["نص الرسالة كما كُتب أول مرة"]


def test_a_message_whose_template_failed_is_rendered_again_on_retry(
    django_capture_on_commit_callbacks,
):
    notification = NotificationFactory(failed=True, body="", error="broken template")
    with django_capture_on_commit_callbacks(execute=True):
        notification_retry(notification=notification)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.body.startswith("تم استلام طلبك رقم R-7K3Q9X")
    assert notification.template is not None


@pytest.mark.parametrize(
    "status",
    [
        Notification.Status.SENT,
        Notification.Status.QUEUED,
        Notification.Status.SKIPPED_OPT_OUT,
        Notification.Status.SKIPPED_NO_ADDRESS,
    ],
)
def test_only_a_failed_message_can_be_retried(status, sms_outbox):
    notification = NotificationFactory(status=status)
    with pytest.raises(ValidationError):
        notification_retry(notification=notification)
    notification.refresh_from_db()
    assert notification.status == status
    assert sms_outbox == []


def test_a_message_is_never_sent_twice_by_two_deliveries(sms_outbox):
    notification = NotificationFactory(queued=True)
    first = deliver_notification.enqueue(notification_id=notification.pk)
    second = deliver_notification.enqueue(notification_id=notification.pk)
    assert first.return_value == "sent"
    assert second.return_value == "not-queued"
    assert len(sms_outbox) == 1


def test_the_task_does_not_fail_for_a_message_that_no_longer_exists():
    result = deliver_notification.enqueue(notification_id=987654321)
    assert result.status == "SUCCESSFUL"
    assert result.return_value == "not-queued"


def test_the_retry_command_sends_failed_messages_and_says_what_it_did(
    sms_outbox, django_capture_on_commit_callbacks
):
    failed = NotificationFactory.create_batch(2, failed=True)
    sent = NotificationFactory()
    output = retry_command(capture=django_capture_on_commit_callbacks)
    for notification in failed:
        notification.refresh_from_db()
        assert notification.status == Notification.Status.SENT
        assert f"#{notification.pk}" in output
    assert f"#{sent.pk}" not in output
    assert "Retried 2" in output
    assert len(sms_outbox) == 2


def test_the_retry_command_leaves_messages_tried_max_attempts_times(
    sms_outbox, django_capture_on_commit_callbacks
):
    worn = NotificationFactory(failed=True, attempts=3)
    fresh = NotificationFactory(failed=True, attempts=2)
    output = retry_command("--max-attempts", "3", capture=django_capture_on_commit_callbacks)
    worn.refresh_from_db()
    fresh.refresh_from_db()
    assert worn.status == Notification.Status.FAILED
    assert fresh.status == Notification.Status.SENT
    assert "1 left alone after 3 attempts" in output


def test_the_retry_command_dry_run_lists_without_sending(
    sms_outbox, django_capture_on_commit_callbacks
):
    failed = NotificationFactory(failed=True)
    output = retry_command("--dry-run", capture=django_capture_on_commit_callbacks)
    failed.refresh_from_db()
    assert failed.status == Notification.Status.FAILED
    assert failed.attempts == 1
    assert f"[dry run] retry   #{failed.pk}" in output
    assert "1 failed message(s) would be retried" in output
    assert sms_outbox == []


def test_the_retry_command_reports_messages_that_fail_again(
    settings, django_capture_on_commit_callbacks
):
    settings.MUSTAFID_SMS_BACKEND = "tests.channels_app.sms_backends.FailingSmsBackend"
    failed = NotificationFactory(failed=True)
    retry_command(capture=django_capture_on_commit_callbacks)
    failed.refresh_from_db()
    assert failed.status == Notification.Status.FAILED
    assert failed.attempts == 2
    assert "HTTP 503" in failed.error


def test_the_retry_command_frees_a_message_stuck_in_sending(
    sms_outbox, django_capture_on_commit_callbacks
):
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    stuck = NotificationFactory(
        status=Notification.Status.SENDING, sent_at=None, last_attempt_at=long_ago
    )
    recent = NotificationFactory(
        status=Notification.Status.SENDING, sent_at=None, last_attempt_at=timezone.now()
    )
    output = retry_command(capture=django_capture_on_commit_callbacks)
    stuck.refresh_from_db()
    recent.refresh_from_db()
    assert stuck.status == Notification.Status.SENT
    assert stuck.attempts == 2
    assert recent.status == Notification.Status.SENDING
    assert f"stuck   #{stuck.pk}" in output


def test_the_retry_command_sends_a_message_whose_task_never_ran(
    sms_outbox, django_capture_on_commit_callbacks
):
    never_ran = NotificationFactory(
        queued=True, created_at=timezone.now() - datetime.timedelta(hours=1)
    )
    retry_command(capture=django_capture_on_commit_callbacks)
    never_ran.refresh_from_db()
    assert never_ran.status == Notification.Status.SENT


def test_the_retry_command_refuses_nonsense_numbers():
    with pytest.raises(CommandError, match="--max-attempts"):
        call_command("retry_notifications", "--max-attempts", "0", stdout=io.StringIO())


def test_a_retry_after_the_template_is_fixed_sends_the_message(
    django_capture_on_commit_callbacks,
):
    template = NotificationTemplate.objects.get(
        event=Notification.Event.REQUEST_RECEIVED, transport="sms", language="ar"
    )
    good_body = template.body
    template.body = "{% if %}"
    template.save()
    notification = NotificationFactory(queued=True, body="")
    deliver_notification.enqueue(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED

    template.body = good_body
    template.save()
    retry_command(capture=django_capture_on_commit_callbacks)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.attempts == 2
