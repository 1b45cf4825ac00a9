"""Survey links: unguessable, stored only as a hash, once only, expiring; one reminder."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from channels_app.models import Notification
from satisfaction import tokens
from satisfaction.models import SurveyInvitation
from satisfaction.services import (
    SatisfactionError,
    invitation_for_token,
    survey_invitation_create,
    survey_reminders_send,
    survey_response_record,
)
from tests.factories import SupportRequestFactory, SurveyInvitationFactory

pytestmark = pytest.mark.django_db


def _answers(invitation, rating="5"):
    answers = {}
    for question in invitation.survey.questions.all():
        answers[f"q{question.pk}"] = {
            "rating": rating,
            "nps": "9",
            "yes_no": "1",
            "choice": "1",
            "text": "",
        }[question.kind]
    return answers


def test_token_is_256_bits_and_only_its_hash_is_stored():
    support_request = SupportRequestFactory(status="delivered")
    invitation = survey_invitation_create(support_request=support_request)
    url = Notification.objects.get(event="survey_invitation").context["survey_url"]
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 43  # 256 bits in base64url
    stored = SurveyInvitation.objects.filter(pk=invitation.pk).values().get()
    assert token not in str(stored.values())
    assert stored["token_hash"] == tokens.token_hash(token)
    assert invitation_for_token(token) == invitation


def test_invitation_is_created_once_per_request():
    support_request = SupportRequestFactory(status="delivered")
    first = survey_invitation_create(support_request=support_request)
    again = survey_invitation_create(support_request=support_request)
    assert first == again
    assert SurveyInvitation.objects.count() == 1
    assert Notification.objects.filter(event="survey_invitation").count() == 1


def test_forged_token_finds_nothing():
    SurveyInvitationFactory()
    assert invitation_for_token("forged-token") is None
    assert invitation_for_token("") is None
    assert invitation_for_token("x" * 500) is None


def test_answering_twice_is_refused():
    invitation = SurveyInvitationFactory()
    survey_response_record(invitation=invitation, answers=_answers(invitation))
    with pytest.raises(SatisfactionError, match="already been answered"):
        survey_response_record(invitation=invitation, answers=_answers(invitation))


def test_expired_link_is_refused():
    invitation = SurveyInvitationFactory(created_at=timezone.now() - datetime.timedelta(days=31))
    with pytest.raises(SatisfactionError, match="expired"):
        survey_response_record(invitation=invitation, answers=_answers(invitation))


def test_one_reminder_only_and_with_the_same_link():
    invitation = SurveyInvitationFactory(created_at=timezone.now() - datetime.timedelta(days=8))
    assert survey_reminders_send() == 1
    assert survey_reminders_send() == 0
    message = Notification.objects.get(event="survey_invitation")
    assert message.context["survey_url"].endswith(f"/survey/{invitation.token}/")
    invitation.refresh_from_db()
    assert invitation.reminded_at is not None


def test_no_reminder_for_answered_expired_or_recent_invitations():
    answered = SurveyInvitationFactory(created_at=timezone.now() - datetime.timedelta(days=8))
    survey_response_record(invitation=answered, answers=_answers(answered))
    SurveyInvitationFactory(created_at=timezone.now() - datetime.timedelta(days=40))
    SurveyInvitationFactory(created_at=timezone.now() - datetime.timedelta(days=2))
    assert survey_reminders_send() == 0


def test_reminder_command(capsys):
    SurveyInvitationFactory(created_at=timezone.now() - datetime.timedelta(days=10))
    call_command("send_survey_reminders")
    assert "1" in capsys.readouterr().out
    call_command("send_survey_reminders")
    assert Notification.objects.count() == 1


def test_reminder_task_reminds_once():
    from satisfaction.tasks import send_survey_reminders

    SurveyInvitationFactory(created_at=timezone.now() - datetime.timedelta(days=9))
    assert send_survey_reminders.call() == 1
    assert send_survey_reminders.call() == 0
