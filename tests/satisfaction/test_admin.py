"""The back-office: complaints are answered through the services; lists stay cheap."""

import pytest

from satisfaction.models import Feedback
from tests.factories import FeedbackFactory, SurveyInvitationFactory

pytestmark = pytest.mark.django_db


def test_feedback_list_shows_open_ones_by_default(client, officer, django_assert_max_num_queries):
    for _ in range(5):
        FeedbackFactory()
    closed = FeedbackFactory(status=Feedback.Status.CLOSED)
    client.force_login(officer)
    with django_assert_max_num_queries(15):
        response = client.get("/admin/satisfaction/feedback/")
    assert response.status_code == 200
    assert closed.tracking_code not in response.content.decode()


def test_officer_replies_and_closes_in_the_admin(client, officer):
    item = FeedbackFactory()
    client.force_login(officer)
    url = f"/admin/satisfaction/feedback/{item.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"assigned_to": officer.pk, "new_reply": "تم حل المشكلة"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Feedback.Status.ANSWERED and item.reply == "تم حل المشكلة"
    client.post(url, {"assigned_to": officer.pk, "close": "on"})
    item.refresh_from_db()
    assert item.status == Feedback.Status.CLOSED


def test_closing_an_unanswered_complaint_is_refused_in_arabic(client, officer):
    item = FeedbackFactory()
    client.force_login(officer)
    response = client.post(
        f"/admin/satisfaction/feedback/{item.pk}/change/", {"assigned_to": "", "close": "on"}
    )
    assert response.status_code == 200
    assert "رُدّ على المرسل قبل إغلاق" in response.content.decode()
    item.refresh_from_db()
    assert item.status == Feedback.Status.NEW


@pytest.mark.parametrize(
    "url",
    [
        "/admin/satisfaction/survey/",
        "/admin/satisfaction/surveyinvitation/",
        "/admin/satisfaction/surveyresponse/",
        "/admin/requests_app/servicedelivery/",
        "/admin/requests_app/programrun/",
    ],
)
def test_back_office_lists_open_for_a_manager(client, manager, url):
    SurveyInvitationFactory()
    client.force_login(manager)
    assert client.get(url).status_code == 200


def test_an_officer_records_a_complaint_received_by_phone(client, officer):
    from channels_app.models import Channel

    client.force_login(officer)
    page = client.get("/admin/satisfaction/feedback/add/")
    assert page.status_code == 200
    assert "website" not in [
        c.code for c in page.context["adminform"].form.fields["channel"].queryset
    ]
    phone = Channel.objects.get(code="phone")
    response = client.post(
        "/admin/satisfaction/feedback/add/",
        {
            "channel": phone.pk,
            "kind": "complaint",
            "message": "اتصلت ولم يرد أحد على طلبي",
            "name": "فاطمة",
            "mobile": "0501234567",
        },
    )
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert response["Location"].endswith(f"/admin/satisfaction/feedback/{feedback.pk}/change/") or (
        response["Location"].endswith("/admin/satisfaction/feedback/")
    )
    assert feedback.channel == phone and feedback.kind == "complaint"
    assert feedback.mobile == "+966501234567" and feedback.status == Feedback.Status.NEW
    assert feedback.tracking_code and feedback.due_on


def test_a_wrong_mobile_is_refused_in_arabic_and_the_message_kept(client, officer):
    from channels_app.models import Channel

    client.force_login(officer)
    response = client.post(
        "/admin/satisfaction/feedback/add/",
        {
            "channel": Channel.objects.get(code="phone").pk,
            "kind": "complaint",
            "message": "رسالة طويلة كتبها الموظف أثناء المكالمة",
            "mobile": "12345",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "رسالة طويلة كتبها الموظف أثناء المكالمة" in html
    assert response.context["adminform"].form.errors["mobile"]
    assert not Feedback.objects.exists()


def test_the_auditor_cannot_record_messages(client, auditor):
    client.force_login(auditor)
    assert client.get("/admin/satisfaction/feedback/add/").status_code == 403
