"""The registry's back-office as a relations officer uses it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import AccessLog, Beneficiary, BeneficiaryDocument
from beneficiaries.validators import national_id_with_check_digit
from config.hijri import to_hijri
from tests.factories import BeneficiaryDocumentFactory, BeneficiaryFactory, pdf_upload

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:beneficiaries_beneficiary_changelist")
ADD = reverse("admin:beneficiaries_beneficiary_add")


def change_url(person):
    return reverse("admin:beneficiaries_beneficiary_change", args=[person.pk])


def empty_inlines(**extra):
    data = {}
    for prefix in ("household", "documents", "consents"):
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    return data | extra


def registration(**overrides):
    fields = {
        "kind": "direct",
        "name_ar": "نورة بنت سعد القحطاني",
        "id_type": "national_id",
        "id_number": national_id_with_check_digit("155555555"),
        "mobile": "0561234567",
        "preferred_language": "ar",
        "status": "active",
    }
    return empty_inlines(**(fields | overrides))


def test_the_officer_sees_the_list_and_finds_a_name_in_another_spelling(client, officer):
    BeneficiaryFactory(name_ar="أحمد بن علي")
    BeneficiaryFactory(name_ar="خالد بن سعد")
    client.force_login(officer)
    response = client.get(CHANGELIST, {"q": "احمد"})
    assert response.status_code == 200
    assert "أحمد بن علي" in response.text
    assert "خالد بن سعد" not in response.text


def test_the_list_finds_a_mobile_typed_in_eastern_arabic_digits(client, officer):
    BeneficiaryFactory(name_ar="سارة", mobile="+966512345678")
    BeneficiaryFactory(name_ar="منى")
    client.force_login(officer)
    response = client.get(CHANGELIST, {"q": "٠٥١ ٢٣٤ ٥٦٧٨"})
    assert "سارة" in response.text and "منى" not in response.text


def test_the_expiring_documents_filter_lists_only_those_beneficiaries(client, officer):
    today = timezone.localdate()
    soon = BeneficiaryDocumentFactory(
        beneficiary__name_ar="وثيقته قريبة", expiry_date=today + datetime.timedelta(days=5)
    )
    BeneficiaryDocumentFactory(
        beneficiary__name_ar="وثيقته بعيدة", expiry_date=today + datetime.timedelta(days=400)
    )
    client.force_login(officer)
    response = client.get(CHANGELIST, {"documents": "30"})
    assert soon.beneficiary.name_ar in response.text
    assert "وثيقته بعيدة" not in response.text


def list_queries(client, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit):
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    return response


def test_the_list_query_count_does_not_grow_with_the_rows_shown(
    client, officer, django_assert_max_num_queries, django_assert_num_queries
):
    client.force_login(officer)
    BeneficiaryFactory.create_batch(2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(CHANGELIST)
    BeneficiaryFactory.create_batch(45)
    response = list_queries(client, django_assert_max_num_queries, len(few.captured_queries))
    assert response.text.count('class="action-select"') == 47


def test_opening_a_beneficiary_writes_an_access_log_row(client, officer):
    person = BeneficiaryFactory()
    client.force_login(officer)
    client.get(change_url(person), REMOTE_ADDR="192.0.2.7", HTTP_USER_AGENT="Firefox")
    entry = AccessLog.objects.get()
    assert (entry.user, entry.beneficiary, entry.action, entry.ip_address) == (
        officer,
        person,
        AccessLog.Action.VIEW,
        "192.0.2.7",
    )
    assert entry.user_agent == "Firefox"


def test_the_auditor_can_read_the_access_log_but_not_change_it(client, auditor, officer):
    person = BeneficiaryFactory()
    client.force_login(officer)
    client.get(change_url(person))
    client.force_login(auditor)
    response = client.get(reverse("admin:beneficiaries_accesslog_changelist"))
    assert response.status_code == 200
    assert person.file_number in response.text
    entry = AccessLog.objects.first()
    url = reverse("admin:beneficiaries_accesslog_change", args=[entry.pk])
    assert client.post(url, {"detail": "changed"}).status_code == 403


def test_registering_in_the_admin_normalises_and_numbers_the_record(client, officer):
    client.force_login(officer)
    data = registration(mobile="٠٥٦ ١٢٣ ٤٥٦٧", birth_date_hijri="١٤٠٥-٠٦-١٥")
    response = client.post(ADD, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    person = Beneficiary.objects.get()
    assert person.mobile == "+966561234567"
    assert person.file_number.startswith("M")
    hijri = to_hijri(person.birth_date)
    assert (hijri.year, hijri.month, hijri.day) == (1405, 6, 15)
    assert person.created_by == officer
    assert person.history.first().history_user == officer


def test_a_bad_id_shows_the_arabic_message_and_keeps_what_was_typed(client, officer):
    client.force_login(officer)
    response = client.post(ADD, registration(id_number="3000000000", city="أبها"))
    assert response.status_code == 200
    assert "رقم الهوية يجب أن يتكون من 10 أرقام ويبدأ بـ 1 أو 2" in response.text
    assert 'value="3000000000"' in response.text
    assert 'value="أبها"' in response.text
    assert not Beneficiary.objects.exists()


def test_a_hijri_date_that_does_not_exist_is_an_error_not_a_crash(client, officer):
    client.force_login(officer)
    response = client.post(ADD, registration(birth_date_hijri="1445-13-01"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["birth_date_hijri"]


def test_a_possible_duplicate_is_shown_before_saving_and_can_be_confirmed(client, officer):
    existing = BeneficiaryFactory(name_ar="فاطمة علي", mobile="+966561234567")
    client.force_login(officer)
    response = client.post(ADD, registration(mobile="0561234567"))
    assert response.status_code == 200
    assert existing.file_number in response.text
    assert change_url(existing) in response.text
    assert Beneficiary.objects.count() == 1
    response = client.post(ADD, registration(mobile="0561234567", not_a_duplicate="on"))
    assert response.status_code == 302
    assert Beneficiary.objects.count() == 2


def test_the_same_name_and_birth_date_is_a_possible_duplicate(client, officer):
    BeneficiaryFactory(name_ar="نوره بنت سعد القحطاني", birth_date=datetime.date(1990, 1, 1))
    client.force_login(officer)
    response = client.post(ADD, registration(birth_date="1990-01-01"))
    assert response.status_code == 200
    assert response.context["adminform"].form.duplicates


def test_the_merge_action_asks_which_record_to_keep_then_merges(client, officer):
    keep = BeneficiaryFactory()
    duplicate = BeneficiaryFactory()
    document = BeneficiaryDocumentFactory(beneficiary=duplicate)
    client.force_login(officer)
    selection = {"action": "merge_selected", "_selected_action": [keep.pk, duplicate.pk]}
    response = client.post(CHANGELIST, selection)
    assert response.status_code == 200
    assert keep.file_number in response.text and duplicate.file_number in response.text
    response = client.post(CHANGELIST, selection | {"post": "yes", "keep": keep.pk})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    document.refresh_from_db()
    assert duplicate.merged_into == keep
    assert document.beneficiary == keep


def test_a_document_uploaded_in_the_admin_is_checked_by_content(client, officer):
    person = BeneficiaryFactory()
    client.force_login(officer)
    response = client.get(change_url(person))
    data = {
        key: value
        for key, value in response.context["adminform"].form.initial.items()
        if value is not None and key in response.context["adminform"].form.fields
    }
    data = empty_inlines(**data) | {
        "documents-TOTAL_FORMS": "1",
        "documents-0-document_type": "national_id",
        "documents-0-file": pdf_upload("id.pdf", b"MZ this is not a PDF"),
        "documents-0-status": "pending",
    }
    data.pop("preferred_channel", None)
    response = client.post(change_url(person), data)
    assert response.status_code == 200
    assert "PDF" in response.text
    assert not BeneficiaryDocument.objects.exists()
    data["documents-0-file"] = pdf_upload("id.pdf")
    response = client.post(change_url(person), data)
    assert response.status_code == 302
    document = BeneficiaryDocument.objects.get()
    assert document.content_type == "application/pdf"
    assert document.uploaded_by == officer


def test_the_list_shows_mobiles_left_to_right_in_the_arabic_page(client, officer):
    BeneficiaryFactory(mobile="+966512345678")
    client.force_login(officer)
    response = client.get(CHANGELIST)
    assert '<span dir="ltr">+966512345678</span>' in response.text


def test_the_officer_sees_a_download_link_on_the_record(client, officer):
    document = BeneficiaryDocumentFactory()
    client.force_login(officer)
    response = client.get(change_url(document.beneficiary))
    assert reverse("beneficiaries:document-download", args=[document.pk]) in response.text
