"""Django's own strings that its Arabic catalogue does not translate yet (Django 6.1), a
few it translates in words we replace, and those of libraries that have no Arabic
catalogue (django-tasks-db).

Staff see them on every admin list: the actions bar's "- Select an option -" and "Run"
button, the filter and search landmarks, the pager. Listed here so ``makemessages``
carries them into the project catalogue (locale/ar), which LOCALE_PATHS puts before
Django's own; tests/test_translations.py then checks each has its Arabic. Remove a line
when Django's catalogue gains it. Nothing imports this module."""

from django.utils.translation import gettext_noop as _
from django.utils.translation import ngettext_lazy

DJANGO_STRINGS = [
    # django/conf/locale
    _("- Select an option -"),
    _("“%(value)s” is not a valid binary value."),
    _("No %s matches the given query."),
    _("Ready"),
    _("Running"),
    _("Failed"),
    _("Successful"),
    # django/contrib/admin
    _('The app "%s" could not be found.'),
    _("Run"),
    _("Filter by %(field_name)s"),
    _("Pagination %(name)s entries"),
    _("Pagination %(name)s"),
    _("Search %(name)s"),
    _("Logout"),
    _(
        "Deleting the %(object_name)s “%(escaped_object)s” would result in deleting related "
        "objects, but your account doesn't have permission to delete the following types of "
        "objects:"
    ),
    _(
        "Deleting the %(object_name)s “%(escaped_object)s” would require deleting the "
        "following protected related objects:"
    ),
    _(
        "Are you sure you want to delete the %(object_name)s “%(escaped_object)s”? All of "
        "the following related items will be deleted:"
    ),
    ngettext_lazy("…and %(count)d more object.", "…and %(count)d more objects.", "count"),
    # Translated by Django, worded here as Saudi staff expect: its "Log in" is «ادخل»
    # ("enter!") on the sign-in buttons; ours is «تسجيل الدخول».
    _("Log in"),
    _("Log in again"),
    # django-tasks-db (no Arabic catalogue): the background tasks' list and its export
    _("Task Result"),
    _("Task Results"),
    _("status"),
    _("enqueued at"),
    _("started at"),
    _("finished at"),
    _("args kwargs"),
    _("priority"),
    _("task path"),
    _("worker id"),
    _("queue name"),
    _("backend name"),
    _("run after"),
    _("return value"),
    _("exception class path"),
    _("traceback"),
]
