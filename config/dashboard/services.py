"""Writes of the dashboard app: the export log."""

from .models import ExportLog


def export_log_start(
    *, user, what: str, fmt: str, filters: dict | None = None, included_sensitive: bool = False
) -> ExportLog:
    """Record that a download began; rows stay empty until it finishes."""
    return ExportLog.objects.create(
        user=user,
        what=what[:100],
        format=fmt,
        filters=filters or {},
        included_sensitive=included_sensitive,
    )


def export_log_finish(*, export_log: ExportLog, rows: int) -> None:
    ExportLog.objects.filter(pk=export_log.pk).update(rows=rows)
    export_log.rows = rows
