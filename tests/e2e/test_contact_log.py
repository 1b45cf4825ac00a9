"""An officer logs a phone call from the beneficiary's page in a real Chromium, and finds
it on the same page's timeline."""

import pytest

from channels_app.models import Interaction
from tests.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_officer_logs_a_call_from_the_beneficiary_page(
    live_server, browser, officer, screenshot
):
    officer.set_password("officer-pass")
    officer.save()
    beneficiary = BeneficiaryFactory()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/admin/login/")
        page.fill("#id_username", "officer")
        page.fill("#id_password", "officer-pass")
        page.click("input[type=submit]")
        page.goto(f"{live_server.url}/admin/beneficiaries/beneficiary/{beneficiary.pk}/change/")
        assert page.locator("html").get_attribute("dir") == "rtl"
        page.get_by_role("link", name="تسجيل تواصل").first.click()
        page.wait_for_load_state()
        page.fill("#id_summary", "اتصل يسأل عن موعد صرف السلة")
        page.check("#id_answered_now")
        screenshot(page, "contact-log-form-ar")
        page.get_by_role("button", name="تسجيل التواصل").click()
        page.wait_for_load_state()
        assert f"/beneficiary/{beneficiary.pk}/change/" in page.url
        timeline = page.locator("section[aria-labelledby=ben-timeline]")
        assert "اتصل يسأل عن موعد صرف السلة" in timeline.inner_text()
        assert "تم الرد في الوقت" in timeline.inner_text()
        screenshot(page, "beneficiary-timeline-ar")
    finally:
        context.close()
    contact = Interaction.objects.get()
    assert contact.staff == officer and contact.beneficiary == beneficiary
