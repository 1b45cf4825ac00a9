"""Fixtures for the public portal: an open program asking for two documents, the privacy,
consent and declaration texts approved by the board, and a helper that applies."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from beneficiaries.validators import national_id_with_check_digit
from policies.models import PolicyDocument, PolicyVersion
from policies.services import policy_version_approve
from tests.factories import BoardMeetingFactory, ProgramFactory
from tests.factories.beneficiaries import PNG_BYTES

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = PNG_BYTES
NATIONAL_ID = national_id_with_check_digit("103456789")
OTHER_ID = national_id_with_check_digit("112233445")


def pdf(name="id.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def program(db):
    return ProgramFactory(
        code="family-support",
        name_ar="دعم الأسر",
        name_en="Family support",
        eligibility_ar="الأسر ذات الدخل المحدود",
        eligibility_en="Low-income families",
        required_document_types=["national_id", "family_record"],
    )


@pytest.fixture
def texts_in_force(db):
    meeting = BoardMeetingFactory()
    versions = {}
    for kind in ("privacy_notice", "consent", "declaration"):
        draft = PolicyVersion.objects.get(document__kind=kind, number=1)
        versions[kind] = policy_version_approve(version=draft, meeting=meeting, actor=None)
    return versions


def identity_data(**overrides):
    data = {
        "id_type": "national_id",
        "id_number": NATIONAL_ID,
        "name_ar": "سارة محمد العتيبي",
        "name_en": "",
        "gender": "female",
        "birth_date": "1990-05-31",
        "mobile": "0512345678",
        "email": "",
        "region": "riyadh",
        "city": "الرياض",
    }
    data.update(overrides)
    return data


def household_data(**overrides):
    data = {
        "marital_status": "widowed",
        "household_size": "5",
        "employment": "unemployed",
        "monthly_income": "1500",
        "support_kind": "cash",
        "amount_requested": "",
        "need": "نحتاج إلى مساعدة في سداد الإيجار",
    }
    data.update(overrides)
    return data


def documents_data(**overrides):
    future = (timezone.localdate() + datetime.timedelta(days=365)).isoformat()
    data = {
        "file_national_id": pdf("هوية.pdf"),
        "expiry_national_id": future,
        "file_family_record": SimpleUploadedFile("family.png", PNG, content_type="image/png"),
        "expiry_family_record": "",
    }
    data.update(overrides)
    return data


def apply(client, program, *, identity=None, household=None, name="سارة محمد العتيبي"):
    """Walk every step; returns the last response (the done page when all went well)."""
    response = client.post("/apply/", {"program": program.pk, "privacy_read": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post("/apply/identity/", identity or identity_data())
    assert response.status_code == 302, response.content.decode()[:3000]
    response = client.post("/apply/household/", household or household_data())
    assert response.status_code == 302, response.content.decode()[:3000]
    response = client.post("/apply/documents/", documents_data())
    assert response.status_code == 302, response.content.decode()[:3000]
    return client.post(
        "/apply/declaration/",
        {"accept_rules": "on", "declare": "on", "declaration_name": name},
        follow=True,
    )


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def kinds():
    return PolicyDocument.Kind
