"""A form renderer that draws Django's stock input, select and textarea widgets in Python.

A back-office object page is mostly form widgets; Django renders each one, and each
<option> of each <select>, through a template of its own (a beneficiary's page: about
four hundred template renders, two fifths of the page's time, issue #11). This renderer
produces the very same markup as those templates (django/forms/templates/django/forms/
widgets/*.html) with string building, and hands every other template (the admin's own
widgets, anything a project overrides) to the normal renderer. Admins opt in per form
with ``use_fast_widgets`` (see BeneficiaryAdmin)."""

from django.forms.models import ModelChoiceField, ModelMultipleChoiceField
from django.forms.renderers import get_default_renderer
from django.forms.widgets import Select
from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData

_WIDGETS = "django/forms/widgets/"
_INPUTS = {
    f"{_WIDGETS}{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "checkbox",
        "search",
        "tel",
        "color",
    )
}
_SELECT = f"{_WIDGETS}select.html"
_OPTION = f"{_WIDGETS}select_option.html"
_TEXTAREA = f"{_WIDGETS}textarea.html"
_LABEL = "django/forms/label.html"
_ERROR_LISTS = {"django/forms/errors/list/ul.html", "django/forms/errors/list/default.html"}


def _s(value) -> str:
    """``{{ value|stringformat:'s' }}`` under autoescaping."""
    if isinstance(value, SafeData):
        return value
    return conditional_escape(str(value))


def _attrs(attrs) -> str:
    """django/forms/widgets/attrs.html."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(f' {conditional_escape(name)}="{_s(value)}"')
    return "".join(out)


def _input(widget) -> str:
    value = widget["value"]
    value_attr = "" if value is None else f' value="{_s(value)}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{value_attr}{_attrs(widget["attrs"])}>'
    )


def _label(label) -> str:
    if isinstance(label, (str, Promise)):
        return conditional_escape(label)
    return conditional_escape(localize(label))


class FastWidgetRenderer:
    """Wraps the project's renderer; see the module docstring."""

    def __init__(self, fallback=None):
        self.fallback = fallback or get_default_renderer()
        self.form_template_name = self.fallback.form_template_name
        self.formset_template_name = self.fallback.formset_template_name
        self.field_template_name = self.fallback.field_template_name

    def get_template(self, template_name):
        return self.fallback.get_template(template_name)

    def render(self, template_name, context, request=None):
        if request is None and template_name in _ERROR_LISTS and not context.get("errors"):
            return ""  # an empty error list, drawn around every field of the page
        if request is None and template_name == _LABEL and len(context) == 5:
            label = conditional_escape(context["label"])
            if not context["use_tag"]:
                return label
            tag = conditional_escape(context["tag"])
            return f"<{tag}{_attrs(context['attrs'])}>{label}</{tag}>"
        widget = context.get("widget") if request is None else None
        if widget is not None and len(context) == 1:
            if template_name in _INPUTS:
                return _input(widget)
            if template_name == _SELECT:
                html = self._select(widget)
                if html is not None:
                    return html
            if template_name == _TEXTAREA:
                value = widget["value"]
                body = conditional_escape(value) if value else ""
                return (
                    f'<textarea name="{conditional_escape(widget["name"])}"'
                    f"{_attrs(widget['attrs'])}>\n{body}</textarea>"
                )
        return self.fallback.render(template_name, context, request=request)

    def _select(self, widget):
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{_label(group_name)}">')
            for option in group_choices:
                if option["template_name"] != _OPTION:
                    return None
                parts.append(
                    f'\n  <option value="{_s(option["value"])}"{_attrs(option["attrs"])}>'
                    f"{_label(option['label'])}</option>\n"  # the template's last line
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return "".join(parts)


_renderer = None


def fast_renderer() -> FastWidgetRenderer:
    global _renderer
    if _renderer is None:
        _renderer = FastWidgetRenderer()
    return _renderer


def use_fast_widgets(form_or_formset_class):
    """The form (or formset) class, drawing its widgets with the fast renderer."""
    form_or_formset_class.default_renderer = fast_renderer()
    return form_or_formset_class


class _SharedChoicesMixin:
    """Every row of an inline formset asks the database for the same choice lists (a
    channel <select> per consent row): here each list is read once per formset."""

    def _share_choices(self, form):
        cache = self.__dict__.setdefault("_shared_choices", {})
        for name, field in form.fields.items():
            # Only lists drawn as a <select>: a formset's hidden primary-key field is a
            # ModelChoiceField over the whole table.
            if (
                isinstance(field, ModelChoiceField)
                and not isinstance(field, ModelMultipleChoiceField)
                and not field.widget.is_hidden
                and isinstance(getattr(field.widget, "widget", field.widget), Select)
            ):
                if name not in cache:
                    cache[name] = list(iter(field.widget.choices))  # iter: no COUNT(*)
                field.widget.choices = cache[name]
        return form

    def _construct_form(self, i, **kwargs):
        return self._share_choices(super()._construct_form(i, **kwargs))

    @property
    def empty_form(self):
        return self._share_choices(super().empty_form)


def shared_choices(formset_class, renderer=None):
    """The formset class, reading each choice list once (and drawing with ``renderer``)."""
    attrs = {"renderer": renderer} if renderer is not None else {}
    return type(formset_class.__name__, (_SharedChoicesMixin, formset_class), attrs)
