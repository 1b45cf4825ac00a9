"""Load realistic demo data so a fresh installation shows a living association.

Each app contributes its part in ``<app>/demo.py`` with ``add_arguments(parser)`` and
``seed(ctx)``; they run in the order below, sharing one ``DemoContext`` (random
generator, the users made so far, progress output). Sizes are flags, e.g.
``seed_demo --beneficiaries 100000``."""

import random
import time
from dataclasses import dataclass, field
from importlib import import_module

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

# Demo parts in the order they depend on each other.
DEMO_MODULES = [
    "config.demo",
    "policies.demo",
    "beneficiaries.demo",
    "requests_app.demo",
    "channels_app.demo",  # after the requests: demo contacts refer to them
    "satisfaction.demo",
]


def _demo_modules():
    for name in DEMO_MODULES:
        try:
            yield import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


@dataclass
class DemoContext:
    options: dict
    rng: random.Random
    stdout: object
    verbosity: int = 1
    users: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)  # what one part leaves for the next
    started: float = field(default_factory=time.monotonic)

    def say(self, message: str) -> None:
        if self.verbosity:
            self.stdout.write(message)
            if hasattr(self.stdout, "flush"):
                self.stdout.flush()

    def progress(self, label: str, done: int, total: int) -> None:
        if self.verbosity:
            self.stdout.write(
                f"  {label}: {done:,}/{total:,} ({time.monotonic() - self.started:.0f}s)"
            )


class Command(BaseCommand):
    help = "Load demo data: users for each role and a living association's records."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has users.",
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="Random seed, for repeatable data."
        )
        parser.add_argument(
            "--processes",
            type=int,
            default=0,
            help="Processes that build the rows of a big load on PostgreSQL "
            "(default: one a core; the data is the same for any number).",
        )
        for module in _demo_modules():
            module.add_arguments(parser)

    def handle(self, *args, **options):
        if options["if_empty"] and get_user_model().objects.exists():
            self.stdout.write("The database already has users: demo data not loaded.")
            return
        call_command("setup_roles", verbosity=0, stdout=self.stdout)
        ctx = DemoContext(
            options=options,
            rng=random.Random(options["seed"]),
            stdout=self.stdout,
            verbosity=options["verbosity"],
        )
        started = time.monotonic()
        for module in _demo_modules():
            part_started = time.monotonic()
            module.seed(ctx)
            ctx.say(f"{module.__name__}: done in {time.monotonic() - part_started:.1f}s")
        self.stdout.write(
            self.style.SUCCESS(f"Demo data loaded in {time.monotonic() - started:.1f}s.")
        )
