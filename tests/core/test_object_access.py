"""Every object URL refuses people who may not see the object (issue #12): an outsider
(signed in, no role), the auditor (reads the back-office, never private files or the
committee's cases) and a member of another committee get a refusal — 403, 404, or the
sign-in page — on each of them, never the object."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from beneficiaries.privacy import (
    data_subject_request_open,
    data_subject_request_verify_identity,
)
from requests_app.models import ServiceDelivery
from requests_app.workflow import Status
from tests.factories import (
    BeneficiaryDocumentFactory,
    CommitteeFactory,
    CommitteeMeetingFactory,
    CommitteeUserFactory,
    ProgramFactory,
    SupportRequestFactory,
)
from tests.factories.beneficiaries import PDF_BYTES

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(roles, manager):
    ours = CommitteeFactory(members=[CommitteeUserFactory(username="ours")])
    case = SupportRequestFactory(
        program=ProgramFactory(committee=ours), status=Status.COMMITTEE_REVIEW
    )
    document = BeneficiaryDocumentFactory(beneficiary=case.beneficiary)
    meeting = CommitteeMeetingFactory(committee=ours)
    delivered = SupportRequestFactory(status=Status.IN_DELIVERY)
    delivery = ServiceDelivery.objects.create(
        support_request=delivered,
        kind="in_kind",
        quantity=1,
        delivered_by=manager,
        proof=SimpleUploadedFile("receipt.pdf", PDF_BYTES, content_type="application/pdf"),
        proof_content_type="application/pdf",
    )
    dsr = data_subject_request_open(beneficiary=case.beneficiary, kind="access", actor=manager)
    data_subject_request_verify_identity(
        dsr=dsr, method="in_person", actor=manager, note="national ID seen"
    )
    return {
        "case": case,
        "document": document,
        "meeting": meeting,
        "delivery": delivery,
        "dsr": dsr,
    }


def _urls(o):
    case, document = o["case"], o["document"]
    return {
        "document download": reverse("beneficiaries:document-download", args=[document.pk]),
        "committee case file": reverse("committee:case", args=[case.pk]),
        "committee case document": reverse("committee:case-document", args=[case.pk, document.pk]),
        "committee meeting": reverse("committee:meeting", args=[o["meeting"].pk]),
        "committee minutes": reverse("committee:minutes", args=[o["meeting"].pk]),
        "delivery proof": reverse("requests_app:delivery-proof", args=[o["delivery"].pk]),
        "data export (HTML)": f"/admin/beneficiaries/datasubjectrequest/{o['dsr'].pk}/export/",
        "data export (JSON)": f"/admin/beneficiaries/datasubjectrequest/{o['dsr'].pk}/export.json",
    }


ADMIN_OBJECTS = [
    "/admin/beneficiaries/beneficiary/{beneficiary}/change/",
    "/admin/requests_app/supportrequest/{case}/change/",
    "/admin/beneficiaries/datasubjectrequest/{dsr}/change/",
]


def _refused(response) -> bool:
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and "login" in response["Location"]


def _check(client, user, urls):
    client.force_login(user)
    answers = {name: client.get(url) for name, url in urls.items()}
    leaks = {name: r.status_code for name, r in answers.items() if not _refused(r)}
    assert not leaks, leaks


def test_an_outsider_gets_nothing(client, outsider, objects):
    urls = _urls(objects)
    ids = {
        "beneficiary": objects["case"].beneficiary_id,
        "case": objects["case"].pk,
        "dsr": objects["dsr"].pk,
    }
    urls.update({url: url.format(**ids) for url in ADMIN_OBJECTS})
    _check(client, outsider, urls)


def test_the_auditor_gets_no_private_file_and_no_committee_case(client, auditor, objects):
    _check(client, auditor, _urls(objects))


def test_a_member_of_another_committee_gets_nothing(client, objects):
    other = CommitteeUserFactory(username="theirs")
    CommitteeFactory(members=[other])
    urls = _urls(objects)
    ids = {
        "beneficiary": objects["case"].beneficiary_id,
        "case": objects["case"].pk,
        "dsr": objects["dsr"].pk,
    }
    urls.update({url: url.format(**ids) for url in ADMIN_OBJECTS})
    _check(client, other, urls)


def test_the_right_people_do_get_them(client, manager, objects):
    """The refusals above are not a broken page: the committee's own member opens the case
    and the manager downloads the proof and the export."""
    client.force_login(CommitteeUserFactory._meta.model.objects.get(username="ours"))
    assert client.get(_urls(objects)["committee case file"]).status_code == 200
    client.force_login(manager)
    assert client.get(_urls(objects)["delivery proof"]).status_code == 200
    assert client.get(_urls(objects)["data export (JSON)"]).status_code == 200
