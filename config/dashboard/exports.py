"""CSV and Excel downloads, for the dashboard's tables and every back-office list.

- CSV is UTF-8 with a byte-order mark (so Excel reads Arabic) and streamed row by row.
- xlsx is written with openpyxl in write-only mode, right-to-left sheet in Arabic.
- Every date gets a Hijri column beside it; a cell that a spreadsheet would run as a
  formula (=, +, -, @) is neutralised, except a "+9665…" mobile number.
- Sensitive columns need the permission (``sensitive_permission``); each download
  leaves an ExportLog row (who, what, filters, rows)."""

import csv
import datetime
import decimal
import io
import json
import re
from collections.abc import Iterable

from django.contrib import admin
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language, get_language_bidi, gettext
from django.utils.translation import gettext_lazy as _

from config.hijri import format_hijri

from .services import export_log_finish, export_log_start

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_ROWS = 1_000_000  # Excel's sheet holds 1,048,576 rows


def cell(value):
    """A value a spreadsheet shows as data: dates local, formulas neutralised."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, int | float | decimal.Decimal):
        return value
    if isinstance(value, list | dict):  # a JSON field: readable, Arabic kept as is
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not text[1:].isdigit():
        return "'" + text
    return text


class RowFormatter:
    """The cells of one download, as ``cell`` and ``expand_row`` make them, but with the
    time zone, the language and "Yes"/"No" looked up once (at the request, not while the
    CSV streams) and each day's Hijri text computed once: a list of 100,000 rows repeats
    a few hundred days, and the Umm al-Qura conversion was most of an export's time."""

    def __init__(self, date_columns: Iterable[int] = ()):
        self.date_columns = frozenset(date_columns)
        self.tz = timezone.get_current_timezone()
        self.language = get_language() or "ar"
        self.yes, self.no = gettext("Yes"), gettext("No")
        self._hijri: dict[datetime.date, str] = {}

    def cell(self, value):
        if value is None:
            return ""
        if isinstance(value, datetime.datetime):
            if timezone.is_aware(value):
                value = value.astimezone(self.tz)
            return value.strftime("%Y-%m-%d %H:%M")
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, bool):
            return self.yes if value else self.no
        return cell(value)

    def hijri(self, value) -> str:
        if not value:
            return ""
        if isinstance(value, datetime.datetime):
            day = (value.astimezone(self.tz) if timezone.is_aware(value) else value).date()
        else:
            day = value
        text = self._hijri.get(day)
        if text is None:
            text = self._hijri[day] = format_hijri(day, self.language)
        return text

    def row(self, row) -> list:
        if not self.date_columns:
            return [self.cell(value) for value in row]
        out = []
        for index, value in enumerate(row):
            out.append(self.cell(value))
            if index in self.date_columns:
                out.append(self.hijri(value))
        return out


def with_hijri(headers: list[str], date_columns: set[int]) -> list[str]:
    out = []
    for index, header in enumerate(headers):
        out.append(str(header))
        if index in date_columns:
            out.append(gettext("%(column)s (Hijri)") % {"column": header})
    return out


def expand_row(row, date_columns: set[int]) -> list:
    out = []
    for index, value in enumerate(row):
        out.append(cell(value))
        if index in date_columns:
            out.append(format_hijri(value) if value else "")
    return out


class _Echo:
    def write(self, value):
        return value


def _filename(what: str, fmt: str) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"{slugify(what) or 'export'}-{stamp}.{fmt}"


def export_response(
    *,
    request,
    what: str,
    fmt: str,
    headers: list,
    rows: Iterable,
    date_columns: set[int] = frozenset(),
    filters: dict | None = None,
    included_sensitive: bool = False,
    sheet_title: str = "",
):
    """The download of ``rows`` (an iterable of sequences) as CSV or xlsx, logged."""
    log = export_log_start(
        user=request.user,
        what=what,
        fmt=fmt,
        filters=filters,
        included_sensitive=included_sensitive,
    )
    header_row = with_hijri([str(h) for h in headers], set(date_columns))
    formatter = RowFormatter(date_columns)
    if fmt == "csv":
        writer = csv.writer(_Echo())

        def lines():
            yield "\ufeff"  # so spreadsheet programs read the Arabic as UTF-8
            yield writer.writerow(header_row)
            count = 0
            for row in rows:
                count += 1
                yield writer.writerow(formatter.row(row))
            export_log_finish(export_log=log, rows=count)

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=(sheet_title or what)[:31] or "export")
        sheet.sheet_view.rightToLeft = bool(get_language_bidi())
        bold = []
        for text in header_row:
            header_cell = WriteOnlyCell(sheet, value=text)
            header_cell.font = Font(bold=True)
            bold.append(header_cell)
        sheet.append(bold)
        count = 0
        for row in rows:
            count += 1
            if count > XLSX_MAX_ROWS:
                break
            sheet.append(formatter.row(row))
        buffer = io.BytesIO()
        workbook.save(buffer)
        export_log_finish(export_log=log, rows=min(count, XLSX_MAX_ROWS))
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(what, fmt)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


# Registered lists deliberately without the export actions, with the reason (model label →
# why). tests/dashboard/test_list_exports.py walks admin.site._registry and fails on any
# other ModelAdmin without export_csv and export_xlsx, so a new list cannot ship without.
NOT_EXPORTABLE = {
    "policies.associationprofile": (
        "A singleton settings page: its list redirects to the one record, nothing to list."
    ),
    "policies.officertools": (
        "Not a list: the entry opens the officer's tools page (links to documents in force)."
    ),
    "otp_totp.totpdevice": (
        "Two-step sign-in credentials (each device's secret key). Nothing in it is a report; "
        "who has enrolled is the 'two-step sign-in' column of the users' export."
    ),
}


_DIGIT = "[0-9\u0660-\u0669\u06f0-\u06f9]"
# Nine digits or more, with the separators people type between them (spaces, dashes, dots,
# brackets, a plus): the admin searches drop those before matching, so "1023 456 789"
# finds the person as surely as "1023456789".
_LONG_NUMBER = re.compile(rf"{_DIGIT}(?:[\s\-_.()/+]*{_DIGIT}){{8,}}")
_ONE_DIGIT = re.compile(_DIGIT)


def _mask_number(match: re.Match) -> str:
    text = match.group(0)
    positions = [m.start() for m in _ONE_DIGIT.finditer(text)]
    keep = set(positions[-2:])
    return "".join("•" if i in positions and i not in keep else ch for i, ch in enumerate(text))


def logged_filters(params) -> dict:
    """What the export log keeps of a list's query string: the filters and the search,
    with long numbers (national IDs, mobiles, IBAN digits) masked to their last two
    digits — the log is read and exported by auditors, and a search by ID would otherwise
    put the ID there. Sorting, page and cursor are left out (they do not change which rows
    a "select all" export holds)."""
    kept = {}
    for key, value in params.items():
        if key in ("o", "p", "cursor"):
            continue
        kept[key] = _LONG_NUMBER.sub(_mask_number, value)
    return kept


class ExportMixin:
    """Admin list export to CSV and Excel, as actions on the selected rows (or all rows
    matching the filters with "select all").

    Set ``export_fields`` (model field names, "__" lookups allowed) and, for columns only
    some may see, ``export_sensitive_fields`` with ``export_sensitive_permission``.
    A column that is not a model field (a count, a sum, a masked value) is named in
    ``export_computed``: name → (header, expression), or (header, None) for a name the
    admin's ``get_queryset`` already annotates. Every column is read by one
    ``values_list`` query, so an export is a fixed number of queries whatever its rows.
    Override ``export_logged(request, queryset, fmt)`` to add your own audit trail."""

    export_fields: list[str] = []
    export_sensitive_fields: list[str] = []
    export_computed: dict = {}
    export_sensitive_permission = "beneficiaries.view_sensitive_data"
    export_chunk_size = 2000
    # Path to a beneficiary's id on rows about a person (e.g. "beneficiary_id"): an export
    # with the sensitive columns then leaves an "Exported" line in each person's access
    # log (POL-7.4), as the registry's own export does.
    export_access_log_path: str | None = None

    def export_can_see_sensitive(self, request) -> bool:
        return request.user.has_perm(self.export_sensitive_permission)

    def export_columns(self, request) -> list[str]:
        columns = list(self.export_fields)
        if self.export_sensitive_fields and self.export_can_see_sensitive(request):
            columns += list(self.export_sensitive_fields)
        return columns

    def get_export_computed(self, request) -> dict:
        return dict(self.export_computed)

    def _field_for(self, path: str):
        model = self.model
        field = None
        for part in path.split("__"):
            field = model._meta.get_field(part)
            if field.is_relation:
                model = field.related_model
        return field

    def export_header(self, path: str, computed: dict | None = None) -> str:
        spec = (self.export_computed if computed is None else computed).get(path)
        if spec is not None:
            return str(spec[0])
        field = self._field_for(path)
        if "__" in path:
            first = self.model._meta.get_field(path.split("__")[0])
            return f"{first.verbose_name}: {field.verbose_name}"
        return str(field.verbose_name)

    def export_logged(self, request, queryset, fmt: str) -> None:
        """Hook for an app's own audit trail (the registry's AccessLog)."""
        path = self.export_access_log_path
        if path and self.export_sensitive_fields and self.export_can_see_sensitive(request):
            from beneficiaries.models import AccessLog
            from beneficiaries.services import access_log_record_many

            opts = self.model._meta
            access_log_record_many(
                beneficiary_ids=queryset.order_by()
                .filter(**{f"{path}__isnull": False})
                .values_list(path, flat=True)
                .distinct(),
                user=request.user,
                action=AccessLog.Action.EXPORT,
                request=request,
                detail=f"{fmt.upper()} {opts.app_label}.{opts.model_name}",
            )

    def export_queryset(self, request, queryset, fmt: str):
        columns = self.export_columns(request)
        self.export_logged(request, queryset, fmt)
        computed = self.get_export_computed(request)
        extra = {
            name: computed[name][1]
            for name in columns
            if name in computed and computed[name][1] is not None
        }
        if extra:
            queryset = queryset.annotate(**extra)
        fields = [
            queryset.query.annotations[c].output_field if c in computed else self._field_for(c)
            for c in columns
        ]
        date_columns = {
            i
            for i, f in enumerate(fields)
            if f.get_internal_type() in ("DateField", "DateTimeField")
        }
        # Choices shown with their label, as on the screen.
        choice_maps = {
            i: {k: str(v) for k, v in f.flatchoices}
            for i, f in enumerate(fields)
            if getattr(f, "choices", None)
        }
        values = (
            queryset.order_by("pk")
            .values_list(*columns)
            .iterator(chunk_size=self.export_chunk_size)
        )

        choices = list(choice_maps.items())

        def rows():
            for row in values:
                if choices:
                    row = list(row)
                    for i, labels in choices:
                        row[i] = labels.get(row[i], row[i])
                yield row

        opts = self.model._meta
        return export_response(
            request=request,
            what=f"{opts.app_label}.{opts.model_name}",
            fmt=fmt,
            headers=[self.export_header(c, computed) for c in columns],
            rows=rows(),
            date_columns=date_columns,
            filters=logged_filters(request.GET),
            included_sensitive=bool(set(columns) & set(self.export_sensitive_fields)),
            sheet_title=str(opts.verbose_name_plural),
        )

    @admin.action(description=_("Export selected to CSV"), permissions=["export"])
    def export_csv(self, request, queryset):
        return self.export_queryset(request, queryset, "csv")

    @admin.action(description=_("Export selected to Excel"), permissions=["export"])
    def export_xlsx(self, request, queryset):
        return self.export_queryset(request, queryset, "xlsx")

    def has_export_permission(self, request) -> bool:
        # Whoever may read the list may download it (logged; sensitive columns apart).
        return self.has_view_permission(request)
