"""Django Tasks of the workflow: the applicant's message about a status change is worked
out and queued here, on the worker, not in the request that moved the request (reading
the person's consents and route, choosing and recording the message)."""

from django.tasks import task

from .notifications import notify_status_change


@task
def send_status_change_message(support_request_id: int, status_change_id: int) -> None:
    """The message for one status change (none for a status without one). A failure to
    record it is logged by ``notify_status_change``; a status change that is gone (its
    request anonymised or deleted since) fails the task, which the task list shows."""
    notify_status_change(support_request_id=support_request_id, status_change_id=status_change_id)
