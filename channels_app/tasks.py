"""Django Tasks of the channels app: sending happens here, after the caller's commit,
on whatever worker ``settings.TASKS`` names (in-process and immediate on a laptop and in
tests; django-tasks-db's ``manage.py db_worker`` in production, README: Background tasks).

``enqueue_after_commit`` is how every part of Mustafid hands work to a task."""

import logging

from django.db import router, transaction
from django.tasks import task

from .services import notification_deliver

logger = logging.getLogger(__name__)


def enqueue_after_commit(queued_task, **kwargs) -> None:
    """Run ``queued_task(**kwargs)`` once the caller's work is committed.

    With django-tasks-db on the caller's database the task row is written now, inside the
    caller's transaction: it is stored with that work or not at all — nothing is sent for
    work rolled back, and no committed work is left without its task (a crash between the
    commit and a later INSERT would lose it). Any other backend (the immediate one runs
    the task as it is enqueued) is called after commit, robustly: a queue that is down must
    not break the caller, whose work is already committed."""
    if _stored_in_transaction(queued_task):
        queued_task.enqueue(**kwargs)
        return
    transaction.on_commit(lambda: queued_task.enqueue(**kwargs), robust=True)


def _stored_in_transaction(queued_task) -> bool:
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(queued_task.get_backend(), DatabaseBackend):
        return False
    using = router.db_for_write(DBTaskResult)
    return transaction.get_connection(using).in_atomic_block


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
