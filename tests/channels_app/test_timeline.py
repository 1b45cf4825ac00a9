"""One timeline: contacts, status changes, messages, research reports and referrals, in
order, on the request's and the beneficiary's pages, at a fixed number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from channels_app import timeline
from requests_app import selectors
from requests_app.models import Referral, ResearchReport, StatusChange
from requests_app.workflow import Status
from tests.factories import (
    InteractionFactory,
    NotificationFactory,
    SupportRequestFactory,
)

pytestmark = pytest.mark.django_db


def _history(support_request, officer, researcher, start, extra_contacts=0):
    """A request with one of each kind of entry, at known times."""

    def at(hours):
        return start + datetime.timedelta(hours=hours)

    StatusChange.objects.create(
        support_request=support_request, to_status=Status.SUBMITTED, created_at=at(0)
    )
    InteractionFactory(
        beneficiary=support_request.beneficiary,
        support_request=support_request,
        occurred_at=at(1),
        summary="اتصال للاستفسار",
    )
    NotificationFactory(related=support_request, created_at=at(2))
    StatusChange.objects.create(
        support_request=support_request,
        from_status=Status.SUBMITTED,
        to_status=Status.REFERRED_RESEARCH,
        actor=officer,
        created_at=at(3),
    )
    ResearchReport.objects.create(
        support_request=support_request,
        researcher=researcher,
        method="home_visit",
        visited_on=at(4).date(),
        findings="زيارة منزلية",
        recommendation="يستحق",
        created_at=at(4),
    )
    Referral.objects.create(
        support_request=support_request,
        association_name="جمعية الإسكان",
        reason="خارج النطاق",
        created_by=officer,
        created_at=at(5),
    )
    for index in range(extra_contacts):
        InteractionFactory(
            beneficiary=support_request.beneficiary,
            support_request=support_request,
            occurred_at=at(6 + index),
        )
    # Where such a history leaves a request: the pages ask only for the kinds of records
    # its status allows (requests_app.timeline.POSSIBLE_IN), and a closed one allows all.
    support_request.status = Status.CLOSED
    type(support_request).objects.filter(pk=support_request.pk).update(status=Status.CLOSED)


def test_the_request_timeline_has_every_source_in_order(officer, researcher):
    support_request = SupportRequestFactory()
    start = timezone.now() - datetime.timedelta(days=2)
    _history(support_request, officer, researcher, start)
    entries = selectors.request_timeline(support_request)
    assert [entry.kind for entry in entries] == [
        "status",
        "interaction",
        "notification",
        "status",
        "research",
        "referral",
    ]
    assert [entry.at for entry in entries] == sorted(entry.at for entry in entries)


def test_the_beneficiary_timeline_spans_their_requests_and_contacts(officer, researcher):
    support_request = SupportRequestFactory()
    other = SupportRequestFactory(beneficiary=support_request.beneficiary)
    start = timezone.now() - datetime.timedelta(days=2)
    _history(support_request, officer, researcher, start)
    StatusChange.objects.create(support_request=other, to_status=Status.SUBMITTED, created_at=start)
    InteractionFactory(
        beneficiary=support_request.beneficiary,
        occurred_at=start - datetime.timedelta(days=1),
        summary="سؤال قبل التقديم",
    )
    InteractionFactory()  # someone else's
    entries = timeline.beneficiary_timeline(support_request.beneficiary)
    assert entries[0].kind == "interaction" and entries[0].object.summary == "سؤال قبل التقديم"
    assert [entry.kind for entry in entries].count("interaction") == 2
    assert [entry.kind for entry in entries].count("status") == 3


def test_a_source_registered_later_appears_in_the_timeline(officer):
    support_request = SupportRequestFactory()
    marker = type("Vote", (), {"created_at": timezone.now(), "choice": "approve"})()
    timeline.timeline_source_register(
        "test-marker",
        template="channels_app/timeline/notification.html",
        for_request=lambda r: [marker],
        for_beneficiary=lambda b: [marker],
    )
    try:
        kinds = [entry.kind for entry in selectors.request_timeline(support_request)]
        assert "test-marker" in kinds
        kinds = [entry.kind for entry in timeline.beneficiary_timeline(support_request.beneficiary)]
        assert "test-marker" in kinds
    finally:
        timeline._SOURCES.pop("test-marker")


def test_the_timeline_query_count_does_not_grow_with_history(officer, researcher):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    short = SupportRequestFactory()
    long = SupportRequestFactory()
    start = timezone.now() - datetime.timedelta(days=5)
    _history(short, officer, researcher, start)
    _history(long, officer, researcher, start, extra_contacts=20)
    selectors.request_timeline(short)  # content types cached
    with CaptureQueriesContext(connection) as short_queries:
        selectors.request_timeline(short)
    with CaptureQueriesContext(connection) as long_queries:
        entries = selectors.request_timeline(long)
    assert len(entries) == 26
    # One query per source, whatever the length of the history.
    assert len(short_queries) == len(long_queries) == len(timeline.timeline_sources())


def test_the_beneficiary_timeline_query_count_does_not_grow(
    officer, researcher, django_assert_max_num_queries
):
    support_request = SupportRequestFactory()
    _history(support_request, officer, researcher, timezone.now(), extra_contacts=25)
    with django_assert_max_num_queries(len(timeline.timeline_sources()) + 3):
        timeline.beneficiary_timeline(support_request.beneficiary)


def test_the_request_page_shows_the_timeline_in_arabic_and_english(client, officer, researcher):
    support_request = SupportRequestFactory()
    _history(support_request, officer, researcher, timezone.now() - datetime.timedelta(days=1))
    client.force_login(officer)
    url = reverse("admin:requests_app_supportrequest_change", args=[support_request.pk])
    body = client.get(url).content.decode()
    assert "السجل الزمني" in body and "اتصال للاستفسار" in body and "تواصل وارد" in body
    assert "جمعية الإسكان" in body and "زيارة منزلية" in body
    client.cookies["django_language"] = "en"
    body = client.get(url).content.decode()
    assert "Timeline" in body and "Contact received" in body


def test_the_beneficiary_page_shows_the_timeline(client, officer, researcher):
    support_request = SupportRequestFactory()
    _history(support_request, officer, researcher, timezone.now() - datetime.timedelta(days=1))
    client.force_login(officer)
    url = reverse("admin:beneficiaries_beneficiary_change", args=[support_request.beneficiary.pk])
    body = client.get(url).content.decode()
    assert "السجل الزمني" in body and "اتصال للاستفسار" in body
    assert support_request.display_reference in body


def test_the_request_page_query_count_stays_flat(
    client, officer, researcher, django_assert_max_num_queries
):
    support_request = SupportRequestFactory()
    _history(support_request, officer, researcher, timezone.now(), extra_contacts=15)
    client.force_login(officer)
    url = reverse("admin:requests_app_supportrequest_change", args=[support_request.pk])
    client.get(url)
    with django_assert_max_num_queries(40):
        assert client.get(url).status_code == 200


def test_a_page_for_applicants_can_leave_out_staff_contacts(officer, researcher):
    support_request = SupportRequestFactory()
    _history(support_request, officer, researcher, timezone.now() - datetime.timedelta(days=1))
    kinds = {entry.kind for entry in selectors.request_timeline(support_request, kinds=["status"])}
    assert kinds == {"status"}


def test_the_beneficiary_page_query_count_does_not_grow_with_history(client, officer, researcher):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    short = SupportRequestFactory()
    long = SupportRequestFactory()
    _history(short, officer, researcher, timezone.now() - datetime.timedelta(days=1))
    _history(long, officer, researcher, timezone.now() - datetime.timedelta(days=1), 25)
    client.force_login(officer)

    def page(support_request):
        url = reverse(
            "admin:beneficiaries_beneficiary_change", args=[support_request.beneficiary.pk]
        )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    page(short)
    assert page(long) == page(short)
