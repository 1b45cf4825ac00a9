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
from django.utils import timezone
from django.utils.translation import get_language

from .panels import Panel, PanelResult, panels_for

CACHE_SECONDS = 10 * 60
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


def _compute(filters, panels: list[Panel], key: str) -> dict:
    entry = {
        "computed_at": timezone.now(),
        "data": {panel.key: panel.fetch(filters) for panel in panels},
    }
    try:
        cache.set(key, entry, CACHE_SECONDS)
    except Exception:  # a source that returns something the cache cannot keep
        logger.warning("Dashboard figures could not be cached", exc_info=True)
    return entry


def build_results(filters, panels: list[Panel], *, refresh: bool = False):
    """The panels' results and when their kept figures were computed (None when every
    panel shown is live or not yet available). One cache read when the figures are kept;
    otherwise every kept panel's source once, then one cache write."""
    kept = _cached_panels(panels)
    entry = None
    if kept:
        key = cache_key(filters, [p.key for p in kept])
        entry = None if refresh else cache.get(key)
        if entry is None or set(entry.get("data", {})) != {p.key for p in kept}:
            entry = _compute(filters, kept, key)
    results = []
    for panel in panels:
        if not panel.available:
            results.append(PanelResult(panel=panel, available=False))
        elif panel.live:
            results.append(panel.build(filters))
        else:
            results.append(panel.builder(panel, filters, entry["data"][panel.key]))
    return results, (entry["computed_at"] if entry else None)


def figures_for(user, filters, *, keys=None, refresh: bool = False):
    """What ``user`` may see (optionally only the panels named in ``keys``)."""
    panels = [p for p in panels_for(user) if keys is None or p.key in keys]
    return build_results(filters, panels, refresh=refresh)


def warm(filters, panels: list[Panel]) -> bool:
    """Compute and keep the figures of these panels now (for ``manage.py warm_dashboard``);
    False when none of them is kept."""
    kept = _cached_panels(panels)
    if kept:
        _compute(filters, kept, cache_key(filters, [p.key for p in kept]))
    return bool(kept)


def forget(user, filters, *, keys=None) -> None:
    """Drop the kept figures of this user's panels and these filters, in every language."""
    panels = _cached_panels([p for p in panels_for(user) if keys is None or p.key in keys])
    if panels:
        cache.delete_many(
            [cache_key(filters, [p.key for p in panels], code) for code, _n in settings.LANGUAGES]
        )
