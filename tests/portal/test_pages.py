"""The home page, the purge command and the back-office review of applicant changes."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from beneficiaries.models import Beneficiary
from requests_app.models import ApplicantUpdate, PendingApplication, PendingDocument
from requests_app.portal.services import applicant_update_review
from tests.factories import BeneficiaryFactory, PendingApplicationFactory, SupportRequestFactory

from .conftest import pdf

pytestmark = pytest.mark.django_db


def test_the_home_page_lists_open_programs_and_the_ways_in(client, program):
    from tests.factories import ProgramFactory

    ProgramFactory(name_ar="برنامج مغلق", is_open=False)
    page = client.get("/").content.decode()
    assert "دعم الأسر" in page and "الأسر ذات الدخل المحدود" in page
    assert "برنامج مغلق" not in page
    assert 'href="/apply/?program=family-support"' in page
    assert 'href="/track/"' in page and 'href="/policies/"' in page


def test_the_home_page_in_english(english, program):
    page = english.get("/").content.decode()
    assert "Family support" in page and "Low-income families" in page and 'dir="ltr"' in page


def test_the_purge_removes_expired_applications_and_their_files(program):
    old = PendingApplicationFactory(
        program=program, expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    kept = PendingApplicationFactory(program=program)
    document = PendingDocument(application=old, document_type="national_id", original_name="a")
    document.file.save("a.pdf", pdf(), save=False)
    document.content_type, document.size = "application/pdf", 10
    document.save()
    storage, name = document.file.storage, document.file.name
    assert storage.exists(name)
    call_command("purge_pending_applications", verbosity=0)
    assert list(PendingApplication.objects.all()) == [kept]
    assert not storage.exists(name)


@pytest.fixture
def update(program):
    beneficiary = BeneficiaryFactory(city="جدة")
    request = SupportRequestFactory(beneficiary=beneficiary, program=program)
    return ApplicantUpdate.objects.create(
        beneficiary=beneficiary,
        support_request=request,
        field="city",
        recorded_value="جدة",
        typed_value="الرياض",
    )


def test_an_officer_applies_a_typed_change_to_the_record(update, officer):
    applicant_update_review(update=update, actor=officer, apply=True)
    assert Beneficiary.objects.get(pk=update.beneficiary_id).city == "الرياض"
    update.refresh_from_db()
    assert update.status == ApplicantUpdate.Status.APPLIED and update.reviewed_by == officer


def test_an_outsider_cannot_review(update, outsider):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        applicant_update_review(update=update, actor=outsider, apply=True)


def test_the_admin_list_hides_sensitive_values_without_the_permission(client, update):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    reviewer = UserFactory(username="reviewer", is_staff=True)
    reviewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_applicantupdate", "change_applicantupdate"])
    )
    ApplicantUpdate.objects.create(
        beneficiary=update.beneficiary,
        support_request=update.support_request,
        field="monthly_income",
        recorded_value="9100",
        typed_value="1500",
    )
    client.force_login(reviewer)
    response = client.get("/admin/requests_app/applicantupdate/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "الرياض" in page
    assert "9100" not in page
