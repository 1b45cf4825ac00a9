"""Reads of notifications that several pages and commands share."""

import datetime
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Notification


def notifications_for(obj: models.Model) -> QuerySet[Notification]:
    """The messages about one record (a support request, a complaint…), oldest first,
    for its timeline. One query, served by the (related_type, related_id, created_at)
    index; the channel comes with each row."""
    return (
        Notification.objects.filter(
            related_type=ContentType.objects.get_for_model(obj), related_id=obj.pk
        )
        .select_related("channel")
        .order_by("created_at", "id")
    )


def notifications_for_many(objects: Iterable[models.Model]) -> QuerySet[Notification]:
    """The messages about several records at once (a beneficiary's requests and
    complaints), oldest first, in one query."""
    by_type: dict[ContentType, list[int]] = {}
    for obj in objects:
        by_type.setdefault(ContentType.objects.get_for_model(obj), []).append(obj.pk)
    if not by_type:
        return Notification.objects.none()
    condition = Q()
    for content_type, ids in by_type.items():
        condition |= Q(related_type=content_type, related_id__in=ids)
    return (
        Notification.objects.filter(condition)
        .select_related("channel")
        .order_by("created_at", "id")
    )


def notifications_to_retry(*, max_attempts: int) -> QuerySet[Notification]:
    """Failed messages that have been tried fewer than ``max_attempts`` times, oldest
    first."""
    return Notification.objects.filter(
        status=Notification.Status.FAILED, attempts__lt=max_attempts
    ).order_by("created_at", "id")


def notifications_stuck(*, older_than: datetime.timedelta) -> QuerySet[Notification]:
    """Messages still "queued" or "sending" long after they should have gone: the task
    queue was down, or a worker stopped mid-send."""
    cutoff = timezone.now() - older_than
    return Notification.objects.filter(
        Q(status=Notification.Status.QUEUED, created_at__lt=cutoff, last_attempt_at__isnull=True)
        | Q(status=Notification.Status.QUEUED, last_attempt_at__lt=cutoff)
        | Q(status=Notification.Status.SENDING, last_attempt_at__lt=cutoff)
    ).order_by("created_at", "id")
