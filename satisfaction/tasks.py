"""Django Tasks of the satisfaction part: the daily survey reminder, for deployments
that schedule tasks rather than cron (``send_survey_reminders`` does the same)."""

from django.tasks import task

from .services import survey_reminders_send


@task
def send_survey_reminders() -> int:
    return survey_reminders_send()
