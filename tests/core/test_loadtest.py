"""The load-test driver really applies: concurrent applicants against a live server, and
every confirmation it counts has its request in the database (a small, short run; the
figures come from `make loadtest`, never from a timed assertion)."""

import pytest
from django.db import connection
from django.test import override_settings

from config import loadtest
from requests_app.models import SupportRequest
from tests.factories import ProgramFactory


@pytest.mark.django_db(transaction=True)
@override_settings(MUSTAFID_RATELIMITS={"apply": (10**6, 3600), "track": (10**6, 900)})
def test_concurrent_applicants_each_get_a_stored_request(live_server):
    # The test database on SQLite is in memory, where concurrent writers get "table is
    # locked" at once instead of waiting (the SQLite file the app uses waits 20 s): one
    # applicant there, four at once on PostgreSQL.
    applicants = 4 if connection.vendor == "postgresql" else 1
    program = ProgramFactory(code="load-test", required_document_types=[], is_open=True)
    tally = loadtest.run(
        base=live_server.url, program_id=program.pk, applicants=applicants, seconds=2
    )
    assert tally.server_errors == 0
    assert tally.failure_reasons == {}
    assert tally.confirmations
    stored = set(SupportRequest.objects.filter(program=program).values_list("reference", flat=True))
    assert stored == set(tally.confirmations)
