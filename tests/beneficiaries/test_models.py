"""Documents valid at the time of submission (POL-7.3) and the registry's rules."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from beneficiaries.models import Beneficiary, BeneficiaryDocument
from tests.factories import BeneficiaryDocumentFactory, BeneficiaryFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def test_a_document_is_valid_between_its_issue_and_expiry_dates_inclusive():
    document = BeneficiaryDocumentFactory(issue_date=D(2024, 1, 1), expiry_date=D(2025, 1, 1))
    assert document.is_valid_on(D(2024, 6, 1))
    assert document.is_valid_on(D(2024, 1, 1))
    assert document.is_valid_on(D(2025, 1, 1))


def test_a_document_is_expired_the_day_after_its_expiry_date():
    document = BeneficiaryDocumentFactory(issue_date=D(2024, 1, 1), expiry_date=D(2025, 1, 1))
    assert not document.is_valid_on(D(2025, 1, 2))


def test_a_document_is_not_valid_before_it_was_issued():
    document = BeneficiaryDocumentFactory(issue_date=D(2024, 1, 1), expiry_date=D(2025, 1, 1))
    assert not document.is_valid_on(D(2023, 12, 31))


def test_a_document_without_dates_is_valid_any_day_but_a_rejected_one_never():
    document = BeneficiaryDocumentFactory(issue_date=None, expiry_date=None)
    assert document.is_valid_on(D(1990, 1, 1))
    document.status = BeneficiaryDocument.Status.REJECTED
    assert not document.is_valid_on(D(2024, 6, 1))


def test_the_queryset_answers_the_same_question_as_the_instance():
    current = BeneficiaryDocumentFactory(issue_date=D(2024, 1, 1), expiry_date=D(2025, 1, 1))
    expired = BeneficiaryDocumentFactory(issue_date=D(2020, 1, 1), expiry_date=D(2021, 1, 1))
    BeneficiaryDocumentFactory(
        issue_date=D(2024, 1, 1),
        expiry_date=D(2025, 1, 1),
        status=BeneficiaryDocument.Status.REJECTED,
    )
    assert list(BeneficiaryDocument.objects.valid_on(D(2024, 6, 1))) == [current]
    assert list(BeneficiaryDocument.objects.valid_on(D(2020, 6, 1))) == [expired]


def test_documents_expiring_within_n_days_are_listed():
    today = D(2026, 5, 1)
    soon = BeneficiaryDocumentFactory(expiry_date=today + datetime.timedelta(days=10))
    BeneficiaryDocumentFactory(expiry_date=today + datetime.timedelta(days=60))
    BeneficiaryDocumentFactory(expiry_date=today - datetime.timedelta(days=1))
    assert list(BeneficiaryDocument.objects.expiring_within(30, today=today)) == [soon]
    assert soon.expires_within(30, today=today)


def test_a_document_cannot_expire_before_it_was_issued():
    document = BeneficiaryDocumentFactory.build(
        beneficiary=BeneficiaryFactory(), issue_date=D(2025, 1, 1), expiry_date=D(2024, 1, 1)
    )
    with pytest.raises(ValidationError):
        document.full_clean()


def test_document_types_keep_their_stable_codes():
    assert set(BeneficiaryDocument.DocumentType.values) == {
        "national_id",
        "family_record",
        "income_proof",
        "iban_certificate",
        "medical_report",
        "lease",
        "other",
    }


def test_the_kinds_are_direct_and_indirect():
    assert set(Beneficiary.Kind.values) == {"direct", "indirect"}
