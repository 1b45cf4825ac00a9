"""How a request's promise (POL-7.7) is shown: the due date in Hijri and Gregorian with
the days left; overdue requests stand out."""

import datetime

from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext, pgettext

from config.hijri import dual_date_html, format_gregorian, format_hijri


def plain_date(value) -> str:
    """Hijri (Gregorian) as plain text, for messages."""
    hijri = format_hijri(value)
    return f"{hijri} ({format_gregorian(value)})" if hijri else format_gregorian(value)


def days_left_text(left: int) -> str:
    if left < 0:
        return ngettext("%(days)d day overdue", "%(days)d days overdue", -left) % {"days": -left}
    if left == 0:
        return gettext("due today")
    return ngettext("%(days)d day left", "%(days)d days left", left) % {"days": left}


def due_html(obj, now: datetime.datetime | None = None):
    left = obj.days_left(now)
    if left is None:
        return format_html(
            '<span class="req-due req-due--done">{}</span>', pgettext("decision due", "decided")
        )
    if obj.clock_paused_at:
        return format_html(
            '<span class="req-due req-due--paused">{} · {}</span>',
            dual_date_html(obj.effective_due_at(now)),
            gettext("paused while waiting for the applicant"),
        )
    css = "overdue" if left < 0 else "soon" if left <= 3 else "ok"
    return format_html(
        '<span class="req-due req-due--{}">{} · <strong>{}</strong></span>',
        css,
        dual_date_html(obj.decision_due_at),
        days_left_text(left),
    )


class DueBadges:
    """``due_html`` for the many rows of one page: a queue page's rows share a handful of
    due dates and day counts, and each Hijri + Gregorian date (the slow part: hijridate
    and a localised date format) and each "N days left" is drawn once per page.

    One instance per request and language, with one ``now`` for all the rows."""

    def __init__(self, now: datetime.datetime | None = None):
        self.now = now or timezone.now()
        self._dates: dict = {}
        self._badges: dict = {}

    def days_left(self, obj) -> int | None:
        return obj.days_left(self.now)

    def html(self, obj, left: int | None = ...):
        """The badge of ``obj``; pass ``left`` (``days_left``) when already computed."""
        if left is ...:
            left = obj.days_left(self.now)
        if left is None:
            key = None
        elif obj.clock_paused_at:
            key = ("paused", timezone.localdate(obj.effective_due_at(self.now)))
        else:
            key = (left, timezone.localdate(obj.decision_due_at))
        badge = self._badges.get(key)
        if badge is None:
            badge = self._badges[key] = due_html(obj, self.now)
        return badge
