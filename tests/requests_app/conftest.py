import datetime

import pytest
from django.utils import timezone

from tests.factories import BeneficiaryDocumentFactory, ProgramFactory, SupportRequestFactory


@pytest.fixture(autouse=True)
def _english_messages():
    """Service errors are matched on their English text; pages are tested in Arabic."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def program(db):
    return ProgramFactory(required_document_types=["national_id"], decision_days=14)


@pytest.fixture
def ready_request(program, officer):
    """A request in verification whose required document is present, valid and checked."""
    from requests_app.services import document_check_record

    support_request = SupportRequestFactory(program=program, in_verification=True)
    document = BeneficiaryDocumentFactory(
        beneficiary=support_request.beneficiary,
        document_type="national_id",
        expiry_date=timezone.localdate() + datetime.timedelta(days=365),
    )
    document_check_record(
        support_request=support_request,
        document_type="national_id",
        document=document,
        matches_record=True,
        actor=officer,
    )
    return support_request
