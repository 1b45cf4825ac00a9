"""A manager opens the dashboard in a real Chromium, in Arabic (right to left) and in
English: the charts are drawn (SVG) with a data table beside each, the page says when its
figures were computed and refreshes them on request, nothing breaks the Content Security
Policy, and the governance report renders. Screenshots go to MUSTAFID_E2E_ARTIFACTS."""

import datetime

import pytest
from django.utils import timezone

from requests_app.workflow import Status
from tests.e2e.conftest import PHONE, no_sideways_scroll

pytestmark = pytest.mark.django_db(transaction=True)

QUERY = "?calendar=gregorian&start=2025-01&end=2025-06"


@pytest.fixture
def manager_with_figures(transactional_db):
    from config.roles import MANAGER, setup_roles
    from tests.factories import (
        BeneficiaryFactory,
        FeedbackFactory,
        SupportRequestFactory,
        UserFactory,
        decided_request,
        delivered_request,
        riyadh,
    )

    setup_roles()
    manager = UserFactory(username="manager", is_staff=True, roles=[MANAGER])
    manager.set_password("manager-pass")
    manager.save()
    regions = ["riyadh", "makkah", "eastern", "riyadh", "qassim", "riyadh"]
    genders = ["female", "male"]
    for month in range(1, 7):
        for i in range(month + 2):
            person = BeneficiaryFactory(
                region=regions[(month + i) % len(regions)],
                gender=genders[i % 2],
                birth_date=datetime.date(1950 + 7 * i, month, 1),
            )
            decided_request(
                submitted=riyadh(2025, month, 2 + i),
                days_to_decide=3 + (i * 5) % 18,
                beneficiary=person,
            )
        delivered_request(submitted=riyadh(2025, month, 1), delivered=riyadh(2025, month, 20))
    for _i in range(3):
        SupportRequestFactory(
            submitted_at=timezone.now() - datetime.timedelta(days=30), status=Status.VERIFICATION
        )
    FeedbackFactory.create_batch(2, kind="complaint")
    FeedbackFactory(kind="suggestion")
    return manager


def _login(page, base):
    page.goto(base + "/admin/login/?next=/dashboard/")
    page.fill("#id_username", "manager")
    page.fill("#id_password", "manager-pass")
    page.click("input[type=submit]")
    page.wait_for_load_state()


def _check_dashboard(page, *, rtl: bool):
    assert page.locator("html").get_attribute("dir") == ("rtl" if rtl else "ltr")
    charts = page.locator("section.panel svg")
    assert charts.count() >= 5  # volumes, backlog, channels, regions, genders, ages…
    directions = {charts.nth(i).get_attribute("direction") for i in range(charts.count())}
    assert directions <= {"rtl" if rtl else "ltr", None}
    assert page.locator("section.panel details.data-table table").count() >= charts.count()
    assert page.locator("#figures-as-of time").count() == 1
    for key in ("volumes", "timeliness", "overdue", "beneficiaries", "satisfaction", "feedback"):
        assert page.locator(f"#panel-{key}").is_visible()
    assert "panel__unavailable" not in page.locator("#panel-volumes").get_attribute("class")


def test_a_manager_sees_the_dashboard_in_both_languages_and_prints_the_report(
    live_server, browser, manager_with_figures, screenshot
):
    problems = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    # CSP violations and script errors show as console errors; failed requests (other
    # than the browser's own favicon guess) are collected from the responses.
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" and "Failed to load resource" not in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico")
            else None
        ),
    )
    try:
        _login(page, live_server.url)
        page.goto(live_server.url + "/dashboard/" + QUERY)
        assert page.locator("h1").inner_text() == "لوحة المؤشرات"
        _check_dashboard(page, rtl=True)
        assert "الأرقام كما كانت في الساعة" in page.locator("#figures-as-of").inner_text()
        page.locator("#panel-beneficiaries details.data-table summary").first.click()
        screenshot(page, "dashboard-ar")

        # The manager refreshes the kept figures: a POST (CSRF token), back to the page.
        page.get_by_role("button", name="حدِّث الأرقام الآن").click()
        page.wait_for_load_state()
        assert "/dashboard/" in page.url and "start=2025-01" in page.url
        _check_dashboard(page, rtl=True)

        context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
        page.goto(live_server.url + "/dashboard/" + QUERY)
        assert page.locator("h1").inner_text() == "Dashboard"
        _check_dashboard(page, rtl=False)
        assert "Figures as of" in page.locator("#figures-as-of").inner_text()
        screenshot(page, "dashboard-en")

        page.goto(live_server.url + "/dashboard/report/" + QUERY)
        assert page.locator("h1").count() == 1
        assert page.locator("section.panel svg").count() >= 3
        assert page.locator("table").count() >= 3
        screenshot(page, "report-en")
        page.emulate_media(media="print")
        screenshot(page, "report-en-print")
        page.emulate_media(media="screen")

        context.add_cookies([{"name": "django_language", "value": "ar", "url": live_server.url}])
        page.goto(live_server.url + "/dashboard/report/" + QUERY)
        assert page.locator("html").get_attribute("dir") == "rtl"
        screenshot(page, "report-ar")

        page.set_viewport_size(PHONE)
        page.goto(live_server.url + "/dashboard/" + QUERY)
        _check_dashboard(page, rtl=True)
        assert no_sideways_scroll(page)
        screenshot(page, "dashboard-ar-phone")
    finally:
        context.close()
    assert not problems, problems
