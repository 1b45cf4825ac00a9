"""Service delivery (POL-7.13): deliveries move the request, the cash/IBAN rule, the
guards, and the survey invitation that closes the request (POL-3.1)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from channels_app.models import Notification
from requests_app.delivery import delivery_record, program_run_end
from requests_app.models import ServiceDelivery
from requests_app.services import WorkflowError, support_request_transition
from requests_app.workflow import Status
from satisfaction.models import SurveyInvitation
from tests.factories import (
    ApprovedRequestFactory,
    BeneficiaryFactory,
    ProgramRunFactory,
    SupportRequestFactory,
)

pytestmark = pytest.mark.django_db


def test_one_off_delivery_delivers_invites_and_closes(officer, django_capture_on_commit_callbacks):
    support_request = ApprovedRequestFactory()
    with django_capture_on_commit_callbacks(execute=True):
        delivery_record(
            support_request=support_request,
            kind="cash",
            amount=Decimal("1500"),
            reference="TRX-1",
            actor=officer,
        )
    support_request.refresh_from_db()
    assert support_request.status == Status.CLOSED
    moves = list(support_request.status_changes.values_list("to_status", flat=True))
    assert moves == [Status.IN_DELIVERY, Status.DELIVERED, Status.CLOSED]
    invitation = SurveyInvitation.objects.get(support_request=support_request)
    assert invitation.sent_at is not None
    assert invitation.expires_at - invitation.created_at == datetime.timedelta(days=30)
    message = Notification.objects.get(event="survey_invitation")
    assert "/survey/" in message.context["survey_url"]
    assert message.to == support_request.beneficiary.mobile


def test_instalments_keep_the_request_in_delivery_until_the_last(officer):
    support_request = ApprovedRequestFactory()
    delivery_record(
        support_request=support_request,
        kind="in_kind",
        quantity=1,
        completes_service=False,
        actor=officer,
    )
    support_request.refresh_from_db()
    assert support_request.status == Status.IN_DELIVERY
    assert not SurveyInvitation.objects.exists()
    delivery_record(support_request=support_request, kind="in_kind", quantity=1, actor=officer)
    support_request.refresh_from_db()
    assert support_request.status == Status.CLOSED
    assert support_request.deliveries.count() == 2


def test_cash_without_iban_is_refused_and_nothing_saved(officer):
    support_request = ApprovedRequestFactory(beneficiary=BeneficiaryFactory(iban=""))
    with pytest.raises(WorkflowError) as exc:
        delivery_record(
            support_request=support_request, kind="cash", amount=Decimal("100"), actor=officer
        )
    assert "IBAN" in exc.value.message_dict["kind"][0]
    assert not ServiceDelivery.objects.exists()
    support_request.refresh_from_db()
    assert support_request.status == Status.APPROVED


def test_cash_with_an_invalid_iban_is_refused(officer):
    support_request = ApprovedRequestFactory(
        beneficiary=BeneficiaryFactory(iban="SA0000000000000000000000")
    )
    with pytest.raises(WorkflowError):
        delivery_record(
            support_request=support_request, kind="cash", amount=Decimal("100"), actor=officer
        )
    assert not ServiceDelivery.objects.exists()


def test_cash_needs_an_amount(officer):
    with pytest.raises(WorkflowError) as exc:
        delivery_record(support_request=ApprovedRequestFactory(), kind="cash", actor=officer)
    assert "amount" in exc.value.message_dict


def test_delivery_on_a_request_not_approved_is_refused(officer):
    support_request = SupportRequestFactory(in_committee=True)
    with pytest.raises(WorkflowError, match="Only an approved request"):
        delivery_record(support_request=support_request, kind="in_kind", actor=officer)
    assert not ServiceDelivery.objects.exists()


def test_future_delivery_date_is_refused(officer):
    with pytest.raises(WorkflowError) as exc:
        delivery_record(
            support_request=ApprovedRequestFactory(),
            kind="voucher",
            delivered_on=timezone.localdate() + datetime.timedelta(days=1),
            actor=officer,
        )
    assert "delivered_on" in exc.value.message_dict


def test_a_proof_that_is_not_a_document_is_refused(officer):
    fake = SimpleUploadedFile(
        "receipt.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    with pytest.raises(WorkflowError) as exc:
        delivery_record(
            support_request=ApprovedRequestFactory(), kind="in_kind", proof=fake, actor=officer
        )
    assert "proof" in exc.value.message_dict


def test_researcher_may_not_record_a_delivery(researcher):
    with pytest.raises(PermissionDenied):
        delivery_record(support_request=ApprovedRequestFactory(), kind="in_kind", actor=researcher)


@pytest.mark.parametrize("target", [Status.IN_DELIVERY])
def test_guard_refuses_the_move_without_a_delivery(officer, target):
    support_request = ApprovedRequestFactory()
    with pytest.raises(WorkflowError, match="Record the delivery first"):
        support_request_transition(support_request=support_request, to_status=target, actor=officer)


def test_indirect_beneficiary_is_closed_without_a_survey(officer):
    support_request = ApprovedRequestFactory(beneficiary=BeneficiaryFactory(indirect=True))
    delivery_record(support_request=support_request, kind="in_kind", actor=officer)
    support_request.refresh_from_db()
    assert support_request.status == Status.CLOSED
    assert not SurveyInvitation.objects.exists()


def test_run_participants_are_invited_once_when_the_run_ends(officer):
    run = ProgramRunFactory()
    requests = [ApprovedRequestFactory(program=run.program) for _ in range(3)]
    for support_request in requests:
        delivery_record(
            support_request=support_request, kind="service", program_run=run, actor=officer
        )
        support_request.refresh_from_db()
        assert support_request.status == Status.DELIVERED  # rated when the run ends
    assert not SurveyInvitation.objects.exists()
    assert program_run_end(program_run=run, actor=officer) == 3
    assert SurveyInvitation.objects.filter(program_run=run).count() == 3
    for support_request in requests:
        support_request.refresh_from_db()
        assert support_request.status == Status.CLOSED
    # Ending it again invites nobody twice.
    assert program_run_end(program_run=run, actor=officer) == 0
    assert SurveyInvitation.objects.count() == 3


def test_a_run_that_has_not_ended_cannot_be_ended(officer):
    run = ProgramRunFactory(ends_on=timezone.localdate() + datetime.timedelta(days=3))
    with pytest.raises(WorkflowError):
        program_run_end(program_run=run, actor=officer)


def test_run_of_another_program_is_refused(officer):
    with pytest.raises(WorkflowError) as exc:
        delivery_record(
            support_request=ApprovedRequestFactory(),
            kind="service",
            program_run=ProgramRunFactory(),
            actor=officer,
        )
    assert "program_run" in exc.value.message_dict
