"""The association's single editable profile, with a sensible default."""

import pytest
from django.db import IntegrityError
from django.utils import translation

from policies.models import AssociationProfile
from policies.selectors import association_profile

pytestmark = pytest.mark.django_db


def test_before_anyone_edits_it_the_profile_has_a_default_name():
    profile = association_profile()
    assert profile.pk == 1 and profile._state.adding
    with translation.override("ar"):
        assert profile.name == "الجمعية الأهلية"
    with translation.override("en"):
        assert profile.name == "The Association"


def test_pages_show_the_edited_name_at_once(admin_client, client):
    admin_client.post(
        "/admin/policies/associationprofile/add/",
        {"name_ar": "جمعية النور", "name_en": "Al-Noor", "license_number": "55"},
    )
    assert AssociationProfile.objects.get().name_ar == "جمعية النور"
    html = client.get("/").content.decode()
    assert "جمعية النور" in html and "55" in html


def test_there_is_only_ever_one_profile():
    AssociationProfile.objects.create(pk=1)
    with pytest.raises(IntegrityError):
        AssociationProfile.objects.create(pk=2)


def test_the_admin_list_opens_the_single_record(admin_client):
    AssociationProfile.objects.create(pk=1)
    response = admin_client.get("/admin/policies/associationprofile/")
    assert response.status_code == 302
    assert response["Location"].endswith("/associationprofile/1/change/")


def test_the_logo_is_404_when_there_is_none(client):
    assert client.get("/association/logo").status_code == 404
