"""Back-office lists that cost the same on page 1 and deep in a million rows (issue #11).

``FastListMixin`` gives a ModelAdmin a changelist that

* pages by **keyset** (a seek on the sort index) when the list is in an order of plain,
  non-null columns with a unique tie-breaker — the default order of every big list. The
  "next" and "previous" links carry a ``cursor`` (config/pagination.py); ``?p=N`` still
  works and reads an OFFSET, but only of primary keys (index-only), never the joined
  rows. Sorting by another column (``?o=…``) works the same way, or falls back to OFFSET
  when the order is not seekable (a related column, a nullable one);
* never counts the table: a page that holds every row counts itself, others ask the
  paginator (the planner's estimate above 10,000 rows);
* draws its rows with plain string building instead of one template render and half a
  dozen helper calls per cell (about three fifths of a stock changelist's time went
  there, the action checkbox alone a fifth). The markup is the stock admin's: same
  table, classes, checkbox and links, so the admin's JavaScript and CSS work unchanged.
"""

from __future__ import annotations

import datetime

from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.templatetags.admin_list import _coerce_field_name, result_headers
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import display_for_field, display_for_value, quote
from django.contrib.admin.views.main import ALL_VAR, ChangeList
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.urls import NoReverseMatch
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

from config.pagination import (
    CURSOR_VAR,
    decode_cursor,
    encode_cursor,
    keyset_fields,
    offset_rows,
    seek_rows,
)

PAGE_VAR = "p"
MAX_PAGE = 1_000_000  # 100 million rows at 100 a page
_SENTINEL = "9876543210"


class FastChangeList(ChangeList):
    def get_filters_params(self, params=None):
        lookup_params = super().get_filters_params(params)
        lookup_params.pop(CURSOR_VAR, None)
        return lookup_params

    def get_query_string(self, new_params=None, remove=None):
        # A cursor belongs to one page of one order and one filter: every other link
        # (filters, sorting, page numbers) drops it unless it sets a new one.
        new_params = dict(new_params or {})
        new_params.setdefault(CURSOR_VAR, None)
        return super().get_query_string(new_params, remove)

    def get_results(self, request):
        per_page = self.list_per_page
        queryset = self.queryset
        # The page's rows carry only the columns the list shows (``list_only_fields``):
        # a request joined to its person, program and channel is ~90 columns, most of
        # them long texts nobody sees here. The action and the paginator keep the full
        # queryset; only the rows drawn on the page are narrowed.
        only = getattr(self.model_admin, "list_only_fields", None)
        page_queryset = queryset.only(*only) if only else queryset
        # A search's matches come in no index order: their keys are sorted first and
        # only the page is joined (config.pagination._page).
        keys_first = bool(self.query)
        ordering = list(queryset.query.order_by)
        self.keyset = keyset_fields(self.model, ordering)
        cursor = decode_cursor(request.GET.get(CURSOR_VAR, ""), self.keyset)
        # A page number past any real list (a typed or damaged link) is refused like a
        # page past the end, not sent to the database as an out-of-range OFFSET.
        if self.page_num > MAX_PAGE:
            raise IncorrectLookupParameters
        self.page_num = max(1, self.page_num)
        has_previous = has_next = False
        if self.show_all:
            paginator = self.model_admin.get_paginator(request, queryset, per_page)
            result_count = paginator.count
            if result_count <= self.list_max_show_all:
                rows = list(page_queryset)
            else:
                self.show_all = False
        if not self.show_all:
            if cursor is not None:
                direction, values = cursor
                rows, more = seek_rows(
                    page_queryset, self.keyset, direction, values, per_page, keys_first
                )
                if direction == "after":
                    has_previous, has_next = True, more
                    self.page_num = max(2, self.page_num)
                else:
                    has_previous, has_next = more, True
                    self.page_num = max(1 if not more else 2, self.page_num)
            else:
                offset = (self.page_num - 1) * per_page
                rows, has_next = offset_rows(page_queryset, offset, per_page, keys_first)
                has_previous = self.page_num > 1
                if has_previous and not rows:
                    raise IncorrectLookupParameters
            if not has_previous and not has_next:
                # The whole list is on this page: it counts itself.
                result_count, paginator = len(rows), None
            else:
                paginator = self.model_admin.get_paginator(request, queryset, per_page)
                result_count = max(paginator.count, (self.page_num - 1) * per_page + len(rows))

        full_result_count = None
        if self.model_admin.show_full_result_count:
            full_result_count = self.root_queryset.count()
        self.result_count = result_count
        self.show_full_result_count = self.model_admin.show_full_result_count
        self.show_admin_actions = not self.show_full_result_count or bool(full_result_count)
        self.full_result_count = full_result_count
        self.result_list = rows
        self.can_show_all = result_count <= self.list_max_show_all
        self.multi_page = has_previous or has_next
        self.has_previous, self.has_next = has_previous, has_next
        self.paginator = paginator

    # -- the pager --------------------------------------------------------------------

    def _cursor_link(self, direction: str, row, page: int) -> str:
        if self.keyset and row is not None:
            token = encode_cursor(direction, row, self.keyset)
            return self.get_query_string({PAGE_VAR: page, CURSOR_VAR: token})
        return self.get_query_string({PAGE_VAR: page})

    @cached_property
    def next_url(self) -> str | None:
        if not self.has_next or self.show_all:
            return None
        last = self.result_list[-1] if self.result_list else None
        return self._cursor_link("after", last, self.page_num + 1)

    @cached_property
    def previous_url(self) -> str | None:
        if not self.has_previous or self.show_all:
            return None
        if self.page_num <= 2:
            return self.get_query_string({PAGE_VAR: None})
        first = self.result_list[0] if self.result_list else None
        return self._cursor_link("before", first, self.page_num - 1)

    @cached_property
    def first_url(self) -> str:
        return self.get_query_string({PAGE_VAR: None})

    @cached_property
    def show_all_url(self) -> str | None:
        if self.can_show_all and not self.show_all and self.multi_page:
            return self.get_query_string({ALL_VAR: ""})
        return None

    @cached_property
    def result_count_is_estimate(self) -> bool:
        return self.paginator is not None and getattr(self.paginator, "is_estimate", False)

    # -- the rows ---------------------------------------------------------------------

    @cached_property
    def fast_headers(self) -> list[dict]:
        return list(result_headers(self))

    @cached_property
    def num_sorted_fields(self) -> int:
        return sum(1 for h in self.fast_headers if h["sortable"] and h["sorted"])

    @cached_property
    def fast_rows(self) -> SafeString | None:
        """Every row of the page as one piece of HTML, or None when this list needs the
        stock renderer (editable columns, a pop-up, a column it does not know)."""
        if self.list_editable or self.is_popup or self.to_field:
            return None
        columns = self._columns()
        if columns is None:
            return None
        url_prefix, url_suffix = self._change_url_parts()
        pk_attname = self.pk_attname
        out = []
        for obj in self.result_list:
            pk = getattr(obj, pk_attname)
            url = None
            if url_prefix is not None:
                url = url_prefix + escape(quote(pk)) + url_suffix
            cells = ["<tr>"]
            for column in columns:
                cells.append(column(obj, pk, url))
            cells.append("</tr>\n")
            out.append("".join(cells))
        return SafeString("".join(out))

    def _change_url_parts(self) -> tuple[str | None, str]:
        try:
            url = self.url_for_result(_PkOnly(self.pk_attname, _SENTINEL))
        except NoReverseMatch:
            return None, ""
        url = add_preserved_filters(
            {"preserved_filters": self.preserved_filters, "opts": self.opts}, url
        )
        prefix, found, suffix = str(url).partition(_SENTINEL)
        if not found:
            return None, ""
        return escape(prefix), escape(suffix)

    def _columns(self):
        admin = self.model_admin
        empty = admin.get_empty_value_display()
        first = True
        columns = []
        for index, name in enumerate(self.list_display):
            css = f"field-{_coerce_field_name(name, index)}"
            if self.list_display_links is None:
                link = False
            elif first and not self.list_display_links:
                link = True
            else:
                link = name in self.list_display_links
            tag = "td"
            if link:
                tag = "th" if first else "td"
                first = False
            column = self._column(name, css, empty, link, tag)
            if column is None:
                return None
            columns.append(column)
        return columns

    def _column(self, name, css, empty, link, tag):
        admin = self.model_admin
        if name == "action_checkbox":
            label = gettext("Select this object for an action - {}")
            checkbox_name = helpers.ACTION_CHECKBOX_NAME

            def checkbox(obj, pk, url):
                return (
                    f'<td class="action-checkbox"><input type="checkbox" '
                    f'name="{checkbox_name}" value="{escape(pk)}" class="action-select" '
                    f'aria-label="{escape(label.format(obj))}"></td>'
                )

            return checkbox
        field = None
        getter = None
        boolean = False
        if callable(name):
            getter = name
            boolean = getattr(name, "boolean", False)
            empty = getattr(name, "empty_value_display", empty)
        elif not isinstance(name, str) or "__" in name:
            return None
        else:
            try:
                field = self.opts.get_field(name)
            except FieldDoesNotExist:
                attr = getattr(admin, name, None)
                if attr is None or not callable(attr):
                    return None  # a model property or method: leave it to Django
                getter = attr
                boolean = getattr(attr, "boolean", False)
                empty = getattr(attr, "empty_value_display", empty)
            else:
                if field.auto_created or field.many_to_many or field.one_to_many:
                    return None
        classes = css
        if field is not None and isinstance(
            field, (models.DateField, models.TimeField, models.ForeignKey)
        ):
            classes += " nowrap"

        if field is not None:
            attname = field.name
            empty_html = conditional_escape(empty)
            # Labels translated and escaped once per page, not once per row.
            choices = (
                {value: conditional_escape(str(label)) for value, label in field.flatchoices}
                if field.flatchoices
                else None
            )
            is_fk = isinstance(field, models.ForeignKey)
            is_boolean = isinstance(field, models.BooleanField)
            datetime_format = (
                get_format("DATETIME_FORMAT") if isinstance(field, models.DateTimeField) else None
            )

            def render(obj):
                try:
                    value = getattr(obj, attname)
                except ObjectDoesNotExist:
                    return empty_html
                if choices is not None:
                    return choices.get(value, empty_html)
                if value is None and not is_boolean:
                    return empty_html
                if is_fk:
                    return conditional_escape(value)
                if datetime_format is not None:
                    # What display_for_field does, minus looking the format up each time.
                    return escape(date_format(template_localtime(value), datetime_format))
                return conditional_escape(display_for_field(value, field, empty, link))

        else:

            def render(obj):
                try:
                    value = getattr_call(obj)
                except ObjectDoesNotExist:
                    return conditional_escape(empty), ""
                extra = " nowrap" if isinstance(value, (datetime.date, datetime.time)) else ""
                return conditional_escape(display_for_value(value, empty, boolean)), extra

            def getattr_call(obj):
                return getter(obj)

        if field is not None:
            if link:
                return lambda obj, pk, url: (
                    f'<{tag} class="{classes}">'
                    + (f'<a href="{url}">{render(obj)}</a>' if url else render(obj))
                    + f"</{tag}>"
                )
            return lambda obj, pk, url: f'<td class="{classes}">{render(obj)}</td>'

        def cell(obj, pk, url):
            html, extra = render(obj)
            if link and url:
                html = f'<a href="{url}">{html}</a>'
            return f'<{tag} class="{classes}{extra}">{html}</{tag}>'

        return cell


class _PkOnly:
    """Stands in for a row when reversing the change URL once per page."""

    def __init__(self, attname, value):
        setattr(self, attname, value)


class FastListMixin:
    """For a ModelAdmin whose list must stay fast at a million rows (see the module)."""

    change_list_template = "admin/fast_change_list.html"

    def get_changelist(self, request, **kwargs):
        return FastChangeList


def deep_page_query(model_label: str, page: int, **params) -> str:
    """The query string of list page ``page`` as its "next" links reach it (a cursor to
    seek from), for the admin's default order: the benchmark's deep pages."""
    from urllib.parse import urlencode

    from django.apps import apps
    from django.contrib import admin

    model = apps.get_model(model_label)
    model_admin = admin.site._registry[model]
    ordering = list(model_admin.ordering or model._meta.ordering)
    keyset = keyset_fields(model, ordering)
    row = None
    if page > 1 and keyset:
        offset = (page - 1) * model_admin.list_per_page - 1  # the last row of page - 1
        row = model._default_manager.order_by(*ordering)[offset : offset + 1].first()
    if row is not None:
        params |= {PAGE_VAR: page, CURSOR_VAR: encode_cursor("after", row, keyset)}
    else:
        params |= {PAGE_VAR: page}
    return urlencode(params)
