"""Sensitive data and documents are for officers and managers only (POL-7.4)."""

import csv
import io

import pytest
from django.urls import reverse

from beneficiaries.models import AccessLog
from beneficiaries.services import beneficiary_update
from tests.factories import (
    BeneficiaryDocumentFactory,
    BeneficiaryFactory,
    HouseholdMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SECRET_NOTE = "ملاحظة-سرية-للحالة"
SECRET_HEALTH = "تشخيص-طبي-سري"


@pytest.fixture
def person():
    person = BeneficiaryFactory(
        case_notes=SECRET_NOTE,
        health_notes=SECRET_HEALTH,
        monthly_income="4321.00",
        iban="SA0380000000608010167519",
    )
    HouseholdMemberFactory(beneficiary=person, monthly_income="9876.00")
    return person


def change_page(client, user, person):
    client.force_login(user)
    return client.get(reverse("admin:beneficiaries_beneficiary_change", args=[person.pk]))


def download_url(document):
    return reverse("beneficiaries:document-download", args=[document.pk])


def test_the_officer_sees_the_sensitive_fields(client, officer, person):
    response = change_page(client, officer, person)
    assert response.status_code == 200
    for secret in (SECRET_NOTE, SECRET_HEALTH, "4321", "SA0380000000608010167519", "9876"):
        assert secret in response.text


@pytest.mark.parametrize("persona", ["auditor", "researcher"])
def test_readers_without_the_permission_see_the_record_but_not_its_sensitive_fields(
    client, request, persona, person
):
    user = request.getfixturevalue(persona)
    response = change_page(client, user, person)
    assert response.status_code == 200
    assert person.name_ar in response.text
    for secret in (SECRET_NOTE, SECRET_HEALTH, "4321", "SA0380000000608010167519", "9876"):
        assert secret not in response.text


def test_the_auditor_does_not_have_the_sensitive_permission(auditor, officer, manager):
    assert not auditor.has_perm("beneficiaries.view_sensitive_data")
    assert officer.has_perm("beneficiaries.view_sensitive_data")
    assert manager.has_perm("beneficiaries.view_sensitive_data")


def test_the_outsider_cannot_open_the_back_office_record(client, outsider, person):
    response = change_page(client, outsider, person)
    assert response.status_code == 302  # to the admin login: not staff
    assert not AccessLog.objects.exists()


def test_the_history_does_not_show_sensitive_changes_to_the_auditor(
    client, auditor, officer, person
):
    beneficiary_update(beneficiary=person, case_notes="ملاحظة-جديدة-سرية", actor=officer)
    client.force_login(auditor)
    response = client.get(reverse("admin:beneficiaries_beneficiary_history", args=[person.pk]))
    assert response.status_code == 200
    assert "ملاحظة-جديدة-سرية" not in response.text
    client.force_login(officer)
    response = client.get(reverse("admin:beneficiaries_beneficiary_history", args=[person.pk]))
    assert "ملاحظة-جديدة-سرية" in response.text


def export(client, user, person):
    client.force_login(user)
    response = client.post(
        reverse("admin:beneficiaries_beneficiary_changelist"),
        {"action": "export_csv", "_selected_action": [person.pk]},
    )
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_export_leaves_sensitive_columns_out_without_the_permission(
    client, auditor, person
):
    header, row = export(client, auditor, person)
    assert len(header) == len(row)
    assert person.file_number in row
    assert SECRET_NOTE not in row and "4321.00" not in row
    assert AccessLog.objects.filter(user=auditor, action="export", beneficiary=person).exists()


def test_the_csv_export_includes_sensitive_columns_for_the_officer(client, officer, person):
    header, row = export(client, officer, person)
    assert SECRET_NOTE in row and "4321.00" in row
    assert "+966" in "".join(row)  # a mobile is data, not a formula to neutralise


def test_a_name_that_looks_like_a_formula_is_neutralised_in_the_csv(client, officer):
    person = BeneficiaryFactory(kind="indirect", name_ar='=HYPERLINK("http://x")')
    header, row = export(client, officer, person)
    assert row[header.index("الاسم (بالعربية)")].startswith("'=")


def test_the_officer_downloads_a_document_as_an_attachment(client, officer):
    document = BeneficiaryDocumentFactory(original_name="هوية\u202egnp.pdf")
    client.force_login(officer)
    response = client.get(download_url(document))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "\u202e" not in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    entry = AccessLog.objects.get(action="download")
    assert (entry.user, entry.beneficiary) == (officer, document.beneficiary)


@pytest.mark.parametrize("persona", ["auditor", "outsider", "researcher", "committee_member"])
def test_others_cannot_download_documents(client, request, persona):
    document = BeneficiaryDocumentFactory()
    client.force_login(request.getfixturevalue(persona))
    response = client.get(download_url(document))
    assert response.status_code == 403
    assert not AccessLog.objects.filter(action="download").exists()


def test_a_staff_member_with_no_role_cannot_download(client, roles):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(download_url(BeneficiaryDocumentFactory())).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(download_url(BeneficiaryDocumentFactory()))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_missing_document_is_a_404(client, officer):
    client.force_login(officer)
    assert client.get(reverse("beneficiaries:document-download", args=[999])).status_code == 404


def test_documents_have_no_public_url_only_the_download_view(officer):
    document = BeneficiaryDocumentFactory()
    assert document.file.url == download_url(document)
    assert "/media/" not in document.file.url


def test_the_auditor_sees_the_document_list_without_download_links(client, auditor):
    document = BeneficiaryDocumentFactory()
    client.force_login(auditor)
    response = client.get(reverse("admin:beneficiaries_beneficiarydocument_changelist"))
    assert response.status_code == 200
    assert download_url(document) not in response.text
    response = client.get(
        reverse("admin:beneficiaries_beneficiary_change", args=[document.beneficiary_id])
    )
    assert response.status_code == 200
    assert download_url(document) not in response.text
