"""Two officers clicking the same move at the same moment: one move, one StatusChange."""

import threading

import pytest
from django.db import connection

from requests_app.models import StatusChange
from requests_app.services import support_request_transition
from requests_app.workflow import Status
from tests.factories import SupportRequestFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_transitions_give_one_status_change(officer):
    support_request = SupportRequestFactory()
    barrier = threading.Barrier(2)
    outcomes = []

    def click():
        try:
            barrier.wait()
            support_request_transition(
                support_request=support_request, to_status=Status.VERIFICATION, actor=officer
            )
            outcomes.append("moved")
        except Exception as exc:  # the loser is refused with a WorkflowError
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["WorkflowError", "moved"]
    assert StatusChange.objects.filter(support_request=support_request).count() == 1
