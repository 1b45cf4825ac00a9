"""Staff-facing figures: CSAT, NPS, response rate; officer figures only in aggregate
and only from 5 answers; anonymity in every report and export; survey versioning."""

import datetime

import pytest
from django.utils import timezone

from satisfaction import selectors
from satisfaction.models import SurveyQuestion
from satisfaction.services import survey_new_version, survey_response_record
from tests.factories import (
    FeedbackFactory,
    SupportRequestFactory,
    SurveyInvitationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
YEAR = (lambda: TODAY() - datetime.timedelta(days=365), TODAY)


def _answer(invitation, rating, nps, anonymous=False, text=""):
    answers = {}
    for question in invitation.survey.questions.all():
        answers[f"q{question.pk}"] = {
            "rating": str(rating),
            "nps": str(nps),
            "yes_no": "1",
            "choice": "1",
            "text": text,
        }[question.kind]
    return survey_response_record(invitation=invitation, answers=answers, anonymous=anonymous)


def _period():
    return TODAY() - datetime.timedelta(days=60), TODAY()


def test_summary_figures():
    invitations = [SurveyInvitationFactory() for _ in range(4)]
    _answer(invitations[0], rating=5, nps=10)
    _answer(invitations[1], rating=4, nps=9)
    _answer(invitations[2], rating=2, nps=3)
    summary = selectors.satisfaction_summary(*_period())
    assert summary["invitations"] == 4
    assert summary["responses"] == 3
    assert summary["response_rate"] == 75.0
    # Two satisfaction ratings per response in the default survey: 4 of 6 are 4–5.
    assert summary["csat"] == round(100 * 4 / 6, 1)
    assert summary["nps"] == round(100 * (2 - 1) / 3)
    assert selectors.rating_distribution(*_period()) == {1: 0, 2: 2, 3: 0, 4: 2, 5: 2}


def test_officer_figures_need_five_answers():
    few, many = UserFactory(is_staff=True), UserFactory(is_staff=True)
    for officer, count in ((few, 4), (many, 5)):
        for _ in range(count):
            invitation = SurveyInvitationFactory(officer=officer)
            _answer(invitation, rating=3, nps=7)
    rows = selectors.satisfaction_by(*_period(), "officer")
    assert [row["key"] for row in rows] == [many.pk]
    assert rows[0]["responses"] == 5


def test_figures_by_program_channel_and_month():
    first = SurveyInvitationFactory()
    second = SurveyInvitationFactory(support_request=SupportRequestFactory(status="closed"))
    _answer(first, rating=5, nps=10)
    _answer(second, rating=1, nps=0, anonymous=True)
    by_program = selectors.satisfaction_by(*_period(), "program")
    assert {row["key"]: row["csat"] for row in by_program} == {
        first.program_id: 100.0,
        second.program_id: 0.0,
    }
    assert sum(row["responses"] for row in selectors.satisfaction_by(*_period(), "channel")) == 2
    assert sum(row["responses"] for row in selectors.satisfaction_by(*_period(), "month")) == 2


def test_feedback_summary():
    FeedbackFactory()
    answered = FeedbackFactory()
    answered.replied_at = answered.created_at + datetime.timedelta(hours=10)
    answered.status = "answered"
    answered.save()
    FeedbackFactory(due_on=TODAY() - datetime.timedelta(days=1))
    summary = selectors.feedback_summary(*_period())
    assert summary["total"] == 3
    assert summary["open"] == 2
    assert summary["answered"] == 1
    assert summary["overdue"] == 1
    assert summary["median_hours_to_answer"] == 10.0


def test_results_page_for_a_manager_only(client, manager, officer, django_assert_max_num_queries):
    for _ in range(6):
        _answer(SurveyInvitationFactory(officer=officer), rating=5, nps=10)
    client.force_login(officer)
    assert client.get("/satisfaction/results/").status_code == 403
    client.force_login(manager)
    with django_assert_max_num_queries(30):
        response = client.get("/satisfaction/results/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "نتائج قياس الرضا" in html
    assert 'id="by-officer"' in html


def test_results_page_needs_login(client):
    response = client.get("/satisfaction/results/")
    assert response.status_code == 302


def test_export_never_names_an_anonymous_respondent(client, manager):
    named = SurveyInvitationFactory()
    hidden = SurveyInvitationFactory()
    _answer(named, rating=5, nps=10, text="شكرًا")
    _answer(hidden, rating=1, nps=0, anonymous=True, text="سيئة")
    client.force_login(manager)
    response = client.get("/satisfaction/results/export.csv")
    body = b"".join(response.streaming_content).decode()
    assert named.beneficiary.name in body
    assert hidden.beneficiary.name not in body
    assert "مجهول الهوية" in body or "Anonymous" in body
    assert "officer" not in body.lower()


def test_admin_response_list_hides_anonymous_identity(client, manager):
    hidden = SurveyInvitationFactory()
    _answer(hidden, rating=1, nps=0, anonymous=True)
    client.force_login(manager)
    html = client.get("/admin/satisfaction/surveyresponse/").content.decode()
    assert hidden.beneficiary.name not in html
    assert "مجهول الهوية" in html


def test_answered_survey_is_versioned_not_edited():
    invitation = SurveyInvitationFactory()
    survey = invitation.survey
    _answer(invitation, rating=4, nps=8)
    new = survey_new_version(survey=survey)
    survey.refresh_from_db()
    assert new.version == survey.version + 1
    assert not survey.is_active and new.is_active
    assert new.questions.count() == survey.questions.count()
    assert SurveyQuestion.objects.filter(survey=survey).count() == survey.questions.count()
    # New invitations use the new version.
    later = SurveyInvitationFactory(survey=new)
    assert later.survey.version == 2


def test_survey_admin_refuses_editing_answered_questions(client, manager):
    invitation = SurveyInvitationFactory()
    _answer(invitation, rating=4, nps=8)
    client.force_login(manager)
    html = client.get(f"/admin/satisfaction/survey/{invitation.survey.pk}/change/").content.decode()
    assert 'name="questions-0-text_ar"' not in html
