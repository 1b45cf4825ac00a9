"""The ten channels of POL-5 are there from the first migration."""

import pytest
from django.utils import translation

from channels_app.channels import POLICY_CHANNELS
from channels_app.models import Channel

pytestmark = pytest.mark.django_db


def test_the_ten_policy_channels_are_seeded_in_order():
    codes = list(Channel.objects.values_list("code", flat=True))
    assert codes == [code for code, _, _ in POLICY_CHANNELS]
    assert len(codes) == 10


def test_channels_have_arabic_and_english_names():
    phone = Channel.objects.get(code="phone")
    with translation.override("ar"):
        assert phone.name == "الاتصالات الهاتفية"
    with translation.override("en"):
        assert phone.name == "Phone calls"


def test_every_seeded_channel_is_active():
    assert not Channel.objects.filter(is_active=False).exists()


def test_the_admin_cannot_delete_a_channel(admin_client):
    phone = Channel.objects.get(code="phone")
    response = admin_client.get(f"/admin/channels_app/channel/{phone.pk}/delete/")
    assert response.status_code == 403
