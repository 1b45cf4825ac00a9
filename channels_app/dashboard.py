"""The contact log and indirect reach on /dashboard/ (issue #10): the selectors, adapted
to the dashboard's sources (aware datetimes, end excluded) and its figure names."""

from config.dates import dates_of

from . import selectors


def contacts_source(start, end) -> dict:
    rows = selectors.channel_mix(*dates_of(start, end))
    answers = selectors.inquiries_answer_stats(*dates_of(start, end))
    return {
        "total": sum(row["total"] for row in rows),
        "inquiries_on_time": answers.get("on_time_rate"),
        "median_hours_to_answer": answers.get("median_hours"),
        "by_channel": [[row["channel"].name, row["total"]] for row in rows if row["total"]],
    }


def indirect_reach_source(start, end) -> dict:
    figures = selectors.indirect_reach(*dates_of(start, end))
    return {
        "reach": figures["totals"]["reach"],
        "registered_indirect": figures["registered_indirect"],
        "by_channel": [[row["channel"].name, row["reach"]] for row in figures["channels"]],
    }
