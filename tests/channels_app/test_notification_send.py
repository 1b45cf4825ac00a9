"""notification_send: recorded at once, sent only after commit, never breaking the caller."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import transaction
from django.utils import translation

from channels_app.models import Notification, NotificationTemplate
from channels_app.notify import Recipient
from channels_app.services import notification_send
from tests.factories import RecipientFactory, UserFactory

pytestmark = pytest.mark.django_db

FAILING = "tests.channels_app.sms_backends.FailingSmsBackend"
DUE = datetime.date(2026, 8, 9)


def send(recipient=None, event=Notification.Event.REQUEST_RECEIVED, **kwargs):
    kwargs.setdefault("context", {"reference": "R-7K3Q9X", "due_date": DUE})
    return notification_send(recipient=recipient or RecipientFactory(), event=event, **kwargs)


def test_nothing_is_sent_before_the_callers_transaction_commits(
    sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        notification = send()
        assert notification.status == Notification.Status.QUEUED
    assert sms_outbox == []
    assert len(callbacks) == 1

    callbacks[0]()  # the commit

    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert len(sms_outbox) == 1
    assert sms_outbox[0].to == notification.to
    assert "R-7K3Q9X" in sms_outbox[0].body


def test_a_rolled_back_transaction_sends_nothing(sms_outbox, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        send()
        raise RuntimeError("the workflow failed after queueing the message")
    assert callbacks == []
    assert sms_outbox == []
    assert not Notification.objects.exists()


def test_a_sent_message_records_its_text_time_attempt_and_provider_id(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = send()
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.attempts == 1
    assert notification.sent_at is not None
    assert notification.provider_message_id == "outbox-1"
    assert notification.template.event == Notification.Event.REQUEST_RECEIVED
    assert notification.channel.code == "phone"
    assert notification.error == ""


def test_a_failing_gateway_marks_the_message_failed_and_the_callers_work_is_kept(
    settings, sms_outbox, django_capture_on_commit_callbacks
):
    settings.MUSTAFID_SMS_BACKEND = FAILING
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        UserFactory(username="callers-work")
        notification = send()
    assert get_user_model().objects.filter(username="callers-work").exists()
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == 1
    assert "HTTP 503" in notification.error
    assert notification.body  # the text is kept for the retry
    assert sms_outbox == []


def test_a_backend_bug_is_recorded_as_a_failure_not_raised(
    settings, django_capture_on_commit_callbacks
):
    settings.MUSTAFID_SMS_BACKEND = "tests.channels_app.sms_backends.ExplodingSmsBackend"
    with django_capture_on_commit_callbacks(execute=True):
        notification = send()
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.error.startswith("ZeroDivisionError")


def test_an_opted_out_person_gets_a_record_but_no_message(
    sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = send(RecipientFactory(opted_out=True))
    assert notification.status == Notification.Status.SKIPPED_OPT_OUT
    assert callbacks == []
    assert sms_outbox == []
    assert Notification.objects.filter(status=Notification.Status.SKIPPED_OPT_OUT).count() == 1


def test_a_person_without_mobile_or_email_is_recorded_as_unreachable(
    sms_outbox, django_capture_on_commit_callbacks
):
    recipient = Recipient(name="سلمان الشمري", preferred_channel_code="letter")
    with django_capture_on_commit_callbacks(execute=True):
        notification = send(recipient)
    assert notification.status == Notification.Status.SKIPPED_NO_ADDRESS
    assert notification.transport == ""
    assert notification.to == ""
    assert notification.channel.code == "letter"  # what the person prefers, for the staff
    assert sms_outbox == []


def test_email_goes_through_djangos_mailer_with_subject_and_message_id(
    sms_outbox, django_capture_on_commit_callbacks
):
    recipient = RecipientFactory(email="amal@example.org", preferred_channel_code="email")
    with django_capture_on_commit_callbacks(execute=True):
        notification = send(recipient)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.transport == Notification.Transport.EMAIL
    assert notification.channel.code == "email"
    assert sms_outbox == []
    (message,) = mail.outbox
    assert message.to == ["amal@example.org"]
    assert message.subject == "استلمنا طلبك رقم R-7K3Q9X"
    assert recipient.name in message.body
    assert message.extra_headers["Message-ID"] == notification.provider_message_id


def test_arabic_templates_give_the_due_date_in_hijri_and_gregorian(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = send(RecipientFactory(language="ar"))
    notification.refresh_from_db()
    assert notification.language == "ar"
    assert "تم استلام طلبك رقم R-7K3Q9X" in notification.body
    assert "26 صفر 1448 هـ (9 أغسطس 2026م)" in notification.body


def test_english_templates_are_used_for_an_english_speaker(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = send(RecipientFactory(english=True, email="a@example.org"))
        emailed = send(
            RecipientFactory(english=True, email="b@example.org", preferred_channel_code="email")
        )
    notification.refresh_from_db()
    emailed.refresh_from_db()
    assert notification.body.startswith("We received your request R-7K3Q9X.")
    assert "26 Safar 1448 AH (9 August 2026 CE)" in notification.body
    assert emailed.subject == "We received your request R-7K3Q9X"
    assert emailed.body.startswith("Dear ")


def test_an_unknown_language_falls_back_to_arabic():
    notification = send(RecipientFactory(language="fr"))
    assert notification.language == "ar"


def test_a_broken_template_marks_the_message_failed_instead_of_crashing(
    sms_outbox, django_capture_on_commit_callbacks
):
    NotificationTemplate.objects.filter(
        event=Notification.Event.REQUEST_RECEIVED, transport="sms", language="ar"
    ).update(body="طلبك {% if reference %} بلا نهاية")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        UserFactory(username="still-saved")
        notification = send()
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert "endif" in notification.error
    assert notification.body == ""
    assert sms_outbox == []
    assert get_user_model().objects.filter(username="still-saved").exists()


def test_a_missing_template_marks_the_message_failed_with_a_clear_error(
    django_capture_on_commit_callbacks,
):
    NotificationTemplate.objects.filter(
        event=Notification.Event.INFO_NEEDED, transport="sms"
    ).delete()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        notification = send(event=Notification.Event.INFO_NEEDED, context={"note": "…"})
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.error == (
        "There is no SMS template for “Information needed”: add one in the back-office."
    )


def test_a_template_in_the_other_language_is_used_when_one_is_missing(
    django_capture_on_commit_callbacks,
):
    NotificationTemplate.objects.filter(
        event=Notification.Event.REQUEST_RECEIVED, transport="sms", language="en"
    ).delete()
    with django_capture_on_commit_callbacks(execute=True):
        notification = send(RecipientFactory(english=True))
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.body.startswith("تم استلام طلبك")


def test_the_callers_values_are_stored_as_json_for_a_retry():
    notification = send(context={"reference": "R-1", "due_date": DUE, "amount": 1500})
    notification.refresh_from_db()
    assert notification.context == {"reference": "R-1", "due_date": "2026-08-09", "amount": 1500}


def test_an_unknown_event_is_a_programming_error():
    with pytest.raises(ValueError, match="Unknown notification event"):
        send(event="request_teleported")


def test_the_recipient_cannot_be_changed_once_built():
    import dataclasses

    recipient = Recipient(name="نورة")
    with pytest.raises(dataclasses.FrozenInstanceError):
        recipient.name = "سارة"  # type: ignore[misc]


def test_an_absurdly_long_address_is_recorded_as_failed_not_cut_short(sms_outbox):
    recipient = RecipientFactory(email=f"{'x' * 300}@example.org", preferred_channel_code="email")
    notification = send(recipient)
    assert notification.status == Notification.Status.FAILED
    assert notification.error
    assert sms_outbox == []
