"""Template filters every Mustafid page uses; loaded as a builtin (settings.TEMPLATES)."""

from django import template

from config import hijri as hijri_dates

register = template.Library()


@register.filter
def hijri(value):
    """Only the Hijri date: {{ request.submitted_at|hijri }} → 12 صفر 1442 هـ."""
    return hijri_dates.format_hijri(value)


@register.filter
def dual_date(value):
    """The Hijri date beside its Gregorian one; the Gregorian alone out of range."""
    return hijri_dates.dual_date_html(value)


@register.filter
def gregorian(value):
    return hijri_dates.format_gregorian(value)


@register.filter
def as_heading(label):
    """A field's label before a colon (the error summary's "label: error"): without the
    full stop a sentence-like label ends with ("I have read the privacy notice above.")."""
    text = str(label)
    return text[:-1] if text.endswith((".", "۔")) else text
