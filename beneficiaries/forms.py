"""Forms for registering and maintaining beneficiaries (the admin uses them; staff intake
and the public application can reuse the pieces).

Identifiers may be typed with Eastern Arabic digits, spaces and dashes; the birth date in
Hijri or Gregorian. Nothing a person typed is lost when a form comes back with errors."""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from config.hijri import parse_hijri, to_hijri

from .models import Beneficiary, BeneficiaryDocument, HouseholdMember
from .services import ALLOWED_EXTENSIONS, beneficiary_find_duplicates, document_file_check
from .validators import compact, normalize_digits

# Room for the spaces and dashes people type; the model checks the compact value.
TYPED_MAX_LENGTH = 40
DUPLICATES_SHOWN = 10


class HijriDateField(forms.CharField):
    """A Hijri (Umm al-Qura) date typed as YYYY-MM-DD or YYYY/MM/DD, in any digits;
    cleans to the Gregorian ``datetime.date``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("Year-month-day, e.g. 1405-06-15."))
        super().__init__(**kwargs)
        self.validators = []  # they would measure the date, not the text
        self.widget.attrs.setdefault("placeholder", "1405-06-15")
        self.widget.attrs.setdefault("inputmode", "numeric")
        self.widget.attrs.setdefault("dir", "ltr")

    def to_python(self, value):
        text = normalize_digits(super().to_python(value)).strip()
        if not text:
            return None
        match = re.fullmatch(r"(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})", text)
        if not match:
            raise ValidationError(
                _("Write the Hijri date as year-month-day, e.g. 1405-06-15."), code="hijri_format"
            )
        try:
            day = parse_hijri(*(int(part) for part in match.groups()))
        except ValueError as exc:
            raise ValidationError(
                _("This Hijri date does not exist in the Umm al-Qura calendar."),
                code="hijri_invalid",
            ) from exc
        return datetime.date(day.year, day.month, day.day)


def hijri_text(day) -> str:
    hijri = to_hijri(day)
    return f"{hijri.year:04d}-{hijri.month:02d}-{hijri.day:02d}" if hijri else ""


def widen_typed_fields(form: forms.BaseForm, names) -> None:
    """Let people type identifiers with separators; ``clean_<name>`` compacts them."""
    for name in names:
        field = form.fields.get(name)
        if field is None:
            continue
        field.max_length = TYPED_MAX_LENGTH
        field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
        field.widget.attrs["maxlength"] = str(TYPED_MAX_LENGTH)
        field.widget.attrs.setdefault("dir", "ltr")


class BeneficiaryForm(forms.ModelForm):
    """Registration and maintenance of a beneficiary, with the duplicate check."""

    birth_date_hijri = HijriDateField(label=_("birth date (Hijri)"))
    not_a_duplicate = forms.BooleanField(
        required=False,
        label=_("I checked the possible duplicates: this is a different person"),
    )

    class Meta:
        model = Beneficiary
        fields = [
            "kind",
            "status",
            "name_ar",
            "name_en",
            "id_type",
            "id_number",
            "nationality",
            "gender",
            "birth_date",
            "mobile",
            "email",
            "preferred_channel",
            "preferred_language",
            "region",
            "city",
            "short_address",
            "marital_status",
            "household_size",
            "employment",
            "reached_via",
            "reached_content",
            *Beneficiary.SENSITIVE_FIELDS,
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.duplicates: list[Beneficiary] = []
        widen_typed_fields(self, Beneficiary.COMPACTED_FIELDS)
        if self.instance.birth_date and "birth_date_hijri" in self.fields:
            self.initial.setdefault("birth_date_hijri", hijri_text(self.instance.birth_date))

    def _compact(self, name: str) -> str:
        return compact(self.cleaned_data.get(name, ""))

    def clean_id_number(self):
        return self._compact("id_number")

    def clean_mobile(self):
        return self._compact("mobile")

    def clean_iban(self):
        return self._compact("iban").upper()

    def clean_short_address(self):
        return self._compact("short_address").upper()

    def clean(self):
        cleaned = super().clean()
        self._clean_birth_date(cleaned)
        if self.instance.pk is None and not cleaned.get("not_a_duplicate"):
            self._check_duplicates(cleaned)
        return cleaned

    def _clean_birth_date(self, cleaned) -> None:
        if "birth_date_hijri" not in self.fields or "birth_date_hijri" not in self.changed_data:
            return
        from_hijri = cleaned.get("birth_date_hijri")
        gregorian = cleaned.get("birth_date")
        if from_hijri is None:
            return
        if "birth_date" in self.changed_data and gregorian and gregorian != from_hijri:
            self.add_error(
                "birth_date_hijri",
                _("The Hijri and Gregorian birth dates differ: fill in only one of them."),
            )
            return
        cleaned["birth_date"] = from_hijri

    def _check_duplicates(self, cleaned) -> None:
        found = beneficiary_find_duplicates(
            mobile=cleaned.get("mobile") or "",
            name=cleaned.get("name_ar") or "",
            birth_date=cleaned.get("birth_date"),
        )
        self.duplicates = list(found[:DUPLICATES_SHOWN])
        if self.duplicates:
            listed = "؛ ".join(str(person) for person in self.duplicates)
            raise ValidationError(
                _(
                    "Possible duplicates are already registered (same mobile, or same name "
                    "and birth date): %(records)s. Open them to check; if this is a "
                    "different person, tick the confirmation box and save again."
                ),
                code="possible_duplicate",
                params={"records": listed},
            )


class HouseholdMemberForm(forms.ModelForm):
    class Meta:
        model = HouseholdMember
        fields = [
            "name",
            "relation",
            "id_type",
            "id_number",
            "birth_date",
            "gender",
            *HouseholdMember.SENSITIVE_FIELDS,
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        widen_typed_fields(self, ["id_number"])

    def clean_id_number(self):
        return compact(self.cleaned_data.get("id_number", ""))


class BeneficiaryDocumentForm(forms.ModelForm):
    """A document upload: checked by content and size before anything is stored."""

    class Meta:
        model = BeneficiaryDocument
        fields = [
            "document_type",
            "number",
            "issue_date",
            "expiry_date",
            "file",
            "status",
            "verification_note",
        ]
        # No "currently: <link>" widget: the file is replaced by uploading a new document.
        widgets = {"file": forms.FileInput(attrs={"accept": ",".join(ALLOWED_EXTENSIONS)})}

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if file and hasattr(file, "content_type"):  # a new upload, not the stored file
            document_file_check(file)
        return file
