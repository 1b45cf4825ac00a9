"""Periods of months, Gregorian or Hijri (Umm al-Qura), as aware datetime boundaries.

A period is whole months ``start``..``end`` (both included) of one calendar; its buckets
are the months, each [start, next start) at local midnight (Asia/Riyadh). Figures are
counted in the database against these boundaries, so a Hijri month is as cheap as a
Gregorian one."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from hijridate import Hijri

from config.hijri import to_hijri

GREGORIAN = "gregorian"
HIJRI = "hijri"
CALENDARS = [(GREGORIAN, _("Gregorian months")), (HIJRI, _("Hijri months"))]
MAX_MONTHS = 36

GREGORIAN_MONTHS = [
    _("January"),
    _("February"),
    _("March"),
    _("April"),
    _("May"),
    _("June"),
    _("July"),
    _("August"),
    _("September"),
    _("October"),
    _("November"),
    _("December"),
]


@dataclass(frozen=True)
class Month:
    calendar: str
    year: int
    month: int

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def first_day(self) -> datetime.date:
        if self.calendar == HIJRI:
            return Hijri(self.year, self.month, 1).to_gregorian()
        return datetime.date(self.year, self.month, 1)

    def next(self) -> "Month":
        if self.month == 12:
            return Month(self.calendar, self.year + 1, 1)
        return Month(self.calendar, self.year, self.month + 1)

    def label(self, lang: str = "ar") -> str:
        if self.calendar == HIJRI:
            name = Hijri(self.year, self.month, 1).month_name("ar" if lang == "ar" else "en")
            return f"{name} {self.year}"
        return f"{GREGORIAN_MONTHS[self.month - 1]} {self.year}"


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def months_between(first: Month, last: Month) -> list[Month]:
    months, current = [], first
    while (current.year, current.month) <= (last.year, last.month):
        months.append(current)
        current = current.next()
    return months


@dataclass(frozen=True)
class Period:
    """Whole months of one calendar; ``start`` included, ``end`` excluded (aware)."""

    calendar: str
    months: tuple[Month, ...]

    @property
    def start(self) -> datetime.datetime:
        return _midnight(self.months[0].first_day())

    @property
    def end(self) -> datetime.datetime:
        return _midnight(self.months[-1].next().first_day())

    @property
    def first_day(self) -> datetime.date:
        return self.months[0].first_day()

    @property
    def last_day(self) -> datetime.date:
        return self.months[-1].next().first_day() - datetime.timedelta(days=1)

    def boundaries(self) -> list[tuple[datetime.datetime, datetime.datetime]]:
        """[start, end) of each month of the period, in order."""
        edges = [_midnight(m.first_day()) for m in self.months] + [self.end]
        return list(zip(edges[:-1], edges[1:], strict=True))

    def labels(self, lang: str = "ar") -> list[str]:
        return [month.label(lang) for month in self.months]

    def as_filters(self) -> dict:
        return {
            "calendar": self.calendar,
            "start": self.months[0].key,
            "end": self.months[-1].key,
        }


def parse_month(calendar: str, text: str) -> Month:
    """ "2025-03" or "1447-09" → Month; ValueError with a reason a person can read."""
    try:
        year_text, month_text = text.strip().split("-")
        year, month = int(year_text), int(month_text)
    except (AttributeError, ValueError) as exc:
        raise ValueError("format") from exc
    if not 1 <= month <= 12:
        raise ValueError("month")
    if calendar == HIJRI:
        if not 1343 <= year <= 1499:
            raise ValueError("range")
    elif not 1925 <= year <= 2076:
        raise ValueError("range")
    return Month(calendar, year, month)


def current_month(calendar: str, today: datetime.date | None = None) -> Month:
    today = today or timezone.localdate()
    if calendar == HIJRI:
        hijri = to_hijri(today)
        return Month(HIJRI, hijri.year, hijri.month)
    return Month(GREGORIAN, today.year, today.month)


def default_period(calendar: str = GREGORIAN, today: datetime.date | None = None) -> Period:
    """The last twelve months up to and including the current one."""
    last = current_month(calendar, today)
    first = last
    for _i in range(11):
        first = (
            Month(calendar, first.year - 1, 12)
            if first.month == 1
            else Month(calendar, first.year, first.month - 1)
        )
    return Period(calendar, tuple(months_between(first, last)))
