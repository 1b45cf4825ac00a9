"""Reading a CSV of reach figures exported from a platform (POL-3.2).

One row is one piece of content over one period. Columns (English or Arabic headers,
any order): channel, title, url, kind, published_on, period_start, period_end, views,
reach, engagements, downloads. Every bad row is named, in the reader's language, and a
file with any bad row is imported not at all."""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from beneficiaries.validators import normalize_digits

from .models import Channel, OutreachItem, OutreachKind, OutreachReach

REQUIRED = ["channel", "title", "period_start", "period_end"]
NUMBERS = ["views", "reach", "engagements", "downloads"]
OPTIONAL = ["url", "kind", "published_on"]
HEADER_ALIASES = {
    "القناة": "channel",
    "المنصة": "channel",
    "العنوان": "title",
    "الرابط": "url",
    "النوع": "kind",
    "تاريخ النشر": "published_on",
    "من": "period_start",
    "إلى": "period_end",
    "الى": "period_end",
    "المشاهدات": "views",
    "الوصول": "reach",
    "التفاعل": "engagements",
    "التنزيلات": "downloads",
}
MAX_ROWS = 50_000


@dataclass
class ReachRow:
    line: int
    channel: Channel
    title: str
    url: str
    kind: str
    published_on: datetime.date | None
    period_start: datetime.date
    period_end: datetime.date
    views: int = 0
    reach: int = 0
    engagements: int = 0
    downloads: int = 0
    item: OutreachItem | None = None

    @property
    def key(self) -> tuple:
        return ("url", self.url) if self.url else ("title", self.channel.pk, self.title)


@dataclass
class ParseResult:
    rows: list[ReachRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def decode(data: bytes) -> str:
    """UTF-8 (with or without the BOM spreadsheets add), else Windows Arabic."""
    for encoding in ("utf-8-sig", "cp1256"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def _header(name: str) -> str:
    name = (name or "").strip().lstrip("\ufeff")
    return HEADER_ALIASES.get(name, name.lower().replace(" ", "_"))


def _date(value: str) -> datetime.date:
    value = normalize_digits(value or "").strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%Y/%m/%d"):
        try:
            return datetime.datetime.strptime(value, pattern).date()  # noqa: DTZ007 - a date
        except ValueError:
            continue
    raise ValueError(value)


def _number(value: str) -> int:
    value = normalize_digits(value or "").strip().replace(",", "").replace("٬", "")
    if value == "":
        return 0
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


def _channels() -> dict[str, Channel]:
    lookup = {}
    for channel in Channel.objects.all():
        for name in (channel.code, channel.name_ar, channel.name_en):
            if name:
                lookup[name.strip().lower()] = channel
    return lookup


def parse(text: str) -> ParseResult:
    result = ParseResult()
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        result.errors.append(_("The file is empty."))
        return result
    columns = [_header(name) for name in header]
    missing = [name for name in REQUIRED if name not in columns]
    if missing or not any(name in columns for name in NUMBERS):
        result.errors.append(
            _(
                "The columns are wrong. Needed: %(required)s and at least one of "
                "%(numbers)s. Found: %(found)s."
            )
            % {
                "required": ", ".join(REQUIRED),
                "numbers": ", ".join(NUMBERS),
                "found": ", ".join(name for name in header if name) or "—",
            }
        )
        return result
    unknown = [
        h for h, c in zip(header, columns, strict=True) if c not in REQUIRED + NUMBERS + OPTIONAL
    ]
    if unknown:
        result.errors.append(_("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)})
        return result
    channels = _channels()
    seen: dict[tuple, int] = {}
    for line, values in enumerate(reader, start=2):
        if not any(value.strip() for value in values):
            continue
        if line - 1 > MAX_ROWS:
            result.errors.append(
                _("The file has more than %(count)d rows; split it.") % {"count": MAX_ROWS}
            )
            break
        row_errors = []
        if len(values) != len(columns):
            result.errors.append(
                _("Row %(row)d: %(error)s")
                % {
                    "row": line,
                    "error": _("%(found)d values where the header has %(expected)d.")
                    % {"found": len(values), "expected": len(columns)},
                }
            )
            continue
        cells = dict(zip(columns, values, strict=True))
        channel = channels.get(cells["channel"].strip().lower())
        if channel is None:
            row_errors.append(
                _("unknown channel «%(value)s».") % {"value": cells["channel"].strip()}
            )
        title = cells["title"].strip()
        if not title:
            row_errors.append(_("the title is empty."))
        kind = (cells.get("kind") or "").strip().lower() or OutreachKind.POST
        if kind not in OutreachKind.values:
            row_errors.append(
                _("unknown kind «%(value)s»; use one of %(choices)s.")
                % {"value": kind, "choices": ", ".join(OutreachKind.values)}
            )
        dates = {}
        for name in ("period_start", "period_end", "published_on"):
            raw = (cells.get(name) or "").strip()
            if not raw and name == "published_on":
                dates[name] = None
                continue
            try:
                dates[name] = _date(raw)
            except ValueError:
                row_errors.append(
                    _("«%(value)s» in %(column)s is not a date (write 2026-01-31).")
                    % {"value": raw, "column": name}
                )
        if (
            dates.get("period_start")
            and dates.get("period_end")
            and dates["period_end"] < dates["period_start"]
        ):
            row_errors.append(_("the period ends before it starts."))
        numbers = {}
        for name in NUMBERS:
            raw = cells.get(name, "")
            try:
                numbers[name] = _number(raw)
            except ValueError:
                row_errors.append(
                    _("«%(value)s» in %(column)s is not a whole number.")
                    % {"value": raw.strip(), "column": name}
                )
        url = (cells.get("url") or "").strip()
        if row_errors:
            result.errors.append(
                _("Row %(row)d: %(error)s") % {"row": line, "error": " ".join(row_errors)}
            )
            continue
        row = ReachRow(
            line=line,
            channel=channel,
            title=title,
            url=url,
            kind=kind,
            published_on=dates["published_on"],
            period_start=dates["period_start"],
            period_end=dates["period_end"],
            **numbers,
        )
        period_key = (row.key, row.period_start, row.period_end)
        if period_key in seen:
            result.errors.append(
                _("Row %(row)d: %(error)s")
                % {
                    "row": line,
                    "error": _("the same content and period as row %(other)d.")
                    % {"other": seen[period_key]},
                }
            )
            continue
        seen[period_key] = line
        result.rows.append(row)
    _match_items(result)
    if not result.rows and not result.errors:
        result.errors.append(_("The file has no rows of figures."))
    return result


def _match_items(result: ParseResult) -> None:
    """Attach rows to content already entered, and refuse periods already counted."""
    if not result.rows:
        return
    urls = {row.url for row in result.rows if row.url}
    titles = {(row.channel.pk, row.title) for row in result.rows if not row.url}
    condition = Q(url__in=urls) if urls else Q(pk__in=[])
    for channel_id, title in titles:
        condition |= Q(channel_id=channel_id, title=title, url="")
    by_key = {}
    for item in OutreachItem.objects.filter(condition).order_by("id"):
        key = ("url", item.url) if item.url else ("title", item.channel_id, item.title)
        by_key.setdefault(key, item)
    for row in result.rows:
        row.item = by_key.get(row.key)
    known = [row for row in result.rows if row.item is not None]
    if not known:
        return
    existing = set(
        OutreachReach.objects.filter(item__in={row.item.pk for row in known}).values_list(
            "item_id", "period_start", "period_end"
        )
    )
    kept = []
    for row in result.rows:
        if row.item is not None and (row.item.pk, row.period_start, row.period_end) in existing:
            result.errors.append(
                _("Row %(row)d: %(error)s")
                % {
                    "row": row.line,
                    "error": _("figures for this content and period were already entered."),
                }
            )
        else:
            kept.append(row)
    result.rows = kept
