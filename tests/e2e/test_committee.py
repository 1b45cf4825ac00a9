"""The research committee in a real Chromium: two members log in at /committee/, open the
case from the queue, vote with a reason, and the decision is taken and shown."""

import pytest
from django.urls import NoReverseMatch, reverse

from requests_app.models import Decision
from requests_app.workflow import Status
from tests.e2e.conftest import no_sideways_scroll

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def committee_case(transactional_db):
    from config.roles import setup_roles
    from tests.factories import (
        CommitteeFactory,
        CommitteeUserFactory,
        ProgramFactory,
        SupportRequestFactory,
    )

    setup_roles()
    members = [
        CommitteeUserFactory(username="member-a", first_name="عبدالله", last_name="الشهري"),
        CommitteeUserFactory(username="member-b", first_name="سارة", last_name="الدوسري"),
    ]
    committee = CommitteeFactory(members=members, chair=members[0])
    program = ProgramFactory(committee=committee, quorum=2)
    case = SupportRequestFactory(program=program, in_committee=True, amount_requested=1500)
    return case


def _vote_as(browser, live_server, username, reason, screenshot, name):
    from tests.e2e.conftest import PHONE

    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/committee/")
        assert "/committee/login/" in page.url
        assert page.locator("html").get_attribute("dir") == "rtl"
        page.get_by_label("اسم المستخدم").fill(username)
        page.get_by_label("كلمة المرور").fill("correct-horse-battery")
        page.locator("main button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "الطلبات المعروضة على اللجنة"
        assert no_sideways_scroll(page)
        page.locator("table.queue a").first.click()
        page.wait_for_load_state()
        assert "ملف الحالة" in page.locator("h1").inner_text()
        page.get_by_label("موافقة").check()
        page.get_by_label("السبب").fill(reason)
        page.get_by_role("button", name="سجّل صوتي").click()
        page.wait_for_load_state()
        assert no_sideways_scroll(page)
        screenshot(page, name)
        return page.content()
    finally:
        context.close()


def test_two_members_vote_and_the_decision_is_taken(
    live_server, browser, screenshot, committee_case
):
    first = _vote_as(browser, live_server, "member-a", "الأسرة مستحقة", screenshot, "first-vote")
    assert "سُجّل صوتك." in first
    assert not Decision.objects.exists()
    second = _vote_as(browser, live_server, "member-b", "الحالة موثقة", screenshot, "decision")
    assert "سُجّل صوتك وصدر القرار." in second
    assert "قرار اللجنة" in second
    committee_case.refresh_from_db()
    assert committee_case.status == Status.APPROVED
    assert committee_case.decision.reason == "الأسرة مستحقة؛ الحالة موثقة"


def test_the_applicant_sees_the_decision_on_the_tracking_page(
    live_server, browser, phone, screenshot, committee_case
):
    try:
        reverse("track")
    except NoReverseMatch:
        pytest.skip("the public tracking page (/track/) is not in this branch yet")
    _vote_as(browser, live_server, "member-a", "الأسرة مستحقة", screenshot, "track-1")
    _vote_as(browser, live_server, "member-b", "الحالة موثقة", screenshot, "track-2")
    phone.goto(live_server.url + reverse("track"))
    phone.locator("input[name=reference]").fill(committee_case.reference)
    phone.locator("input[name=id_number]").fill(committee_case.beneficiary.id_number)
    phone.locator("form button[type=submit], form input[type=submit]").last.click()
    phone.wait_for_load_state()
    page = phone.content()
    assert "قرار اللجنة" in page
    assert "الأسرة مستحقة؛ الحالة موثقة" in page  # the reason, as the committee wrote it
    screenshot(phone, "track")
