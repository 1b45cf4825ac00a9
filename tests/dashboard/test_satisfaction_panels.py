"""The satisfaction and complaints panels show the surveys' and feedback's real figures."""

import pytest

from satisfaction.services import survey_response_record
from tests.factories import FeedbackFactory, SurveyInvitationFactory

pytestmark = pytest.mark.django_db
URL = "/dashboard/"


def _panel(text: str, key: str) -> str:
    start = text.index(f'id="panel-{key}"')
    end = text.find("<section", start + 10)
    return text[start : end if end > 0 else None]


def _answer(invitation, rating, nps):
    answers = {}
    for question in invitation.survey.questions.all():
        answers[f"q{question.pk}"] = {
            "rating": str(rating),
            "nps": str(nps),
            "yes_no": "1",
            "choice": "1",
            "text": "",
        }[question.kind]
    return survey_response_record(invitation=invitation, answers=answers, anonymous=False)


def test_csat_nps_and_response_rate_from_the_surveys(client, manager):
    invitations = [SurveyInvitationFactory() for _ in range(4)]
    _answer(invitations[0], rating=5, nps=10)
    _answer(invitations[1], rating=4, nps=9)
    _answer(invitations[2], rating=2, nps=3)
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    text = client.get(URL).text
    panel = _panel(text, "satisfaction")
    assert "not yet available" not in panel.lower()
    assert "75.0%" in panel  # 3 answers of 4 invitations
    assert "66.7%" in panel  # CSAT: two of three ratings are 4 or 5


def test_complaints_and_suggestions_counts(client, manager):
    FeedbackFactory.create_batch(2, kind="complaint")
    FeedbackFactory(kind="suggestion")
    client.force_login(manager)
    text = client.get(URL).text
    panel = _panel(text, "feedback")
    assert "غير متاح بعد" not in panel
    assert "شكوى" in panel and "اقتراح" in panel


def test_a_role_without_the_survey_permission_does_not_see_the_panel(client, researcher):
    client.force_login(researcher)
    response = client.get(URL)
    if response.status_code == 200:
        assert 'id="panel-satisfaction"' not in response.text


def test_contacts_and_indirect_reach_panels_read_the_contact_log(client, manager):
    from tests.factories import InteractionFactory

    InteractionFactory.create_batch(3)
    client.force_login(manager)
    panel = _panel(client.get(URL).text, "contacts")
    assert "غير متاح بعد" not in panel
    assert "<svg" in panel or "<table" in panel
    panel = _panel(client.get(URL).text, "indirect_reach")
    assert "غير متاح بعد" not in panel
