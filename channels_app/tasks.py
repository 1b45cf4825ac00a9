"""Django Tasks of the channels app: sending happens here, after the caller's commit,
on whatever worker ``settings.TASKS`` names (in-process and immediate on a laptop)."""

import logging

from django.tasks import task

from .services import notification_deliver

logger = logging.getLogger(__name__)


@task
def deliver_notification(notification_id: int) -> str:
    """Send one queued notification. Never raises: a failed send is recorded on the row
    by the service; anything worse (the database itself) is logged, and the row is left
    for the retry command."""
    try:
        return notification_deliver(notification_id=notification_id)
    except Exception:
        logger.exception("Notification %s could not be delivered", notification_id)
        return "error"
