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
