"""Hijri (Umm al-Qura) dates beside Gregorian ones, in Arabic and English."""

import datetime
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import translation

from config.hijri import dual_date_html, format_hijri, parse_hijri, to_hijri


@pytest.mark.parametrize(
    ("gregorian", "hijri"),
    [
        (datetime.date(2020, 9, 29), (1442, 2, 12)),
        (datetime.date(2025, 6, 26), (1447, 1, 1)),
    ],
)
def test_known_dates_convert_to_umm_al_qura(gregorian, hijri):
    assert to_hijri(gregorian).datetuple() == hijri


def test_arabic_shows_arabic_month_names():
    assert format_hijri(datetime.date(2020, 9, 29), "ar") == "12 صفر 1442 هـ"


def test_english_shows_english_month_names():
    assert format_hijri(datetime.date(2020, 9, 29), "en") == "12 Safar 1442 AH"


def test_an_aware_datetime_is_converted_on_riyadh_local_date():
    # 22:30 UTC on the 28th is already the 29th in Riyadh (UTC+3).
    moment = datetime.datetime(2020, 9, 28, 22, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))
    assert to_hijri(moment).datetuple() == (1442, 2, 12)


@pytest.mark.parametrize("day", [datetime.date(1900, 1, 1), datetime.date(2100, 1, 1)])
def test_dates_outside_the_calendar_range_show_gregorian_only(day):
    assert to_hijri(day) is None
    assert format_hijri(day) == ""
    with translation.override("en"):
        html = dual_date_html(day)
    assert str(day.year) in html
    assert "AH" not in html


def test_the_template_filter_shows_both_dates_in_the_active_language():
    template = Template("{{ day|dual_date }}")
    with translation.override("ar"):
        html = template.render(Context({"day": datetime.date(2020, 9, 29)}))
    assert "12 صفر 1442 هـ" in html
    assert "29 سبتمبر 2020م" in html
    with translation.override("en"):
        html = template.render(Context({"day": datetime.date(2020, 9, 29)}))
    assert "12 Safar 1442 AH" in html
    assert "29 September 2020" in html


def test_the_filter_is_quiet_on_empty_values():
    assert Template("[{{ day|dual_date }}]").render(Context({"day": None})) == "[]"
    assert Template("[{{ day|hijri }}]").render(Context({"day": "not a date"})) == "[]"


def test_parse_hijri_gives_gregorian():
    assert parse_hijri(1442, 2, 12) == datetime.date(2020, 9, 29)


@pytest.mark.parametrize("ymd", [(1445, 13, 1), (1446, 2, 31), (1200, 1, 1)])
def test_parse_hijri_refuses_dates_that_do_not_exist(ymd):
    with pytest.raises(ValueError):
        parse_hijri(*ymd)
