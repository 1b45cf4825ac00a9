"""The beneficiary registry: direct and indirect beneficiaries (POL-3), their households,
documents valid at the time of submission (POL-7.3), consent, and the log of who opened
which file (POL-7.4).

Writes that have rules (normalising identifiers, keeping ``name_normalized``, checking
uploads, merging duplicates) live in ``beneficiaries/services.py``; ``save()`` stays plain."""

import datetime
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from . import validators

SENSITIVE_PERMISSION = "beneficiaries.view_sensitive_data"


class Region(models.TextChoices):
    """The 13 administrative regions of Saudi Arabia."""

    RIYADH = "riyadh", _("Riyadh")
    MAKKAH = "makkah", _("Makkah")
    MADINAH = "madinah", _("Madinah")
    QASSIM = "qassim", _("Al-Qassim")
    EASTERN = "eastern", _("Eastern Province")
    ASIR = "asir", _("Asir")
    TABUK = "tabuk", _("Tabuk")
    HAIL = "hail", _("Hail")
    NORTHERN_BORDERS = "northern_borders", _("Northern Borders")
    JAZAN = "jazan", _("Jazan")
    NAJRAN = "najran", _("Najran")
    BAHA = "baha", _("Al-Baha")
    JOUF = "jouf", _("Al-Jouf")


class IdentityType(models.TextChoices):
    NATIONAL_ID = "national_id", _("National ID")
    IQAMA = "iqama", _("Iqama (residence permit)")
    PASSPORT = "passport", _("Passport")
    GCC_ID = "gcc_id", _("GCC ID")
    OTHER = "other", _("Other")


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Language(models.TextChoices):
    ARABIC = "ar", _("Arabic")
    ENGLISH = "en", _("English")


def clean_identity(id_type: str, id_number: str) -> str:
    """The identity number in canonical form for its type; raises ValidationError."""
    if id_type in (IdentityType.NATIONAL_ID, IdentityType.IQAMA):
        return validators.validate_national_id(id_number, id_type=id_type)
    return validators.validate_other_identity(id_number)


class Beneficiary(models.Model):
    """A person the association serves: directly (a full record, POL-3.1) or indirectly
    through its publications and content (almost no data, POL-3.2)."""

    class Kind(models.TextChoices):
        DIRECT = "direct", _("Direct beneficiary")
        INDIRECT = "indirect", _("Indirect beneficiary")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ARCHIVED = "archived", _("Archived")
        ANONYMISED = "anonymised", _("Anonymised")

    class MaritalStatus(models.TextChoices):
        SINGLE = "single", _("Single")
        MARRIED = "married", _("Married")
        DIVORCED = "divorced", _("Divorced")
        WIDOWED = "widowed", _("Widowed")

    class Employment(models.TextChoices):
        EMPLOYED = "employed", _("Employed")
        SELF_EMPLOYED = "self_employed", _("Self-employed")
        UNEMPLOYED = "unemployed", _("Unemployed")
        RETIRED = "retired", _("Retired")
        STUDENT = "student", _("Student")
        UNABLE = "unable", _("Unable to work")

    # Fields only a user with view_sensitive_data sees, edits or exports (POL-7.4).
    SENSITIVE_FIELDS = ("monthly_income", "iban", "has_disability", "health_notes", "case_notes")
    # An indirect beneficiary is reached through content: collect the minimum (PDPL).
    DIRECT_ONLY_FIELDS = (
        "id_number",
        "birth_date",
        "marital_status",
        "household_size",
        "employment",
        "monthly_income",
        "iban",
        "health_notes",
        "short_address",
    )

    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.DIRECT)
    file_number = models.CharField(
        _("file number"),
        max_length=20,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text=_("Given by the system when the beneficiary is registered."),
    )
    name_ar = models.CharField(
        _("name (Arabic)"),
        max_length=validators.MAX_NAME_LENGTH,
        help_text=_("Full name for a direct beneficiary; a name or nickname for an indirect one."),
    )
    name_en = models.CharField(
        _("name (English)"), max_length=validators.MAX_NAME_LENGTH, blank=True
    )
    # Both names folded by search.normalize_arabic; maintained by services, searched by
    # the admin (trigram-indexed on PostgreSQL).
    name_normalized = models.CharField(
        _("normalised name"), max_length=2 * validators.MAX_NAME_LENGTH + 1, editable=False
    )
    id_type = models.CharField(_("identity type"), max_length=12, choices=IdentityType, blank=True)
    id_number = models.CharField(_("identity number"), max_length=20, blank=True)
    nationality = models.CharField(_("nationality"), max_length=60, blank=True)
    gender = models.CharField(_("gender"), max_length=6, choices=Gender, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    mobile = models.CharField(
        _("mobile"), max_length=16, blank=True, help_text=_("Saudi mobile, e.g. 0512345678.")
    )
    email = models.EmailField(_("e-mail"), blank=True)
    region = models.CharField(_("region"), max_length=20, choices=Region, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    short_address = models.CharField(
        _("national short address"),
        max_length=8,
        blank=True,
        help_text=_("4 letters and 4 digits, e.g. RRRD2929."),
    )
    marital_status = models.CharField(
        _("marital status"), max_length=10, choices=MaritalStatus, blank=True
    )
    household_size = models.PositiveSmallIntegerField(_("household size"), null=True, blank=True)
    employment = models.CharField(_("employment"), max_length=15, choices=Employment, blank=True)
    monthly_income = models.DecimalField(
        _("monthly income (SAR)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    iban = models.CharField(
        _("IBAN"), max_length=24, blank=True, help_text=_("SA followed by 22 digits.")
    )
    has_disability = models.BooleanField(_("has a disability"), default=False)
    health_notes = models.TextField(_("health and disability"), blank=True)
    case_notes = models.TextField(_("case notes"), blank=True)
    preferred_channel = models.ForeignKey(
        "channels_app.Channel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("preferred channel"),
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language, default=Language.ARABIC
    )
    # How an indirect beneficiary was reached (POL-3.2).
    reached_via = models.ForeignKey(
        "channels_app.Channel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reached through channel"),
    )
    reached_content = models.CharField(
        _("reached through content"),
        max_length=200,
        blank=True,
        help_text=_("The publication, product or post through which they were reached."),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.ACTIVE)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="merged_records",
        verbose_name=_("merged into"),
    )
    created_at = models.DateTimeField(_("registered"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("registered by"),
    )

    history = HistoricalRecords(excluded_fields=["name_normalized", "updated_at"])

    class Meta:
        verbose_name = _("beneficiary")
        verbose_name_plural = _("beneficiaries")
        ordering = ["-created_at", "-id"]
        permissions = [
            (
                "view_sensitive_data",
                _("Can see and edit sensitive data (income, IBAN, health, case notes)"),
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["id_type", "id_number"],
                condition=~models.Q(id_number=""),
                name="beneficiary_identity_unique",
                violation_error_message=_(
                    "A beneficiary with this identity type and number is already registered."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(monthly_income__isnull=True) | models.Q(monthly_income__gte=0),
                name="beneficiary_income_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(id_number="") | ~models.Q(id_type=""),
                name="beneficiary_identity_has_type",
            ),
        ]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="beneficiary_newest"),
            models.Index(fields=["kind"], name="beneficiary_kind"),
            models.Index(fields=["status"], name="beneficiary_status"),
            models.Index(fields=["region"], name="beneficiary_region"),
            models.Index(fields=["mobile"], name="beneficiary_mobile"),
            models.Index(fields=["id_number"], name="beneficiary_id_number"),
            models.Index(fields=["name_normalized", "birth_date"], name="beneficiary_name"),
        ]

    def __str__(self) -> str:
        label = self.name_ar or self.name_en
        return f"{label} ({self.file_number})" if self.file_number else label

    def save(self, *args, **kwargs):
        adding = self._state.adding
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if adding or (update_fields is not None and "name_normalized" not in update_fields):
            return
        # The requests carry a copy of the folded name for the back-office's search:
        # a rename, a merge (requests moved here) or an anonymisation reaches them too.
        from requests_app.models import SupportRequest

        SupportRequest.objects.filter(beneficiary_id=self.pk).exclude(
            beneficiary_name_normalized=self.name_normalized
        ).update(beneficiary_name_normalized=self.name_normalized)

    @property
    def name(self) -> str:
        from config.bilingual import pick

        return pick(self.name_ar, self.name_en)

    @property
    def is_direct(self) -> bool:
        return self.kind == self.Kind.DIRECT

    # Identifiers people type with spaces and dashes; compacted before length checks.
    COMPACTED_FIELDS = ("id_number", "mobile", "iban", "short_address")

    def compact_typed_identifiers(self) -> None:
        for field in self.COMPACTED_FIELDS:
            setattr(self, field, validators.compact(getattr(self, field)))

    def clean(self) -> None:
        """Normalise what people type (digits, spaces, dashes) and check it; errors are
        reported per field so a form shows them where they belong."""
        errors: dict[str, list] = {}

        def check(field: str, func) -> None:
            try:
                setattr(self, field, func(getattr(self, field)))
            except ValidationError as exc:
                errors.setdefault(field, []).extend(exc.error_list)

        if self.kind == self.Kind.DIRECT:
            check("name_ar", validators.validate_person_name)
        else:
            check("name_ar", _required_text)
        if self.name_en:
            check("name_en", validators.validate_person_name)
        self.id_number = validators.normalize_digits(self.id_number).strip()
        if self.id_number:
            if not self.id_type:
                errors.setdefault("id_type", []).append(
                    ValidationError(_("Choose the identity type."), code="id_type_required")
                )
            else:
                check("id_number", lambda value: clean_identity(self.id_type, value))
        if self.mobile:
            check("mobile", validators.normalize_mobile)
        if self.iban:
            check("iban", validators.validate_iban)
        if self.short_address:
            check("short_address", validators.validate_short_address)
        for field in ("nationality", "city", "reached_content"):
            setattr(self, field, validators.strip_invisible(getattr(self, field)))
        if self.birth_date and self.birth_date > timezone.localdate():
            errors.setdefault("birth_date", []).append(
                ValidationError(_("The birth date cannot be in the future."), code="future")
            )
        if self.kind == self.Kind.DIRECT:
            if not self.id_number and "id_number" not in errors:
                errors.setdefault("id_number", []).append(
                    ValidationError(
                        _("A direct beneficiary needs an identity number."), code="required"
                    )
                )
            if not self.mobile and "mobile" not in errors:
                errors.setdefault("mobile", []).append(
                    ValidationError(
                        _("A direct beneficiary needs a mobile number."), code="required"
                    )
                )
        else:
            for field in self.DIRECT_ONLY_FIELDS:
                if getattr(self, field) not in (None, ""):
                    errors.setdefault(field, []).append(
                        ValidationError(
                            _(
                                "Not collected for an indirect beneficiary: keep only the "
                                "minimum (name, how they were reached, optional contact)."
                            ),
                            code="indirect_minimum",
                        )
                    )
        if errors:
            raise ValidationError(errors)


def _required_text(value) -> str:
    text = validators.strip_invisible(value)
    if not text:
        raise ValidationError(_("Enter the name."), code="name_required")
    return text


class HouseholdMember(models.Model):
    """A member of a direct beneficiary's household (family record)."""

    class Relation(models.TextChoices):
        SPOUSE = "spouse", _("Spouse")
        SON = "son", _("Son")
        DAUGHTER = "daughter", _("Daughter")
        FATHER = "father", _("Father")
        MOTHER = "mother", _("Mother")
        BROTHER = "brother", _("Brother")
        SISTER = "sister", _("Sister")
        OTHER = "other", _("Other relative")

    SENSITIVE_FIELDS = ("monthly_income", "has_disability", "disability_notes")

    beneficiary = models.ForeignKey(
        Beneficiary,
        on_delete=models.PROTECT,
        related_name="household",
        verbose_name=_("beneficiary"),
    )
    name = models.CharField(_("name"), max_length=validators.MAX_NAME_LENGTH)
    relation = models.CharField(_("relation"), max_length=10, choices=Relation)
    id_type = models.CharField(_("identity type"), max_length=12, choices=IdentityType, blank=True)
    id_number = models.CharField(_("identity number"), max_length=20, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=6, choices=Gender, blank=True)
    monthly_income = models.DecimalField(
        _("monthly income (SAR)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    has_disability = models.BooleanField(_("has a disability"), default=False)
    disability_notes = models.CharField(_("disability"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        ordering = ["beneficiary", "birth_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(monthly_income__isnull=True) | models.Q(monthly_income__gte=0),
                name="household_income_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, list] = {}
        try:
            self.name = validators.validate_person_name(self.name)
        except ValidationError as exc:
            errors["name"] = exc.error_list
        self.id_number = validators.normalize_digits(self.id_number).strip()
        if self.id_number:
            if not self.id_type:
                errors["id_type"] = [
                    ValidationError(_("Choose the identity type."), code="id_type_required")
                ]
            else:
                try:
                    self.id_number = clean_identity(self.id_type, self.id_number)
                except ValidationError as exc:
                    errors["id_number"] = exc.error_list
        if self.birth_date and self.birth_date > timezone.localdate():
            errors["birth_date"] = [
                ValidationError(_("The birth date cannot be in the future."), code="future")
            ]
        if errors:
            raise ValidationError(errors)


def document_upload_to(instance: "BeneficiaryDocument", filename: str) -> str:
    """A random name in private storage: what the person called the file is kept in
    ``original_name`` only, never in a path."""
    suffix = PurePosixPath(filename).suffix.lower()[:6]
    return f"beneficiaries/documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class PrivateFieldFile(FieldFile):
    """A stored document whose only URL is the permission-checked download view: the
    storage has no public URL, and every place that asks for ``.url`` (the admin's file
    widget, history pages) gets the view instead of an error or a public link."""

    @property
    def url(self) -> str:
        self._require_file()
        document_id = getattr(self.instance, "id", None)
        if not document_id:
            raise ValueError("An unsaved document has no URL yet.")
        return reverse("beneficiaries:document-download", args=[document_id])


class PrivateFileField(models.FileField):
    attr_class = PrivateFieldFile


class BeneficiaryDocumentQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date) -> "BeneficiaryDocumentQuerySet":
        """Documents not rejected and current on ``day`` (POL-7.3)."""
        return (
            self.exclude(status=BeneficiaryDocument.Status.REJECTED)
            .filter(models.Q(issue_date__isnull=True) | models.Q(issue_date__lte=day))
            .filter(models.Q(expiry_date__isnull=True) | models.Q(expiry_date__gte=day))
        )

    def expiring_within(
        self, days: int, *, today: datetime.date | None = None
    ) -> "BeneficiaryDocumentQuerySet":
        """Documents still current today that expire within ``days`` days."""
        today = today or timezone.localdate()
        return self.filter(
            expiry_date__gte=today, expiry_date__lte=today + datetime.timedelta(days=days)
        ).exclude(status=BeneficiaryDocument.Status.REJECTED)


class BeneficiaryDocument(models.Model):
    """A document a beneficiary supplied (ID copy, family record, income proof…), with
    its validity dates and whether staff verified it (POL-7.3)."""

    class DocumentType(models.TextChoices):
        # Stable values: programs require documents by these codes.
        NATIONAL_ID = "national_id", _("National ID / iqama copy")
        FAMILY_RECORD = "family_record", _("Family record")
        INCOME_PROOF = "income_proof", _("Proof of income")
        IBAN_CERTIFICATE = "iban_certificate", _("Bank IBAN certificate")
        MEDICAL_REPORT = "medical_report", _("Medical report")
        LEASE = "lease", _("Lease contract")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    beneficiary = models.ForeignKey(
        Beneficiary,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("beneficiary"),
    )
    document_type = models.CharField(_("document type"), max_length=20, choices=DocumentType)
    number = models.CharField(_("document number"), max_length=40, blank=True)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    file = PrivateFileField(_("file"), upload_to=document_upload_to, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=200, editable=False)
    content_type = models.CharField(_("content type"), max_length=40, editable=False)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0, editable=False)
    status = models.CharField(
        _("verification"), max_length=10, choices=Status, default=Status.PENDING
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True, editable=False)
    verification_note = models.TextField(
        _("verification note"), blank=True, help_text=_("Why it was rejected, or what was checked.")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False)

    history = HistoricalRecords()
    objects = BeneficiaryDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("beneficiary document")
        verbose_name_plural = _("beneficiary documents")
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(issue_date__isnull=True)
                | models.Q(expiry_date__isnull=True)
                | models.Q(expiry_date__gte=models.F("issue_date")),
                name="document_expires_after_issue",
                violation_error_message=_("The expiry date cannot be before the issue date."),
            ),
        ]
        indexes = [
            models.Index(fields=["beneficiary", "document_type"], name="document_by_type"),
            models.Index(fields=["expiry_date"], name="document_expiry"),
            models.Index(fields=["status"], name="document_status"),
            models.Index(fields=["-uploaded_at", "-id"], name="document_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.get_document_type_display()} — {self.beneficiary_id}"

    def is_valid_on(self, day: datetime.date) -> bool:
        """Was this document current on ``day``? Rejected documents never are; a
        document is valid on its issue date and on its expiry date."""
        if self.status == self.Status.REJECTED:
            return False
        if self.issue_date and day < self.issue_date:
            return False
        return not (self.expiry_date and day > self.expiry_date)

    def expires_within(self, days: int, *, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return bool(
            self.expiry_date and today <= self.expiry_date <= today + datetime.timedelta(days=days)
        )


class Consent(models.Model):
    """What a beneficiary agreed to, in the exact text version shown, when and through
    which channel — and its withdrawal (POL-7.6, POL-7.9, PDPL)."""

    class Purpose(models.TextChoices):
        DATA_PROCESSING = "data_processing", _("Processing of personal data")
        DECLARATION = "declaration", _("Declaration that the data is correct")
        PROGRAM_RULES = "program_rules", _("Acceptance of the program's rules")
        CONTACT = "contact", _("Being contacted by the association")
        OTHER = "other", _("Other")

    beneficiary = models.ForeignKey(
        Beneficiary,
        on_delete=models.PROTECT,
        related_name="consents",
        verbose_name=_("beneficiary"),
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose)
    text_version = models.CharField(
        _("text version"), max_length=40, help_text=_("The version of the text that was shown.")
    )
    text = models.TextField(_("text shown"), blank=True)
    channel = models.ForeignKey(
        "channels_app.Channel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("channel"),
    )
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_note = models.CharField(_("withdrawal note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True)
                | models.Q(withdrawn_at__gte=models.F("given_at")),
                name="consent_withdrawn_after_given",
                violation_error_message=_("A consent cannot be withdrawn before it was given."),
            ),
        ]
        indexes = [
            models.Index(fields=["beneficiary", "purpose"], name="consent_by_purpose"),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.text_version})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class AccessLog(models.Model):
    """Who opened which beneficiary's file, when and from where (POL-7.4)."""

    class Action(models.TextChoices):
        VIEW = "view", _("Opened the file")
        DOWNLOAD = "download", _("Downloaded a document")
        EXPORT = "export", _("Exported")
        MERGE = "merge", _("Merged")

    beneficiary = models.ForeignKey(
        Beneficiary,
        on_delete=models.PROTECT,
        related_name="access_logs",
        verbose_name=_("beneficiary"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("user"),
    )
    action = models.CharField(_("action"), max_length=10, choices=Action, default=Action.VIEW)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["-at", "-id"], name="accesslog_newest"),
            models.Index(fields=["beneficiary", "-at"], name="accesslog_by_beneficiary"),
            models.Index(fields=["user", "-at"], name="accesslog_by_user"),
            models.Index(fields=["action"], name="accesslog_action"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_action_display()} · {self.beneficiary_id}"


# --- Privacy (PDPL): data-subject requests and the breach register -------------------


class DataSubjectRequest(models.Model):
    """A beneficiary's request under the PDPL: a copy of everything held about them, a
    correction, or deletion — answered within 30 days, once extendable with a reason,
    and only after staff have verified who is asking."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("Access: a copy of their data")
        CORRECTION = "correction", _("Correction")
        DELETION = "deletion", _("Deletion (anonymisation)")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("data subject request", "Open")
        COMPLETED = "completed", _("Completed")
        REFUSED = "refused", _("Refused")

    class VerificationMethod(models.TextChoices):
        IN_PERSON = "in_person", _("In person, identity document seen")
        PHONE = "phone", _("Phone call to the registered mobile, identity number confirmed")
        TRACKING = "tracking", _("Reference number and identity number on the tracking page")
        WRITTEN = "written", _("Signed letter with a copy of the identity document")
        OTHER = "other", _("Other (described in the note)")

    beneficiary = models.ForeignKey(
        Beneficiary,
        on_delete=models.PROTECT,
        related_name="data_subject_requests",
        verbose_name=_("beneficiary"),
    )
    kind = models.CharField(_("request"), max_length=12, choices=Kind)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.OPEN, editable=False
    )
    details = models.TextField(
        _("what was asked"),
        blank=True,
        help_text=_("For a correction: which data is wrong and what it should be."),
    )
    channel = models.ForeignKey(
        "channels_app.Channel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("received through"),
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    due_at = models.DateTimeField(_("answer due"), editable=False)
    extended_at = models.DateTimeField(_("extended at"), null=True, blank=True, editable=False)
    extension_reason = models.TextField(_("reason for the extension"), blank=True, editable=False)
    verified_at = models.DateTimeField(
        _("identity verified at"), null=True, blank=True, editable=False
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("identity verified by"),
    )
    verification_method = models.CharField(
        _("how the identity was verified"),
        max_length=12,
        choices=VerificationMethod,
        blank=True,
        editable=False,
    )
    verification_note = models.CharField(
        _("verification note"), max_length=300, blank=True, editable=False
    )
    closed_at = models.DateTimeField(_("answered at"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("answered by"),
    )
    outcome = models.TextField(
        _("answer"),
        blank=True,
        editable=False,
        help_text=_("What was done, or why it was refused."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        ordering = ["due_at", "id"]
        permissions = [
            ("anonymise_beneficiary", _("Can anonymise a beneficiary (answer a deletion request)")),
            ("view_processing_record", _("Can see the record of processing activities")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_at__gte=models.F("received_at")),
                name="dsr_due_after_received",
            ),
            models.CheckConstraint(
                condition=models.Q(extended_at__isnull=True) | ~models.Q(extension_reason=""),
                name="dsr_extension_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["due_at", "id"], name="dsr_due"),
            models.Index(fields=["status", "due_at"], name="dsr_status_due"),
            models.Index(fields=["beneficiary", "status"], name="dsr_by_beneficiary"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.beneficiary_id} ({self.received_at:%Y-%m-%d})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def was_extended(self) -> bool:
        return self.extended_at is not None

    def is_overdue(self, now=None) -> bool:
        return self.is_open and (now or timezone.now()) > self.due_at


class BreachRecord(models.Model):
    """A personal-data breach: what happened, whom it touched, and when the regulator
    (SDAIA) and the people affected were told — the regulator within 72 hours."""

    class Severity(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")
        CRITICAL = "critical", pgettext_lazy("breach severity", "Critical")

    REGULATOR_HOURS = 72

    detected_at = models.DateTimeField(_("detected at"), default=timezone.now)
    description = models.TextField(_("what happened"))
    data_categories = models.TextField(
        _("data categories"), help_text=_("Which kinds of personal data were involved.")
    )
    people_affected = models.PositiveIntegerField(_("people affected (estimate)"), default=0)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity)
    regulator_notified_at = models.DateTimeField(_("regulator notified at"), null=True, blank=True)
    people_notified_at = models.DateTimeField(_("people notified at"), null=True, blank=True)
    actions = models.TextField(_("actions taken"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("personal-data breach")
        verbose_name_plural = _("breach register")
        ordering = ["-detected_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(regulator_notified_at__isnull=True)
                | models.Q(regulator_notified_at__gte=models.F("detected_at")),
                name="breach_notified_after_detected",
                violation_error_message=_(
                    "The regulator cannot have been notified before the breach was detected."
                ),
            ),
        ]
        indexes = [models.Index(fields=["-detected_at", "-id"], name="breach_newest")]

    def __str__(self) -> str:
        return f"{self.detected_at:%Y-%m-%d} — {self.get_severity_display()}"

    @property
    def regulator_due_at(self) -> datetime.datetime:
        return self.detected_at + datetime.timedelta(hours=self.REGULATOR_HOURS)

    def regulator_overdue(self, now=None) -> bool:
        """Not yet notified and past the 72 hours, or notified after them."""
        if self.regulator_notified_at is not None:
            return self.regulator_notified_at > self.regulator_due_at
        return (now or timezone.now()) > self.regulator_due_at

    def regulator_hours_left(self, now=None) -> float | None:
        if self.regulator_notified_at is not None:
            return None
        return (self.regulator_due_at - (now or timezone.now())).total_seconds() / 3600
