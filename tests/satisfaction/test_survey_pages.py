"""The public survey page: Arabic first, once only, neutral page for a bad link, bad
answers keep what was typed, anonymity."""

import datetime

import pytest
from django.utils import timezone

from satisfaction.models import SurveyResponse
from satisfaction.services import survey_response_record
from tests.factories import SurveyInvitationFactory

pytestmark = pytest.mark.django_db


def _post_data(invitation, **overrides):
    data = {}
    for question in invitation.survey.questions.all():
        data[f"q{question.pk}"] = {
            "rating": "4",
            "nps": "10",
            "yes_no": "1",
            "choice": "2",
            "text": "خدمة ممتازة",
        }[question.kind]
    data.update(overrides)
    return data


def _question(invitation, kind):
    return invitation.survey.questions.filter(kind=kind).first()


def test_survey_page_is_arabic_and_rtl(client):
    invitation = SurveyInvitationFactory()
    response = client.get(f"/survey/{invitation.token}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'dir="rtl"' in html
    assert "ما مدى رضاك عن الخدمة" in html
    assert "<script" not in html
    assert 'type="radio"' in html


def test_survey_page_in_english(client):
    invitation = SurveyInvitationFactory()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(f"/survey/{invitation.token}/").content.decode()
    assert 'dir="ltr"' in html
    assert "How satisfied are you with the service" in html


def test_answering_records_once_and_thanks(client):
    invitation = SurveyInvitationFactory()
    response = client.post(f"/survey/{invitation.token}/", _post_data(invitation))
    assert response.status_code == 302
    assert response["Location"] == "/survey/thanks/"
    saved = SurveyResponse.objects.get()
    assert saved.beneficiary == invitation.beneficiary
    assert saved.answers.count() == invitation.survey.questions.count()
    # The link is spent.
    again = client.get(f"/survey/{invitation.token}/")
    assert again.status_code == 404
    assert SurveyResponse.objects.count() == 1


@pytest.mark.parametrize("case", ["forged", "expired", "used"])
def test_bad_links_get_the_same_neutral_page(client, case):
    invitation = SurveyInvitationFactory(
        created_at=timezone.now() - datetime.timedelta(days=31 if case == "expired" else 1)
    )
    token = invitation.token
    if case == "forged":
        token = "A" * 43
    if case == "used":
        survey_response_record(invitation=invitation, answers=_post_data(invitation))
    response = client.get(f"/survey/{token}/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "لا يمكن استخدام هذا الرابط" in html
    assert invitation.beneficiary.name_ar not in html


def test_a_rating_of_7_is_refused_and_the_comment_kept(client):
    invitation = SurveyInvitationFactory()
    rating = _question(invitation, "rating")
    text = _question(invitation, "text")
    data = _post_data(invitation, **{f"q{rating.pk}": "7", f"q{text.pk}": "تعليقي المكتوب"})
    response = client.post(f"/survey/{invitation.token}/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "اختر إحدى الإجابات المعروضة" in html
    assert "تعليقي المكتوب" in html
    assert not SurveyResponse.objects.exists()


def test_a_20_kb_comment_is_refused_with_a_clear_message(client):
    invitation = SurveyInvitationFactory()
    text = _question(invitation, "text")
    response = client.post(
        f"/survey/{invitation.token}/", _post_data(invitation, **{f"q{text.pk}": "ن" * 20_000})
    )
    assert response.status_code == 400
    assert "إجابتك طويلة" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_missing_required_answer(client):
    invitation = SurveyInvitationFactory()
    rating = _question(invitation, "rating")
    data = _post_data(invitation)
    del data[f"q{rating.pk}"]
    response = client.post(f"/survey/{invitation.token}/", data)
    assert response.status_code == 400
    assert "يرجى الإجابة عن هذا السؤال" in response.content.decode()


def test_anonymous_answer_is_not_linked_to_the_person(client):
    invitation = SurveyInvitationFactory()
    client.post(f"/survey/{invitation.token}/", _post_data(invitation, anonymous="on"))
    saved = SurveyResponse.objects.get()
    assert saved.anonymous
    assert saved.beneficiary is None
    assert saved.invitation is None
    assert saved.submitted_at.day == 1  # the month only
    invitation.refresh_from_db()
    assert invitation.responded_at is not None  # still once only


def test_eastern_arabic_digits_are_accepted():
    invitation = SurveyInvitationFactory()
    nps = _question(invitation, "nps")
    response = survey_response_record(
        invitation=invitation, answers=_post_data(invitation, **{f"q{nps.pk}": "٨"})
    )
    assert response.answers.get(question=nps).number == 8
