"""The fast lists' whole page is drawn in Python (config/admin_list_page.py): it must be,
byte for byte, what admin/fast_change_list.html and the templates it extends draw
(admin/change_list.html, the project's admin/base_site.html, admin/base.html), for every
role, language and kind of list page; and when a template is not the one the Python was
written from, the templates draw the page."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from beneficiaries.models import Beneficiary
from config import admin_list_page
from requests_app.models import SupportRequest
from tests.factories import BeneficiaryFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db

BENEFICIARIES = reverse("admin:beneficiaries_beneficiary_changelist")
REQUESTS = reverse("admin:requests_app_supportrequest_changelist")

# What changes from one response to the next: the CSRF token and the CSP nonce.
PER_RESPONSE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"|nonce="[^"]*"')


@pytest.fixture
def drawn(monkeypatch):
    """Whether each page of the test was drawn in Python (True) or by the templates."""
    seen = []
    draw = admin_list_page.FastListPage._draw

    def spy(self, context, request):
        html = draw(self, context, request)
        seen.append(html is not None)
        return html

    monkeypatch.setattr(admin_list_page.FastListPage, "_draw", spy)
    return seen


def _page(client, url, params, language):
    with translation.override(language):
        response = client.get(url, params, headers={"accept-language": language})
    assert response.status_code == 200, response.status_code
    return PER_RESPONSE.sub("", response.content.decode())


def both_ways(client, url, params=None, language="ar", monkeypatch=None):
    fast = _page(client, url, params or {}, language)
    monkeypatch.setattr(admin_list_page, "ENABLED", False)
    stock = _page(client, url, params or {}, language)
    monkeypatch.setattr(admin_list_page, "ENABLED", True)
    return fast, stock


def assert_same(fast, stock):
    if fast != stock:
        at = next(
            (i for i, (a, b) in enumerate(zip(fast, stock, strict=False)) if a != b),
            min(len(fast), len(stock)),
        )
        start = max(0, at - 300)
        raise AssertionError(
            f"differs at {at}:\n{fast[start : at + 200]!r}\n---\n{stock[start : at + 200]!r}"
        )


@pytest.fixture
def rows(officer):
    late = timezone.now() - datetime.timedelta(days=20)
    SupportRequestFactory.create_batch(4, beneficiary__name_ar="أحمد علي", submitted_at=late)
    SupportRequestFactory.create_batch(8, beneficiary__name_ar="سعيد", assigned_officer=officer)
    BeneficiaryFactory.create_batch(3, name_ar="أحمد <b> سالم", name_en="Ahmad", region="riyadh")


PAGES = [
    (BENEFICIARIES, {}),
    (BENEFICIARIES, {"p": 2}),
    (BENEFICIARIES, {"p": 3}),
    (BENEFICIARIES, {"region": "riyadh", "kind": "direct", "o": "2.-9"}),
    (BENEFICIARIES, {"q": "احمد"}),
    (BENEFICIARIES, {"q": "no such person"}),
    (BENEFICIARIES, {"all": ""}),
    (REQUESTS, {}),
    (REQUESTS, {"due": "overdue", "assigned": "me"}),
    (REQUESTS, {"q": "احمد", "state": "all", "o": "-5.1"}),
    (REQUESTS, {"state": "final", "program": "1", "_facets": "True"}),
    (REQUESTS, {"state": "all", "_facets": "True", "p": 2}),
]


CASES = [("officer", language, url, params) for language in ("ar", "en") for url, params in PAGES]
CASES += [
    (user, language, url, params)
    for user in ("manager", "auditor")
    for language in ("ar", "en")
    for url, params in (PAGES[0], PAGES[2], PAGES[8])
]


@pytest.mark.parametrize(("user", "language", "url", "params"), CASES)
def test_the_page_drawn_in_python_is_what_the_templates_draw(
    client, rows, small_pages, drawn, monkeypatch, request, user, language, url, params
):
    client.force_login(request.getfixturevalue(user))
    fast, stock = both_ways(client, url, params, language, monkeypatch)
    assert drawn == [True], "the page was not drawn in Python"
    assert_same(fast, stock)


def test_every_template_of_the_page_is_the_one_the_python_draws():
    """An edited admin/base_site.html or admin/fast_change_list.html (or another Django)
    leaves the lists to their templates: update config/admin_list_page.py, then the
    checksums in DRAWN_TEMPLATES."""
    assert admin_list_page.templates_known()
    assert admin_list_page.object_tools_known(SupportRequest._meta)
    assert admin_list_page.object_tools_known(Beneficiary._meta)


def test_a_template_the_python_does_not_know_draws_the_page(
    client, officer, rows, drawn, monkeypatch
):
    client.force_login(officer)
    monkeypatch.setattr(admin_list_page, "_source_cache", {})
    monkeypatch.setitem(admin_list_page.DRAWN_TEMPLATES, "admin/base_site.html", "another")
    fast, stock = both_ways(client, REQUESTS, monkeypatch=monkeypatch)
    assert drawn == [False]
    assert_same(fast, stock)


def test_a_page_with_messages_is_drawn_by_the_templates_and_shows_them(
    client, officer, rows, drawn, monkeypatch
):
    """A message (after an action) is shown once, by the templates."""
    client.force_login(officer)
    pages = []
    for enabled in (True, False):
        monkeypatch.setattr(admin_list_page, "ENABLED", enabled)
        mine = list(SupportRequest.objects.values_list("pk", flat=True)[:2])
        response = client.post(
            REQUESTS, {"action": "assign_to_me", "_selected_action": mine, "index": 0}
        )
        assert response.status_code == 302
        response = client.get(REQUESTS)
        page = PER_RESPONSE.sub("", response.content.decode())
        assert 'class="messagelist"' in page
        pages.append(page)
        assert 'class="messagelist"' not in client.get(REQUESTS).content.decode()
    assert drawn == [False, True]
    assert_same(*pages)


def test_a_popup_list_is_drawn_by_the_templates(client, officer, rows, drawn, monkeypatch):
    client.force_login(officer)
    fast, stock = both_ways(client, BENEFICIARIES, {"_popup": "1"}, monkeypatch=monkeypatch)
    assert drawn == [False]
    assert_same(fast, stock)


def test_the_page_costs_no_query_of_its_own(client, officer, rows, monkeypatch):
    """Drawn in Python or by the templates, a list page asks the same queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(officer)
    client.get(REQUESTS)
    counts = []
    for enabled in (True, False):
        monkeypatch.setattr(admin_list_page, "ENABLED", enabled)
        with CaptureQueriesContext(connection) as queries:
            client.get(REQUESTS)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_planners_estimate_is_asked_once_a_minute_per_query(monkeypatch):
    """PostgreSQL: the same list asked again within a minute reuses the planner's figure
    (no EXPLAIN); another filter, or a minute later, asks again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from config import pagination

    if connection.vendor != "postgresql":
        pytest.skip("the planner's estimate is PostgreSQL's")
    monkeypatch.setattr(pagination, "_estimates", {})
    BeneficiaryFactory.create_batch(3, region="riyadh")

    def explains(queryset):
        with CaptureQueriesContext(connection) as queries:
            estimate = pagination._planner_estimate(queryset)
        assert isinstance(estimate, int)
        return sum(query["sql"].startswith("EXPLAIN") for query in queries)

    assert explains(Beneficiary.objects.all()) == 1
    assert explains(Beneficiary.objects.all()) == 0
    assert explains(Beneficiary.objects.filter(region="riyadh")) == 1
    later = pagination.time.monotonic() + pagination.ESTIMATE_SECONDS + 1
    monkeypatch.setattr(pagination, "time", SimpleNamespace(monotonic=lambda: later))
    assert explains(Beneficiary.objects.all()) == 1


def test_a_list_filtered_by_the_time_of_the_request_reuses_its_estimate(monkeypatch):
    """PostgreSQL: a filter on "now" (the overdue requests) is a new statement every
    microsecond; the estimates' key holds its moment to the minute, so the next page
    within that minute asks no EXPLAIN, and another minute asks again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from config import pagination

    if connection.vendor != "postgresql":
        pytest.skip("the planner's estimate is PostgreSQL's")
    monkeypatch.setattr(pagination, "_estimates", {})
    moment = datetime.datetime(2026, 3, 1, 10, 15, 5, 120, tzinfo=datetime.UTC)

    def explains(when):
        with CaptureQueriesContext(connection) as queries:
            pagination._planner_estimate(Beneficiary.objects.filter(created_at__lt=when))
        return sum(query["sql"].startswith("EXPLAIN") for query in queries)

    assert explains(moment) == 1
    assert explains(moment + datetime.timedelta(seconds=40, microseconds=7)) == 0
    assert explains(moment + datetime.timedelta(minutes=1)) == 1
