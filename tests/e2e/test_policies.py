"""/policies/ and the print view in a real Chromium: on a 390 px phone, and printed to
A4 as a board secretary would."""

from types import SimpleNamespace

import pytest

from policies import demo as policies_demo
from tests.e2e.conftest import ARTIFACTS, no_sideways_scroll

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def policies_in_force(transactional_db):
    """Only the policies part of the demo (board meeting no. 3 approving the standard
    texts): the other apps' demo data is not needed here."""
    policies_demo.seed(SimpleNamespace(users={}, say=lambda message: None))


def test_the_policies_page_on_a_phone_shows_the_approval_block(
    live_server, phone, screenshot, policies_in_force
):
    phone.goto(live_server.url + "/policies/")
    assert phone.locator("html").get_attribute("dir") == "rtl"
    block = phone.locator(".approval-block__statement").first
    assert "اجتماع مجلس الإدارة رقم (" in block.inner_text()
    assert no_sideways_scroll(phone)
    screenshot(phone, "list-ar")
    phone.get_by_text("سياسة تنظيم العلاقة مع المستفيدين").first.click()
    phone.wait_for_load_state()
    assert phone.locator("h1").inner_text() == "سياسة تنظيم العلاقة مع المستفيدين"
    assert no_sideways_scroll(phone)
    screenshot(phone, "detail-ar")


def test_the_policies_page_in_english_on_a_phone(live_server, phone, screenshot, policies_in_force):
    phone.goto(live_server.url + "/policies/")
    phone.get_by_role("button", name="English").click()
    phone.wait_for_load_state()
    assert phone.locator("html").get_attribute("dir") == "ltr"
    assert "This policy was approved by the board of directors" in phone.content()
    assert no_sideways_scroll(phone)
    screenshot(phone, "list-en")


def test_the_print_view_fits_a_phone_and_prints_on_a4(
    live_server, phone, browser, screenshot, policies_in_force
):
    phone.goto(live_server.url + "/policies/beneficiary-relations-policy/print/")
    assert no_sideways_scroll(phone)
    screenshot(phone, "print-phone")

    desktop = browser.new_page(viewport={"width": 1024, "height": 1400})
    try:
        desktop.goto(live_server.url + "/policies/beneficiary-relations-policy/print/")
        desktop.emulate_media(media="print")
        assert desktop.locator(".print-toolbar").is_hidden()
        assert desktop.locator(".signature-line").count() == 6
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        pdf = desktop.pdf(
            path=str(ARTIFACTS / "policy-a4.pdf"), format="A4", prefer_css_page_size=True
        )
        assert pdf.startswith(b"%PDF")
        pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
        assert 2 <= pages <= 8
        desktop.screenshot(path=str(ARTIFACTS / "policy-a4-print.png"), full_page=True)
    finally:
        desktop.close()
