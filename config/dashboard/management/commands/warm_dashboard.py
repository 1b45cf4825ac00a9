"""Compute the dashboard's figures for the default period before anyone opens it.

Run it from cron every ``CACHE_SECONDS`` (ten minutes), e.g.
``*/10 * * * * manage.py warm_dashboard``: the first visitor of each ten minutes then reads
kept figures instead of waiting for a second of aggregates at a million requests. It
computes one entry per distinct set of panels among the active staff who may see the
dashboard (so each role's entry holds only what that role may see), per calendar and per
language."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils import translation

from config.dashboard.cache import warm
from config.dashboard.forms import DashboardFilterForm
from config.dashboard.panels import panels_for
from config.dashboard.periods import GREGORIAN, HIJRI
from config.dashboard.views import VIEW_PERMISSION


class Command(BaseCommand):
    help = "Compute and keep the dashboard's figures for the default period (run from cron)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--calendar",
            action="append",
            choices=[GREGORIAN, HIJRI],
            help="Default period of this calendar (repeatable; default: both).",
        )

    def handle(self, *args, **options):
        calendars = options["calendar"] or [GREGORIAN, HIJRI]
        panel_sets = {}
        staff = get_user_model().objects.filter(is_active=True, is_staff=True).order_by("pk")
        for user in staff.iterator():
            if not user.has_perm(VIEW_PERMISSION):
                continue
            panels = panels_for(user)
            panel_sets.setdefault(tuple(p.key for p in panels), panels)
        entries = 0
        for panels in panel_sets.values():
            for calendar in calendars:
                form = DashboardFilterForm({"calendar": calendar})
                if not form.is_valid():  # pragma: no cover - the default period is valid
                    continue
                filters = form.filters()  # shared: the built-in figures are computed once
                for language, _name in settings.LANGUAGES:
                    with translation.override(language):
                        entries += warm(filters, panels)
        self.stdout.write(
            f"Dashboard figures kept: {entries} entries "
            f"({len(panel_sets)} sets of panels, {len(calendars)} calendars)."
        )
