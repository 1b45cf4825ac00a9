"""Nothing is deleted by accident (issue #12): the records the policy keeps cannot be
deleted from the back-office, even by a superuser, and the database refuses to delete a
record others point at (on_delete=PROTECT). Every change is in history."""

import pytest
from django.contrib import admin
from django.db.models import ProtectedError
from django.test import RequestFactory

from beneficiaries.models import Beneficiary
from policies.models import PolicyDocument, PolicyVersion
from requests_app.models import Decision, ServiceDelivery, SupportRequest
from tests.factories import SupportRequestFactory, UserFactory

pytestmark = pytest.mark.django_db

KEPT = [Beneficiary, SupportRequest, Decision, ServiceDelivery]


@pytest.mark.parametrize("model", KEPT, ids=lambda m: m.__name__)
def test_no_one_can_delete_them_in_the_back_office(model):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    request = RequestFactory().get("/admin/")
    request.user = superuser
    model_admin = admin.site._registry[model]
    assert not model_admin.has_delete_permission(request)
    assert "delete_selected" not in model_admin.get_actions(request)


def test_an_approved_policy_cannot_be_deleted_in_the_back_office():
    superuser = UserFactory(is_staff=True, is_superuser=True)
    request = RequestFactory().get("/admin/")
    request.user = superuser
    version = PolicyVersion.objects.exclude(status=PolicyVersion.Status.DRAFT).first()
    if version is None:  # the standard texts start as drafts: approve one
        from policies.services import policy_version_approve
        from tests.factories import BoardMeetingFactory

        version = policy_version_approve(
            version=PolicyVersion.objects.filter(number=1).first(),
            meeting=BoardMeetingFactory(),
            actor=None,
        )
    document_admin = admin.site._registry[PolicyDocument]
    version_admin = admin.site._registry[PolicyVersion]
    assert not document_admin.has_delete_permission(request)  # no bulk delete
    assert not document_admin.has_delete_permission(request, version.document)
    assert not version_admin.has_delete_permission(request, version)


def test_a_beneficiary_with_a_request_cannot_be_deleted_even_in_code():
    support_request = SupportRequestFactory()
    with pytest.raises(ProtectedError):
        support_request.beneficiary.delete()
    with pytest.raises(ProtectedError):
        support_request.program.delete()


@pytest.mark.parametrize("model", [Beneficiary, SupportRequest, ServiceDelivery, PolicyVersion])
def test_every_change_is_in_history(model):
    # (A Decision is never changed at all: its save refuses; see tests/committee.)
    assert hasattr(model, "history"), f"{model.__name__} keeps no history"
