"""For the privacy notice (on /apply/, /track/ or any page): the retention periods in
force, in words, from MUSTAFID_RETENTION and its defaults.

    {% load privacy_tags %}{% retention_periods_list %}
"""

from django import template

from beneficiaries.privacy import retention_periods

register = template.Library()


@register.inclusion_tag("beneficiaries/retention_periods.html")
def retention_periods_list():
    return {"periods": retention_periods()}
