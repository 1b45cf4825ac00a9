"""Meetings: the page, the printable minutes (Hijri and Gregorian, attendees, decisions
with reasons and tallies, signature lines), who may see them; the back-office."""

import datetime

import pytest

from requests_app.committee import committee_vote_cast
from requests_app.models import Decision, Vote
from tests.factories import CommitteeFactory, CommitteeMeetingFactory, CommitteeUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(committee, members, case):
    meeting = CommitteeMeetingFactory(
        committee=committee, number=7, held_on=datetime.date(2026, 3, 1)
    )
    meeting.attendees.add(*members)
    meeting.agenda.add(case)
    for member in members[1:]:
        committee_vote_cast(
            support_request=case,
            member=member,
            vote=Vote.REJECT,
            reason="الدخل يتجاوز الحد",
            meeting=meeting,
        )
    return meeting


def test_the_minutes_show_the_meeting_the_members_and_each_decision(client, meeting, members, case):
    client.force_login(members[1])
    html = client.get(f"/committee/meetings/{meeting.pk}/minutes/").content.decode()
    assert "محضر الاجتماع رقم 7" in html
    assert "1447" in html and "2026" in html  # Hijri and Gregorian
    for member in members:
        assert member.get_full_name() in html
    assert case.display_reference in html
    assert "الدخل يتجاوز الحد" in html
    assert "رافضون 3" in html
    assert "التوقيع" in html and 'class="signature-line"' in html


def test_the_minutes_in_english(client, meeting, members):
    from django.urls import reverse

    client.force_login(members[1])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(f"/committee/meetings/{meeting.pk}/minutes/").content.decode()
    assert "Minutes of meeting no. 7" in html and 'dir="ltr"' in html
    assert "0 approve, 3 reject" in html


def test_the_meeting_page_and_list(client, meeting, members):
    client.force_login(members[2])
    assert "الاجتماع رقم 7" in client.get("/committee/meetings/").content.decode()
    html = client.get(f"/committee/meetings/{meeting.pk}/").content.decode()
    assert Decision.objects.get().support_request.display_reference in html


def test_another_committees_member_and_outsiders_cannot_see_the_minutes(
    client, meeting, roles, outsider
):
    stranger = CommitteeUserFactory(username="stranger")
    CommitteeFactory(members=[stranger])
    client.force_login(stranger)
    assert client.get(f"/committee/meetings/{meeting.pk}/minutes/").status_code == 403
    assert "الاجتماع رقم 7" not in client.get("/committee/meetings/").content.decode()
    client.force_login(outsider)
    assert client.get(f"/committee/meetings/{meeting.pk}/").status_code == 403
    assert client.get("/committee/meetings/").status_code == 403
    client.logout()
    assert client.get(f"/committee/meetings/{meeting.pk}/minutes/").status_code == 302


def test_a_manager_prints_the_minutes(client, meeting, manager):
    client.force_login(manager)
    assert client.get(f"/committee/meetings/{meeting.pk}/minutes/").status_code == 200


def test_the_admin_lists_committees_meetings_and_read_only_decisions(admin_client, meeting):
    for url in (
        "/admin/requests_app/committee/",
        "/admin/requests_app/committeemeeting/",
        "/admin/requests_app/committeevote/",
        "/admin/requests_app/decision/",
        f"/admin/requests_app/committeemeeting/{meeting.pk}/change/",
    ):
        assert admin_client.get(url).status_code == 200, url
    decision = Decision.objects.get()
    page = admin_client.get(f"/admin/requests_app/decision/{decision.pk}/change/")
    assert page.status_code == 200
    assert 'name="reason"' not in page.content.decode()
    assert admin_client.get("/admin/requests_app/decision/add/").status_code == 403
    response = admin_client.post(
        f"/admin/requests_app/decision/{decision.pk}/change/", {"reason": "changed"}
    )
    assert response.status_code == 403
    decision.refresh_from_db()
    assert decision.reason == "الدخل يتجاوز الحد"


def test_the_manager_adds_a_meeting_in_the_admin(client, manager, committee, members):
    client.force_login(manager)
    response = client.post(
        "/admin/requests_app/committeemeeting/add/",
        {
            "committee": committee.pk,
            "number": 12,
            "held_on": "2026-04-05",
            "place": "مقر الجمعية",
            "attendees": [m.pk for m in members],
            "notes": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert committee.meetings.get(number=12).attendees.count() == 4


def test_the_admin_refuses_a_committee_member_without_the_role_or_an_outside_chair(
    admin_client, members, officer
):
    response = admin_client.post(
        "/admin/requests_app/committee/add/",
        {
            "name_ar": "لجنة الإسكان",
            "name_en": "",
            "members": [members[1].pk, officer.pk],
            "chair": members[2].pk,
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "officer" in html or officer.get_full_name() in html
    assert "لجنة الإسكان" in html  # what was typed stays
    from requests_app.models import Committee

    assert not Committee.objects.filter(name_ar="لجنة الإسكان").exists()
    response = admin_client.post(
        "/admin/requests_app/committee/add/",
        {
            "name_ar": "لجنة الإسكان",
            "name_en": "",
            "members": [members[1].pk],
            "chair": members[1].pk,
        },
    )
    assert response.status_code == 302
