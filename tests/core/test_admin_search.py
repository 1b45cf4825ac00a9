"""The admin lists' name search at scale (issue #11): the matches are gathered, sorted,
counted and the page joined in one statement (config.pagination.counted_offset_rows);
the rows, their order and the count are those of the plain query, on every page, in
every order, and past the number of matches counted exactly."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beneficiaries.models import Beneficiary
from config import pagination
from requests_app.models import SupportRequest
from tests.core.test_admin_lists import ids, walk
from tests.factories import BeneficiaryFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db

BENEFICIARIES = reverse("admin:beneficiaries_beneficiary_changelist")
REQUESTS = reverse("admin:requests_app_supportrequest_changelist")


def search_statements(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if pagination.SEARCH_MATCHES in q["sql"]]


def test_a_request_search_reads_its_page_and_count_in_one_statement(
    client, officer, small_pages, django_assert_max_num_queries
):
    client.force_login(officer)
    wanted = SupportRequestFactory.create_batch(7, beneficiary__name_ar="أحمد سالم")
    SupportRequestFactory.create_batch(2, beneficiary__name_ar="سعيد")
    expected = [r.pk for r in sorted(wanted, key=lambda r: (r.decision_due_at, r.pk))]
    with django_assert_max_num_queries(20) as queries:
        response = client.get(REQUESTS, {"q": "احمد", "state": "all"})
    assert len(search_statements(queries)) == 1
    assert not any("COUNT(*) AS" in q["sql"] for q in queries.captured_queries)
    cl = response.context["cl"]
    assert cl.result_count == 7 and not cl.result_count_is_estimate
    assert ids(response) == expected[:5]
    second = client.get(REQUESTS, {"q": "احمد", "state": "all", "p": 2})
    assert ids(second) == expected[5:]
    assert second.context["cl"].result_count == 7
    assert client.get(REQUESTS, {"q": "احمد", "state": "all", "p": 3}).status_code == 302


def test_a_search_costs_the_same_queries_for_few_and_many_matches(
    client, officer, small_pages, django_assert_max_num_queries
):
    client.force_login(officer)
    SupportRequestFactory.create_batch(3, beneficiary__name_ar="أحمد")
    BeneficiaryFactory.create_batch(3, name_ar="أحمد")
    client.get(REQUESTS)  # the association's profile is read once, then cached

    def count(url, params):
        pagination._estimates.clear()  # each page asks the planner, as a new query would
        with django_assert_max_num_queries(40) as queries:
            assert client.get(url, params).status_code == 200
        return len(queries.captured_queries)

    few = (count(REQUESTS, {"q": "احمد", "state": "all"}), count(BENEFICIARIES, {"q": "احمد"}))
    SupportRequestFactory.create_batch(9, beneficiary__name_ar="أحمد")
    BeneficiaryFactory.create_batch(9, name_ar="أحمد")
    many = (count(REQUESTS, {"q": "احمد", "state": "all"}), count(BENEFICIARIES, {"q": "احمد"}))
    assert few == many


@pytest.mark.parametrize("order", [None, "-5", "1", "3", "-7"])
def test_every_page_of_a_request_search_is_the_plain_querys_page(
    client, officer, small_pages, order
):
    """In the default order (read from the gathered matches), by the due date or the
    reference (the request's own columns) and by the program or the officer (related
    ones, read by the window-count statement): the same rows in the same order."""
    client.force_login(officer)
    SupportRequestFactory.create_batch(8, beneficiary__name_ar="أحمد علي")
    SupportRequestFactory.create_batch(3, beneficiary__name_ar="علي أحمد", status="closed")
    SupportRequestFactory.create_batch(2, beneficiary__name_ar="سعيد")
    params = {"q": "احمد", "state": "all"}
    if order:
        params["o"] = order
    first = client.get(REQUESTS, params)
    cl = first.context["cl"]
    expected = list(cl.queryset.values_list("pk", flat=True))
    assert len(expected) == 11 and cl.result_count == 11
    pages = [ids(client.get(REQUESTS, {**params, "p": n})) for n in (1, 2, 3)]
    assert pages == [expected[:5], expected[5:10], expected[10:]]
    assert walk(client, REQUESTS, params) == pages


def test_a_beneficiary_search_pages_in_registration_order_with_its_count(
    client, officer, small_pages
):
    client.force_login(officer)
    wanted = BeneficiaryFactory.create_batch(6, name_ar="فاطمة الأحمد")
    BeneficiaryFactory.create_batch(2, name_ar="سعيد")
    expected = list(
        Beneficiary.objects.filter(pk__in=[b.pk for b in wanted])
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
    )
    for term in ("احمد", "الأحمد", "فاطمه"):
        response = client.get(BENEFICIARIES, {"q": term})
        assert response.context["cl"].result_count == 6, term
        assert ids(response) == expected[:5]
        assert ids(client.get(BENEFICIARIES, {"q": term, "p": 2})) == expected[5:]


def test_more_matches_than_are_counted_exactly_page_down_the_sort_order(
    client, officer, small_pages, monkeypatch
):
    """Past EXACT_BELOW matches the gathered ones are not all of them: the page is read
    down the sort order instead, and the count comes from the paginator."""
    monkeypatch.setattr(pagination, "EXACT_BELOW", 6)
    client.force_login(officer)
    SupportRequestFactory.create_batch(13, beneficiary__name_ar="أحمد")
    SupportRequestFactory.create_batch(2, beneficiary__name_ar="سعيد")
    params = {"q": "احمد", "state": "all"}
    expected = list(
        SupportRequest.objects.filter(beneficiary_name_normalized__contains="احمد")
        .order_by("decision_due_at", "id")
        .values_list("pk", flat=True)
    )
    pages = [client.get(REQUESTS, {**params, "p": n}) for n in (1, 2, 3)]
    assert [ids(page) for page in pages] == [expected[:5], expected[5:10], expected[10:]]
    # The paginator's count (SQLite counts; PostgreSQL estimates and says so).
    cl = pages[0].context["cl"]
    assert cl.result_count == 13 or cl.result_count_is_estimate
    assert client.get(REQUESTS, {**params, "p": 4}).status_code == 302


def test_a_search_with_nothing_found_is_an_empty_page(client, officer):
    client.force_login(officer)
    SupportRequestFactory(beneficiary__name_ar="سعيد")
    for url, params in (
        (REQUESTS, {"q": "زكريا", "state": "all"}),
        (BENEFICIARIES, {"q": "زكريا"}),
    ):
        response = client.get(url, params)
        assert response.status_code == 200
        assert ids(response) == [] and response.context["cl"].result_count == 0


def test_a_search_the_planner_overestimates_is_still_counted_exactly(
    client, officer, small_pages, monkeypatch
):
    """PostgreSQL's estimate for «%name%» moves in steps of 1 % of the table: a name
    on 0.4 % of a million rows is put at ~100 or at ~10,000 depending on the sample
    ANALYZE took. One step above the exact-count threshold still gathers and counts."""
    monkeypatch.setattr(pagination, "planner_estimate", lambda queryset: 15_000)
    client.force_login(officer)
    SupportRequestFactory.create_batch(7, beneficiary__name_ar="أحمد")
    response = client.get(REQUESTS, {"q": "احمد", "state": "all"})
    cl = response.context["cl"]
    assert cl.result_count == 7 and not cl.result_count_is_estimate
    assert len(ids(response)) == 5


def test_a_related_order_is_counted_by_window_only_below_the_exact_threshold(
    client, officer, small_pages, monkeypatch
):
    """Sorted by the program the page is read by COUNT(*) OVER (), which the
    planner may turn into a walk of every row: above EXACT_BELOW estimated matches that
    order pages down the sort index and the paginator says "about N"."""
    monkeypatch.setattr(pagination, "planner_estimate", lambda queryset: 15_000)
    client.force_login(officer)
    SupportRequestFactory.create_batch(7, beneficiary__name_ar="أحمد")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(REQUESTS, {"q": "احمد", "state": "all", "o": "3"})
    assert not any("OVER ()" in q["sql"] for q in queries.captured_queries)
    cl = response.context["cl"]
    assert len(ids(response)) == 5 and cl.has_next
    assert cl.result_count == 15_000 and cl.result_count_is_estimate


@pytest.mark.parametrize("term", ["ـــ", "ًٌٍ", "ـَـ"])
def test_a_search_of_only_tatweel_or_tashkeel_finds_nothing(client, officer, term):
    """It folds to an empty text, which every name contains: it used to list everyone."""
    client.force_login(officer)
    SupportRequestFactory(beneficiary__name_ar="سعيد")
    contacts = reverse("admin:channels_app_interaction_changelist")
    for url, params in (
        (REQUESTS, {"q": term, "state": "all"}),
        (BENEFICIARIES, {"q": term}),
        (contacts, {"q": term}),
    ):
        response = client.get(url, params)
        assert response.status_code == 200, url
        assert ids(response) == [] and response.context["cl"].result_count == 0, url
