"""The association itself and, later, its policy documents and board approvals (POL-8)."""

from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from config.bilingual import pick

DEFAULT_NAME_AR = "الجمعية الأهلية"
DEFAULT_NAME_EN = "The Association"


class AssociationProfile(models.Model):
    """The association's identity as it appears on every page, letter and report."""

    name_ar = models.CharField(_("name (Arabic)"), max_length=200, default=DEFAULT_NAME_AR)
    name_en = models.CharField(
        _("name (English)"), max_length=200, blank=True, default=DEFAULT_NAME_EN
    )
    license_number = models.CharField(_("license number"), max_length=40, blank=True)
    logo = models.FileField(
        _("logo"),
        upload_to="association/",
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg", "webp"])],
        help_text=_("PNG, JPEG or WebP."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.TextField(_("address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("association profile")
        verbose_name_plural = _("association profile")
        constraints = [
            # There is one association per installation.
            models.CheckConstraint(condition=models.Q(pk=1), name="association_profile_singleton"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(self.name_ar, self.name_en)
