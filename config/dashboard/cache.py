"""The dashboard's figures, kept for a short while.

Most figures aggregate every request of the period: at a million requests that is a
second of database work, too slow to repeat on every view, and a figure about a month or
a year is honestly allowed to be a few minutes old. So the panels' data is computed once
and kept in Django's cache for ``CACHE_SECONDS``; the page says when it was computed
("figures as of 10:42, refreshed every 10 minutes"), and a user with
``dashboard.refresh_dashboard`` may recompute it at once. Live panels (the overdue list:
people waiting) are computed on every view.

One cache entry holds the data of all the panels one user may see, for one set of
filters and one language (outside sources may give labels already translated). Its key
is made of those three, so a user never receives a panel their permissions do not show:
two roles that see different panels read different entries. What is kept is the panels'
data (numbers, counts, labels), not the rendered page: charts and tables are drawn from
it on every view."""

import hashlib
import json
import logging

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .panels import Panel, PanelResult, panels_for

CACHE_SECONDS = 10 * 60
# What warm_dashboard keeps lives a little longer, so that when cron runs it every ten
# minutes the next run replaces it before it expires (the page shows its exact age).
WARM_GRACE_SECONDS = 3 * 60
KEY_VERSION = 1
logger = logging.getLogger(__name__)


def _language(language: str | None = None) -> str:
    return (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]


def cache_key(filters, panel_keys, language: str | None = None) -> str:
    raw = json.dumps(
        {
            "filters": filters.as_dict(),
            "panels": sorted(panel_keys),
            "language": _language(language),
        },
        sort_keys=True,
    )
    digest = hashlib.sha256(raw.encode()).hexdigest()
    return f"dashboard:figures:v{KEY_VERSION}:{digest}"


def _cached_panels(panels: list[Panel]) -> list[Panel]:
    return [p for p in panels if p.available and not p.live]


def _compute(filters, panels: list[Panel], key: str, timeout: int = CACHE_SECONDS) -> dict:
    entry = {
        "computed_at": timezone.now(),
        "data": {panel.key: panel.fetch(filters) for panel in panels},
    }
    try:
        cache.set(key, entry, timeout)
    except Exception:  # a source that returns something the cache cannot keep
        logger.warning("Dashboard figures could not be cached", exc_info=True)
    return entry


def _kept_entry(filters, panels: list[Panel], refresh: bool):
    """(key, entry, just computed) of the kept figures of these panels; computed now
    when missing."""
    kept = _cached_panels(panels)
    if not kept:
        return None, None, False
    key = cache_key(filters, [p.key for p in kept])
    entry = None if refresh else cache.get(key)
    if entry is None or set(entry.get("data", {})) != {p.key for p in kept}:
        return key, _compute(filters, kept, key), True
    return key, entry, False


def _result(panel: Panel, filters, entry) -> PanelResult:
    if not panel.available:
        return PanelResult(panel=panel, available=False)
    if panel.live or entry is None:
        return panel.build(filters)
    return panel.builder(panel, filters, entry["data"][panel.key])


def rendered_panels(filters, panels: list[Panel], context: dict, *, refresh: bool = False):
    """The panels as HTML (dashboard/_panel.html) and when their kept figures were
    computed. Drawing the charts and tables costs more than reading the kept figures, so
    the kept panels' HTML is kept beside them (same key, same age, plus ``context``,
    e.g. whether download links show): a kept page is two cache reads and the live
    panels' queries."""
    key, entry, computed = _kept_entry(filters, panels, refresh)
    html_key = None
    stored, fresh = {}, {}
    if entry is not None:
        flags = json.dumps(context, sort_keys=True, default=str)
        html_key = "{}:html:{}:{}".format(
            key,
            entry["computed_at"].timestamp(),
            hashlib.sha256(flags.encode()).hexdigest()[:16],
        )
        stored = {} if computed else (cache.get(html_key) or {})
    template = get_template("dashboard/_panel.html")
    out = []
    for panel in panels:
        kept = entry is not None and panel.available and not panel.live
        html = stored.get(panel.key) if kept else None
        if html is None:
            result = _result(panel, filters, entry)
            html = template.render({**context, "result": result})
            if kept:
                fresh[panel.key] = html
        out.append(mark_safe(html))  # noqa: S308 - rendered by our own template
    if fresh:
        cache.set(html_key, {**stored, **fresh}, CACHE_SECONDS)
    return out, (entry["computed_at"] if entry else None)


def warm(filters, panels: list[Panel]) -> bool:
    """Compute and keep the figures of these panels now (for ``manage.py warm_dashboard``);
    False when none of them is kept."""
    kept = _cached_panels(panels)
    if kept:
        key = cache_key(filters, [p.key for p in kept])
        _compute(filters, kept, key, CACHE_SECONDS + WARM_GRACE_SECONDS)
    return bool(kept)


def forget(user, filters, *, keys=None) -> None:
    """Drop the kept figures of this user's panels and these filters, in every language."""
    panels = _cached_panels([p for p in panels_for(user) if keys is None or p.key in keys])
    if panels:
        cache.delete_many(
            [cache_key(filters, [p.key for p in panels], code) for code, _n in settings.LANGUAGES]
        )
