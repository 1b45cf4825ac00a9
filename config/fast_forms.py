"""A form renderer that draws Django's stock input, select and textarea widgets in Python.

A back-office object page is mostly form widgets; Django renders each one, and each
<option> of each <select>, through a template of its own (a beneficiary's page: about
four hundred template renders, two fifths of the page's time, issue #11). This renderer
produces the very same markup as those templates (django/forms/templates/django/forms/
widgets/*.html) with string building, and hands every other template (the admin's own
widgets, anything a project overrides) to the normal renderer. Admins opt in per form
with ``use_fast_widgets`` (see BeneficiaryAdmin)."""

import html

from django.conf import settings
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import EmptyResultSet
from django.forms.models import ModelChoiceField, ModelChoiceIterator, ModelMultipleChoiceField
from django.forms.renderers import get_default_renderer
from django.forms.widgets import Select
from django.templatetags.static import static
from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.html import conditional_escape, strip_spaces_between_tags
from django.utils.safestring import SafeData, SafeString
from django.utils.translation import gettext

from config.precompiled import precompiled

# Off only in tests that compare a whole page drawn both ways (config/fast_admin.py too).
ENABLED = True

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
        "file",
    )
}
_SELECT = f"{_WIDGETS}select.html"
_OPTION = f"{_WIDGETS}select_option.html"
_TEXTAREA = f"{_WIDGETS}textarea.html"
_LABEL = "django/forms/label.html"
_MULTI = {
    f"{_WIDGETS}multiwidget.html",
    f"{_WIDGETS}splithiddendatetime.html",
    f"{_WIDGETS}splitdatetime.html",
}
_ADMIN_DATE = "admin/widgets/date.html"
_ADMIN_TIME = "admin/widgets/time.html"
_ADMIN_SPLIT = "admin/widgets/split_datetime.html"
_RELATED = "admin/widgets/related_widget_wrapper.html"
_FORM_DIV = "django/forms/div.html"
_ERROR_LISTS = {"django/forms/errors/list/ul.html", "django/forms/errors/list/default.html"}


def _esc(value) -> str:
    """conditional_escape(), without keep_lazy's check of every argument."""
    if isinstance(value, SafeData):
        return value
    if type(value) is str:
        return SafeString(html.escape(value))
    return conditional_escape(value)


def _s(value) -> str:
    """``{{ value|stringformat:'s' }}`` under autoescaping."""
    if isinstance(value, SafeData):
        return value
    return SafeString(html.escape(str(value)))


def _attrs(attrs) -> str:
    """django/forms/widgets/attrs.html."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {_esc(name)}")
        else:
            out.append(f' {_esc(name)}="{_s(value)}"')
    return "".join(out)


def _input(widget) -> str:
    value = widget["value"]
    value_attr = "" if value is None else f' value="{_s(value)}"'
    return (
        f'<input type="{_esc(widget["type"])}" '
        f'name="{_esc(widget["name"])}"{value_attr}{_attrs(widget["attrs"])}>'
    )


def _label(label) -> str:
    if isinstance(label, (str, Promise)):
        return _esc(label)
    return _esc(localize(label))


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
        if not ENABLED:
            return self.fallback.render(template_name, context, request=request)
        if request is None and template_name in _ERROR_LISTS and not context.get("errors"):
            return ""  # an empty error list, drawn around every field of the page
        if request is None and template_name == _LABEL and len(context) == 5:
            label = _esc(context["label"])
            if not context["use_tag"]:
                return label
            tag = _esc(context["tag"])
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
                body = _esc(value) if value else ""
                return (
                    f'<textarea name="{_esc(widget["name"])}"'
                    f"{_attrs(widget['attrs'])}>\n{body}</textarea>"
                )
        if request is None:
            html = self._raw(template_name, context)
            if html is not None:
                return html.strip()  # as BaseRenderer.render strips
        return self.fallback.render(template_name, context, request=request)

    # What a template draws before the renderer strips it (an include keeps the
    # whitespace); None for anything not drawn here.

    def _raw(self, template_name, context):
        widget = context.get("widget")
        if widget is None:
            return self._raw_other(template_name, context)
        if template_name in _INPUTS:
            return _input(widget) + "\n\n" if len(context) == 1 else None
        if template_name == _SELECT and len(context) == 1:
            html = self._select(widget)
            return None if html is None else html + "\n"
        if template_name in _MULTI and len(context) == 1:
            inner = self._subwidgets(widget["subwidgets"])
            if inner is None:
                return None
            html = strip_spaces_between_tags(inner.strip()) + "\n"
            return html if template_name.endswith("multiwidget.html") else html + "\n"
        if template_name in (_ADMIN_DATE, _ADMIN_TIME) and len(context) == 1:
            inner = self._raw(f"{_WIDGETS}{template_name[14:]}", context)
            if inner is None:
                return None
            css = "date" if template_name == _ADMIN_DATE else "time"
            return f'<p class="{css}">\n  {inner}\n</p>\n'
        if template_name == _ADMIN_SPLIT and len(context) == 3:
            return self._split_datetime(context)
        return None

    def _subwidgets(self, subwidgets):
        parts = []
        for sub in subwidgets:
            html = self._raw(sub["template_name"], {"widget": sub})
            if html is None:
                return None
            parts.append(html)
        return "".join(parts)

    def _split_datetime(self, context):
        widget = context["widget"]
        date, time = widget["subwidgets"]
        date_html = self._raw(date["template_name"], {"widget": date})
        time_html = self._raw(time["template_name"], {"widget": time})
        if date_html is None or time_html is None:
            return None
        has_id = bool(widget["attrs"].get("id"))
        date_for = f'for="{_s(date["attrs"].get("id", ""))}"' if has_id else ""
        time_for = f'for="{_s(time["attrs"].get("id", ""))}"' if has_id else ""
        return (
            f'<p class="datetime">\n  <label {date_for}>{_value(context["date_label"])}</label> '
            f"{date_html}<br>\n  <label {time_for}>{_value(context['time_label'])}</label> "
            f"{time_html}\n</p>\n"
        )

    def _raw_other(self, template_name, context):
        if template_name == _RELATED and "rendered_widget" in context:
            return _related_widget_wrapper(context)
        if template_name == _FORM_DIV and set(context) == _FORM_CONTEXT:
            return _hidden_only_form(context)
        return None

    def _select(self, widget):
        parts = [f'<select name="{_esc(widget["name"])}"{_attrs(widget["attrs"])}>']
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


def _value(value) -> str:
    """``{{ value }}``: localized, then escaped unless safe."""
    if isinstance(value, SafeData):
        return value
    if type(value) is str:
        # What conditional_escape does, without the lazy-argument check of keep_lazy.
        return SafeString(html.escape(value))
    value = localize(value)
    return conditional_escape(value if isinstance(value, str) else str(value))


_RELATED_LINKS = [
    # (context flag, class, id prefix, href attribute, url key, params key, message, icon)
    (
        "can_change_related",
        "change-related",
        "change",
        "data-href-template",
        "change_related_template_url",
        "url_params",
        "Change selected %(model)s",
        "changelink",
    ),
    (
        "can_add_related",
        "add-related",
        "add",
        "href",
        "add_related_url",
        "url_params",
        "Add another %(model)s",
        "addlink",
    ),
    (
        "can_delete_related",
        "delete-related",
        "delete",
        "data-href-template",
        "delete_related_template_url",
        "url_params",
        "Delete selected %(model)s",
        "deletelink",
    ),
    (
        "can_view_related",
        "view-related",
        "view",
        "data-href-template",
        "change_related_template_url",
        "view_related_url_params",
        "View selected %(model)s",
        "viewlink",
    ),
]


def _related_widget_wrapper(context) -> str:
    """admin/widgets/related_widget_wrapper.html: the {% spaceless %} block of links drawn
    without the whitespace it would strip (the same markup, since the links' text holds
    no tag boundaries of its own)."""
    out = ['\n<div class="related-widget-wrapper" ']
    if not context["model_has_limit_choices_to"]:
        out.append(f'data-model-ref="{_value(context["model_name"])}"')
    out.append(f">\n    {_value(context['rendered_widget'])}\n    \n        ")
    links = []
    if not context["is_hidden"]:
        name = _value(context["name"])
        model = _value(context["model"])
        for flag, css, id_prefix, href, url_key, params_key, message, icon in _RELATED_LINKS:
            if not context[flag]:
                continue
            target = f"{_value(context[url_key])}?{_value(context[params_key])}"
            if flag == "can_add_related":
                attrs = f'\n            data-popup="yes"\n            {href}="{target}"'
            elif flag == "can_view_related":
                attrs = f'\n             {href}="{target}"'
            else:
                attrs = f'\n            {href}="{target}"\n            data-popup="yes"'
            indent = "             " if flag == "can_view_related" else "            "
            links.append(
                f'<a class="related-widget-wrapper-link {css}" id="{id_prefix}_id_{name}"'
                f'{attrs}\n{indent}title="{gettext(message) % {"model": model}}">'
                f'<img src="{_value(static(f"admin/img/icon-{icon}.svg"))}" alt="" width="24"'
                ' height="24"></a>'
            )
    out.append("".join(links))
    out.append("\n    \n</div>\n")
    return "".join(out)


_FORM_CONTEXT = {"form", "fields", "hidden_fields", "errors"}


def _hidden_only_form(context):
    """django/forms/div.html for a form of hidden fields only (a formset's management
    form); None for any other form."""
    if context["fields"] or context["errors"]:
        return None
    hidden = "".join(_value(field) for field in context["hidden_fields"])
    return f"\n\n\n\n  {hidden}\n\n"


class _FastInner:
    """The wrapped widget of a RelatedFieldWidgetWrapper, drawn by the fast renderer (the
    stock wrapper draws it with the project's default renderer)."""

    def __init__(self, widget):
        self._widget = widget

    def __getattr__(self, name):
        return getattr(self._widget, name)

    def render(self, name, value, attrs=None, renderer=None):
        return self._widget.render(name, value, attrs, renderer or fast_renderer())


class FastRelatedFieldWidgetWrapper(RelatedFieldWidgetWrapper):
    def get_context(self, name, value, attrs):
        inner = self.widget
        self.widget = _FastInner(inner)
        try:
            return super().get_context(name, value, attrs)
        finally:
            self.widget = inner


_renderer = None


def fast_renderer() -> FastWidgetRenderer:
    global _renderer
    if _renderer is None:
        _renderer = FastWidgetRenderer()
    return _renderer


def use_fast_widgets(form_or_formset_class, page_choices: dict | None = None):
    """The form (or formset) class, drawing its widgets with the fast renderer.

    ``page_choices`` (a dict kept for one request, see ``page_choices()``): the model
    <select>s of every form given the same dict read each list once, e.g. a person's
    preferred channel, the channel that reached them and each consent's channel. Only
    for classes built per request (the admin's get_form), never a module-level form."""
    form_or_formset_class.default_renderer = fast_renderer()
    _fast_related_wrappers(form_or_formset_class, page_choices)
    return form_or_formset_class


def page_choices(request) -> dict:
    """The choice lists read so far while drawing ``request``'s page."""
    cache = getattr(request, "_fast_page_choices", None)
    if cache is None:
        cache = request._fast_page_choices = {}
    return cache


class _PlainModelChoiceIterator(ModelChoiceIterator):
    """The choices of a model <select> read with one plain query: the stock iterator
    opens a server-side cursor on PostgreSQL (DECLARE, FETCH, FETCH, CLOSE: four round
    trips for a list of ten channels)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        # The same list on every page: its SQL kept between views (config.precompiled).
        queryset = precompiled(self.queryset, "model choices")
        for obj in self._objects(queryset):
            yield self.choice(obj)

    def _objects(self, queryset):
        cache = getattr(self.field, "_page_choices", None)
        if cache is None:
            return queryset
        try:
            sql, params = queryset.query.sql_with_params()
        except EmptyResultSet:
            return queryset
        # The same query, the same rows: each field draws its own labels from them.
        key = (queryset.model, queryset.db, sql, repr(params))
        objects = cache.get(key)
        if objects is None:
            objects = cache[key] = list(queryset)
        return objects


def _fast_related_wrappers(form_or_formset_class, page_choices=None):
    # The admin builds these classes per request (get_form, get_formset), so the swaps
    # touch no class or field another page uses.
    form_class = getattr(form_or_formset_class, "form", form_or_formset_class)
    for field in getattr(form_class, "base_fields", {}).values():
        if type(field.widget) is RelatedFieldWidgetWrapper:
            field.widget.__class__ = FastRelatedFieldWidgetWrapper
        if (
            type(field) is ModelChoiceField
            and field.iterator is ModelChoiceIterator
            and not field.widget.is_hidden
        ):
            field.iterator = _PlainModelChoiceIterator
            if page_choices is not None:
                field._page_choices = page_choices  # a form's copy of the field shares it
            field.widget.choices = field.choices


class _SharedChoicesMixin:
    """Every row of an inline formset asks the database for the same choice lists (a
    channel <select> per consent row): here each list is read once per formset, and the
    empty form (the "add another" row) is built once."""

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
        # Built once: the stock property builds a new form on every read, and the admin
        # reads it up to five times per inline (rows, header, media, multipart check).
        form = self.__dict__.get("_empty_form")
        if form is None:
            form = self.__dict__["_empty_form"] = self._share_choices(super().empty_form)
        return form


def shared_choices(formset_class, renderer=None, page_choices=None):
    """The formset class, reading each choice list once (and drawing with ``renderer``;
    ``page_choices``: as for use_fast_widgets)."""
    attrs = {"renderer": renderer} if renderer is not None else {}
    if renderer is not None:
        _fast_related_wrappers(formset_class, page_choices)
    return type(formset_class.__name__, (_SharedChoicesMixin, formset_class), attrs)


_NONCE = "\x00nonce\x00"
_drawn_media: dict[tuple, str] = {}


class DrawnOnceMedia:
    """Stands in for a page's ``media`` (``{% csp_nonce_attr media %}`` in
    admin/change_form.html, ``media["js"]`` on a fast list): the same scripts and styles
    give the same tags, so they are drawn once per process (the merge of a dozen lists
    and a static() per file; a CSP nonce is put in per request). Anything else is asked
    of the real Media."""

    def __init__(self, media):
        self._media = media

    def _key(self) -> tuple:
        media = self._media
        css = tuple(
            tuple((kind, tuple(paths)) for kind, paths in sorted(part.items()))
            for part in media._css_lists
        )
        return (css, tuple(map(tuple, media._js_lists)))

    def render(self, attrs=None):
        if not ENABLED or (attrs and set(attrs) != {"nonce"}):
            return self._media.render(attrs=attrs)
        nonce = attrs.get("nonce") if attrs else None
        try:
            key = (self._key(), nonce is not None, settings.STATIC_URL)
            html = _drawn_media.get(key)
        except TypeError:  # an asset that cannot be a key: drawn every time
            return self._media.render(attrs=attrs)
        if html is None:
            if len(_drawn_media) > 200:
                _drawn_media.clear()
            html = _drawn_media[key] = self._media.render(
                attrs={"nonce": _NONCE} if nonce is not None else None
            )
        if nonce is not None:
            html = html.replace(_NONCE, conditional_escape(nonce))
        return SafeString(html)

    def __getitem__(self, name):
        # media["js"] / media["css"]: a list page draws its scripts and styles apart.
        return DrawnOnceMedia(self._media[name])

    def __getattr__(self, name):
        return getattr(self._media, name)

    def __add__(self, other):
        return self._media + other

    def __str__(self):
        return self.render()
