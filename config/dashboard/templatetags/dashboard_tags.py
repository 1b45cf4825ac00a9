import datetime

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext, ngettext

from config.hijri import dual_date_html

from ..panels import DATE, DAYS, DECIMAL, INT, PERCENT

register = template.Library()


@register.filter
def figure_value(value, kind=INT):
    """A figure as people read it; "—" when there is nothing to measure."""
    if value is None or value == "":
        return "—"
    if kind == PERCENT:
        return f"{value * 100:.1f}%"
    if kind == DAYS:
        number = round(value, 1)
        count = int(number) if float(number).is_integer() else 11  # a fraction reads as plural
        return ngettext("%(n)s day", "%(n)s days", count) % {"n": f"{number:g}"}
    if kind == DECIMAL:
        return f"{value:,.1f}"
    if kind == DATE and isinstance(value, datetime.date):
        return dual_date_html(value)
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, int):
        return intcomma(value)
    if isinstance(value, float):
        return f"{value:,.1f}"
    return value


@register.filter
def cells(row, columns):
    """(value, kind) pairs of a table row."""
    return [(value, columns[i].kind if i < len(columns) else INT) for i, value in enumerate(row)]


@register.filter
def link_at(links, index):
    try:
        return links[index]
    except (IndexError, TypeError):
        return ""
