"""Complaints & suggestions: the public form, the tracking code, the working-day due
date (Friday–Saturday weekend), and the handling lifecycle."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from channels_app.models import Notification
from satisfaction.models import Feedback
from satisfaction.services import (
    SatisfactionError,
    feedback_assign,
    feedback_close,
    feedback_reply,
    feedback_submit,
)
from satisfaction.workdays import add_working_days
from tests.factories import FeedbackFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (datetime.date(2026, 11, 29), datetime.date(2026, 12, 6)),  # Sunday → next Sunday
        (datetime.date(2026, 12, 3), datetime.date(2026, 12, 10)),  # Thursday → next Thursday
        (datetime.date(2026, 12, 4), datetime.date(2026, 12, 10)),  # Friday → Thursday
        (datetime.date(2026, 12, 5), datetime.date(2026, 12, 10)),  # Saturday → Thursday
    ],
)
def test_five_working_days_skip_friday_and_saturday(start, expected):
    assert add_working_days(start, 5) == expected


def test_submit_gives_a_code_a_due_date_and_sends_it(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        item = feedback_submit(kind="complaint", message="تأخر الموعد", mobile="٠٥٥١٢٣٤٥٦٧")
    assert item.tracking_code.startswith("F-") and len(item.tracking_code) == 10
    assert item.mobile == "+966551234567"
    # The association's day (Riyadh), not UTC's: they differ from 21:00 to midnight UTC.
    assert item.due_on == add_working_days(timezone.localdate(item.created_at), 5)
    message = Notification.objects.get(event="feedback_received")
    assert message.context["reference"] == item.tracking_code


def test_anonymous_suggestion_needs_no_contact():
    item = feedback_submit(kind="suggestion", message="أقترح فتح الاستقبال مساءً")
    assert item.name == item.mobile == item.email == ""
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"kind": "complaint", "message": ""}, "message"),
        ({"kind": "rant", "message": "x"}, "kind"),
        ({"kind": "complaint", "message": "x" * 20_000}, "message"),
        ({"kind": "complaint", "message": "x", "mobile": "12345"}, "mobile"),
        ({"kind": "complaint", "message": "x", "email": "not-an-email"}, "email"),
        ({"kind": "complaint", "message": "x", "request_reference": "1234"}, "request_reference"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(fields, error_field):
    with pytest.raises(SatisfactionError) as exc:
        feedback_submit(**fields)
    assert error_field in exc.value.message_dict
    assert not Feedback.objects.exists()


def test_lifecycle_assign_reply_close(officer, django_capture_on_commit_callbacks):
    item = FeedbackFactory()
    feedback_assign(feedback=item, assignee=officer, actor=officer)
    assert item.status == Feedback.Status.IN_PROGRESS
    with pytest.raises(SatisfactionError):
        feedback_close(feedback=item, actor=officer)  # a complaint is answered first
    with django_capture_on_commit_callbacks(execute=True):
        feedback_reply(feedback=item, reply="نعتذر، عدّلنا المواعيد.", actor=officer)
    item.refresh_from_db()
    assert item.status == Feedback.Status.ANSWERED and item.replied_by == officer
    reply = Notification.objects.get(event="feedback_reply")
    assert reply.context["reply"] == "نعتذر، عدّلنا المواعيد."
    feedback_close(feedback=item, actor=officer)
    item.refresh_from_db()
    assert item.status == Feedback.Status.CLOSED
    with pytest.raises(SatisfactionError):
        feedback_reply(feedback=item, reply="again", actor=officer)


def test_outsider_cannot_handle_feedback(outsider):
    with pytest.raises(PermissionDenied):
        feedback_reply(feedback=FeedbackFactory(), reply="x", actor=outsider)


def test_public_form_in_arabic_and_sent_page(client):
    page = client.get("/feedback/")
    assert page.status_code == 200
    assert "الشكاوى والمقترحات" in page.content.decode()
    response = client.post("/feedback/", {"kind": "suggestion", "message": "اقتراح جميل"})
    assert response.status_code == 302
    sent = client.get(response["Location"]).content.decode()
    code = Feedback.objects.get().tracking_code
    assert code in sent


def test_public_form_keeps_what_was_typed_on_error(client):
    response = client.post(
        "/feedback/", {"kind": "complaint", "message": "رسالتي الطويلة", "mobile": "0123"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "رسالتي الطويلة" in html
    assert "أدخل رقم جوال سعودي" in html
    assert not Feedback.objects.exists()


def test_honeypot_keeps_nothing(client):
    response = client.post(
        "/feedback/", {"kind": "complaint", "message": "spam", "website": "http://spam"}
    )
    assert response.status_code == 302
    assert not Feedback.objects.exists()


def test_public_form_is_rate_limited(client):
    for _ in range(10):
        client.post("/feedback/", {"kind": "suggestion", "message": "x"})
    response = client.post("/feedback/", {"kind": "suggestion", "message": "x"})
    assert response.status_code == 429
    assert Feedback.objects.count() == 10


def test_follow_page_shows_status_and_reply(client, officer):
    item = FeedbackFactory()
    feedback_reply(feedback=item, reply="تمت معالجة ملاحظتك", actor=officer)
    html = client.get("/feedback/follow/", {"code": item.tracking_code.lower()}).content.decode()
    assert "تمت معالجة ملاحظتك" in html
    assert "تم الرد" in html
    missing = client.get("/feedback/follow/", {"code": "F-ZZZZZZZZ"}).content.decode()
    assert "لا توجد رسالة بهذا الرقم" in missing


def test_follow_page_in_english(client):
    item = FeedbackFactory()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/feedback/follow/", {"code": item.tracking_code}).content.decode()
    assert "Received" in html and 'dir="ltr"' in html


def test_home_page_links_to_the_feedback_form(client):
    assert 'href="/feedback/"' in client.get("/").content.decode()
