"""Which way a message goes: the person's preferred channel, then whatever address exists."""

import datetime

import pytest
from django.utils import translation

from channels_app.notify import (
    Recipient,
    choose_route,
    dual_date_text,
    jsonable_context,
    language_of,
    sms_parts,
)

MOBILE = "+966501234567"
EMAIL = "huda@example.org"


@pytest.mark.parametrize(
    ("mobile", "email", "preferred", "expected"),
    [
        (MOBILE, EMAIL, "email", ("email", EMAIL, "email")),
        (MOBILE, EMAIL, "phone", ("sms", MOBILE, "phone")),
        (MOBILE, EMAIL, "", ("sms", MOBILE, "phone")),
        (MOBILE, EMAIL, "website", ("sms", MOBILE, "phone")),
        (MOBILE, "", "email", ("sms", MOBILE, "phone")),
        ("", EMAIL, "phone", ("email", EMAIL, "email")),
        ("", EMAIL, "in_person", ("email", EMAIL, "email")),
        ("", "", "letter", ("", "", "letter")),
        ("", "", "", ("", "", "phone")),
    ],
)
def test_the_route_follows_the_preference_then_the_address_that_exists(
    mobile, email, preferred, expected
):
    route = choose_route(
        Recipient("هدى", mobile=mobile, email=email, preferred_channel_code=preferred)
    )
    assert (route.transport, route.to, route.channel_code) == expected


def test_the_callers_channel_overrides_the_preference_for_one_message():
    recipient = Recipient("هدى", mobile=MOBILE, email=EMAIL, preferred_channel_code="phone")
    assert choose_route(recipient, channel_code="email").transport == "email"


@pytest.mark.parametrize(
    ("given", "used"), [("ar", "ar"), ("en", "en"), ("en-gb", "en"), ("fr", "ar"), ("", "ar")]
)
def test_messages_are_in_arabic_or_english(given, used):
    assert language_of(Recipient("x", language=given)) == used


def test_dates_in_the_values_are_stored_as_iso_text():
    values = jsonable_context({"due": datetime.date(2026, 8, 9), "n": 3, "obj": object})
    assert values["due"] == "2026-08-09"
    assert values["n"] == 3
    assert isinstance(values["obj"], str)


def test_the_plain_text_dual_date_reads_dates_and_iso_text():
    with translation.override("ar"):
        assert dual_date_text(datetime.date(2026, 8, 9)) == "26 صفر 1448 هـ (9 أغسطس 2026م)"
    with translation.override("en"):
        assert dual_date_text("2026-08-09") == "26 Safar 1448 AH (9 August 2026 CE)"
    assert dual_date_text("not a date") == "not a date"


def test_sms_parts_count_arabic_as_ucs2_and_latin_as_gsm():
    assert sms_parts("a" * 160) == (160, 1)
    assert sms_parts("a" * 161) == (161, 2)
    assert sms_parts("ب" * 70) == (70, 1)
    assert sms_parts("ب" * 71) == (71, 2)
    assert sms_parts("ب" * 135) == (135, 3)
