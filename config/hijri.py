"""Hijri (Umm al-Qura) dates beside Gregorian ones.

Dates are stored Gregorian (DESIGN.md) and shown with their Hijri equivalent. hijridate
covers 1343–1500 AH (1924-08-01 to 2077-11-16); outside that range we show the Gregorian
date alone rather than fail a page."""

import datetime

from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import get_language
from hijridate import Gregorian, Hijri


def _as_date(value) -> datetime.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return None


def _lang(lang: str | None) -> str:
    lang = (lang or get_language() or "ar").split("-")[0]
    return "ar" if lang == "ar" else "en"


def to_hijri(value) -> Hijri | None:
    """The Umm al-Qura date for a Gregorian date (or aware datetime), None out of range."""
    day = _as_date(value)
    if day is None:
        return None
    try:
        return Gregorian.fromdate(day).to_hijri()
    except (OverflowError, ValueError):
        return None


def format_hijri(value, lang: str | None = None) -> str:
    """«12 صفر 1442 هـ» in Arabic, «12 Safar 1442 AH» in English; "" when out of range."""
    hijri = to_hijri(value)
    if hijri is None:
        return ""
    lang = _lang(lang)
    return f"{hijri.day} {hijri.month_name(lang)} {hijri.year} {hijri.notation(lang)}"


def format_gregorian(value, lang: str | None = None) -> str:
    """«29 سبتمبر 2020م» in Arabic, «29 September 2020» in English."""
    day = _as_date(value)
    if day is None:
        return ""
    text = formats.date_format(day, "j F Y")
    return f"{text}م" if _lang(lang) == "ar" else f"{text} CE"


def dual_date_html(value, lang: str | None = None):
    """The Hijri date with its Gregorian equivalent, as safe HTML with a machine-readable
    <time> element. Out of hijridate's range: the Gregorian date only."""
    day = _as_date(value)
    if day is None:
        return ""
    gregorian = format_gregorian(day, lang)
    hijri = format_hijri(day, lang)
    if not hijri:
        return format_html('<time datetime="{}">{}</time>', day.isoformat(), gregorian)
    return format_html(
        '<time class="dual-date" datetime="{}"><span class="hijri">{}</span>'
        ' <span class="gregorian">({})</span></time>',
        day.isoformat(),
        hijri,
        gregorian,
    )


def parse_hijri(year: int, month: int, day: int) -> datetime.date:
    """The Gregorian date of a Hijri date; ValueError with a readable reason if it does
    not exist (1445-13-01, 1446-02-31) or is out of range."""
    try:
        return Hijri(int(year), int(month), int(day)).to_gregorian()
    except OverflowError as exc:
        raise ValueError(str(exc)) from exc
