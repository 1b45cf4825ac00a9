"""The dashboard's figures are kept for ten minutes (config/dashboard/cache.py): the page
says so, a manager can refresh them, the overdue list stays live, and the kept figures
follow the filters and never show a panel to someone without its permission."""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from config.dashboard.cache import CACHE_SECONDS, cache_key
from config.dashboard.forms import DashboardFilterForm
from config.dashboard.panels import panels_for
from requests_app.workflow import Status
from tests.factories import (
    BeneficiaryFactory,
    SupportRequestFactory,
    UserFactory,
    decided_request,
    riyadh,
)

pytestmark = pytest.mark.django_db

URL = "/dashboard/"
PERIOD = {"calendar": "gregorian", "start": "2025-01", "end": "2025-03"}


def _figure(text: str, label: str) -> str:
    """The value shown under a figure's label."""
    match = re.search(re.escape(label) + r"</dt>\s*<dd><bdi>([^<]*)</bdi>", text)
    assert match, label
    return match.group(1)


def _received(client, data=PERIOD) -> str:
    client.cookies["django_language"] = "en"
    return _figure(client.get(URL, data).text, "Requests received")


def _filters(data=PERIOD):
    form = DashboardFilterForm(data)
    assert form.is_valid()
    return form.filters()


def test_the_page_says_when_its_figures_were_computed_in_arabic_and_english(client, manager):
    client.force_login(manager)
    text = client.get(URL, PERIOD).text
    now = timezone.localtime().strftime("%H:")
    assert "الأرقام كما كانت في الساعة" in text and "تُحدَّث كل 10 دقائق" in text
    assert "<time datetime=" in text and now in text
    client.cookies["django_language"] = "en"
    text = client.get(URL, PERIOD).text
    assert "Figures as of" in text and "(refreshed every 10 minutes)" in text
    assert "The overdue list is live." in text
    assert CACHE_SECONDS == 600


def test_kept_figures_are_served_until_a_manager_refreshes_them(client, manager):
    SupportRequestFactory(submitted_at=riyadh(2025, 1, 5))
    client.force_login(manager)
    assert _received(client) == "1"
    SupportRequestFactory(submitted_at=riyadh(2025, 2, 5))
    assert _received(client) == "1"  # kept: at most ten minutes old, as the page says
    response = client.post("/dashboard/refresh/", PERIOD)
    assert response.status_code == 302
    assert response["Location"].startswith(URL + "?") and "start=2025-01" in response["Location"]
    assert _received(client) == "2"


def test_the_refresh_button_is_a_csrf_protected_post_for_managers_only(manager, officer):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(manager)
    text = browser.get(URL, PERIOD).text
    assert 'action="/dashboard/refresh/"' in text and "csrfmiddlewaretoken" in text
    assert "<script" not in text
    assert browser.post("/dashboard/refresh/", PERIOD).status_code == 403  # no token
    assert browser.get("/dashboard/refresh/").status_code == 405
    browser.force_login(officer)
    text = browser.get(URL, PERIOD).text
    assert "Figures as of" in text or "الأرقام كما كانت" in text
    assert 'action="/dashboard/refresh/"' not in text
    plain = Client()
    plain.force_login(officer)
    assert plain.post("/dashboard/refresh/", PERIOD).status_code == 403


def test_the_kept_figures_follow_the_filters(client, manager):
    riyadh_person = BeneficiaryFactory(region="riyadh")
    SupportRequestFactory(beneficiary=riyadh_person, submitted_at=riyadh(2025, 1, 5))
    SupportRequestFactory(
        beneficiary=BeneficiaryFactory(region="makkah"), submitted_at=riyadh(2025, 1, 6)
    )
    client.force_login(manager)
    assert _received(client) == "2"
    assert _received(client, {**PERIOD, "region": "riyadh"}) == "1"
    assert _received(client, {**PERIOD, "start": "2025-02"}) == "0"
    assert _received(client) == "2"


def test_a_user_never_receives_a_panel_their_permissions_do_not_show(client, manager):
    SupportRequestFactory(
        beneficiary=BeneficiaryFactory(region="riyadh"), submitted_at=riyadh(2025, 1, 5)
    )
    client.force_login(manager)
    assert 'id="panel-beneficiaries"' in client.get(URL, PERIOD).text  # kept for the manager
    limited = UserFactory(username="requests-only", is_staff=True)
    limited.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_dashboard", "view_supportrequest"],
            content_type__app_label__in=["dashboard", "requests_app"],
        )
    )
    client.force_login(limited)
    text = client.get(URL, PERIOD).text
    assert 'id="panel-volumes"' in text
    assert 'id="panel-beneficiaries"' not in text and 'id="panel-satisfaction"' not in text
    # Two different entries: the manager's holds the beneficiaries' figures, this one not.
    filters = _filters()

    def entry(user):
        kept = [p.key for p in panels_for(user) if p.available and not p.live]
        return cache.get(cache_key(filters, kept, "ar"))

    assert "beneficiaries" in entry(manager)["data"]
    assert "beneficiaries" not in entry(limited)["data"]


def test_the_overdue_list_stays_live(client, manager):
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    assert _figure(client.get(URL, PERIOD).text, "Overdue requests") == "0"
    SupportRequestFactory(
        submitted_at=timezone.now() - datetime.timedelta(days=30), status=Status.VERIFICATION
    )
    assert _figure(client.get(URL, PERIOD).text, "Overdue requests") == "1"


def test_warm_dashboard_keeps_the_default_period_for_each_role(client, manager, auditor):
    call_command("warm_dashboard", stdout=open("/dev/null", "w"))  # noqa: SIM115
    decided_request(submitted=riyadh(2025, 1, 1), days_to_decide=3)
    client.force_login(manager)
    text = client.get(URL).text
    assert "الأرقام كما كانت" in text


def test_a_kept_page_reads_the_cache_instead_of_the_sources(
    client, manager, django_assert_max_num_queries
):
    for days in range(1, 6):
        decided_request(submitted=riyadh(2025, 1, 1), days_to_decide=days)
    client.force_login(manager)
    client.get(URL, PERIOD)
    with django_assert_max_num_queries(14) as kept:
        client.get(URL, PERIOD)
    sql = " ".join(q["sql"] for q in kept.captured_queries)
    assert "requests_app_statuschange" not in sql and "satisfaction_surveyanswer" not in sql
