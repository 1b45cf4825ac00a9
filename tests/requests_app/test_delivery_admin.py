"""Recording a delivery from the back-office, and the private proof."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from requests_app.delivery import delivery_record
from requests_app.models import ServiceDelivery
from requests_app.workflow import Status
from tests.factories import ApprovedRequestFactory, BeneficiaryFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def test_request_page_offers_to_record_a_delivery(client, officer):
    support_request = ApprovedRequestFactory()
    client.force_login(officer)
    html = client.get(
        f"/admin/requests_app/supportrequest/{support_request.pk}/change/"
    ).content.decode()
    assert f"/admin/requests_app/servicedelivery/add/?support_request={support_request.pk}" in html


def test_officer_records_a_delivery_in_the_admin(client, officer, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": None},
        },
    }
    support_request = ApprovedRequestFactory()
    client.force_login(officer)
    response = client.post(
        "/admin/requests_app/servicedelivery/add/",
        {
            "support_request": support_request.pk,
            "kind": "cash",
            "amount": "900",
            "delivered_on": timezone.localdate().isoformat(),
            "reference": "TRX-77",
            "completes_service": "on",
            "proof": SimpleUploadedFile("slip.pdf", PDF, content_type="application/pdf"),
            "notes": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    delivery = ServiceDelivery.objects.get()
    assert delivery.delivered_by == officer and delivery.iban
    support_request.refresh_from_db()
    assert support_request.status == Status.CLOSED
    proof = client.get(f"/requests/deliveries/{delivery.pk}/proof/")
    assert proof.status_code == 200
    assert b"".join(proof.streaming_content) == PDF


def test_admin_shows_the_iban_error_in_arabic_and_keeps_the_form(client, officer):
    support_request = ApprovedRequestFactory(beneficiary=BeneficiaryFactory(iban=""))
    client.force_login(officer)
    response = client.post(
        "/admin/requests_app/servicedelivery/add/",
        {
            "support_request": support_request.pk,
            "kind": "cash",
            "amount": "900",
            "delivered_on": timezone.localdate().isoformat(),
            "reference": "مرجع مكتوب",
            "completes_service": "on",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "آيبان" in html
    assert "مرجع مكتوب" in html
    assert not ServiceDelivery.objects.exists()


def test_proof_is_private(client, outsider, officer, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": None},
        },
    }
    delivery = delivery_record(
        support_request=ApprovedRequestFactory(),
        kind="cash",
        amount=Decimal("10"),
        proof=SimpleUploadedFile("slip.pdf", PDF),
        actor=officer,
    )
    url = f"/requests/deliveries/{delivery.pk}/proof/"
    assert client.get(url).status_code == 302
    client.force_login(outsider)
    assert client.get(url).status_code == 403
