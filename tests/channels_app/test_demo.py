"""seed_demo fills the contact log over every channel and the reach of published content."""

import io

import pytest
from django.core.management import call_command

from channels_app.models import Interaction, OutreachItem, OutreachReach

pytestmark = pytest.mark.django_db


def test_demo_contacts_cover_channels_directions_and_requests():
    call_command(
        "seed_demo",
        "--beneficiaries",
        "40",
        "--requests",
        "30",
        "--interactions",
        "300",
        stdout=io.StringIO(),
    )
    assert Interaction.objects.count() == 300
    assert Interaction.objects.values("channel").distinct().count() >= 8
    assert set(Interaction.objects.values_list("direction", flat=True)) == {"incoming", "outgoing"}
    assert Interaction.objects.filter(support_request__isnull=False).exists()
    assert Interaction.objects.filter(beneficiary__isnull=True).exclude(contact_name="").exists()
    assert Interaction.objects.filter(answered_at__isnull=False).exists()
    for contact in Interaction.objects.filter(support_request__isnull=False)[:50]:
        assert contact.beneficiary_id == contact.support_request.beneficiary_id
    assert OutreachItem.objects.count() == 24
    assert OutreachReach.objects.count() >= 24


def test_demo_contacts_are_not_added_twice():
    args = ["--beneficiaries", "10", "--requests", "5", "--interactions", "20", "--outreach", "3"]
    call_command("seed_demo", *args, stdout=io.StringIO())
    call_command("seed_demo", *args, stdout=io.StringIO())
    assert Interaction.objects.count() == 20 and OutreachItem.objects.count() == 3
