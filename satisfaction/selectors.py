"""Satisfaction figures for staff and the dashboard: CSAT, NPS and response rate by
program, channel, month and officer; rating distribution; complaints handled.

Figures never name a respondent. Officer figures are aggregates shown only when at least
``MIN_GROUP`` answers stand behind them (rating is for improvement, not punishment)."""

import datetime

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from config.dashboard.stats import HoursBetween, aggregate_with_percentiles
from config.dates import day_range

from .models import (
    Feedback,
    FeedbackStatus,
    QuestionKind,
    SurveyAnswer,
    SurveyInvitation,
    SurveyResponse,
)

MIN_GROUP = 5

DIMENSIONS = {
    # dimension: (answer/response path prefix, invitation field, label field)
    "program": ("program", "program"),
    "channel": ("channel", "channel"),
    "officer": ("officer", "officer"),
    "month": ("month", "month"),
}


def _figures(answer_rows: dict, responses: int, invitations: int) -> dict:
    rated = answer_rows.get("rated", 0)
    nps_count = answer_rows.get("nps_count", 0)
    return {
        "responses": responses,
        "invitations": invitations,
        "response_rate": round(100 * responses / invitations, 1) if invitations else None,
        "csat": round(100 * answer_rows.get("satisfied", 0) / rated, 1) if rated else None,
        "nps": round(
            100 * (answer_rows.get("promoters", 0) - answer_rows.get("detractors", 0)) / nps_count
        )
        if nps_count
        else None,
        "ratings": rated,
    }


_ANSWER_AGGREGATES = {
    "rated": Count(
        "id", filter=Q(question__kind=QuestionKind.RATING, question__counts_for_csat=True)
    ),
    "satisfied": Count(
        "id",
        filter=Q(question__kind=QuestionKind.RATING, question__counts_for_csat=True, number__gte=4),
    ),
    "nps_count": Count("id", filter=Q(question__kind=QuestionKind.NPS)),
    "promoters": Count("id", filter=Q(question__kind=QuestionKind.NPS, number__gte=9)),
    "detractors": Count("id", filter=Q(question__kind=QuestionKind.NPS, number__lte=6)),
}


def _scoped(start, end, program=None, channel=None):
    low, high = day_range(start, end)
    responses = SurveyResponse.objects.filter(submitted_at__gte=low, submitted_at__lt=high)
    invitations = SurveyInvitation.objects.filter(created_at__gte=low, created_at__lt=high)
    answers = SurveyAnswer.objects.filter(
        response__submitted_at__gte=low, response__submitted_at__lt=high
    )
    if program is not None:
        responses = responses.filter(program=program)
        invitations = invitations.filter(program=program)
        answers = answers.filter(response__program=program)
    if channel is not None:
        responses = responses.filter(channel=channel)
        invitations = invitations.filter(channel=channel)
        answers = answers.filter(response__channel=channel)
    return responses, invitations, answers


def satisfaction_summary(
    start: datetime.date, end: datetime.date, program=None, channel=None
) -> dict:
    """CSAT % (4–5 on the satisfaction ratings), NPS (−100…100), response rate % and counts
    for answers given between ``start`` and ``end`` (dates, inclusive)."""
    responses, invitations, answers = _scoped(start, end, program, channel)
    return _figures(answers.aggregate(**_ANSWER_AGGREGATES), responses.count(), invitations.count())


def satisfaction_by(start: datetime.date, end: datetime.date, dimension: str) -> list[dict]:
    """One row of figures per program, channel, month or officer. Officer rows with fewer
    than ``MIN_GROUP`` responses are left out, and no row ever names a respondent."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}")
    responses, invitations, answers = _scoped(start, end)
    if dimension == "month":
        response_key = TruncMonth("submitted_at")
        invitation_key = TruncMonth("created_at")
        answer_key = TruncMonth("response__submitted_at")
    else:
        response_key = F(f"{dimension}_id")
        invitation_key = F(f"{dimension}_id")
        answer_key = F(f"response__{dimension}_id")
    response_counts = {
        row["key"]: row["n"]
        for row in responses.annotate(key=response_key).values("key").annotate(n=Count("id"))
    }
    invitation_counts = {
        row["key"]: row["n"]
        for row in invitations.annotate(key=invitation_key).values("key").annotate(n=Count("id"))
    }
    answer_figures = {
        row.pop("key"): row
        for row in answers.annotate(key=answer_key).values("key").annotate(**_ANSWER_AGGREGATES)
    }
    keys = set(response_counts) | set(invitation_counts)
    labels = _labels(dimension, keys)
    rows = []
    for key in keys:
        responses_n = response_counts.get(key, 0)
        if dimension == "officer" and (key is None or responses_n < MIN_GROUP):
            continue
        row = _figures(answer_figures.get(key, {}), responses_n, invitation_counts.get(key, 0))
        row.update(key=key, label=labels.get(key, "—"))
        rows.append(row)
    rows.sort(key=lambda r: str(r["key"]) if dimension == "month" else r["label"])
    return rows


def _labels(dimension: str, keys) -> dict:
    ids = [key for key in keys if key is not None]
    if dimension == "program":
        from requests_app.models import Program

        return {p.pk: p.name for p in Program.objects.filter(pk__in=ids)}
    if dimension == "channel":
        from channels_app.models import Channel

        return {c.pk: c.name for c in Channel.objects.filter(pk__in=ids)}
    if dimension == "officer":
        from django.contrib.auth import get_user_model

        return {
            u.pk: u.get_full_name() or u.get_username()
            for u in get_user_model().objects.filter(pk__in=ids)
        }
    return {key: timezone.localtime(key).strftime("%Y-%m") if key else "—" for key in keys}


def rating_distribution(start: datetime.date, end: datetime.date, program=None) -> dict[int, int]:
    """How many satisfaction ratings gave 1, 2, 3, 4 and 5."""
    _responses, _invitations, answers = _scoped(start, end, program)
    counts = dict.fromkeys(range(1, 6), 0)
    for row in (
        answers.filter(question__kind=QuestionKind.RATING, question__counts_for_csat=True)
        .values("number")
        .annotate(n=Count("id"))
    ):
        if row["number"] in counts:
            counts[row["number"]] = row["n"]
    return counts


def feedback_summary(start: datetime.date, end: datetime.date) -> dict:
    """Complaints and suggestions received between the dates: how many, by kind, still open,
    answered, overdue, and the median hours to answer (percentile_cont in the database,
    never a loop over the rows): two queries on PostgreSQL."""
    low, high = day_range(start, end)
    received = Feedback.objects.filter(created_at__gte=low, created_at__lt=high)
    today = timezone.localdate()
    waiting = [FeedbackStatus.NEW, FeedbackStatus.IN_PROGRESS]
    counts = aggregate_with_percentiles(
        received,
        {
            "total": Count("id"),
            "open": Count("id", filter=Q(status__in=waiting)),
            "answered": Count("id", filter=Q(replied_at__isnull=False)),
            "overdue": Count("id", filter=Q(status__in=waiting, due_on__lt=today)),
        },
        HoursBetween("created_at", "replied_at"),
        {"median_hours": 0.5},
        where=Q(replied_at__isnull=False),
    )
    median_hours = counts.pop("median_hours")
    by_kind = dict(received.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    return {
        **counts,
        "by_kind": by_kind,
        "median_hours_to_answer": round(median_hours, 1) if median_hours is not None else None,
    }


def responses_for_export(start: datetime.date, end: datetime.date):
    """Responses with their answers for the staff export. The respondent is named only
    when they did not choose to answer anonymously."""
    low, high = day_range(start, end)
    return (
        SurveyResponse.objects.filter(submitted_at__gte=low, submitted_at__lt=high)
        .select_related("program", "channel", "beneficiary")
        .prefetch_related("answers__question")
        .order_by("-submitted_at", "-id")
    )
