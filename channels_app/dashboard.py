"""The contact log and indirect reach on /dashboard/ (issue #10): the selectors, adapted
to the dashboard's sources (aware datetimes, end excluded) and its figure names."""

import datetime

from django.utils import timezone

from . import selectors


def _dates(start: datetime.datetime, end: datetime.datetime) -> tuple[datetime.date, datetime.date]:
    last = timezone.localtime(end - datetime.timedelta(microseconds=1)).date()
    return timezone.localtime(start).date(), last


def contacts_source(start, end) -> dict:
    rows = selectors.channel_mix(*_dates(start, end))
    answers = selectors.inquiries_answer_stats(*_dates(start, end))
    return {
        "total": sum(row["total"] for row in rows),
        "inquiries_on_time": answers.get("on_time_rate"),
        "median_hours_to_answer": answers.get("median_hours"),
        "by_channel": [[row["channel"].name, row["total"]] for row in rows if row["total"]],
    }


def indirect_reach_source(start, end) -> dict:
    figures = selectors.indirect_reach(*_dates(start, end))
    return {
        "reach": figures["totals"]["reach"],
        "registered_indirect": figures["registered_indirect"],
        "by_channel": [[row["channel"].name, row["reach"]] for row in figures["channels"]],
    }
