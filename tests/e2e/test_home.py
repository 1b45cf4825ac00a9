"""The home page in a real Chromium on a phone-sized screen."""

import pytest

from tests.e2e.conftest import no_sideways_scroll

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_on_a_phone_is_arabic_and_fits_the_screen(live_server, phone, screenshot):
    phone.goto(live_server.url + "/")
    assert phone.locator("html").get_attribute("dir") == "rtl"
    assert phone.locator("html").get_attribute("lang") == "ar"
    assert no_sideways_scroll(phone)
    screenshot(phone, "ar")


def test_the_language_switch_gives_english_left_to_right(live_server, phone, screenshot):
    phone.goto(live_server.url + "/")
    phone.get_by_role("button", name="English").click()
    phone.wait_for_load_state()
    assert phone.locator("html").get_attribute("dir") == "ltr"
    assert phone.get_by_text("How can we help you?").is_visible()
    assert no_sideways_scroll(phone)
    screenshot(phone, "en")


def test_the_skip_link_is_the_first_thing_the_keyboard_reaches(live_server, phone):
    phone.goto(live_server.url + "/")
    phone.keyboard.press("Tab")
    focused = phone.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
