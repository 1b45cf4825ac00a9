"""Template helpers for request pages: the due-date badge."""

from django import template

from requests_app.presentation import due_html

register = template.Library()


@register.filter
def due_badge(support_request):
    return due_html(support_request)
