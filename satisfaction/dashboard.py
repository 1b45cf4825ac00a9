"""The satisfaction figures on /dashboard/ (issue #10): the selectors, adapted to the
dashboard's sources (aware datetimes, end excluded) and to its figure names."""

from config.dates import dates_of

from . import selectors
from .models import FeedbackKind


def satisfaction_source(start, end, program=None) -> dict:
    first, last = dates_of(start, end)
    figures = selectors.satisfaction_summary(first, last, program=program)
    return {
        "csat": figures["csat"],
        "nps": figures["nps"],
        "response_rate": figures["response_rate"],
        "responses": figures["responses"],
        "invited": figures["invitations"],
    }


def feedback_source(start, end) -> dict:
    first, last = dates_of(start, end)
    figures = selectors.feedback_summary(first, last)
    labels = dict(FeedbackKind.choices)
    return {
        "total": figures["total"],
        "open": figures["open"],
        "answered": figures["answered"],
        "overdue": figures["overdue"],
        "median_hours_to_answer": figures["median_hours_to_answer"],
        "by_kind": [[str(labels.get(kind, kind)), n] for kind, n in figures["by_kind"].items()],
    }
