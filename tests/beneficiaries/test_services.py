"""Registering, updating, de-duplicating and merging beneficiaries through the services."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from beneficiaries.models import AccessLog, Beneficiary, BeneficiaryDocument
from beneficiaries.services import (
    access_log_record,
    beneficiary_create,
    beneficiary_find_duplicates,
    beneficiary_merge,
    beneficiary_update,
    consent_record,
    document_add,
    document_verify,
)
from beneficiaries.validators import national_id_with_check_digit
from tests.factories import (
    BeneficiaryDocumentFactory,
    BeneficiaryFactory,
    ConsentFactory,
    HouseholdMemberFactory,
    jpeg_upload,
    pdf_upload,
    png_upload,
)

pytestmark = pytest.mark.django_db

CITIZEN = national_id_with_check_digit("112233445")


def register(**overrides):
    fields = {
        "name_ar": "أحمد بن علي الغامدي",
        "id_type": "national_id",
        "id_number": CITIZEN,
        "mobile": "0512345678",
        "birth_date": datetime.date(1980, 5, 5),
    }
    return beneficiary_create(**(fields | overrides))


def test_registering_normalises_identifiers_and_gives_a_file_number():
    eastern_id = CITIZEN.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    person = register(
        id_number=eastern_id, mobile="٠٥١ ٢٣٤ ٥٦٧٨", iban="sa03 8000 0000 6080 1016 7519"
    )
    person.refresh_from_db()
    assert person.id_number == CITIZEN
    assert person.mobile == "+966512345678"
    assert person.iban == "SA0380000000608010167519"
    assert person.name_normalized == "احمد بن علي الغامدي"
    assert person.file_number == f"M{person.pk:07d}"
    assert person.history.count() == 1
    assert person.history.first().file_number == person.file_number


def test_registering_with_a_bad_id_raises_a_field_error_and_stores_nothing():
    with pytest.raises(ValidationError) as caught:
        register(id_number="3000000000")
    assert "id_number" in caught.value.message_dict
    assert not Beneficiary.objects.exists()


def test_a_direct_beneficiary_needs_an_identity_and_a_mobile():
    with pytest.raises(ValidationError) as caught:
        beneficiary_create(name_ar="سارة")
    assert {"id_number", "mobile"} <= set(caught.value.message_dict)


def test_an_indirect_beneficiary_needs_only_a_name_and_refuses_extra_personal_data():
    person = beneficiary_create(kind="indirect", name_ar="@متابع_الجمعية")
    assert person.file_number
    with pytest.raises(ValidationError) as caught:
        beneficiary_create(kind="indirect", name_ar="زائر", monthly_income=100)
    assert "monthly_income" in caught.value.message_dict


def test_the_same_identity_cannot_be_registered_twice():
    register()
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        register(mobile="0551111111", name_ar="شخص آخر")
    with translation.override("en"):
        assert "already registered" in str(caught.value)


def test_updating_keeps_the_folded_name_in_step_and_adds_history():
    person = register()
    beneficiary_update(beneficiary=person, name_ar="فاطمة الزهراء")
    person.refresh_from_db()
    assert person.name_normalized == "فاطمه الزهراء"
    assert person.history.count() == 2


def test_a_name_with_a_direction_override_is_stored_without_it():
    person = register(name_ar="\u202eمحمد\u200b علي")
    assert person.name_ar == "محمد علي"


def test_duplicates_are_found_by_mobile_in_any_form():
    existing = register()
    found = beneficiary_find_duplicates(mobile="٠٥١٢٣٤٥٦٧٨")
    assert list(found) == [existing]


def test_duplicates_are_found_by_folded_name_and_birth_date():
    existing = register()
    found = beneficiary_find_duplicates(
        name="احمد بن علي الغامدى", birth_date=datetime.date(1980, 5, 5)
    )
    assert list(found) == [existing]
    assert not beneficiary_find_duplicates(
        name="احمد بن علي الغامدي", birth_date=datetime.date(1981, 5, 5)
    ).exists()


def test_no_criteria_finds_no_duplicates():
    register()
    assert not beneficiary_find_duplicates().exists()


def test_merge_moves_documents_household_and_consents_and_archives_the_duplicate(officer):
    keep = BeneficiaryFactory(email="")
    duplicate = BeneficiaryFactory(email="same@example.org", case_notes="needs follow-up")
    document = BeneficiaryDocumentFactory(beneficiary=duplicate)
    member = HouseholdMemberFactory(beneficiary=duplicate)
    consent = ConsentFactory(beneficiary=duplicate)
    beneficiary_merge(keep=keep, duplicate=duplicate, actor=officer)
    keep.refresh_from_db()
    duplicate.refresh_from_db()
    assert keep.documents.get() == document
    assert keep.household.get() == member
    assert keep.consents.get() == consent
    assert keep.email == "same@example.org"
    assert "needs follow-up" in keep.case_notes
    assert duplicate.status == Beneficiary.Status.ARCHIVED
    assert duplicate.merged_into == keep
    # History of both records stays, and says who merged.
    assert duplicate.history.first().history_user == officer
    assert keep.history.first().history_user == officer
    assert document.history.first().beneficiary_id == keep.pk
    assert AccessLog.objects.filter(beneficiary=keep, action="merge").exists()


def test_merge_takes_over_the_identity_when_the_kept_record_has_none():
    keep = BeneficiaryFactory(kind="indirect", id_type="", id_number="", mobile="", birth_date=None)
    duplicate = BeneficiaryFactory()
    identity = duplicate.id_number
    beneficiary_merge(keep=keep, duplicate=duplicate)
    keep.refresh_from_db()
    assert keep.id_number == identity
    assert keep.kind == "direct"


def test_a_record_cannot_be_merged_into_itself_or_twice():
    keep, duplicate, third = BeneficiaryFactory.create_batch(3)
    with pytest.raises(ValidationError):
        beneficiary_merge(keep=keep, duplicate=keep)
    beneficiary_merge(keep=keep, duplicate=duplicate)
    with pytest.raises(ValidationError):
        beneficiary_merge(keep=third, duplicate=duplicate)


def test_document_add_accepts_pdf_jpeg_and_png_by_content():
    person = BeneficiaryFactory()
    for upload, content_type in [
        (pdf_upload(), "application/pdf"),
        (jpeg_upload(), "image/jpeg"),
        (png_upload(), "image/png"),
    ]:
        document = document_add(beneficiary=person, document_type="other", file=upload)
        assert document.content_type == content_type
        assert document.status == BeneficiaryDocument.Status.PENDING
        assert document.original_name == upload.name
        assert upload.name not in document.file.name  # stored under a random name


@pytest.mark.parametrize(
    "upload",
    [
        pdf_upload("virus.pdf", b"MZ\x90\x00 not a pdf"),  # an executable named .pdf
        pdf_upload("page.html", b"<html><script>alert(1)</script></html>"),
        pdf_upload("scan.png"),  # PDF content, PNG name
        pdf_upload("empty.pdf", b""),
    ],
    ids=["exe-as-pdf", "html", "mismatched-extension", "empty"],
)
def test_document_add_refuses_files_that_are_not_really_pdf_jpeg_or_png(upload):
    person = BeneficiaryFactory()
    with pytest.raises(ValidationError):
        document_add(beneficiary=person, document_type="other", file=upload)
    assert not BeneficiaryDocument.objects.exists()


def test_document_add_refuses_files_over_the_size_limit(settings):
    settings.MUSTAFID_MAX_UPLOAD_MB = 1
    person = BeneficiaryFactory()
    big = pdf_upload("big.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1))
    with pytest.raises(ValidationError) as caught:
        document_add(beneficiary=person, document_type="other", file=big)
    assert caught.value.code == "too_large"


def test_verifying_and_rejecting_a_document_records_who_when_and_why(officer):
    document = BeneficiaryDocumentFactory()
    document_verify(document=document, actor=officer)
    document.refresh_from_db()
    assert document.status == "verified" and document.verified_by == officer
    assert document.verified_at is not None
    with pytest.raises(ValidationError):
        document_verify(document=document, actor=officer, verified=False)
    document_verify(document=document, actor=officer, verified=False, note="الصورة غير واضحة")
    document.refresh_from_db()
    assert document.status == "rejected"
    assert document.verification_note == "الصورة غير واضحة"


def test_a_consent_keeps_the_text_version_shown():
    person = BeneficiaryFactory()
    consent = consent_record(
        beneficiary=person, purpose="declaration", text_version="2026-02", text="أقر بصحة البيانات"
    )
    assert consent.is_active and consent.text_version == "2026-02"


def test_access_log_record_keeps_who_what_and_where(rf, officer):
    person = BeneficiaryFactory()
    request = rf.get("/", HTTP_USER_AGENT="Mozilla", REMOTE_ADDR="10.1.2.3")
    entry = access_log_record(beneficiary=person, user=officer, request=request)
    assert (entry.user, entry.beneficiary, entry.ip_address, entry.action) == (
        officer,
        person,
        "10.1.2.3",
        "view",
    )


# --- inside a caller's transaction (the public portal's submission) ----------------------


def _create_looked_up(**overrides):
    from django.db import transaction

    from beneficiaries.services import beneficiary_create_in_transaction

    fields = {
        "name_ar": "أحمد بن علي الغامدي",
        "id_type": "national_id",
        "id_number": CITIZEN,
        "mobile": "0512345678",
        "birth_date": datetime.date(1980, 5, 5),
    }
    with transaction.atomic():
        return beneficiary_create_in_transaction(identity_looked_up=True, **(fields | overrides))


def test_the_rules_checked_in_python_refuse_what_the_database_constraints_refuse(
    django_assert_max_num_queries,
):
    """The portal's submission checks the check constraints on the instance instead of a
    savepoint and a SELECT each: the same refusals, the same messages."""
    from decimal import Decimal

    with pytest.raises(ValidationError) as python_refusal:
        _create_looked_up(monthly_income=Decimal("-1"))
    with pytest.raises(ValidationError) as database_refusal:
        register(monthly_income=Decimal("-1"))
    assert python_refusal.value.message_dict == database_refusal.value.message_dict
    assert not Beneficiary.objects.exists()

    # INSERT, the file number, the history row: no constraint queries.
    with django_assert_max_num_queries(3 + 2):  # + the test's savepoint
        person = _create_looked_up(monthly_income=Decimal("0"))
    assert person.file_number == f"M{person.pk:07d}"


def test_every_beneficiary_and_document_constraint_is_checked_somewhere():
    """A constraint added to the models is asked of the database unless named here; the
    names here must still exist."""
    from beneficiaries.services import BENEFICIARY_CHECKS, DOCUMENT_CHECKS

    assert set(BENEFICIARY_CHECKS) <= {c.name for c in Beneficiary._meta.constraints}
    assert set(DOCUMENT_CHECKS) <= {c.name for c in BeneficiaryDocument._meta.constraints}


def test_a_document_added_in_the_callers_transaction_keeps_the_date_rule():
    from django.db import transaction

    from beneficiaries.services import document_add_in_transaction

    person = BeneficiaryFactory()
    with pytest.raises(ValidationError) as refusal, transaction.atomic():
        document_add_in_transaction(
            beneficiary=person,
            document_type="national_id",
            file=pdf_upload(),
            issue_date=datetime.date(2025, 3, 1),
            expiry_date=datetime.date(2025, 2, 1),
        )
    with pytest.raises(ValidationError) as database_refusal:
        document_add(
            beneficiary=person,
            document_type="national_id",
            file=pdf_upload(),
            issue_date=datetime.date(2025, 3, 1),
            expiry_date=datetime.date(2025, 2, 1),
        )
    assert refusal.value.message_dict == database_refusal.value.message_dict
    assert not BeneficiaryDocument.objects.exists()
    with transaction.atomic():
        document = document_add_in_transaction(
            beneficiary=person, document_type="national_id", file=pdf_upload()
        )
    assert document.history.count() == 1


def test_a_document_needs_the_callers_transaction():
    from django.db import transaction

    from beneficiaries.services import document_add_in_transaction

    connection = transaction.get_connection()
    assert connection.in_atomic_block  # the test's own; pretend there is none
    connection.in_atomic_block = False
    try:
        with pytest.raises(transaction.TransactionManagementError):
            document_add_in_transaction(
                beneficiary=BeneficiaryFactory.build(), document_type="other", file=pdf_upload()
            )
    finally:
        connection.in_atomic_block = True


def test_the_first_history_row_has_the_file_number_the_actor_and_no_reason(officer):
    person = register(actor=officer)
    first = person.history.get()
    assert first.history_type == "+"
    assert first.file_number == person.file_number
    assert first.history_user == officer
    assert first.history_change_reason is None
