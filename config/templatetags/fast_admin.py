"""Tags that draw the admin's fieldsets and inlines in Python (config/fast_admin.py)."""

from django import template
from django.utils.safestring import mark_safe

from config import fast_admin, fast_forms

register = template.Library()


def _include(context, name, **values):
    """{% include name with values %}: the stock template, when the fast path is off."""
    stock = context.template.engine.get_template(name)
    with context.push(**values):
        return stock.render(context)


def _current_app(context):
    # What {% url %} passes to reverse().
    request = context.get("request")
    try:
        return request.current_app
    except AttributeError:
        try:
            return request.resolver_match.namespace
        except AttributeError:
            return None


@register.simple_tag(takes_context=True)
def fast_field_sets(context):
    """The stock change form's {% block field_sets %}."""
    parts = ["\n"]
    for index, fieldset in enumerate(context["adminform"]):
        if fast_forms.ENABLED:
            html = fast_admin.fieldset_html(fieldset, 2, "fieldset", 0, index)
        else:
            html = _include(
                context,
                fast_admin._FIELDSET,
                fieldset=fieldset,
                heading_level=2,
                prefix="fieldset",
                id_prefix=0,
                id_suffix=index,
            )
        parts.append(f"\n  {html}\n")
    parts.append("\n")
    return mark_safe("".join(parts))


@register.simple_tag(takes_context=True)
def fast_inline(context, kind):
    """admin/edit_inline/<kind>.html for the inline_admin_formset in the context."""
    if not fast_forms.ENABLED:
        return mark_safe(_include(context, f"admin/edit_inline/{kind}.html"))
    formset = context["inline_admin_formset"]
    if kind == "tabular":
        forloop = context.get("forloop") or {}
        html = fast_admin.tabular_html(formset, bool(forloop.get("last")), _current_app(context))
    else:
        html = fast_admin.stacked_html(formset, _current_app(context))
    return mark_safe(html)
