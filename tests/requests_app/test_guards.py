"""What must hold before a request goes to the committee (POL-7.3, 7.6, 7.9), and the one
open request per program rule."""

import datetime

import pytest
from django.utils import timezone

from requests_app.services import (
    Declaration,
    WorkflowError,
    document_check_record,
    support_request_send_to_committee,
    support_request_submit,
)
from requests_app.workflow import Status
from tests.factories import (
    BeneficiaryDocumentFactory,
    BeneficiaryFactory,
    ProgramFactory,
    SupportRequestFactory,
)

pytestmark = pytest.mark.django_db


def website():
    from channels_app.models import Channel

    return Channel.objects.get(code="website")


def test_a_complete_request_goes_to_the_committee(ready_request, officer):
    support_request_send_to_committee(support_request=ready_request, actor=officer)
    ready_request.refresh_from_db()
    assert ready_request.status == Status.COMMITTEE_REVIEW


def test_a_missing_document_blocks_committee_review(program, officer):
    support_request = SupportRequestFactory(program=program, in_verification=True)
    with pytest.raises(WorkflowError, match="missing"):
        support_request_send_to_committee(support_request=support_request, actor=officer)


def test_expired_id_blocks_committee_review(program, officer):
    support_request = SupportRequestFactory(program=program, in_verification=True)
    expired = BeneficiaryDocumentFactory(
        beneficiary=support_request.beneficiary,
        document_type="national_id",
        expiry_date=timezone.localdate(support_request.submitted_at) - datetime.timedelta(days=1),
    )
    check = document_check_record(
        support_request=support_request,
        document_type="national_id",
        document=expired,
        matches_record=True,
        actor=officer,
    )
    assert not check.valid_on_submission
    with pytest.raises(WorkflowError, match="not valid on the submission date"):
        support_request_send_to_committee(support_request=support_request, actor=officer)
    support_request.refresh_from_db()
    assert support_request.status == Status.VERIFICATION


def test_a_document_that_expires_after_submission_still_counts(program, officer):
    submitted = timezone.now() - datetime.timedelta(days=10)
    support_request = SupportRequestFactory(
        program=program, in_verification=True, submitted_at=submitted
    )
    document = BeneficiaryDocumentFactory(
        beneficiary=support_request.beneficiary,
        document_type="national_id",
        expiry_date=timezone.localdate() - datetime.timedelta(days=2),
    )
    document_check_record(
        support_request=support_request,
        document_type="national_id",
        document=document,
        matches_record=True,
        actor=officer,
    )
    support_request_send_to_committee(support_request=support_request, actor=officer)


def test_a_document_that_does_not_match_the_record_blocks_committee_review(program, officer):
    support_request = SupportRequestFactory(program=program, in_verification=True)
    document = BeneficiaryDocumentFactory(
        beneficiary=support_request.beneficiary, document_type="national_id"
    )
    document_check_record(
        support_request=support_request,
        document_type="national_id",
        document=document,
        matches_record=False,
        actor=officer,
    )
    with pytest.raises(WorkflowError, match="does not match"):
        support_request_send_to_committee(support_request=support_request, actor=officer)


def test_an_unsigned_declaration_blocks_committee_review(ready_request, officer):
    type(ready_request).objects.filter(pk=ready_request.pk).update(declaration_signed_at=None)
    with pytest.raises(WorkflowError, match="declaration"):
        support_request_send_to_committee(support_request=ready_request, actor=officer)


def test_unaccepted_program_rules_block_committee_review(ready_request, officer):
    type(ready_request).objects.filter(pk=ready_request.pk).update(rules_accepted_at=None)
    with pytest.raises(WorkflowError, match="rules"):
        support_request_send_to_committee(support_request=ready_request, actor=officer)


def test_another_persons_document_cannot_be_checked_against_a_request(program, officer):
    support_request = SupportRequestFactory(program=program, in_verification=True)
    stranger_document = BeneficiaryDocumentFactory(document_type="national_id")
    with pytest.raises(WorkflowError, match="another beneficiary"):
        document_check_record(
            support_request=support_request,
            document_type="national_id",
            document=stranger_document,
            matches_record=True,
            actor=officer,
        )


def submit(beneficiary, program, **overrides):
    data = {
        "beneficiary": beneficiary,
        "program": program,
        "channel": website(),
        "need": "مساعدة في الإيجار",
        "declaration": Declaration(signed_name="سارة محمد", accepted_rules=True),
    }
    data.update(overrides)
    return support_request_submit(**data)


def test_submission_sets_the_due_date_from_the_program():
    program = ProgramFactory(decision_days=10)
    support_request = submit(BeneficiaryFactory(), program)
    assert support_request.decision_due_at - support_request.submitted_at == datetime.timedelta(
        days=10
    )
    assert support_request.status_changes.get().to_status == Status.SUBMITTED


def test_a_second_open_request_for_the_same_program_is_refused():
    beneficiary, program = BeneficiaryFactory(), ProgramFactory()
    submit(beneficiary, program)
    with pytest.raises(WorkflowError) as excinfo:
        submit(beneficiary, program)
    assert "already an open request" in str(excinfo.value)
    assert beneficiary.support_requests.count() == 1


def test_a_new_request_is_allowed_once_the_previous_one_is_closed(manager):
    beneficiary, program = BeneficiaryFactory(), ProgramFactory()
    first = submit(beneficiary, program)
    from requests_app.services import support_request_withdraw

    support_request_withdraw(support_request=first, note="تراجع", actor=manager)
    submit(beneficiary, program)
    assert beneficiary.support_requests.count() == 2


def test_submission_needs_the_signature_and_consent():
    with pytest.raises(WorkflowError) as excinfo:
        submit(
            BeneficiaryFactory(),
            ProgramFactory(),
            declaration=Declaration(signed_name=" ", accepted_rules=False),
        )
    assert set(excinfo.value.error_dict) == {"declaration_name", "accept_rules"}


def test_a_closed_program_takes_no_applications():
    with pytest.raises(WorkflowError, match="not accepting"):
        submit(BeneficiaryFactory(), ProgramFactory(is_open=False))


def test_verification_reads_the_checks_and_their_documents_in_one_query(
    officer, django_assert_num_queries
):
    """The move to the committee (outside the request page) once read each check's document
    with its own query."""
    from requests_app.services import verification_problems

    types = ["national_id", "income_proof", "lease"]
    program = ProgramFactory(required_document_types=types)
    support_request = SupportRequestFactory(program=program, in_verification=True)
    for document_type in types:
        document_check_record(
            support_request=support_request,
            document_type=document_type,
            document=BeneficiaryDocumentFactory(
                beneficiary=support_request.beneficiary,
                document_type=document_type,
                expiry_date=timezone.localdate() + datetime.timedelta(days=365),
            ),
            matches_record=True,
            actor=officer,
        )
    support_request = (
        type(support_request).objects.select_related("program").get(pk=support_request.pk)
    )
    with django_assert_num_queries(1):
        problems = verification_problems(support_request)
    assert problems == []
