"""Whole days in the site's time zone, for selectors that take dates (inclusive) and
pages that work with aware datetimes (end excluded)."""

import datetime

from django.utils import timezone


def day_range(
    start: datetime.date, end: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    """[start 00:00, the day after end 00:00) in the site's time zone."""
    zone = timezone.get_current_timezone()
    begin = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
    finish = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    return begin, finish


def dates_of(
    start: datetime.datetime, end: datetime.datetime
) -> tuple[datetime.date, datetime.date]:
    """The local first and last day of [start, end): the inverse of ``day_range``."""
    last = timezone.localtime(end - datetime.timedelta(microseconds=1)).date()
    return timezone.localtime(start).date(), last
