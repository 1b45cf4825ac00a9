"""PDPL data-subject requests, anonymisation, the export registry and consent withdrawal."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone, translation

from beneficiaries import privacy
from beneficiaries.models import (
    Beneficiary,
    BeneficiaryDocument,
    Consent,
    DataSubjectRequest,
    HouseholdMember,
)
from beneficiaries.selectors import beneficiary_has_withdrawn_consent
from beneficiaries.services import (
    beneficiary_update,
    consent_record,
    consent_withdraw,
    document_add,
    household_member_add,
)
from channels_app.models import Notification
from requests_app.models import StatusChange, SupportRequest
from requests_app.notifications import has_opted_out, recipient_for
from requests_app.workflow import Status
from tests.factories import (
    AccessLogFactory,
    BeneficiaryFactory,
    DataSubjectRequestFactory,
    SupportRequestFactory,
    pdf_upload,
)

pytestmark = pytest.mark.django_db

VM = DataSubjectRequest.VerificationMethod


# --- the 30-day clock -------------------------------------------------------------------


def test_a_request_is_due_thirty_days_after_it_was_received(officer):
    received = timezone.now() - datetime.timedelta(days=3)
    dsr = privacy.data_subject_request_open(
        beneficiary=BeneficiaryFactory(), kind="access", received_at=received, actor=officer
    )
    assert dsr.due_at == received + datetime.timedelta(days=30)
    assert dsr.status == DataSubjectRequest.Status.OPEN
    assert dsr.created_by == officer
    assert not dsr.is_overdue()


def test_a_request_past_thirty_days_is_overdue_until_answered(officer):
    dsr = privacy.data_subject_request_open(
        beneficiary=BeneficiaryFactory(),
        kind="access",
        received_at=timezone.now() - datetime.timedelta(days=31),
        actor=officer,
    )
    assert dsr.is_overdue()
    privacy.data_subject_request_refuse(dsr=dsr, reason="هوية غير مثبتة", actor=officer)
    dsr.refresh_from_db()
    assert not dsr.is_overdue()


def test_a_request_cannot_be_received_in_the_future(officer):
    with pytest.raises(ValidationError) as excinfo:
        privacy.data_subject_request_open(
            beneficiary=BeneficiaryFactory(),
            kind="access",
            received_at=timezone.now() + datetime.timedelta(days=1),
            actor=officer,
        )
    assert "received_at" in excinfo.value.message_dict
    assert not DataSubjectRequest.objects.exists()


def test_the_answer_can_be_extended_once_with_a_reason(officer):
    dsr = DataSubjectRequestFactory()
    first_due = dsr.due_at
    dsr = privacy.data_subject_request_extend(dsr=dsr, reason="بيانات في أرشيف ورقي", actor=officer)
    assert dsr.due_at == first_due + datetime.timedelta(days=30)
    assert dsr.extension_reason == "بيانات في أرشيف ورقي"
    assert dsr.extended_at is not None
    with pytest.raises(ValidationError) as excinfo:
        privacy.data_subject_request_extend(dsr=dsr, reason="مرة أخرى", actor=officer)
    assert excinfo.value.code == "already_extended"
    dsr.refresh_from_db()
    assert dsr.due_at == first_due + datetime.timedelta(days=30)


def test_an_extension_needs_a_reason(officer):
    dsr = DataSubjectRequestFactory()
    with pytest.raises(ValidationError) as excinfo:
        privacy.data_subject_request_extend(dsr=dsr, reason="   ", actor=officer)
    assert "extension_reason" in excinfo.value.message_dict
    dsr.refresh_from_db()
    assert dsr.extended_at is None


def test_the_database_refuses_an_extension_without_a_reason():
    from django.db import IntegrityError, transaction

    dsr = DataSubjectRequestFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        DataSubjectRequest.objects.filter(pk=dsr.pk).update(extended_at=timezone.now())


# --- identity verification --------------------------------------------------------------


def test_a_request_cannot_be_answered_before_the_identity_is_verified(officer):
    dsr = DataSubjectRequestFactory()
    with pytest.raises(ValidationError) as excinfo:
        privacy.data_subject_request_complete(dsr=dsr, actor=officer, outcome="أرسلت النسخة")
    assert excinfo.value.code == "not_verified"
    dsr.refresh_from_db()
    assert dsr.status == DataSubjectRequest.Status.OPEN


def test_verification_records_who_how_and_when_then_the_answer_is_allowed(officer):
    dsr = DataSubjectRequestFactory()
    dsr = privacy.data_subject_request_verify_identity(
        dsr=dsr, method=VM.IN_PERSON, note="بطاقة الهوية الأصلية", actor=officer
    )
    assert (dsr.verified_by, dsr.verification_method) == (officer, VM.IN_PERSON)
    assert dsr.verified_at is not None
    dsr = privacy.data_subject_request_complete(dsr=dsr, actor=officer, outcome="سلمت النسخة")
    assert dsr.status == DataSubjectRequest.Status.COMPLETED
    assert (dsr.closed_by, dsr.outcome) == (officer, "سلمت النسخة")
    with pytest.raises(ValidationError):
        privacy.data_subject_request_complete(dsr=dsr, actor=officer)


def test_verification_by_another_way_must_be_described(officer):
    dsr = DataSubjectRequestFactory()
    with pytest.raises(ValidationError) as excinfo:
        privacy.data_subject_request_verify_identity(dsr=dsr, method=VM.OTHER, actor=officer)
    assert "verification_note" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        privacy.data_subject_request_verify_identity(dsr=dsr, method="guess", actor=officer)
    dsr.refresh_from_db()
    assert dsr.verified_at is None


def test_a_correction_says_what_was_corrected(officer):
    dsr = DataSubjectRequestFactory(kind="correction", verified=True)
    with pytest.raises(ValidationError) as excinfo:
        privacy.data_subject_request_complete(dsr=dsr, actor=officer)
    assert "outcome" in excinfo.value.message_dict


def test_a_refusal_needs_a_reason(officer):
    dsr = DataSubjectRequestFactory()
    with pytest.raises(ValidationError):
        privacy.data_subject_request_refuse(dsr=dsr, reason="", actor=officer)


def test_only_a_manager_answers_a_deletion(officer, manager):
    dsr = DataSubjectRequestFactory(kind="deletion", verified=True)
    with pytest.raises(ValidationError) as excinfo:
        privacy.data_subject_request_complete(dsr=dsr, actor=officer)
    assert excinfo.value.code == "permission"
    dsr.beneficiary.refresh_from_db()
    assert dsr.beneficiary.status == Beneficiary.Status.ACTIVE
    privacy.data_subject_request_complete(dsr=dsr, actor=manager)
    dsr.beneficiary.refresh_from_db()
    assert dsr.beneficiary.status == Beneficiary.Status.ANONYMISED
    dsr.refresh_from_db()
    assert dsr.status == DataSubjectRequest.Status.COMPLETED and dsr.outcome
    # What the person wrote in the request goes too, from its history as well.
    assert dsr.details == ""
    assert not dsr.history.exclude(details="").exists()


# --- anonymisation ----------------------------------------------------------------------


@pytest.fixture
def person(officer):
    """A beneficiary with everything: changed once (history), a household, a document
    replaced once, consents, a closed request with a note, a message and an access log."""
    beneficiary = BeneficiaryFactory(
        name_ar="سارة بنت علي الزهراني",
        name_en="Sara Alzahrani",
        email="sara@example.org",
        birth_date=datetime.date(1990, 7, 21),
        gender="female",
        region="makkah",
        city="جدة",
        short_address="RRRD2929",
        household_size=4,
        marital_status="married",
        monthly_income=3200,
        iban="SA0380000000608010167519",
        health_notes="سكري",
        case_notes="زوجها متوفى",
    )
    beneficiary_update(beneficiary=beneficiary, actor=officer, mobile="0551234567")
    household_member_add(
        beneficiary=beneficiary,
        actor=officer,
        name="علي بن خالد",
        relation="son",
        birth_date=datetime.date(2015, 1, 1),
    )
    document = document_add(
        beneficiary=beneficiary, document_type="national_id", file=pdf_upload("هوية.pdf")
    )
    document_add(
        document=document,
        beneficiary=beneficiary,
        document_type="national_id",
        number="1234",
        file=pdf_upload("هوية-جديدة.pdf"),
    )
    consent_record(beneficiary=beneficiary, purpose=Consent.Purpose.CONTACT, text_version="2026-01")
    request = SupportRequestFactory(
        beneficiary=beneficiary, status=Status.CLOSED, amount_requested=1500
    )
    StatusChange.objects.create(
        support_request=request, from_status="delivered", to_status="closed", note="سلّمت لسارة"
    )
    from django.contrib.contenttypes.models import ContentType

    from channels_app.models import Channel

    Notification.objects.create(
        recipient_name="سارة",
        to="+966551234567",
        channel=Channel.objects.get(code="phone"),
        event="request_received",
        language="ar",
        body="سارة، وصل طلبك",
        context={"name": "سارة"},
        status="sent",
        transport="sms",
        sent_at=timezone.now(),
        related_type=ContentType.objects.get_for_model(SupportRequest),
        related_id=request.pk,
    )
    AccessLogFactory(beneficiary=beneficiary, user=officer)
    return beneficiary


IDENTIFYING = ["سارة", "Sara", "0551234567", "+966551234567", "sara@example.org", "RRRD2929"]


def _dump(rows) -> str:
    return json.dumps(list(rows), cls=DjangoJSONEncoder, ensure_ascii=False)


def test_anonymisation_strips_identifying_data_and_keeps_the_figures(
    person, manager, django_capture_on_commit_callbacks
):
    id_number = person.id_number
    files = list(
        BeneficiaryDocument.history.filter(beneficiary_id=person.pk).values_list("file", flat=True)
    )
    assert len(set(files)) == 2 and all(default_storage.exists(f) for f in files)
    request = person.support_requests.get()

    with django_capture_on_commit_callbacks(execute=True):
        privacy.beneficiary_anonymise(beneficiary=person, actor=manager)

    person.refresh_from_db()
    assert person.status == Beneficiary.Status.ANONYMISED
    assert person.name_ar == privacy.ANONYMISED_NAME
    for field in ("name_en", "id_number", "id_type", "mobile", "email", "city", "short_address"):
        assert getattr(person, field) == "", field
    assert person.iban == "" and person.health_notes == "" and person.case_notes == ""
    assert person.monthly_income is None and person.household_size is None
    # What the figures need stays.
    assert (person.region, person.gender, person.kind) == ("makkah", "female", "direct")
    assert person.birth_date == datetime.date(1990, 1, 1)
    request.refresh_from_db()
    assert request.status == Status.CLOSED and request.program_id
    assert request.amount_requested == 1500 and request.submitted_at
    assert request.need == "" and request.declaration_name == ""
    assert StatusChange.objects.get(support_request=request).note == ""
    # Household gone, with its history.
    assert not HouseholdMember.objects.filter(beneficiary=person).exists()
    assert not HouseholdMember.history.filter(beneficiary_id=person.pk).exists()
    # Document rows stay (type, dates, status) but the files are deleted.
    document = person.documents.get()
    assert document.document_type == "national_id" and document.expiry_date is None
    assert (document.file.name, document.original_name, document.number) == ("", "", "")
    assert not any(default_storage.exists(f) for f in files)
    # No history row keeps an identifying value.
    history = _dump(person.history.values())
    history += _dump(BeneficiaryDocument.history.filter(beneficiary_id=person.pk).values())
    history += _dump(SupportRequest.history.filter(beneficiary_id=person.pk).values())
    history += _dump(Notification.objects.filter(related_id=request.pk).values())
    for value in [*IDENTIFYING, id_number, "هوية", "زوجها", "سكري", "1990-07-21"]:
        assert value not in history, value
    assert person.history.first().history_change_reason == "anonymised"
    # No more messages.
    assert has_opted_out(person) and recipient_for(person).opted_out


def test_anonymisation_is_refused_while_a_request_is_open(person, manager):
    open_request = SupportRequestFactory(beneficiary=person, status=Status.COMMITTEE_REVIEW)
    with pytest.raises(ValidationError) as excinfo:
        privacy.beneficiary_anonymise(beneficiary=person, actor=manager)
    assert excinfo.value.code == "open_case"
    assert open_request.display_reference in excinfo.value.messages[0]
    person.refresh_from_db()
    assert person.status == Beneficiary.Status.ACTIVE
    assert person.name_ar == "سارة بنت علي الزهراني"
    assert person.household.exists()


def test_a_deletion_request_with_an_open_case_keeps_the_record_and_can_be_refused(person, manager):
    SupportRequestFactory(beneficiary=person, status=Status.VERIFICATION)
    dsr = DataSubjectRequestFactory(beneficiary=person, kind="deletion", verified=True)
    with pytest.raises(ValidationError):
        privacy.data_subject_request_complete(dsr=dsr, actor=manager)
    dsr.refresh_from_db()
    assert dsr.status == DataSubjectRequest.Status.OPEN
    privacy.data_subject_request_refuse(
        dsr=dsr, reason="طلب دعم مفتوح يلزم الاحتفاظ بالسجل", actor=manager
    )
    person.refresh_from_db()
    assert person.status == Beneficiary.Status.ACTIVE and person.mobile


def test_anonymising_a_record_also_anonymises_the_duplicates_merged_into_it(manager):
    from beneficiaries.services import beneficiary_merge

    keep = BeneficiaryFactory()
    duplicate = BeneficiaryFactory(name_ar="اسم قديم", email="old@example.org")
    beneficiary_merge(keep=keep, duplicate=duplicate, actor=manager)
    privacy.beneficiary_anonymise(beneficiary=keep, actor=manager)
    duplicate.refresh_from_db()
    assert duplicate.status == Beneficiary.Status.ANONYMISED
    assert "اسم قديم" not in _dump(duplicate.history.values())


# --- export -----------------------------------------------------------------------------


def test_the_export_holds_every_section_and_the_persons_data(person):
    export = {s["name"]: s["rows"] for s in privacy.subject_data_export(person)}
    assert {
        "beneficiary",
        "household",
        "documents",
        "consents",
        "support_requests",
        "request_status_history",
        "notifications",
        "access_log",
        "data_subject_requests",
    } <= set(export)
    assert export["beneficiary"]["name_ar"] == "سارة بنت علي الزهراني"
    assert export["beneficiary"]["iban"] == "SA0380000000608010167519"
    assert export["household"][0]["name"] == "علي بن خالد"
    assert len(export["documents"]) == 1
    assert export["request_status_history"][0]["note"] == "سلّمت لسارة"
    assert export["notifications"][0]["to"] == "+966551234567"
    assert len(export["access_log"]) == 1
    json.dumps(privacy.subject_data_json(person), cls=DjangoJSONEncoder)


def test_another_app_adds_a_section_with_one_call(person):
    privacy.register_subject_data_section(
        "test_extra", lambda b: [{"file": b.file_number}], label="Extra"
    )
    try:
        export = {s["name"]: s["rows"] for s in privacy.subject_data_export(person)}
        assert export["test_extra"] == [{"file": person.file_number}]
    finally:
        privacy._SECTIONS.pop("test_extra")


# --- consent withdrawal stops messages ------------------------------------------------------


@pytest.mark.parametrize("purpose", [Consent.Purpose.CONTACT, Consent.Purpose.DATA_PROCESSING])
def test_withdrawn_consent_counts_as_opted_out(purpose, officer):
    beneficiary = BeneficiaryFactory()
    consent = consent_record(beneficiary=beneficiary, purpose=purpose, text_version="v1")
    assert not beneficiary_has_withdrawn_consent(beneficiary)
    consent_withdraw(consent=consent, note="اتصال هاتفي", actor=officer)
    assert beneficiary_has_withdrawn_consent(beneficiary)
    assert recipient_for(beneficiary).opted_out


def test_consent_given_again_after_withdrawal_allows_messages():
    beneficiary = BeneficiaryFactory()
    old = consent_record(beneficiary=beneficiary, purpose="contact", text_version="v1")
    consent_withdraw(consent=old)
    new = consent_record(beneficiary=beneficiary, purpose="contact", text_version="v2")
    new.given_at = timezone.now() + datetime.timedelta(seconds=1)
    new.save()
    assert not beneficiary_has_withdrawn_consent(beneficiary)


def test_a_withdrawn_declaration_does_not_stop_messages():
    beneficiary = BeneficiaryFactory()
    consent_withdraw(
        consent=consent_record(beneficiary=beneficiary, purpose="declaration", text_version="v1")
    )
    assert not beneficiary_has_withdrawn_consent(beneficiary)


def test_a_withdrawn_person_gets_a_skipped_record_not_a_message():
    from channels_app.services import notification_send

    beneficiary = BeneficiaryFactory()
    consent_withdraw(
        consent=consent_record(beneficiary=beneficiary, purpose="contact", text_version="v1")
    )
    with translation.override("ar"):
        notification = notification_send(
            recipient=recipient_for(beneficiary), event="request_received"
        )
    assert notification.status == Notification.Status.SKIPPED_OPT_OUT
