"""The registry of dashboard panels: each panel is a source of figures plus a builder
that turns them into figures, charts and tables.

Parts of Mustafid that are built separately plug in with one call, e.g. in their
AppConfig.ready()::

    from config.dashboard.panels import register_panel
    from satisfaction import selectors
    register_panel("satisfaction", source=selectors.satisfaction_summary)

A source registered that way is called ``source(start, end[, program=…])`` with aware
datetimes, ``start`` included and ``end`` excluded, and ``program`` (a Program or None)
only when the function accepts it. It returns a dict of figures (numbers, or a nested
dict of counts, or a list of (label, count) pairs). A panel declared here whose source
is not registered shows an honest "not yet available", never a made-up figure."""

import datetime
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext_lazy as _

TEXT, INT, PERCENT, DAYS, DATE, DECIMAL = "text", "int", "percent", "days", "date", "decimal"


@dataclass
class Column:
    label: object
    kind: str = TEXT


@dataclass
class Table:
    key: str
    title: object
    columns: list[Column]
    rows: list[list]
    chart: str = ""  # "bars", "lines" or ""
    chart_svg: str = ""
    series: list = field(default_factory=list)  # for line charts: [(name, values)]
    links: list = field(default_factory=list)  # optional URL per row


@dataclass
class Figure:
    label: object
    value: object
    kind: str = INT
    note: object = ""
    state: str = ""  # "good", "bad" or ""


@dataclass
class PanelResult:
    panel: "Panel"
    available: bool
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    note: object = ""

    @property
    def empty(self) -> bool:
        if not self.available:
            return False
        numbers = [f.value for f in self.figures if isinstance(f.value, int | float)]
        rows = any(t.rows and any(_nonzero(r) for r in t.rows) for t in self.tables)
        return not rows and not any(numbers)


def _nonzero(row) -> bool:
    return any(isinstance(v, int | float) and v for v in row[1:]) or (
        len(row) > 1 and not all(isinstance(v, int | float) for v in row[1:])
    )


@dataclass(frozen=True)
class Panel:
    key: str
    title: object
    order: int
    builder: Callable  # (panel, filters, data) -> PanelResult
    source: Callable | None = None
    permission: str | None = None
    takes_filters: bool = False  # built-in sources take DashboardFilters
    description: object = ""
    # Live panels are computed on every view; the others may be up to
    # config.dashboard.cache.CACHE_SECONDS old (and the page says so).
    live: bool = False

    @property
    def available(self) -> bool:
        return self.source is not None

    def fetch(self, filters):
        if self.takes_filters:
            return self.source(filters)
        return call_source(self.source, filters)

    def build(self, filters) -> PanelResult:
        if not self.available:
            return PanelResult(panel=self, available=False)
        return self.builder(self, filters, self.fetch(filters))


_REGISTRY: dict[str, Panel] = {}


def call_source(source: Callable, filters):
    """Call an outside source with the period and, when it accepts it, the program."""
    kwargs = {}
    try:
        parameters = inspect.signature(source).parameters
    except (TypeError, ValueError):
        parameters = {}
    if "program" in parameters:
        kwargs["program"] = filters.program
    return source(filters.period.start, filters.period.end, **kwargs)


def declare_panel(
    key: str,
    *,
    title,
    order: int,
    builder: Callable | None = None,
    source: Callable | None = None,
    permission: str | None = None,
    takes_filters: bool = False,
    description="",
    live: bool = False,
) -> Panel:
    """A panel the dashboard shows; without a source it says "not yet available". A
    ``live`` panel is computed on every view, never taken from the cache."""
    existing = _REGISTRY.get(key)
    panel = Panel(
        key=key,
        title=title,
        order=order,
        builder=builder or generic_builder,
        source=source if source is not None else (existing.source if existing else None),
        permission=permission or (existing.permission if existing else None),
        takes_filters=takes_filters
        if source is not None or not existing
        else existing.takes_filters,
        description=description,
        live=live,
    )
    _REGISTRY[key] = panel
    return panel


def register_panel(
    key: str,
    *,
    source: Callable,
    title=None,
    order: int | None = None,
    permission: str | None = None,
    builder: Callable | None = None,
    takes_filters: bool = False,
) -> Panel:
    """Give a panel its source (one call per outside part). An unknown key adds a new
    panel, which then needs a title. The built-in panels are declared first, whichever
    app's ready() calls this before the dashboard's own."""
    from . import builtin  # noqa: F401 - declares the built-in panels (idempotent import)

    existing = _REGISTRY.get(key)
    if existing is None:
        if title is None:
            raise ValueError(f"New dashboard panel {key!r} needs a title.")
        return declare_panel(
            key,
            title=title,
            order=order if order is not None else 1000,
            builder=builder,
            source=source,
            permission=permission,
            takes_filters=takes_filters,
        )
    changes = {"source": source, "takes_filters": takes_filters}
    for name, value in (("title", title), ("order", order), ("permission", permission)):
        if value is not None:
            changes[name] = value
    if builder is not None:
        changes["builder"] = builder
    panel = replace(existing, **changes)
    _REGISTRY[key] = panel
    return panel


def unregister_panel_source(key: str) -> None:
    """Back to "not yet available" (tests)."""
    if key in _REGISTRY:
        _REGISTRY[key] = replace(_REGISTRY[key], source=None)


def get_panel(key: str) -> Panel | None:
    return _REGISTRY.get(key)


def panels_for(user) -> list[Panel]:
    return sorted(
        (p for p in _REGISTRY.values() if not p.permission or user.has_perm(p.permission)),
        key=lambda p: (p.order, p.key),
    )


# --- the builder for outside sources --------------------------------------------------

# Labels and kinds of the figures the outside sources are expected to give.
KNOWN_FIGURES = {
    "csat": (_("Satisfaction (CSAT)"), PERCENT),
    "nps": (_("Net promoter score (NPS)"), DECIMAL),
    "response_rate": (_("Survey response rate"), PERCENT),
    "open": (_("Open"), INT),
    "answered": (_("Answered"), INT),
    "median_hours": (_("Median hours to answer"), DECIMAL),
    "median_hours_to_answer": (_("Median hours to answer"), DECIMAL),
    "invited": (_("Invited"), INT),
    "responses": (_("Responses"), INT),
    "total": (_("Total"), INT),
    "overdue": (_("Overdue"), INT),
    "by_kind": (_("By kind"), INT),
    "by_channel": (_("By channel"), INT),
    "registered_indirect": (_("Indirect beneficiaries registered"), INT),
    "inquiries_on_time": (_("Inquiries answered on time"), PERCENT),
    "reach": (_("People reached"), INT),
}


def _figure(key: str, value) -> Figure:
    label, kind = KNOWN_FIGURES.get(key, (key.replace("_", " "), INT))
    if kind == PERCENT and isinstance(value, int | float) and value > 1:
        value = value / 100  # a source that gives 0–100
    if kind == INT and isinstance(value, float) and not value.is_integer():
        kind = DECIMAL
    return Figure(label=label, value=value, kind=kind)


def _pairs(value) -> list[list] | None:
    """A table from a dict of counts or a list of pairs / {label, count} dicts."""
    if isinstance(value, dict) and all(isinstance(v, int | float) for v in value.values()):
        return [[str(k), v] for k, v in value.items()]
    if isinstance(value, list | tuple):
        rows = []
        for item in value:
            if isinstance(item, dict):
                label = next(
                    (item[k] for k in ("label", "name", "channel", "code") if k in item), ""
                )
                count = next((item[k] for k in ("count", "n", "value", "total") if k in item), None)
                rows.append([str(label), count])
            elif isinstance(item, list | tuple) and len(item) >= 2:
                rows.append([str(item[0]), item[1]])
            else:
                return None
        return rows
    return None


def generic_builder(panel: Panel, filters, data) -> PanelResult:
    """Figures and tables from an outside source's dict (or list of pairs)."""
    from .builtin import chart_for

    result = PanelResult(panel=panel, available=True)
    if not isinstance(data, dict):
        data = {"": data}
    for key, value in data.items():
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int | float):
            result.figures.append(_figure(key, value))
        elif isinstance(value, datetime.timedelta):
            result.figures.append(_figure(key, value.total_seconds() / 3600))
        else:
            rows = _pairs(value)
            if rows is not None:
                title = KNOWN_FIGURES.get(key, (key.replace("_", " ") or panel.title,))[0]
                table = Table(
                    key=key or panel.key,
                    title=title,
                    columns=[Column(_("item")), Column(_("count"), INT)],
                    rows=rows,
                    chart="bars",
                )
                chart_for(table)
                result.tables.append(table)
    return result
