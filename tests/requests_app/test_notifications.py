"""The applicant hears of each step, only after it is saved, and a failing gateway never
undoes the step."""

import pytest

from channels_app import sms
from channels_app.models import Notification
from requests_app.services import (
    Declaration,
    support_request_request_info,
    support_request_submit,
    support_request_withdraw,
)
from requests_app.workflow import Status
from tests.factories import BeneficiaryFactory, ProgramFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def submit(beneficiary=None):
    from channels_app.models import Channel

    return support_request_submit(
        beneficiary=beneficiary or BeneficiaryFactory(),
        program=ProgramFactory(),
        channel=Channel.objects.get(code="website"),
        need="مساعدة",
        declaration=Declaration(signed_name="سارة", accepted_rules=True),
    )


def test_the_receipt_is_sent_only_after_the_request_is_committed(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        support_request = submit()
    assert not Notification.objects.exists()
    assert callbacks
    for callback in callbacks:
        callback()
    # the workflow's callback queues the message, whose own send runs after that commit
    notification = Notification.objects.get()
    assert notification.event == "request_received"
    assert notification.related_id == support_request.pk


def test_the_receipt_carries_the_reference_and_due_date(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        support_request = submit()
    notification = Notification.objects.get(event="request_received")
    assert notification.status == Notification.Status.SENT
    assert support_request.display_reference in notification.body
    assert sms.outbox and support_request.display_reference in sms.outbox[-1].body


def test_asking_for_information_sends_the_note_to_the_applicant(
    officer, django_capture_on_commit_callbacks
):
    support_request = SupportRequestFactory(in_verification=True)
    with django_capture_on_commit_callbacks(execute=True):
        support_request_request_info(
            support_request=support_request, actor=officer, note="أرفق صك الإعالة"
        )
    notification = Notification.objects.get(event="info_needed")
    assert "أرفق صك الإعالة" in notification.body


def test_a_failing_sms_gateway_leaves_the_request_moved_and_the_message_failed(
    officer, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(self, to, body):
        raise sms.SmsError("SMS gateway answered HTTP 500")

    monkeypatch.setattr(sms.OutboxSmsBackend, "send", broken)
    support_request = SupportRequestFactory(in_verification=True)
    with django_capture_on_commit_callbacks(execute=True):
        support_request_request_info(
            support_request=support_request, actor=officer, note="أرفق الصك"
        )
    support_request.refresh_from_db()
    assert support_request.status == Status.NEEDS_INFO
    notification = Notification.objects.get(event="info_needed")
    assert notification.status == Notification.Status.FAILED
    assert "HTTP 500" in notification.error


def test_a_beneficiary_who_withdrew_contact_consent_gets_no_message(
    django_capture_on_commit_callbacks,
):
    import datetime

    from django.utils import timezone

    from beneficiaries.models import Consent

    beneficiary = BeneficiaryFactory()
    given = timezone.now() - datetime.timedelta(days=30)
    Consent.objects.create(
        beneficiary=beneficiary,
        purpose=Consent.Purpose.CONTACT,
        text_version="1",
        given_at=given,
        withdrawn_at=timezone.now(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        submit(beneficiary)
    assert Notification.objects.get().status == Notification.Status.SKIPPED_OPT_OUT
    assert not sms.outbox


def test_a_move_without_a_message_sends_nothing(manager, django_capture_on_commit_callbacks):
    support_request = SupportRequestFactory()
    with django_capture_on_commit_callbacks(execute=True):
        support_request_withdraw(support_request=support_request, note="تراجع", actor=manager)
    assert not Notification.objects.exists()
