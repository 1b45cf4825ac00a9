"""Two officers referring (or answering) the same inquiry at once: one wins, the other is
told, and the request moves once (PostgreSQL row locks)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from channels_app.services import interaction_answer, interaction_refer_to_researcher
from requests_app.workflow import Status
from tests.factories import InteractionFactory, SupportRequestFactory


def _race(action):
    start = threading.Barrier(2)
    results = []

    def worker():
        try:
            start.wait(timeout=5)
            action()
            results.append("ok")
        except ValidationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=15)
    return sorted(results)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_referrals_of_one_inquiry_move_the_request_once(officer, researcher):
    support_request = SupportRequestFactory(in_verification=True)
    contact = InteractionFactory(
        beneficiary=support_request.beneficiary, support_request=support_request
    )
    results = _race(
        lambda: interaction_refer_to_researcher(
            interaction=contact, researcher=researcher, actor=officer
        )
    )
    assert results == ["ok", "refused"]
    support_request.refresh_from_db()
    assert support_request.status == Status.REFERRED_RESEARCH
    assert support_request.status_changes.filter(to_status=Status.REFERRED_RESEARCH).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_answers_of_one_inquiry_record_one(officer):
    contact = InteractionFactory()
    assert _race(lambda: interaction_answer(interaction=contact, actor=officer)) == [
        "ok",
        "refused",
    ]
