"""/apply/: the whole journey, the records it creates, and what bad input gets."""

import datetime
import re

import pytest
from django.utils import timezone

from beneficiaries.models import Beneficiary, BeneficiaryDocument, Consent
from requests_app.models import ApplicantUpdate, PendingApplication, PendingDocument, SupportRequest
from requests_app.workflow import Status
from tests.factories import BeneficiaryFactory, SupportRequestFactory

from .conftest import (
    NATIONAL_ID,
    OTHER_ID,
    PDF,
    apply,
    documents_data,
    household_data,
    identity_data,
    pdf,
)

pytestmark = pytest.mark.django_db


def test_applying_creates_the_request_beneficiary_documents_and_consents(
    client, program, texts_in_force
):
    response = apply(client, program)
    assert response.status_code == 200
    support_request = SupportRequest.objects.get()
    page = response.content.decode()
    assert support_request.display_reference in page
    assert "أسبوعين" in page  # "about two weeks"
    assert response.redirect_chain[-1][0] == "/apply/done/"
    assert support_request.status == Status.SUBMITTED
    assert support_request.channel.code == "website"
    assert support_request.declaration_name == "سارة محمد العتيبي"
    assert support_request.rules_accepted_at is not None
    assert (
        support_request.decision_due_at.date()
        == (support_request.submitted_at + datetime.timedelta(days=14)).date()
    )
    beneficiary = support_request.beneficiary
    assert beneficiary.id_number == NATIONAL_ID
    assert beneficiary.mobile == "+966512345678"
    assert beneficiary.kind == Beneficiary.Kind.DIRECT
    assert beneficiary.household_size == 5
    documents = BeneficiaryDocument.objects.filter(beneficiary=beneficiary)
    assert sorted(documents.values_list("document_type", flat=True)) == [
        "family_record",
        "national_id",
    ]
    assert documents.get(document_type="national_id").original_name == "هوية.pdf"
    consents = {c.purpose: c.text_version for c in Consent.objects.filter(beneficiary=beneficiary)}
    assert consents == {
        Consent.Purpose.DATA_PROCESSING: "privacy-notice v1",
        Consent.Purpose.PROGRAM_RULES: "consent v1",
        Consent.Purpose.DECLARATION: "declaration v1",
    }
    # Nothing personal is left in the application in progress, and no held file.
    application = PendingApplication.objects.get()
    assert application.data == {}
    assert application.submitted_request == support_request
    assert not PendingDocument.objects.exists()


def test_without_approved_texts_the_standard_text_is_shown_and_recorded_as_such(client, program):
    apply(client, program)
    consent = Consent.objects.get(purpose=Consent.Purpose.DECLARATION)
    assert consent.text_version == "declaration standard"


def test_the_privacy_notice_is_shown_before_any_personal_data_is_asked(client, program):
    response = client.get("/apply/")
    page = response.content.decode()
    assert "إشعار الخصوصية" in page
    assert 'name="id_number"' not in page
    assert "دعم الأسر" in page and "الأسر ذات الدخل المحدود" in page


def test_a_replayed_final_form_creates_one_request(client, program):
    apply(client, program)
    response = client.post(
        "/apply/declaration/",
        {"accept_rules": "on", "declare": "on", "declaration_name": "سارة محمد العتيبي"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/apply/done/"
    assert SupportRequest.objects.count() == 1


def test_an_invalid_id_in_eastern_arabic_digits_gets_an_arabic_error_and_keeps_the_rest(
    client, program
):
    client.post("/apply/", {"program": program.pk, "privacy_read": "on"})
    wrong = NATIONAL_ID[:-1] + str((int(NATIONAL_ID[-1]) + 1) % 10)  # a bad check digit
    eastern = wrong.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    response = client.post(
        "/apply/identity/", identity_data(id_number=eastern, name_ar="ليلى أحمد")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "رقم الهوية هذا غير صحيح" in page or "غير صحيح" in page
    assert eastern in page  # what was typed is shown again, as typed
    assert 'class="error-summary"' in page
    assert 'href="#id_id_number"' in page
    assert 'value="ليلى أحمد"' in page
    assert 'value="0512345678"' in page
    assert 'aria-invalid="true"' in page


def test_eastern_arabic_digits_are_accepted_when_the_number_is_right(client, program):
    client.post("/apply/", {"program": program.pk, "privacy_read": "on"})
    eastern = NATIONAL_ID.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    response = client.post(
        "/apply/identity/", identity_data(id_number=eastern, mobile="٠٥١٢٣٤٥٦٧٨")
    )
    assert response.status_code == 302
    data = PendingApplication.objects.get().data["identity"]
    assert data["id_number"] == NATIONAL_ID
    assert data["mobile"] == "+966512345678"


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("name_ar", "<script>alert(1)</script>", "دون أرقام أو رموز"),
        ("name_ar", "\u202eسارة", None),
        ("mobile", "12345", "05"),
        ("birth_date", "2999-01-01", None),
        ("id_number", "", None),
    ],
)
def test_bad_identity_input_is_refused_without_a_500(client, program, field, value, message):
    client.post("/apply/", {"program": program.pk, "privacy_read": "on"})
    response = client.post("/apply/identity/", identity_data(**{field: value}))
    if field == "name_ar" and value.startswith("\u202e"):
        # The RTL override is dropped, the name itself is fine.
        assert response.status_code == 302
        assert PendingApplication.objects.get().data["identity"]["name_ar"] == "سارة"
        return
    assert response.status_code == 200
    page = response.content.decode()
    assert "error-summary" in page
    assert "<script>alert(1)</script>" not in page
    if message:
        assert message in page


def test_a_failed_upload_keeps_the_documents_already_uploaded(client, program):
    client.post("/apply/", {"program": program.pk, "privacy_read": "on"})
    client.post("/apply/identity/", identity_data())
    client.post("/apply/household/", household_data())
    exe = pdf("family.pdf", content=b"MZ\x90\x00" + b"\x00" * 100)
    response = client.post("/apply/documents/", documents_data(file_family_record=exe))
    assert response.status_code == 200
    page = response.content.decode()
    assert "PDF" in page and "error-summary" in page
    held = PendingDocument.objects.get()
    assert held.document_type == "national_id"
    assert "هوية.pdf" in page  # shown as received
    # The second try sends only the missing document: the first one is not asked again.
    response = client.post(
        "/apply/documents/",
        {
            "file_family_record": pdf("family.pdf"),
            "expiry_national_id": documents_data()["expiry_national_id"],
        },
    )
    assert response.status_code == 302
    assert PendingDocument.objects.count() == 2


def test_an_expired_document_is_refused_with_a_clear_message(client, program):
    client.post("/apply/", {"program": program.pk, "privacy_read": "on"})
    client.post("/apply/identity/", identity_data())
    client.post("/apply/household/", household_data())
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = client.post("/apply/documents/", documents_data(expiry_national_id=yesterday))
    assert response.status_code == 200
    assert "انتهت صلاحية" in response.content.decode()
    # The family record is kept meanwhile; the expired ID's file too, waiting for a date.
    assert PendingDocument.objects.filter(document_type="family_record").exists()


def test_a_file_over_the_limit_is_refused(client, program, settings):
    settings.MUSTAFID_MAX_UPLOAD_MB = 1
    client.post("/apply/", {"program": program.pk, "privacy_read": "on"})
    client.post("/apply/identity/", identity_data())
    client.post("/apply/household/", household_data())
    big = pdf("big.pdf", content=PDF + b"0" * (1024 * 1024 + 1))
    response = client.post("/apply/documents/", documents_data(file_national_id=big))
    assert response.status_code == 200
    assert "كبير" in response.content.decode()
    assert not PendingDocument.objects.filter(document_type="national_id").exists()


def test_the_declaration_needs_the_typed_name_and_both_boxes(client, program):
    client.post("/apply/", {"program": program.pk, "privacy_read": "on"})
    client.post("/apply/identity/", identity_data())
    client.post("/apply/household/", household_data())
    client.post("/apply/documents/", documents_data())
    response = client.post("/apply/declaration/", {"declaration_name": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert "اكتب اسمك الكامل" in page
    assert not SupportRequest.objects.exists()


def test_the_declaration_step_sends_back_to_a_step_not_done(client, program):
    client.post("/apply/", {"program": program.pk, "privacy_read": "on"})
    client.post("/apply/identity/", identity_data())
    response = client.get("/apply/declaration/")
    assert response.status_code == 302
    assert response["Location"] == "/apply/household/"


def test_the_honeypot_stores_nothing(client, program):
    response = client.post(
        "/apply/", {"program": program.pk, "privacy_read": "on", "website": "http://spam"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/apply/"
    assert not PendingApplication.objects.exists()


def test_without_the_application_cookie_the_steps_send_back_to_the_start(client, program):
    response = client.get("/apply/identity/")
    assert response.status_code == 302
    assert response["Location"] == "/apply/"


def test_a_forged_application_cookie_is_ignored(client, program):
    client.cookies["mustafid_apply"] = "forged-token"
    response = client.get("/apply/identity/")
    assert response["Location"] == "/apply/"


def test_the_pages_are_in_english_left_to_right_when_chosen(english, program):
    response = english.get("/apply/")
    page = response.content.decode()
    assert 'dir="ltr"' in page
    assert "Apply for support" in page and "Privacy notice" in page
    english.post("/apply/", {"program": program.pk, "privacy_read": "on"})
    response = english.post("/apply/identity/", identity_data(id_number="1234"))
    assert "The ID number must be 10 digits" in response.content.decode()


# -- returning applicants and identity disclosure ----------------------------------------


def test_a_returning_applicant_attaches_to_the_record_without_overwriting_it(client, program):
    registered = BeneficiaryFactory(
        id_type="national_id",
        id_number=NATIONAL_ID,
        name_ar="سارة محمد العتيبي",
        mobile="+966598765432",
        city="جدة",
    )
    apply(client, program)
    support_request = SupportRequest.objects.get()
    assert support_request.beneficiary == registered
    assert Beneficiary.objects.count() == 1
    registered.refresh_from_db()
    assert registered.mobile == "+966598765432"
    assert registered.city == "جدة"
    updates = {u.field: (u.recorded_value, u.typed_value) for u in ApplicantUpdate.objects.all()}
    assert updates["mobile"] == ("+966598765432", "+966512345678")
    assert updates["city"] == ("جدة", "الرياض")
    assert "name_ar" not in updates
    assert all(u.support_request == support_request for u in ApplicantUpdate.objects.all())


def _normalised(page: str) -> str:
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)
    page = re.sub(r'data-reference="\d+">[\d-]+<', "", page)
    return re.sub(r'<strong class="due">.*?</strong>', "", page, flags=re.S)


def test_the_done_page_looks_the_same_for_a_new_and_a_registered_identity(program):
    from django.test import Client

    BeneficiaryFactory(id_type="national_id", id_number=OTHER_ID, mobile="+966598765432")
    new_page = apply(Client(), program).content.decode()
    registered_page = apply(Client(), program, identity=identity_data(id_number=OTHER_ID))
    assert SupportRequest.objects.count() == 2
    assert _normalised(new_page) == _normalised(registered_page.content.decode())


def test_an_open_request_of_the_same_identity_gets_a_neutral_refusal(client, program):
    someone = BeneficiaryFactory(id_type="national_id", id_number=NATIONAL_ID)
    SupportRequestFactory(beneficiary=someone, program=program)
    response = apply(client, program)
    page = response.content.decode()
    assert "لم نتمكن من قبول هذا الطلب" in page
    assert "already an open request" not in page
    assert SupportRequest.objects.count() == 1
    assert not ApplicantUpdate.objects.exists()
    # Nothing half-stored: no document or consent went onto the registered record.
    assert not BeneficiaryDocument.objects.filter(beneficiary=someone).exists()
    assert not Consent.objects.filter(beneficiary=someone).exists()


def test_a_closed_program_cannot_be_chosen(client, program):
    program.is_open = False
    program.save()
    response = client.post("/apply/", {"program": program.pk, "privacy_read": "on"})
    assert response.status_code == 200
    assert not PendingApplication.objects.exists()


def test_a_submission_that_fails_after_copying_the_files_leaves_none_behind(
    client, program, texts_in_force, monkeypatch
):
    """Storage has no rollback: the document copies written before a later step fails are
    removed with the transaction's rows; the held files stay for the next try."""
    from requests_app.portal import services

    client.post("/apply/", {"program": program.pk, "privacy_read": "on"})
    client.post("/apply/identity/", identity_data())
    client.post("/apply/household/", household_data())
    client.post("/apply/documents/", documents_data())
    held = list(PendingDocument.objects.all())
    assert len(held) == 2
    storage = BeneficiaryDocument._meta.get_field("file").storage
    stored = []
    real_add = services.document_add_in_transaction

    def add_and_note(**kwargs):
        document = real_add(**kwargs)
        stored.append(document.file.name)
        return document

    def refuse(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "document_add_in_transaction", add_and_note)
    monkeypatch.setattr(services, "consents_record_in_transaction", refuse)
    with pytest.raises(RuntimeError):
        client.post(
            "/apply/declaration/",
            {"accept_rules": "on", "declare": "on", "declaration_name": "سارة محمد العتيبي"},
        )
    assert len(stored) == 2
    assert not any(storage.exists(name) for name in stored)
    assert not BeneficiaryDocument.objects.exists() and not SupportRequest.objects.exists()
    assert all(document.file.storage.exists(document.file.name) for document in held)


def test_a_document_save_that_fails_after_writing_its_file_leaves_no_copy(
    client, program, texts_in_force
):
    """The file is written before the document's row (and its history row): a save that
    fails there raises before returning, and its copy is removed too (review finding)."""
    import os

    from django.db import DatabaseError
    from django.db.models.signals import post_save

    def files(root):
        return {os.path.join(d, f) for d, _dirs, names in os.walk(root) for f in names}

    client.post("/apply/", {"program": program.pk, "privacy_read": "on"})
    client.post("/apply/identity/", identity_data())
    client.post("/apply/household/", household_data())
    client.post("/apply/documents/", documents_data())
    storage = BeneficiaryDocument._meta.get_field("file").storage
    before = files(storage.location)
    saves = []

    def fail_on_second(sender, instance, created, **kwargs):
        saves.append(instance.file.name)
        if len(saves) == 2:
            raise DatabaseError("the history insert failed")

    post_save.connect(fail_on_second, sender=BeneficiaryDocument, weak=False)
    try:
        with pytest.raises(DatabaseError):
            client.post(
                "/apply/declaration/",
                {"accept_rules": "on", "declare": "on", "declaration_name": "سارة محمد العتيبي"},
            )
    finally:
        post_save.disconnect(fail_on_second, sender=BeneficiaryDocument)
    assert len(saves) == 2
    assert not SupportRequest.objects.exists()
    assert files(storage.location) - before == set()


def test_the_error_summary_names_a_sentence_like_field_without_its_full_stop(client, program):
    response = client.post("/apply/", {"program": program.pk})
    page = response.content.decode()
    summary = page[page.index('class="error-summary"') :]
    summary = summary[: summary.index("</div>")]
    assert "أعلاه.:" not in summary
    assert re.search(r"أعلاه: ", summary), summary


def test_back_at_the_first_step_the_privacy_notice_read_stays_ticked(client, program):
    client.post("/apply/", {"program": program.pk, "privacy_read": "on"})
    page = client.get("/apply/").content.decode()
    box = re.search(r'<input[^>]*name="privacy_read"[^>]*>', page).group(0)
    assert "checked" in box
    chosen = re.search(rf'<input[^>]*name="program"[^>]*value="{program.pk}"[^>]*>', page)
    assert "checked" in chosen.group(0)
