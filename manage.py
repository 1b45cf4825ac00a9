#!/usr/bin/env python
"""Mustafid's command-line entry point (``python manage.py help``)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        # A wrong setting deserves one line naming it, not a traceback wall.
        sys.stderr.write(f"mustafid: configuration error: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
