"""The record of every export: who downloaded what, with which filters, how many rows."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportLog(models.Model):
    """One download of a list or a dashboard table (who, what, filters, rows, when)."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (xlsx)"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    what = models.CharField(_("what"), max_length=100)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    included_sensitive = models.BooleanField(_("with sensitive columns"), default=False)
    rows = models.PositiveIntegerField(
        _("rows"),
        null=True,
        blank=True,
        help_text=_("Empty when the download did not finish."),
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export log entry")
        verbose_name_plural = _("export log")
        indexes = [models.Index(fields=["-created_at", "-id"], name="exportlog_newest")]
        permissions = [
            ("view_dashboard", _("Can see the dashboard and the governance report")),
            ("export_data", _("Can export lists and dashboard tables")),
            ("refresh_dashboard", _("Can refresh the dashboard's figures before they are due")),
        ]

    def __str__(self) -> str:
        return f"{self.what} ({self.format})"
