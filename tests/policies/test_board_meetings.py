"""Board meetings keep the Hijri date as the minutes write it, check it exists, and flag
a difference with the Umm al-Qura date of the Gregorian date."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from policies.hijri_text import parse_hijri_text
from policies.models import BoardMeeting, BoardMember
from policies.services import board_meeting_record
from tests.factories import BoardMemberFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "text",
    [
        "١٥/٣/١٤٤٦هـ",
        "1446-03-15",
        "1446/3/15 هـ",
        "15 ربيع الأول 1446 هـ",
        "الأربعاء ١٥ / ٠٣ / ١٤٤٦ هـ",
        "15 Rabi' al-Awwal 1446 AH",
    ],
)
def test_the_hijri_date_is_read_as_the_minutes_write_it(text):
    parts = parse_hijri_text(text)
    assert (parts.year, parts.month, parts.day) == (1446, 3, 15)
    assert parts.to_gregorian() == datetime.date(2024, 9, 18)


@pytest.mark.parametrize(
    ("text", "arabic", "english"),
    [
        ("1445-13-01", "غير موجود: السنة الهجرية 12 شهراً", "12 months"),
        ("1446-02-31", "شهر صفر 1446 عدد أيامه 30", "Safar 1446 has 30 days"),
        ("31/2/1446", "شهر صفر 1446 عدد أيامه 30", "Safar 1446 has 30 days"),
        ("1600-01-01", "بين 1343 و1500", "between 1343 and 1500"),
        ("الخامس عشر", "يوم/شهر/سنة", "day/month/year"),
    ],
)
def test_a_hijri_date_that_does_not_exist_gets_a_clear_error(text, arabic, english):
    with translation.override("ar"), pytest.raises(ValidationError) as exc_info:
        parse_hijri_text(text)
    with translation.override("ar"):
        assert arabic in " ".join(exc_info.value.messages)
    with translation.override("en"), pytest.raises(ValidationError) as exc_info:
        parse_hijri_text(text)
    with translation.override("en"):
        assert english in " ".join(exc_info.value.messages)


def test_recording_a_meeting_computes_the_gregorian_date_from_the_hijri_one():
    chairman = BoardMemberFactory(position=BoardMember.Position.CHAIRMAN)
    meeting = board_meeting_record(
        number=3, hijri_date_text="١٥/٣/١٤٤٦هـ", place="مقر الجمعية", members=[chairman]
    )
    assert meeting.date == datetime.date(2024, 9, 18)
    assert meeting.hijri_date_text == "١٥/٣/١٤٤٦هـ"
    assert (meeting.hijri_year, meeting.hijri_month, meeting.hijri_day) == (1446, 3, 15)
    assert not meeting.hijri_mismatch
    assert list(meeting.members_present.all()) == [chairman]


def test_a_hijri_date_a_day_off_the_gregorian_one_is_kept_and_flagged():
    meeting = board_meeting_record(
        number=4, hijri_date_text="14/3/1446", date=datetime.date(2024, 9, 18)
    )
    assert meeting.hijri_date_text == "14/3/1446"
    assert meeting.hijri_mismatch
    assert meeting.hijri_mismatch_days == 1


@pytest.mark.parametrize("text", ["1445-13-01", "1446-02-31"])
def test_a_meeting_with_a_hijri_date_that_does_not_exist_is_not_saved(text):
    with pytest.raises(ValidationError) as exc_info:
        board_meeting_record(number=3, hijri_date_text=text, date=datetime.date(2024, 9, 18))
    assert "hijri_date_text" in exc_info.value.message_dict
    assert not BoardMeeting.objects.exists()


def test_a_member_whose_term_does_not_cover_the_meeting_cannot_attend():
    former = BoardMemberFactory(
        term_start=datetime.date(2018, 1, 1), term_end=datetime.date(2021, 12, 31)
    )
    with pytest.raises(ValidationError) as exc_info:
        board_meeting_record(number=3, hijri_date_text="1446-03-15", members=[former])
    assert former.name in " ".join(exc_info.value.messages)
    assert not BoardMeeting.objects.exists()


def test_members_are_listed_chairman_first():
    from policies.selectors import approving_members

    member = BoardMemberFactory(name_ar="أحمد", position=BoardMember.Position.MEMBER)
    treasurer = BoardMemberFactory(position=BoardMember.Position.FINANCIAL_SUPERVISOR)
    chairman = BoardMemberFactory(position=BoardMember.Position.CHAIRMAN)
    vice = BoardMemberFactory(position=BoardMember.Position.VICE_CHAIRMAN)
    meeting = board_meeting_record(
        number=3, hijri_date_text="1446-03-15", members=[member, treasurer, chairman, vice]
    )
    assert approving_members(meeting) == [chairman, vice, treasurer, member]


def test_the_admin_refuses_a_hijri_date_that_does_not_exist_and_keeps_what_was_typed(
    admin_client,
):
    response = admin_client.post(
        "/admin/policies/boardmeeting/add/",
        {
            "number": "3",
            "hijri_date_text": "1446-02-31",
            "date": "",
            "place": "قاعة الاجتماعات",
            "notes": "",
            "attendance-TOTAL_FORMS": "0",
            "attendance-INITIAL_FORMS": "0",
            "approved_versions-TOTAL_FORMS": "0",
            "approved_versions-INITIAL_FORMS": "0",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "شهر صفر 1446 عدد أيامه 30" in html
    assert 'value="1446-02-31"' in html and "قاعة الاجتماعات" in html
    assert not BoardMeeting.objects.exists()


def test_the_admin_records_a_meeting_with_its_members(admin_client):
    chairman = BoardMemberFactory(position=BoardMember.Position.CHAIRMAN)
    response = admin_client.post(
        "/admin/policies/boardmeeting/add/",
        {
            "number": "3",
            "hijri_date_text": "١٥/٣/١٤٤٦هـ",
            "date": "",
            "place": "مقر الجمعية",
            "notes": "",
            "attendance-TOTAL_FORMS": "1",
            "attendance-INITIAL_FORMS": "0",
            "attendance-0-member": str(chairman.pk),
            "approved_versions-TOTAL_FORMS": "0",
            "approved_versions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    meeting = BoardMeeting.objects.get()
    assert meeting.date == datetime.date(2024, 9, 18)
    assert list(meeting.members_present.all()) == [chairman]


def test_the_admin_list_shows_the_hijri_as_written_beside_the_computed_one(admin_client):
    board_meeting_record(number=3, hijri_date_text="١٥/٣/١٤٤٦هـ")
    board_meeting_record(number=4, hijri_date_text="14/3/1446", date=datetime.date(2024, 9, 18))
    html = admin_client.get("/admin/policies/boardmeeting/").content.decode()
    assert "14/3/1446" in html
    assert "15 ربيع الأول 1446" in html
    assert "⚠" in html and "✓" in html
