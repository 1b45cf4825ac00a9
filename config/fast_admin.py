"""The admin's change-form templates drawn in Python, byte for byte.

A back-office object page spends most of its time in three templates of the admin, run
once per fieldset and once per row of each inline: admin/includes/fieldset.html and
admin/edit_inline/{tabular,stacked}.html (about two hundred includes, loops and
attribute look-ups per field on a beneficiary's page, issue #11). The functions below
draw the same markup, whitespace included, from the same objects (AdminForm, Fieldset,
InlineAdminFormSet…); tests render whole pages both ways and compare them. Pages opt in:
a change_form template overrides ``{% block field_sets %}`` with ``{% fast_field_sets %}``
and an inline names ``admin/edit_inline/fast_tabular.html`` (or ``fast_stacked.html``) as
its template. With ``config.fast_forms.ENABLED`` off, the tags render the stock templates.
"""

from django.contrib.admin.templatetags.admin_modify import cell_count
from django.contrib.admin.utils import quote
from django.forms.formsets import DELETION_FIELD_NAME
from django.template.defaultfilters import capfirst, striptags
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext

from config.fast_forms import _value

_FIELDSET = "admin/includes/fieldset.html"


def _safe_filter(function, value):
    """A stringfilter marked is_safe, as the template engine applies it."""
    result = function(str(value))
    return mark_safe(result) if isinstance(value, SafeData) else result


def _inner(field, key):
    """``field.field.<key>``: a BoundField's attribute, or a read-only field's dict entry
    ("" when missing, as a template shows it)."""
    inner = field.field
    if isinstance(inner, dict):
        return inner.get(key, "")
    return getattr(inner, key)


def fieldset_html(fieldset, heading_level, prefix, id_prefix, id_suffix) -> str:
    """admin/includes/fieldset.html."""
    out = []
    w = out.append
    name = fieldset.name
    heading_id = f"{_value(prefix)}-{_value(id_prefix)}-{_value(id_suffix)}-heading"
    w(f'<fieldset class="module aligned {_value(fieldset.classes)}"')
    if name:
        w(f' aria-labelledby="{heading_id}"')
    w(">\n    ")
    if name:
        w("\n        ")
        if fieldset.is_collapsible:
            w("<details><summary>")
        level = _value(heading_level or 2)
        w(
            f'\n        <h{level} id="{heading_id}" class="fieldset-heading">'
            f"{_value(name)}</h{level}>\n        "
        )
        if fieldset.is_collapsible:
            w("</summary>")
        w("\n    ")
    w("\n    ")
    if fieldset.description:
        w(
            f'\n        <div class="description">{_value(mark_safe(fieldset.description))}'
            "</div>\n    "
        )
    w("\n    ")
    for line in fieldset:
        fields = list(line)
        single = len(line.fields) == 1
        w('\n        <div class="form-row')
        if not single:
            w(" flex-container form-multiline")
        if not line.has_visible_field:
            w(" hidden")
        for field in fields:
            field_name = _inner(field, "name")
            if field_name:
                w(f" field-{_value(field_name)}")
        w('">\n            ')
        line_errors = line.errors() if single else ""
        for field in fields:
            _field_html(w, field, single, line_errors)
        w("\n        </div>\n    ")
    w("\n    ")
    if name and fieldset.is_collapsible:
        w("</details>")
    w("\n</fieldset>\n")
    return "".join(out)


def _field_html(w, field, single, line_errors) -> None:
    field_name = _inner(field, "name")
    help_text = _inner(field, "help_text")
    is_hidden = _inner(field, "is_hidden")
    is_readonly = field.is_readonly
    is_checkbox = field.is_checkbox
    is_fieldset = getattr(field, "is_fieldset", False)
    id_for_label = _inner(field, "id_for_label")
    w("\n                ")
    if is_fieldset:
        w("<fieldset")
        if help_text:
            w(f' aria-describedby="{_value(id_for_label)}_helptext"')
        w(f">{_value(field.label_tag())}")
    w('\n                <div class="flex-container')
    if (not is_readonly and field.errors()) or (single and line_errors):
        w(" errors")
    if not single:
        w(" fieldBox")
        if field_name:
            w(f" field-{_value(field_name)}")
        if is_hidden:
            w(" hidden")
    if is_checkbox:
        w(" checkbox-row")
    w('">\n                    ')
    if is_checkbox:
        w(
            f'\n                        <div class="checkbox">\n                        {_value(field.field)}'
        )
        w("\n                        ")
        if not is_fieldset:
            w(_value(field.label_tag()))
        w("\n                        </div>\n                    ")
    else:
        w("\n                        ")
        if not is_fieldset:
            w(_value(field.label_tag()))
        w("\n                    ")
    w("\n                    ")
    if help_text:
        w('\n                        <div class="help')
        if is_hidden:
            w(" hidden")
        w('"')
        if id_for_label:
            w(f' id="{_value(id_for_label)}_helptext"')
        w(
            f">\n                            <div>{_value(mark_safe(help_text))}</div>"
            "\n                        </div>\n                    "
        )
    w("\n                    ")
    if single:
        w(_value(line_errors))
    w("\n                    ")
    if not single and not is_readonly:
        w(_value(field.errors()))
    w("\n                        ")
    if not is_checkbox:
        w("\n                        ")
        if is_readonly:
            w(
                f'\n                            <div class="readonly">{_value(field.contents())}'
                "</div>\n                        "
            )
        else:
            w(f"\n                            {_value(field.field)}\n                        ")
        w("\n                    ")
    w("\n                </div>\n                ")
    if is_fieldset:
        w("</fieldset>")
    w("\n            ")


def _heading(inline_admin_formset) -> str:
    opts = inline_admin_formset.opts
    prefix = _value(inline_admin_formset.formset.prefix)
    collapsible = inline_admin_formset.is_collapsible
    name = opts.verbose_name if inline_admin_formset.formset.max_num == 1 else None
    if name is None:
        name = opts.verbose_name_plural
    return (
        f'<fieldset class="module {_value(inline_admin_formset.classes)}" '
        f'aria-labelledby="{prefix}-heading">\n  '
        + ("<details><summary>" if collapsible else "")
        + f'\n  <h2 id="{prefix}-heading" class="inline-heading">\n  \n    '
        f"{_value(_safe_filter(capfirst, name))}\n  \n  </h2>\n  "
        + ("</summary>" if collapsible else "")
    )


def _change_link(inline_admin_formset, inline_admin_form, current_app) -> str:
    model_admin = inline_admin_form.model_admin
    opts = model_admin.opts
    url = reverse(
        f"admin:{opts.app_label}_{opts.model_name}_change",
        args=[quote(inline_admin_form.original.pk)],
        current_app=current_app,
    )
    can_change = inline_admin_formset.has_change_permission
    css = "inlinechangelink" if can_change else "inlineviewlink"
    label = _value(gettext("Change") if can_change else gettext("View"))
    return f'<a href="{conditional_escape(url)}" class="{css}">{label}</a>'


def _shows_change_link(inline_admin_form) -> bool:
    model_admin = inline_admin_form.model_admin
    return bool(model_admin.show_change_link and model_admin.has_registered_model)


def _can_delete(inline_admin_formset) -> bool:
    return bool(
        inline_admin_formset.formset.can_delete and inline_admin_formset.has_delete_permission
    )


def tabular_html(inline_admin_formset, last: bool, current_app=None) -> str:
    """admin/edit_inline/tabular.html (``last``: the include's forloop.last)."""
    formset = inline_admin_formset.formset
    prefix = _value(formset.prefix)
    out = []
    w = out.append
    w(
        f'\n<div class="js-inline-admin-formset inline-group" id="{prefix}-group"\n'
        '     data-inline-type="tabular"\n'
        f'     data-inline-formset="{_value(inline_admin_formset.inline_formset_data())}">\n'
        f'  <div class="tabular inline-related {"last-related" if last else ""}">\n'
        f"{_value(formset.management_form)}\n"
    )
    w(_heading(inline_admin_formset))
    w(f"\n   {_value(formset.non_form_errors())}\n")
    w(
        '  <div class="wrapper">\n    <table>\n     <thead><tr>\n       <th class="original"></th>\n     '
    )
    icon = None
    for field in inline_admin_formset.fields():
        w(f'\n       <th class="column-{_value(field["name"])}')
        if field["required"]:
            w(" required")
        if (
            field["widget"]["is_hidden"]
            if isinstance(field["widget"], dict)
            else field["widget"].is_hidden
        ):
            w(" hidden")
        w(f'">{_value(_safe_filter(capfirst, field["label"]))}\n       ')
        if field["help_text"]:
            if icon is None:
                icon = _value(static("admin/img/icon-unknown.svg"))
            text = _value(_safe_filter(striptags, field["help_text"]))
            w(
                f'<img src="{icon}" class="help help-tooltip" width="10" height="10" '
                f'alt="({text})" title="{text}">'
            )
        w("\n       </th>\n     ")
    can_delete = _can_delete(inline_admin_formset)
    w(f"\n     <th>{_value(gettext('Delete?')) if can_delete else ''}</th>\n")
    w("     </tr></thead>\n\n     <tbody>\n     ")
    forms = list(inline_admin_formset)
    count = len(forms)
    add = inline_admin_formset.has_add_permission
    for index, inline_admin_form in enumerate(forms):
        is_empty = index == count - 1 and add
        form = inline_admin_form.form
        original = inline_admin_form.original
        show_url = inline_admin_form.show_url
        w("\n        ")
        non_field_errors = form.non_field_errors()
        if non_field_errors:
            w(
                f'\n        <tr class="row-form-errors"><td colspan="'
                f'{_value(cell_count(inline_admin_form))}">{_value(non_field_errors)}'
                "</td></tr>\n        "
            )
        w(
            f'\n        <tr class="form-row {"has_original" if original or show_url else ""}'
            f'{" empty-form" if is_empty else ""}"\n'
            f'             id="{prefix}-{"empty" if is_empty else index}">\n'
            '        <td class="original">\n          '
        )
        if original or show_url:
            w("<p>\n          ")
            if original:
                w(f"\n          {_value(original)}\n          ")
                if _shows_change_link(inline_admin_form):
                    w(_change_link(inline_admin_formset, inline_admin_form, current_app))
                w("\n          ")
            w("\n          ")
            if show_url:
                w(
                    f'<a href="{_value(inline_admin_form.absolute_url)}">'
                    f"{_value(gettext('View on site'))}</a>"
                )
            w("\n            </p>")
        pk, fk = _explicit_keys(inline_admin_form)
        w(f"\n          {pk}\n          {fk}\n        </td>\n        ")
        for fieldset in inline_admin_form:
            w("\n          ")
            for line in fieldset:
                w("\n            ")
                for field in line:
                    w('\n              <td class="')
                    field_name = _inner(field, "name")
                    if field_name:
                        w(f"field-{_value(field_name)}")
                    if _inner(field, "is_hidden"):
                        w(" hidden")
                    w('">\n              ')
                    if field.is_readonly:
                        w(f"\n                  <p>{_value(field.contents())}</p>\n              ")
                    else:
                        w(
                            f"\n                  {_value(field.field.errors.as_ul())}"
                            f"\n                  {_value(field.field)}\n              "
                        )
                    w("\n              </td>\n            ")
                w("\n          ")
            w("\n        ")
        w('\n        <td class="delete">')
        if can_delete and original:
            w(_value(inline_admin_form.form[DELETION_FIELD_NAME]))
        w("</td>\n        </tr>\n     ")
    w("\n     </tbody>\n    </table>\n  </div>\n  ")
    if inline_admin_formset.is_collapsible:
        w("</details>")
    w("\n</fieldset>\n  </div>\n</div>\n")
    return "".join(out)


def _explicit_keys(inline_admin_form) -> tuple[str, str]:
    """The row's hidden primary key and foreign key (two lines of both inline templates,
    without the text between them)."""
    pk = ""
    if inline_admin_form.needs_explicit_pk_field():
        pk = _value(inline_admin_form.pk_field().field)
    fk_field = inline_admin_form.fk_field()
    fk = _value(fk_field.field) if fk_field else ""
    return pk, fk


def stacked_html(inline_admin_formset, current_app=None) -> str:
    """admin/edit_inline/stacked.html."""
    formset = inline_admin_formset.formset
    opts = inline_admin_formset.opts
    prefix = _value(formset.prefix)
    out = []
    w = out.append
    w(
        '\n<div class="js-inline-admin-formset inline-group"\n'
        f'     id="{prefix}-group"\n'
        '     data-inline-type="stacked"\n'
        f'     data-inline-formset="{_value(inline_admin_formset.inline_formset_data())}">\n'
    )
    w(_heading(inline_admin_formset))
    w(f"\n{_value(formset.management_form)}\n{_value(formset.non_form_errors())}\n\n")
    forms = list(inline_admin_formset)
    count = len(forms)
    add = inline_admin_formset.has_add_permission
    can_delete = _can_delete(inline_admin_formset)
    verbose_name = _value(_safe_filter(capfirst, opts.verbose_name))
    for index, inline_admin_form in enumerate(forms):
        is_empty = index == count - 1 and add
        original = inline_admin_form.original
        show_url = inline_admin_form.show_url
        w(
            f'<div class="inline-related{" has_original" if original or show_url else ""}'
            f'{" empty-form last-related" if is_empty else ""}" '
            f'id="{prefix}-{"empty" if is_empty else index}">\n'
            f'  <h3><b>{verbose_name}:</b> <span class="inline_label">'
        )
        if original:
            w(_value(original))
            if _shows_change_link(inline_admin_form):
                w(" " + _change_link(inline_admin_formset, inline_admin_form, current_app))
            w("\n")
        else:
            w(f"#{index + 1}")
        w("</span>\n      ")
        if show_url:
            w(
                f'<a href="{_value(inline_admin_form.absolute_url)}">'
                f"{_value(gettext('View on site'))}</a>"
            )
        w("\n    ")
        if can_delete and original:
            deletion = inline_admin_form.deletion_field()
            w(
                f'<span class="delete">{_value(deletion.field)} '
                f"{_value(deletion.label_tag())}</span>"
            )
        w("\n  </h3>\n  ")
        non_field_errors = inline_admin_form.form.non_field_errors()
        if non_field_errors:
            w(_value(non_field_errors))
        w("\n\n  \n    ")
        for number, fieldset in enumerate(inline_admin_form):
            w("\n      ")
            w(fieldset_html(fieldset, 4, fieldset.formset.prefix, index, number))
            w("\n    ")
        w("\n  \n\n  ")
        pk, fk = _explicit_keys(inline_admin_form)
        w(f"{pk}\n  {fk}\n</div>")
    w("\n  ")
    if inline_admin_formset.is_collapsible:
        w("</details>")
    w("\n</fieldset>\n</div>\n")
    return "".join(out)
