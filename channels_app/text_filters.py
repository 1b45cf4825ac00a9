"""Date filters for plain-text messages (SMS, e-mail), used only by the notification
template engine (``channels_app.notify.text_engine``). They take the place of the
project's HTML filters of the same names, and also read the ISO dates a stored
notification keeps: ``{{ due_date|dual_date }}`` → «12 صفر 1448 هـ (25 يوليو 2026م)»."""

from django import template

from config import hijri as hijri_dates

from .notify import as_date, dual_date_text

register = template.Library()


@register.filter
def dual_date(value):
    return dual_date_text(value)


@register.filter
def hijri(value):
    day = as_date(value)
    return hijri_dates.format_hijri(day) if day is not None else value


@register.filter
def gregorian(value):
    day = as_date(value)
    return hijri_dates.format_gregorian(day) if day is not None else value
