"""Two submissions of the same survey at the same moment: one response."""

import threading

import pytest
from django.db import connection

from satisfaction.models import SurveyResponse
from satisfaction.services import survey_response_record
from tests.factories import SurveyInvitationFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_answers_give_one_response():
    invitation = SurveyInvitationFactory()
    answers = {
        f"q{q.pk}": {"rating": "5", "nps": "9", "yes_no": "1", "choice": "1", "text": ""}[q.kind]
        for q in invitation.survey.questions.all()
    }
    barrier = threading.Barrier(2)
    outcomes = []

    def send():
        try:
            barrier.wait()
            survey_response_record(invitation=invitation, answers=answers)
            outcomes.append("saved")
        except Exception as exc:  # the second is refused: already answered
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["SatisfactionError", "saved"]
    assert SurveyResponse.objects.count() == 1
