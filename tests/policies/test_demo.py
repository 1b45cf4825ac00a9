"""seed_demo shows the standard policy and the three texts in force, approved at board
meeting no. (3), so `make run` has a living /policies/ page."""

import io

import pytest
from django.core.management import call_command

from policies.models import BoardMeeting, PolicyDocument
from policies.selectors import documents_due_for_review, version_in_force

pytestmark = pytest.mark.django_db
Kind = PolicyDocument.Kind


def test_seed_demo_puts_the_standard_texts_in_force_at_meeting_three(client):
    call_command("seed_demo", stdout=io.StringIO())
    for kind in (Kind.BENEFICIARY_RELATIONS, Kind.PRIVACY_NOTICE, Kind.CONSENT, Kind.DECLARATION):
        version = version_in_force(kind)
        assert version is not None, kind
        assert version.approved_meeting.number == 3
    meeting = BoardMeeting.objects.get(number=3)
    positions = set(meeting.members_present.values_list("position", flat=True))
    assert positions == {"chairman", "vice_chairman", "financial_supervisor", "member"}
    assert not meeting.hijri_mismatch
    html = client.get("/policies/").content.decode()
    assert "تم اعتماد هذه السياسة في اجتماع مجلس الإدارة رقم (٣)" in html
    assert [d.slug for d in documents_due_for_review()] == ["basic-bylaws"]
    assert BoardMeeting.objects.get(number=2).hijri_mismatch


def test_seed_demo_twice_adds_no_second_board():
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    assert BoardMeeting.objects.filter(number=3).count() == 1
