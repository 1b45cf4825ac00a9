"""The whole page of a fast back-office list drawn in Python (issue #11).

A list page is admin/fast_change_list.html, which extends admin/change_list.html, which
extends the project's admin/base_site.html, which extends admin/base.html: four levels of
blocks and ``block.super``, with a dozen ``{% static %}``, ``{% url %}`` and
``{% translate %}`` tags, the colour-theme include and the object-tools include. Its
rows, filters, search bar, actions and headers were already drawn in Python
(config/admin_lists.py); the page around them still cost about a fifth of a list's time.

``FastListPage`` stands in for the template of the list's TemplateResponse and draws the
same bytes in Python. It draws only what it knows: when one of those templates is not
the one it was written from (a project or model override, a changed base_site.html, a
new Django), or the page is one it does not draw (a pop-up, editable rows, messages to
show, a date hierarchy, a piece left to its template), the template draws the page.
tests/core/test_admin_list_page.py renders pages both ways and compares them byte for
byte."""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.messages import get_messages
from django.template import engines
from django.template.context import make_context
from django.template.defaultfilters import capfirst
from django.template.loader import get_template, select_template
from django.templatetags.static import static
from django.test.signals import template_rendered
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import csp, timezone
from django.utils.dateformat import format as date_format
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language, get_language_bidi, gettext, ngettext

from config import admin_lists

PAGE_TEMPLATE = "admin/fast_change_list.html"

# The templates this module draws, and the sha256 of the source it was written from.
# Another source (an edited or overriding template, another Django) leaves the page to
# the templates; tests/core/test_admin_list_page.py says so when that happens.
DRAWN_TEMPLATES = {
    "admin/fast_change_list.html": "63b5ba74d7564755bdba82cc7897ebe2c7b216d0ad6ea7f5b744dfa7a4ee9856",
    "admin/change_list.html": "613098bd9f37a1fecf1dd677e1182fc9494d049be4e4be52a256fdcda91ecb30",
    "admin/base_site.html": "a9ecb9dbd6a74946a7a26aeebdf637e0f88fbf4975c52d7eadd30b4137e6ab29",
    "admin/base.html": "3e14f9e1f9cba38186b40ad2c692811ad5e2fb6c652c2bd9d72b14965d46b7e2",
    "admin/color_theme_toggle.html": "6b6ba1eff736ba66cb2c6443fdc55d5667e9dbdd53c106240fff3bb180a8b485",
}
# Looked up per model, as {% change_list_object_tools %} does.
OBJECT_TOOLS_SHA = "f805f46d84f10ec74bb44a4010add116963cf6d76f54284c0163d804ba8f9f8f"

ENABLED = True

_source_cache: dict[tuple[str, ...], bool] = {}


def _source_sha(names: list[str]) -> str:
    template = select_template(names)
    return hashlib.sha256(template.template.source.encode()).hexdigest()


def _is_known(names: tuple[str, ...], sha: str) -> bool:
    known = _source_cache.get(names)
    if known is None:
        known = _source_cache[names] = _source_sha(list(names)) == sha
    return known


def templates_known() -> bool:
    """Whether every template of the page is the one this module draws."""
    return all(_is_known((name,), sha) for name, sha in DRAWN_TEMPLATES.items())


def object_tools_known(opts) -> bool:
    return _is_known(
        tuple(admin_lists._admin_template_names(opts, "change_list_object_tools.html")),
        OBJECT_TOOLS_SHA,
    )


_urls: dict[tuple, str] = {}


def _url(name: str, current_app: str | None, **kwargs) -> str:
    """reverse(), remembered per URL configuration, prefix and language."""
    key = (name, current_app, tuple(sorted(kwargs.items())), get_urlconf(), get_script_prefix())
    key += (get_language(),)
    url = _urls.get(key)
    if url is None:
        if len(_urls) > 1000:
            _urls.clear()
        url = _urls[key] = reverse(name, kwargs=kwargs or None, current_app=current_app)
    return url


_statics: dict[tuple[str, str], str] = {}


def _static(path: str) -> str:
    key = (path, settings.STATIC_URL)
    url = _statics.get(key)
    if url is None:
        url = _statics[key] = conditional_escape(static(path))
    return url


class FastListPage:
    """A template object for TemplateResponse: ``render(context, request)``."""

    name = template_name = PAGE_TEMPLATE

    def render(self, context=None, request=None):
        context = context or {}
        html = None
        if ENABLED and request is not None:
            html = self._draw(context, request)
        if html is None:
            return get_template(PAGE_TEMPLATE).render(context, request)
        if template_rendered.has_listeners():
            # The test client reads the page's context from this signal.
            template_rendered.send(
                sender=self, template=self, context=make_context(context, request)
            )
        return html

    # -- when the page can be drawn here -----------------------------------------------

    def _drawable(self, c, cl) -> bool:
        if cl is None or not isinstance(cl, admin_lists.FastChangeList):
            return False
        if cl.is_popup or cl.formset or cl.date_hierarchy or c.get("is_nav_sidebar_enabled"):
            return False
        if c.get("is_popup") or c.get("media") is None or c.get("opts") is None:
            return False
        if not templates_known() or not object_tools_known(cl.opts):
            return False
        if not admin_lists.is_stock_template(["admin/filter.html"]):
            return False
        if any(spec.template != "admin/filter.html" for spec in cl.filter_specs):
            return False
        if c.get("action_form") and not admin_lists.is_stock_template(
            admin_lists._admin_template_names(cl.opts, "actions.html")
        ):
            return False
        return cl.fast_search_form is not None and cl.fast_rows is not None

    # -- the page ------------------------------------------------------------------------

    def _draw(self, context_data, request) -> str | None:
        cl = context_data.get("cl")
        engine = engines["django"].engine
        c = {}
        for processor in engine.template_context_processors:
            c.update(processor(request))
        c.update(context_data)
        if not self._drawable(c, cl):
            return None
        messages = c.get("messages")
        if messages is not None and len(get_messages(request)):
            return None  # drawn by the template, which marks them shown
        d = admin_lists._display
        current_app = getattr(request, "current_app", None)
        nonce = csp.nonce_attr(c)
        language = get_language()
        bidi = get_language_bidi()
        user = c.get("user")
        opts = cl.opts
        association = c.get("association")
        association_name = d(association.name) if association is not None else ""
        w = []
        out = w.append

        # admin/base.html: the head
        title = d(c.get("title"))
        subtitle = c.get("subtitle")
        full_title = (f"{d(subtitle)} | " if subtitle else "") + f"{title} | {association_name}"
        out(
            "<!DOCTYPE html>\n\n"
            f'<html lang="{d(language or "en-us")}" dir="{"rtl" if bidi else "ltr"}">\n'
            f"<head>\n<title>{full_title}</title>\n"
            '<meta name="color-scheme" content="light dark" />\n'
            f'<link rel="stylesheet" href="{_static("admin/css/base.css")}" {nonce}>\n'
            "\n"
            f'  <link rel="stylesheet" href="{_static("admin/css/dark_mode.css")}" {nonce}>\n'
            f'  <script src="{_static("admin/js/theme.js")}" {nonce}></script>\n'
            "\n\n"
        )
        # change_list.html's extrastyle
        action_form = c.get("action_form")
        media = c["media"]
        out(
            "\n  \n"
            f'  <link rel="stylesheet" href="{_static("admin/css/changelists.css")}" {nonce}>\n'
            "  \n  "
        )
        if action_form:
            out(
                "\n    "
                f'<script src="{conditional_escape(_url("admin:jsi18n", current_app))}" '
                f"{nonce}></script>\n  "
            )
        out(f"\n  {csp.nonce_attr(c, media['css'])}\n  ")
        if not c.get("actions_on_top") and not c.get("actions_on_bottom"):
            out(
                f"\n    <style {nonce}>\n"
                "      #changelist table thead th:first-child {width: inherit}\n"
                "    </style>\n  "
            )
        out("\n\n")
        if bidi:
            out(f'<link rel="stylesheet" href="{_static("admin/css/rtl.css")}" {nonce}>')
        # change_list.html's extrahead
        out(
            "\n\n\n"
            f"{csp.nonce_attr(c, media['js'])}\n"
            f'<script src="{_static("admin/js/filters.js")}" defer {nonce}></script>\n'
            "\n\n"
            '    <meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
            f'    <link rel="stylesheet" href="{_static("admin/css/responsive.css")}" {nonce}>\n'
            "    "
        )
        if bidi:
            out(f'<link rel="stylesheet" href="{_static("admin/css/responsive_rtl.css")}" {nonce}>')
        zone = timezone.get_current_timezone()
        now = datetime.datetime.now(tz=zone if settings.USE_TZ else None)
        out(
            "\n\n"
            '<meta name="robots" content="NONE,NOARCHIVE">\n'
            "</head>\n\n"
            f'<body class=" app-{d(opts.app_label)} model-{d(opts.model_name)} change-list"\n'
            f'  data-admin-utc-offset="{d(date_format(now, "Z"))}"\n'
            f'  data-admin-server-timezone="{d(timezone.get_current_timezone_name())}">\n'
            '<a href="#content-start" class="skip-to-content-link">'
            f"{gettext('Skip to main content')}</a>\n"
            "<!-- Container -->\n"
            '<div id="container">\n\n    \n'
            "    <!-- Header -->\n    \n"
            '      <header id="header">\n'
            '        <div id="branding">\n        \n'
            # base_site.html's branding
            f'<div id="site-name"><a href="{conditional_escape(_url("admin:index", current_app))}">'
            f"{association_name}</a></div>\n"
        )
        if user.is_anonymous:
            out(self._theme_toggle())
        out("\n\n        </div>\n        \n        ")
        if c.get("has_permission"):
            out(self._user_tools(c, user, current_app))
        out("\n        \n        ")
        # base_site.html's nav-global
        perms = c.get("perms")
        if perms is not None and perms["dashboard"]["view_dashboard"]:
            out(
                '<a class="dashboard-link" '
                f'href="{conditional_escape(_url("dashboard:index", current_app))}">'
                f"{gettext('Dashboard')}</a>"
            )
        out(_language_switch(c, request, current_app, language))
        # change_list.html's breadcrumbs
        app_url = conditional_escape(_url("admin:app_list", current_app, app_label=opts.app_label))
        out(
            "\n      </header>\n    \n    <!-- END Header -->\n    \n"
            f'      <nav aria-label="{gettext("Breadcrumbs")}">\n        \n'
            '<ol class="breadcrumbs">\n'
            f'<li><a href="{conditional_escape(_url("admin:index", current_app))}">'
            f"{gettext('Home')}</a></li>\n"
            f'<li><a href="{app_url}">{d(opts.app_config.verbose_name)}</a></li>\n'
            f'<li aria-current="page">{d(capfirst(opts.verbose_name_plural))}</li>\n'
            "</ol>\n\n      </nav>\n    \n    \n\n"
            '    <div class="main" id="main">\n      \n'
            '      <main id="content-start" class="content" tabindex="-1">\n'
            "        \n          \n        \n"
            "        <!-- Content -->\n"
            '        <div id="content" class="">\n'
            '          <div class="titles-and-tools">\n'
            '            <div class="titles">\n              \n              '
        )
        if c.get("title"):
            out(f"<h1>{title}</h1>")
        out("\n              ")
        if subtitle:
            out(f"<h2>{d(subtitle)}</h2>")
        out(
            "\n            </div>\n            \n"
            '<ul class="object-tools">\n  \n    '
            f"{self._object_tools(c, cl, current_app)}"
            "\n  \n</ul>\n\n          </div>\n          "
        )
        out(self._content(c, cl))
        out(
            "\n          \n          "
            '<br class="clear">\n'
            "        </div>\n"
            "        <!-- END Content -->\n"
            "      </main>\n"
            "    </div>\n"
            '    <footer id="footer"></footer>\n'
            "</div>\n"
            "<!-- END Container -->\n\n"
            f"{_SVGS}\n\n</body>\n</html>\n"
        )
        return SafeString("".join(w))

    @staticmethod
    def _theme_toggle() -> str:
        return (
            '\n<button class="theme-toggle">\n'
            '  <span class="visually-hidden theme-label-when-auto">'
            f"{gettext('Toggle theme (current theme: auto)')}</span>\n"
            '  <span class="visually-hidden theme-label-when-light">'
            f"{gettext('Toggle theme (current theme: light)')}</span>\n"
            '  <span class="visually-hidden theme-label-when-dark">'
            f"{gettext('Toggle theme (current theme: dark)')}</span>\n"
            '  <svg aria-hidden="true" class="theme-icon-when-auto">\n'
            '    <use xlink:href="#icon-auto" />\n'
            "  </svg>\n"
            '  <svg aria-hidden="true" class="theme-icon-when-dark">\n'
            '    <use xlink:href="#icon-moon" />\n'
            "  </svg>\n"
            '  <svg aria-hidden="true" class="theme-icon-when-light">\n'
            '    <use xlink:href="#icon-sun" />\n'
            "  </svg>\n"
            "</button>\n"
        )

    def _user_tools(self, c, user, current_app) -> str:
        d = admin_lists._display
        name = user.get_short_name() or user.get_username()
        parts = [
            '\n        <div id="user-tools">\n            \n'
            f"                {gettext('Welcome,')}\n"
            f"                <strong>{d(name) if name else ''}</strong>.\n"
            "            \n            "
        ]
        staff = user.is_active and user.is_staff
        if staff:
            setup = conditional_escape(_url("two-factor-setup", current_app))
            parts.append(f'<a href="{setup}">{gettext("Two-step sign-in")}</a> / ')
        parts.append("\n                ")
        site_url = c.get("site_url")
        if site_url:
            parts.append(
                f'\n                    <a href="{d(site_url)}">{gettext("View site")}</a> /\n'
                "                "
            )
        parts.append("\n                ")
        if staff:
            parts.append("\n                    \n                    ")
            try:
                docsroot = reverse("django-admindocs-docroot", current_app=current_app)
            except NoReverseMatch:
                docsroot = ""
            if docsroot:
                parts.append(
                    f'\n                        <a href="{d(docsroot)}">'
                    f"{gettext('Documentation')}</a> /\n                    "
                )
            parts.append("\n                ")
        parts.append("\n                ")
        if user.has_usable_password():
            change = conditional_escape(_url("admin:password_change", current_app))
            parts.append(
                f'\n                <a href="{change}">{gettext("Change password")}</a> /\n'
                "                "
            )
        logout = conditional_escape(_url("admin:logout", current_app))
        parts.append(
            "\n"
            f'                <form id="logout-form" method="post" action="{logout}">\n'
            f"                    {_csrf_input(c)}\n"
            f'                    <button type="submit">{gettext("Log out")}</button>\n'
            "                </form>\n"
            "                "
            f"{self._theme_toggle()}\n"
            "            \n        </div>\n        "
        )
        return "".join(parts)

    @staticmethod
    def _object_tools(c, cl, current_app) -> str:
        d = admin_lists._display
        parts = ["\n\n\n  "]
        if c.get("has_add_permission"):
            opts = cl.opts
            try:
                add_url = reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_add", current_app=current_app
                )
            except NoReverseMatch:
                add_url = ""
            href = conditional_escape(
                add_preserved_filters(
                    {"opts": c.get("opts"), "preserved_filters": c.get("preserved_filters")},
                    add_url,
                    c.get("is_popup"),
                    c.get("to_field"),
                )
            )
            label = gettext("Add %(name)s") % {"name": d(opts.verbose_name)}
            parts.append(
                "\n  <li>\n    \n"
                f'    <a href="{href}" class="addlink">\n'
                f"      {label}\n"
                "    </a>\n  </li>\n  "
            )
        parts.append("\n\n")
        return "".join(parts)

    @staticmethod
    def _content(c, cl) -> str:
        d = admin_lists._display
        filtered = " filtered" if cl.has_filters else ""
        parts = [
            '\n  <div id="content-main">\n    \n'
            f'    <div class="module{filtered}" id="changelist">\n'
            '      <div class="changelist-form-container">\n        \n  '
        ]
        if cl.has_filters:
            parts.append(
                '\n  <search id="changelist-filter" aria-labelledby="changelist-filter-header">\n'
                f'    <h2 id="changelist-filter-header">{gettext("Filter")}</h2>\n    '
            )
            if cl.is_facets_optional or cl.has_active_filters:
                parts.append('<div id="changelist-filter-extra-actions">\n      ')
                if cl.is_facets_optional:
                    parts.append("<h3>\n        ")
                    if cl.add_facets:
                        parts.append(
                            f'<a href="{d(cl.remove_facet_link)}" class="hidelink">'
                            f"{gettext('Hide counts')}</a>\n        "
                        )
                    else:
                        parts.append(
                            f'<a href="{d(cl.add_facet_link)}" class="viewlink">'
                            f"{gettext('Show counts')}</a>"
                        )
                    parts.append("\n      </h3>")
                parts.append("\n      ")
                if cl.has_active_filters:
                    parts.append(
                        "<h3>\n"
                        f'        <a href="{d(cl.clear_all_filters_qs)}">&#10006; '
                        f"{gettext('Clear all filters')}</a>\n"
                        "      </h3>"
                    )
                parts.append("\n    </div>")
            parts.append(f"\n    {cl.fast_filter_specs}\n  </search>\n  ")
        parts.append(f"\n\n        <div>\n          {cl.fast_search_form}\n          ")
        parts.append(
            "\n\n"
            f'          <form id="changelist-form" method="post" novalidate>{_csrf_input(c)}\n'
            "          \n\n          \n  "
        )
        actions = c.get("action_form") and cl.show_admin_actions
        action_context = {key: c.get(key) for key in _ACTION_KEYS}
        if actions and c.get("actions_on_top"):
            parts.append(cl.fast_actions(action_context))
        parts.append("\n  \n  ")
        if cl.result_list:
            parts.append(
                '\n<div class="results">\n<table id="result_list">\n<thead>\n'
                f"<tr>{cl.fast_header_row}\n</tr>\n</thead>\n<tbody>\n"
                f"{cl.fast_rows}</tbody>\n</table>\n</div>\n  "
            )
        parts.append("\n  \n  ")
        if actions and c.get("actions_on_bottom"):
            parts.append(cl.fast_actions(action_context))
        parts.append("\n\n          ")
        parts.append(FastListPage._pagination(cl))
        parts.append("\n          </form>\n        </div>\n      </div>\n    </div>\n  </div>\n")
        return "".join(parts)

    @staticmethod
    def _pagination(cl) -> str:
        d = admin_lists._display
        opts = cl.opts
        heading = gettext("Pagination %(name)s") % {"name": d(opts.verbose_name_plural)}
        parts = [
            '\n<div class="changelist-footer">\n'
            '<nav class="paginator" aria-labelledby="pagination">\n'
            f'  <h2 id="pagination" class="visually-hidden">{heading}</h2>\n  '
        ]
        if cl.multi_page:
            parts.append("\n  <ul>\n    ")
            if cl.previous_url:
                parts.append("\n      ")
                if cl.page_num > 2:
                    parts.append(
                        f'<li><a href="{d(cl.first_url)}">{gettext("First page")}</a></li>'
                    )
                parts.append(
                    f'\n      <li><a href="{d(cl.previous_url)}" rel="prev">'
                    f"{gettext('‹ Previous')}</a></li>\n    "
                )
            page = gettext("Page %(page)s") % {"page": d(cl.page_num)}
            parts.append(f'\n    <li><span class="this-page">{page}</span></li>\n    ')
            if cl.next_url:
                parts.append(
                    f'<li><a href="{d(cl.next_url)}" rel="next">{gettext("Next ›")}</a></li>'
                )
            parts.append("\n  </ul>\n  ")
        parts.append("\n  ")
        if cl.result_count_is_estimate:
            parts.append(
                ngettext(
                    "about %(counter)s %(name)s", "about %(counter)s %(name)s", cl.result_count
                )
                % {"counter": d(cl.result_count), "name": d(opts.verbose_name_plural)}
            )
        else:
            name = opts.verbose_name if cl.result_count == 1 else opts.verbose_name_plural
            parts.append(f"{d(cl.result_count)} {d(name)}")
        parts.append("\n  ")
        if cl.show_all_url:
            parts.append(
                f'<a href="{d(cl.show_all_url)}" class="showall">{gettext("Show all")}</a>'
            )
        parts.append("\n</nav>\n</div>\n")
        return "".join(parts)


_ACTION_KEYS = (
    "action_form",
    "actions_selection_counter",
    "selection_note",
    "selection_note_all",
    "module_name",
)


def _language_switch(c, request, current_app, language) -> str:
    """base_site.html's form that switches the back-office to the other language."""
    other, label = ("en", "English") if language == "ar" else ("ar", "العربية")
    return (
        '<form class="language-switch" '
        f'action="{conditional_escape(_url("set_language", current_app))}" method="post">'
        f"{_csrf_input(c)}"
        f'<input type="hidden" name="next" value="{conditional_escape(request.get_full_path())}">'
        f'<input type="hidden" name="language" value="{other}">'
        f'<input type="submit" value="{label}" lang="{other}"></form>'
    )


def _csrf_input(c) -> str:
    """``{% csrf_token %}``."""
    token = c.get("csrf_token")
    if not token:
        return ""
    if token == "NOTPROVIDED":
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{conditional_escape(token)}">'


_SVGS = """<!-- SVGs -->
<svg xmlns="http://www.w3.org/2000/svg" class="base-svgs">
  <symbol viewBox="0 0 24 24" id="icon-auto"><path d="M0 0h24v24H0z" fill="currentColor"/><path d="M12 22C6.477 22 2 17.523 2 12S6.477 2 12 2s10 4.477 10 10-4.477 10-10 10zm0-2V4a8 8 0 1 0 0 16z"/></symbol>
  <symbol viewBox="0 0 24 24" id="icon-moon"><path d="M0 0h24v24H0z" fill="currentColor"/><path d="M10 7a7 7 0 0 0 12 4.9v.1c0 5.523-4.477 10-10 10S2 17.523 2 12 6.477 2 12 2h.1A6.979 6.979 0 0 0 10 7zm-6 5a8 8 0 0 0 15.062 3.762A9 9 0 0 1 8.238 4.938 7.999 7.999 0 0 0 4 12z"/></symbol>
  <symbol viewBox="0 0 24 24" id="icon-sun"><path d="M0 0h24v24H0z" fill="currentColor"/><path d="M12 18a6 6 0 1 1 0-12 6 6 0 0 1 0 12zm0-2a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM11 1h2v3h-2V1zm0 19h2v3h-2v-3zM3.515 4.929l1.414-1.414L7.05 5.636 5.636 7.05 3.515 4.93zM16.95 18.364l1.414-1.414 2.121 2.121-1.414 1.414-2.121-2.121zm2.121-14.85l1.414 1.415-2.121 2.121-1.414-1.414 2.121-2.121zM5.636 16.95l1.414 1.414-2.121 2.121-1.414-1.414 2.121-2.121zM23 11v2h-3v-2h3zM4 11v2H1v-2h3z"/></symbol>
</svg>
<!-- END SVGs -->"""  # noqa: E501
