"""seed_demo makes programs and requests in every status, each with its history."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from requests_app.models import Program, StatusChange, SupportRequest
from requests_app.workflow import Status

pytestmark = pytest.mark.django_db


def test_demo_requests_cover_every_status_with_a_history_that_ends_where_they_are():
    call_command("seed_demo", "--beneficiaries", "150", "--requests", "400", stdout=io.StringIO())
    assert Program.objects.count() >= 5
    assert SupportRequest.objects.count() == 400
    statuses = set(SupportRequest.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    for support_request in SupportRequest.objects.order_by("?")[:30]:
        last = (
            StatusChange.objects.filter(support_request=support_request)
            .order_by("created_at", "pk")
            .last()
        )
        assert last.to_status == support_request.status
    counts = SupportRequest.objects.values("status").annotate(n=Count("pk"))
    assert all(row["n"] > 0 for row in counts)


def test_running_the_demo_twice_adds_no_duplicate_open_requests():
    call_command("seed_demo", "--beneficiaries", "50", "--requests", "60", stdout=io.StringIO())
    call_command("seed_demo", "--beneficiaries", "50", "--requests", "60", stdout=io.StringIO())
    assert SupportRequest.objects.count() == 60
