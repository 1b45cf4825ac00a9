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
import functools
import html
import os
import re
from pathlib import Path

import django.contrib.admin as admin_module
from django.conf import settings
from django.contrib.admin import helpers
from django.contrib.admin.options import ActionLocation, IncorrectLookupParameters
from django.contrib.admin.templatetags.admin_list import (
    _coerce_field_name,
    admin_list_filter,
    result_headers,
)
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import display_for_field, display_for_value, quote
from django.contrib.admin.views.main import (
    ALL_VAR,
    IS_FACETS_VAR,
    IS_POPUP_VAR,
    SEARCH_VAR,
    ChangeList,
)
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.db.models.base import ModelState
from django.db.models.fetch_modes import FETCH_ONE as _FETCH_ONE
from django.db.models.query import ModelIterable
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init
from django.template.defaultfilters import capfirst as capfirst_filter
from django.template.loader import select_template
from django.templatetags.static import static
from django.urls import NoReverseMatch
from django.utils import dateformat, dates, timezone
from django.utils.dateformat import format as date_format
from django.utils.encoding import iri_to_uri
from django.utils.formats import get_format, localize
from django.utils.functional import Promise, cached_property
from django.utils.html import conditional_escape, escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, gettext, ngettext

from config.fast_forms import DrawnOnceMedia, fast_renderer
from config.pagination import (
    CURSOR_VAR,
    counted_offset_rows,
    decode_cursor,
    encode_cursor,
    keyset_fields,
    offset_rows,
    search_counts_itself,
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
        return self._fast_query_string(new_params, remove)

    def get_results(self, request):
        per_page = self.list_per_page
        queryset = self.queryset
        # The page's rows carry only the columns the list shows (``list_only_fields``):
        # a request joined to its person, program and channel is ~90 columns, most of
        # them long texts nobody sees here. The action and the paginator keep the full
        # queryset; only the rows drawn on the page are narrowed.
        only = getattr(self.model_admin, "list_only_fields", None)
        page_queryset = queryset.only(*only) if only else queryset
        if page_queryset._iterable_class is ModelIterable:
            page_queryset = page_queryset._chain()
            page_queryset._iterable_class = PageRowsIterable
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
        matches = None
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
                if keys_first and search_counts_itself(queryset):
                    # A search's matches are all read to sort them anyway: the same
                    # query counts them (no second scan for the pager's figure).
                    rows, has_next, matches = counted_offset_rows(page_queryset, offset, per_page)
                else:
                    rows, has_next = offset_rows(page_queryset, offset, per_page, keys_first)
                has_previous = self.page_num > 1
                if has_previous and not rows:
                    raise IncorrectLookupParameters
            if matches is not None:
                result_count, paginator = matches, None
            elif not has_previous and not has_next:
                # The whole list is on this page: it counts itself.
                result_count, paginator = len(rows), None
            else:
                paginator = self.model_admin.get_paginator(request, queryset, per_page)
                result_count = max(paginator.count, (self.page_num - 1) * per_page + len(rows))

        attach = getattr(self.model_admin, "attach_list_related", None)
        if attach is not None:
            # Related rows the admin has at hand (e.g. the filters' choices) put on the
            # page's rows instead of joined to each of them.
            attach(request, rows)
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

    # -- the page around the rows ------------------------------------------------------
    #
    # The sidebar's filters, the search bar, the actions bar and the column headers are
    # drawn here with the markup of the admin's own templates (admin/filter.html,
    # search_form.html, actions.html, the header loop of fast_change_list.html): each
    # is one template per piece per filter, each choice a dozen template nodes, about a
    # third of a list's drawing time (issue #11). A project or model override of one of
    # those templates is honoured: that piece is then drawn by its template.

    @cached_property
    def _encoded_params(self) -> dict[str, str]:
        return {
            key: urlencode([(key, value)], doseq=True) for key, value in self.filter_params.items()
        }

    def _fast_query_string(self, new_params=None, remove=None) -> str:
        """ChangeList.get_query_string's answer (sorted, doseq), with the unchanged
        parameters encoded once per page instead of once per link."""
        encoded = dict(self._encoded_params)
        for prefix in remove or ():
            for key in [key for key in encoded if key.startswith(prefix)]:
                del encoded[key]
        for key, value in (new_params or {}).items():
            if value is None:
                encoded.pop(key, None)
            else:
                encoded[key] = _encode_pair(key, value)
        return "?" + "&".join(encoded[key] for key in sorted(encoded) if encoded[key])

    @cached_property
    def fast_filter_specs(self) -> SafeString:
        """``{% for spec in cl.filter_specs %}{% admin_list_filter cl spec %}{% endfor %}``."""
        stock = is_stock_template(["admin/filter.html"])
        out = []
        for spec in self.filter_specs:
            if not stock or spec.template != "admin/filter.html":
                out.append(admin_list_filter(self, spec))
                continue
            title = _display(spec.title)
            parts = [
                f'\n<details data-filter-title="{title}" open>\n  <summary>\n    ',
                gettext(" By %(filter_title)s ") % {"filter_title": title},
                "\n  </summary>\n  <ul>\n  ",
            ]
            for choice in spec.choices(self):
                selected = ' class="selected"' if choice["selected"] else ""
                href = choice["query_string"]
                if not _URI_AS_IS.fullmatch(href):
                    href = iri_to_uri(href)
                href = html.escape(href)  # {{ …|iriencode }}
                parts.append(
                    f'\n    <li{selected}>\n    <a href="{href}">'
                    f"{_display(choice['display'])}</a></li>\n  "
                )
            parts.append("\n  </ul>\n</details>\n")
            out.append("".join(parts))
        return SafeString("".join(out))

    @cached_property
    def fast_search_form(self) -> SafeString | None:
        """``{% search_form cl %}`` (admin/search_form.html), or None for its template."""
        if not is_stock_template(_admin_template_names(self.opts, "search_form.html")):
            return None
        if not self.search_fields:
            return SafeString("")
        name = conditional_escape(self.opts.verbose_name_plural)
        help_text = self.search_help_text
        described = ' aria-describedby="searchbar_helptext"' if help_text else ""
        parts = [
            '<div id="toolbar">\n<h2 id="changelist-search-form" class="visually-hidden">',
            gettext("Search %(name)s") % {"name": name},
            '</h2>\n<form id="changelist-search" method="get" role="search" '
            'aria-labelledby="changelist-search-form">\n<div><!-- DIV needed for valid HTML -->\n'
            f'<label for="searchbar"><img src="{conditional_escape(static("admin/img/search.svg"))}"'
            ' alt="Search"></label>\n'
            f'<input type="text" size="40" name="{SEARCH_VAR}" '
            f'value="{conditional_escape(self.query)}" id="searchbar"{described}>\n'
            f'<input type="submit" value="{gettext("Search")}">\n',  # {% translate %}: unescaped
        ]
        if self.result_count != self.full_result_count:
            count = ngettext("%(counter)s result", "%(counter)s results", self.result_count) % {
                "counter": _display(self.result_count)
            }
            href = "?"
            if self.is_popup:
                href += f"{IS_POPUP_VAR}=1" + ("&" if self.add_facets else "")
            if self.add_facets:
                href += IS_FACETS_VAR
            if self.show_full_result_count:
                total = gettext("%(full_result_count)s total") % {
                    "full_result_count": _display(self.full_result_count)
                }
            else:
                total = gettext("Show all")
            parts.append(
                f'\n    <span class="small quiet">{count} (<a href="{href}">{total}</a>)</span>\n'
            )
        parts.append("\n")
        for key, value in self.params.items():
            if key != SEARCH_VAR:
                parts.append(
                    f'\n    <input type="hidden" name="{conditional_escape(key)}" '
                    f'value="{conditional_escape(value)}">\n'
                )
        parts.append("\n</div>\n")
        if help_text:
            parts.append(
                '\n<br class="clear">\n<div class="help" id="searchbar_helptext">'
                f"{conditional_escape(help_text)}</div>\n"
            )
        parts.append("\n</form></div>\n")
        return SafeString("".join(parts))

    def fast_actions(self, context) -> SafeString:
        """``{% admin_actions %}`` (admin/actions.html)."""
        if not is_stock_template(_admin_template_names(self.opts, "actions.html")):
            return None
        index = context.get("action_index", -1) + 1
        context["action_index"] = index
        action_form = context["action_form"]
        parts = ['<div class="actions">\n  \n    \n    ']
        for field in action_form:
            if field.label:
                parts.append(f"<label>{conditional_escape(field.label)} {field}</label>")
            else:
                parts.append(str(field))
        parts.append(
            "\n    \n    \n    "
            f'<button type="submit" class="button" name="index" value="{index or 0}">'
            f"{gettext('Run')}</button>\n    \n    \n    "
        )
        if context.get("actions_selection_counter"):
            shown = len(self.result_list)
            parts.append(
                f'\n        <span class="action-counter" data-actions-icnt="{_display(shown)}" '
                'aria-live="polite" aria-atomic="true">'
                f"{conditional_escape(context.get('selection_note', ''))}</span>\n        "
            )
            if self.result_count != shown:
                select_all = gettext("Select all %(total_count)s %(module_name)s") % {
                    "total_count": _display(self.result_count),
                    "module_name": conditional_escape(context.get("module_name", "")),
                }
                parts.append(
                    '\n        <span class="all hidden">'
                    f"{conditional_escape(context.get('selection_note_all', ''))}</span>\n"
                    '        <span class="question hidden">\n'
                    f'            <a role="button" href="#">{select_all}</a>\n'
                    "        </span>\n"
                    '        <span class="clear hidden"><a role="button" href="#">'
                    f"{gettext('Clear selection')}</a></span>\n        "
                )
            parts.append("\n    ")
        parts.append("\n    \n  \n</div>\n")
        return SafeString("".join(parts))

    @cached_property
    def fast_header_row(self) -> SafeString:
        """The <th> cells of the table head (the loop over ``cl.fast_headers``)."""
        remove = gettext("Remove from sorting")  # {% translate %} is not escaped
        toggle = gettext("Toggle sorting")
        several = self.num_sorted_fields > 1
        out = []
        for header in self.fast_headers:
            text = conditional_escape(capfirst_filter(header["text"]))
            cell = [f'\n<th scope="col"{header["class_attrib"]}>\n   ']
            sortable = header["sortable"]
            if sortable and header["sort_priority"] > 0:
                priority = header["sort_priority"]
                cell.append(
                    '\n       <div class="sortoptions">\n'
                    f'         <a class="sortremove" href="{escape(header["url_remove"])}"'
                    f' title="{remove}"></a>\n         '
                )
                if several:
                    title = gettext("Sorting priority: %(priority_number)s") % {
                        "priority_number": _display(priority)
                    }
                    cell.append(
                        f'<span class="sortpriority" title="{title}">{_display(priority)}</span>'
                    )
                direction = "ascending" if header["ascending"] else "descending"
                cell.append(
                    f'\n         <a href="{escape(header["url_toggle"])}" '
                    f'class="toggle {direction}" title="{toggle}"></a>\n'
                    "       </div>\n   "
                )
            if sortable:
                label = f'<a role="button" href="{escape(header["url_primary"])}">{text}</a>'
            else:
                label = f"<span>{text}</span>"
            cell.append(
                f'\n   <div class="text">{label}</div>\n   <div class="clear"></div>\n</th>'
            )
            out.append("".join(cell))
        return SafeString("".join(out))

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
                url = url_prefix + html.escape(str(quote(pk))) + url_suffix  # escape()'s text
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
                    f'name="{checkbox_name}" value="{html.escape(str(pk))}" class="action-select" '
                    f'aria-label="{html.escape(label.format(obj))}"></td>'
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
            # Labels translated and escaped once per language and process, not per row.
            choices = choice_labels(field) if field.flatchoices else None
            is_boolean = isinstance(field, models.BooleanField)

            if choices is not None:

                def render(obj):
                    return choices.get(getattr(obj, attname), empty_html)

            elif isinstance(field, models.ForeignKey):
                # A page shows the same few channels or officers over and over: each
                # is drawn once (its __str__ may look the language up every time).
                id_attname = field.attname
                drawn = {}

                def render(obj):
                    key = getattr(obj, id_attname)
                    if key is None:
                        return empty_html
                    cell_html = drawn.get(key)
                    if cell_html is None:
                        try:
                            value = getattr(obj, attname)
                        except ObjectDoesNotExist:
                            return empty_html
                        cell_html = drawn[key] = conditional_escape(value)
                    return cell_html

            elif isinstance(field, models.DateTimeField):
                # What display_for_field does (localtime, DATETIME_FORMAT), with the
                # format compiled once per page instead of parsed on every row.
                draw_datetime = datetime_formatter(get_format("DATETIME_FORMAT"))

                def render(obj):
                    value = getattr(obj, attname)
                    if value is None:
                        return empty_html
                    return html.escape(draw_datetime(value))  # escape()'s text

            elif type(field) in (models.CharField, models.TextField) and attname != "password":
                # display_for_field's answer for plain text: stripped, escaped, the
                # empty value for nothing.

                def render(obj):
                    value = getattr(obj, attname)
                    text = value.strip() if isinstance(value, str) else value
                    if text is None or text == "":
                        return empty_html
                    return html.escape(str(text))  # escape()'s text

            else:

                def render(obj):
                    try:
                        value = getattr(obj, attname)
                    except ObjectDoesNotExist:
                        return empty_html
                    if value is None and not is_boolean:
                        return empty_html
                    return conditional_escape(display_for_field(value, field, empty, link))

        else:

            def render(obj):
                try:
                    value = getter(obj)
                except ObjectDoesNotExist:
                    return conditional_escape(empty), ""
                kind = type(value)
                if not boolean and (kind is SafeString or kind is str):
                    # display_for_value's answer for text, without its dozen checks: a
                    # column's format_html() drawn as it is, plain text stripped, escaped.
                    if kind is str:
                        value = value.strip()
                    if value:
                        return (value if kind is SafeString else escape(value)), ""
                    return conditional_escape(empty), ""
                extra = " nowrap" if isinstance(value, (datetime.date, datetime.time)) else ""
                return conditional_escape(display_for_value(value, empty, boolean)), extra

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


# -- the page's rows, read without Model.__init__ --------------------------------------------


class PageRowsIterable(ModelIterable):
    """ModelIterable for a list page's rows: the same instances (the read columns in
    ``__dict__``, the rest deferred, select_related rows cached on them), made without
    Model.from_db and Model.__init__, which loop over every field of the model for each
    of the page's ~150 instances (a request, its person and its officer): a fifth of the
    list's time at a million rows (issue 11). Anything this does not know — a model with
    init signals or its own from_db/__init__, a field whose descriptor does more than
    store the value, peers fetching, known related objects, a reverse one-to-one — is
    left to ModelIterable."""

    def __iter__(self):
        queryset = self.queryset
        compiler = queryset.query.get_compiler(using=queryset.db)
        fetch_mode = queryset._fetch_mode
        if queryset._known_related_objects or fetch_mode.track_peers:
            yield from super().__iter__()
            return
        results = compiler.execute_sql(chunked_fetch=self.chunked_fetch, chunk_size=self.chunk_size)
        plan = _row_plan(compiler.klass_info, compiler.select)
        if plan is None:
            # The query has run: build the instances from its rows as Django does.
            yield from _stock_instances(queryset, compiler, results)
            return
        db = queryset.db
        annotations = list(compiler.annotation_col_map.items())
        for row in compiler.results_iter(results):
            obj = _fill(plan, row, db, fetch_mode)
            for name, position in annotations:
                setattr(obj, name, row[position])
            yield obj


def _fill(plan, row, db, fetch_mode):
    model, start, end, names, pk_index, related = plan
    values = row[start:end]
    obj = model.__new__(model)
    state = ModelState()
    state.adding = False
    state.db = db
    state.fetch_mode = fetch_mode
    obj._state = state
    obj.__dict__.update(zip(names, values, strict=True))
    for sub_plan, local_setter, remote_setter in related:
        if row[sub_plan[1] + sub_plan[4]] is None:
            local_setter(obj, None)
        else:
            sub = _fill(sub_plan, row, db, fetch_mode)
            local_setter(obj, sub)
            remote_setter(sub, obj)
    return obj


def plain_instance(model, db, names, values):
    """``model.from_db(db, names, values)`` made as PageRowsIterable makes its rows
    when the model allows it (a handful of choices' instances on a list page)."""
    if not _plain_model(model):
        return model.from_db(db, names, values)
    return _fill((model, 0, len(names), list(names), 0, []), values, db, _FETCH_ONE)


_plain_models: dict[type, bool] = {}


def _plain_model(model) -> bool:
    """Whether instances of the model may be made by filling ``__dict__``: no init
    signals, Django's own from_db and __init__, and every concrete field a plain column
    (its descriptor stores the value as it is)."""
    plain = _plain_models.get(model)
    if plain is None:
        plain = (
            not post_init.has_listeners(model)
            and not pre_init.has_listeners(model)
            and model.from_db.__func__ is models.Model.from_db.__func__
            and model.__init__ is models.Model.__init__
            and all(
                type(_descriptor(model, field.attname)) in _PLAIN_DESCRIPTORS
                for field in model._meta.concrete_fields
            )
        )
        # Signals may be connected later (tests): only a plain answer is not kept.
        if not plain:
            return False
        _plain_models[model] = plain
    return plain and not post_init.has_listeners(model) and not pre_init.has_listeners(model)


def _descriptor(model, name):
    for klass in model.__mro__:
        if name in klass.__dict__:
            return klass.__dict__[name]
    return None


def _plain_descriptors():
    from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute

    return (DeferredAttribute, ForeignKeyDeferredAttribute)


_PLAIN_DESCRIPTORS = _plain_descriptors()


def _row_plan(klass_info, select):
    """(model, start, end, attnames, pk position, [(related plan, setters)]) for a row,
    or None when a part of it is not one this iterable makes."""
    if klass_info is None:
        return None
    model = klass_info["model"]
    if not _plain_model(model) or klass_info.get("from_parent"):
        return None
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    if list(fields) != list(range(start, end)):
        return None
    names = [column[0].target.attname for column in select[start:end]]
    pk_name = model._meta.pk.attname
    if pk_name not in names:
        return None
    related = []
    for info in klass_info.get("related_klass_infos", []):
        if info.get("reverse") or info.get("from_parent"):
            return None  # forward foreign keys and one-to-ones only
        plan = _row_plan(info, select)
        if plan is None:
            return None
        related.append((plan, info["local_setter"], info["remote_setter"]))
    return model, start, end, names, names.index(pk_name), related


def _from_db(model, fetch_mode):
    """``model.from_db`` with ``fetch_mode`` bound, as ModelIterable calls it: Django's
    helper also takes a model's own from_db written without fetch_mode (deprecated, with
    Django's warning) until Django drops that and the helper with it."""
    try:
        from django.db.models.query import _get_from_db
    except ImportError:
        return functools.partial(model.from_db, fetch_mode=fetch_mode)
    return _get_from_db(model, fetch_mode)


def _stock_instances(queryset, compiler, results):
    """What ModelIterable yields for rows already fetched (a rare fallback)."""
    from django.db.models.query import get_related_populators

    db = queryset.db
    fetch_mode = queryset._fetch_mode
    klass_info, select = compiler.klass_info, compiler.select
    model = klass_info["model"]
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    names = [column[0].target.attname for column in select[start:end]]
    populators = get_related_populators(klass_info, select, db, fetch_mode)
    annotations = list(compiler.annotation_col_map.items())
    from_db = _from_db(model, fetch_mode)
    for row in compiler.results_iter(results):
        obj = from_db(db, names, row[start:end])
        for populator in populators:
            populator.populate(row, obj)
        for name, position in annotations:
            setattr(obj, name, row[position])
        yield obj


# -- dates, as the admin draws them ---------------------------------------------------------

_DATE_PIECES = {
    "d": lambda v, m: f"{v.day:02d}",
    "j": lambda v, m: str(v.day),
    "m": lambda v, m: f"{v.month:02d}",
    "n": lambda v, m: str(v.month),
    "y": lambda v, m: f"{v.year % 100:02d}",
    "Y": lambda v, m: f"{v.year:04d}",
    "F": lambda v, m: m["F"][v.month],
    "E": lambda v, m: m["E"][v.month],
    "N": lambda v, m: m["N"][v.month],
    "b": lambda v, m: m["b"][v.month],
    "M": lambda v, m: m["b"][v.month].title(),
    "H": lambda v, m: f"{v.hour:02d}",
    "G": lambda v, m: str(v.hour),
    "i": lambda v, m: f"{v.minute:02d}",
    "s": lambda v, m: f"{v.second:02d}",
}


_MONTH_NAMES: dict[str, dict] = {}


def _month_names() -> dict[str, dict[int, str]]:
    """The month names DateFormat uses, translated once per language and process."""
    language = get_language()
    names = _MONTH_NAMES.get(language)
    if names is None:
        names = _MONTH_NAMES[language] = {
            "F": {n: str(name) for n, name in dates.MONTHS.items()},
            "E": {n: str(name) for n, name in dates.MONTHS_ALT.items()},
            "N": {n: str(name) for n, name in dates.MONTHS_AP.items()},
            "b": {n: str(name) for n, name in dates.MONTHS_3.items()},
        }
    return names


_CHOICE_LABELS: dict[tuple, dict] = {}


def choice_labels(field) -> dict:
    """{value: escaped label} of a field with choices, as the list draws them: translated
    once per language and process (the choices of a model field are fixed in code)."""
    key = (field.model._meta.label, field.name, get_language())
    labels = _CHOICE_LABELS.get(key)
    if labels is None:
        labels = {value: conditional_escape(str(label)) for value, label in field.flatchoices}
        if isinstance(field.choices, (list, tuple)):  # not a callable's changing choices
            _CHOICE_LABELS[key] = labels
    return labels


def datetime_formatter(format_string: str):
    """A function drawing a datetime as ``date_format(template_localtime(value),
    format_string)`` does, for the format in the active language: the format is split
    once and the month names translated once, not on every row. Formats with other
    specifiers are left to Django."""
    pieces = []
    for index, piece in enumerate(dateformat.re_formatchars.split(str(format_string))):
        if index % 2:
            if piece not in _DATE_PIECES:
                return lambda value: date_format(template_localtime(value), format_string)
            pieces.append(_DATE_PIECES[piece])
        elif piece:
            text = dateformat.re_escaped.sub(r"\1", piece)
            pieces.append(lambda v, m, text=text: text)
    months = _month_names()
    zone = timezone.get_current_timezone()

    def draw(value):
        if (
            isinstance(value, datetime.datetime)
            and settings.USE_TZ
            and value.tzinfo is not None
            and getattr(value, "convert_to_local_time", True)
        ):
            value = value.astimezone(zone)
        return "".join([piece(value, months) for piece in pieces])

    return draw


def _display(value) -> str:
    """``{{ value }}`` under autoescaping: a filter choice's label (conditional_escape
    without its lazy-argument wrapper, which showed in every profile)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    if isinstance(value, Promise):
        value = str(value)
    elif not isinstance(value, str):
        value = localize(template_localtime(value))
        if hasattr(value, "__html__"):
            return value.__html__()
    return html.escape(str(value))


# What iri_to_uri leaves as it is: a query string urlencode() made needs no quoting.
_URI_AS_IS = re.compile(r"[A-Za-z0-9_.~\-/#%\[\]=:;$&()+,!?*@']*")
_encoded_pairs: dict[tuple[str, str], str] = {}


def _encode_pair(key, value) -> str:
    """``urlencode([(key, value)], doseq=True)``, remembered for text values (a filter's
    choices are the same few pairs on every page)."""
    if not (isinstance(key, str) and isinstance(value, str)):
        return urlencode([(key, value)], doseq=True)
    pair = _encoded_pairs.get((key, value))
    if pair is None:
        if len(_encoded_pairs) > 20_000:
            _encoded_pairs.clear()
        pair = _encoded_pairs[key, value] = urlencode([(key, value)], doseq=True)
    return pair


def _admin_template_names(opts, name: str) -> list[str]:
    """Where InclusionAdminNode looks for ``name`` for this model, most specific first."""
    return [
        f"admin/{opts.app_label}/{opts.model_name}/{name}",
        f"admin/{opts.app_label}/{name}",
        f"admin/{name}",
    ]


_STOCK_ADMIN_TEMPLATES = str(Path(admin_module.__file__).parent / "templates") + os.sep
_stock_cache: dict[tuple[str, ...], bool] = {}


def is_stock_template(names: list[str]) -> bool:
    """Whether the first of ``names`` that exists is Django's own admin template (no
    project or app override): then its markup may be drawn in Python. Looked up once
    per process."""
    key = tuple(names)
    stock = _stock_cache.get(key)
    if stock is None:
        origin = select_template(names).origin.name
        stock = _stock_cache[key] = str(origin).startswith(_STOCK_ADMIN_TEMPLATES)
    return stock


class _PkOnly:
    """Stands in for a row when reversing the change URL once per page."""

    def __init__(self, attname, value):
        setattr(self, attname, value)


class FastActionForm(helpers.ActionForm):
    """The actions bar's form, its <select> drawn in Python (config.fast_forms)."""

    default_renderer = fast_renderer()


class FastListMixin:
    """For a ModelAdmin whose list must stay fast at a million rows (see the module)."""

    change_list_template = "admin/fast_change_list.html"
    action_form = FastActionForm

    def get_changelist(self, request, **kwargs):
        return FastChangeList

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if getattr(response, "template_name", None) == "admin/fast_change_list.html":
            # The page around the list drawn in Python (config/admin_list_page.py).
            from config.admin_list_page import FastListPage

            response.template_name = FastListPage()
        context = getattr(response, "context_data", None) or {}
        cl = context.get("cl")
        if cl is not None and not cl.formset and "media" in context:
            # The list's scripts and styles are the same on every page of this list:
            # their tags are drawn once per process (static() and the media merge).
            context["media"] = DrawnOnceMedia(context["media"])
        return response

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        # A list page asks for its actions three times (the checkbox column, the
        # actions bar, the POST); each filters every action by permission again.
        memo = request.__dict__.setdefault("_fast_list_actions", {})
        key = (id(self), action_location)
        if key not in memo:
            memo[key] = super().get_actions(request, action_location=action_location)
        return dict(memo[key])


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
