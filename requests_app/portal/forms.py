"""Forms of the public portal, one per step. Every typed identifier is normalised
(Eastern Arabic digits, spaces, dashes) by the same validators staff intake uses."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries import validators
from beneficiaries.models import Beneficiary, BeneficiaryDocument, Gender, IdentityType, Region
from beneficiaries.services import document_file_check

from ..models import Program, SupportKind
from ..reference import clean_reference

DocumentType = BeneficiaryDocument.DocumentType
PORTAL_ID_TYPES = [
    (IdentityType.NATIONAL_ID.value, IdentityType.NATIONAL_ID.label),
    (IdentityType.IQAMA.value, IdentityType.IQAMA.label),
]


class PortalForm(forms.Form):
    """Adds the honeypot every public form carries: people never see or fill it."""

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website", "").strip())

    def full_clean(self):
        super().full_clean()
        # Each field in error points at its message (read out by screen readers).
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"id_{name}_error"}
                )


class DigitsDateField(forms.DateField):
    """A date typed with Eastern Arabic digits is still a date."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def to_python(self, value):
        if isinstance(value, str):
            value = validators.normalize_digits(value).strip()
        return super().to_python(value)


class StartForm(PortalForm):
    program = forms.ModelChoiceField(
        label=_("Program"),
        queryset=Program.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Choose the program you are applying for.")},
    )
    privacy_read = forms.BooleanField(
        label=_("I have read the privacy notice above."),
        error_messages={"required": _("Read the privacy notice and tick the box to continue.")},
    )

    def __init__(self, *args, programs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.filter(
            pk__in=[p.pk for p in programs or []]
        )
        self.fields["program"].label_from_instance = lambda program: program.name


class IdentityForm(PortalForm):
    id_type = forms.ChoiceField(
        label=_("Identity type"),
        choices=PORTAL_ID_TYPES,
        initial=IdentityType.NATIONAL_ID,
        widget=forms.RadioSelect,
    )
    id_number = forms.CharField(
        label=_("National ID or iqama number"),
        max_length=30,
        help_text=_("10 digits, as on your card."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("Enter your ID number.")},
    )
    name_ar = forms.CharField(
        label=_("Full name (in Arabic)"),
        max_length=validators.MAX_NAME_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Enter your full name.")},
    )
    name_en = forms.CharField(
        label=_("Name in English (optional)"), max_length=validators.MAX_NAME_LENGTH, required=False
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, widget=forms.RadioSelect)
    birth_date = DigitsDateField(
        label=_("Birth date (Gregorian)"),
        error_messages={"invalid": _("Enter a valid date, for example 1990-05-31.")},
    )
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=30,
        help_text=_("We send the reference and updates to this number, e.g. 0512345678."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "type": "tel"}),
        error_messages={"required": _("Enter your mobile number.")},
    )
    email = forms.EmailField(label=_("E-mail (optional)"), required=False)
    region = forms.ChoiceField(label=_("Region"), choices=[("", "—"), *Region.choices])
    city = forms.CharField(label=_("City"), max_length=80)

    def clean_id_number(self):
        number = self.cleaned_data["id_number"]
        id_type = self.data.get("id_type") or IdentityType.NATIONAL_ID
        if id_type not in dict(PORTAL_ID_TYPES):
            id_type = None
        return validators.validate_national_id(number, id_type=id_type)

    def clean_name_ar(self):
        return validators.validate_person_name(self.cleaned_data["name_ar"])

    def clean_name_en(self):
        value = self.cleaned_data["name_en"]
        return validators.validate_person_name(value) if value.strip() else ""

    def clean_mobile(self):
        return validators.normalize_mobile(self.cleaned_data["mobile"])

    def clean_city(self):
        city = validators.strip_invisible(self.cleaned_data["city"])
        if "<" in city or ">" in city:
            raise ValidationError(_("Write the city name in letters only."))
        return city

    def clean_birth_date(self):
        day = self.cleaned_data["birth_date"]
        today = timezone.localdate()
        if day > today:
            raise ValidationError(_("The birth date cannot be in the future."))
        if day < today - datetime.timedelta(days=125 * 366):
            raise ValidationError(_("Check the birth date: it is too far in the past."))
        return day


class HouseholdForm(PortalForm):
    marital_status = forms.ChoiceField(
        label=_("Marital status"), choices=[("", "—"), *Beneficiary.MaritalStatus.choices]
    )
    household_size = forms.IntegerField(
        label=_("People in your household (you included)"),
        min_value=1,
        max_value=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    employment = forms.ChoiceField(
        label=_("Work"), choices=[("", "—"), *Beneficiary.Employment.choices]
    )
    monthly_income = forms.DecimalField(
        label=_("Household monthly income in riyals (optional)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    support_kind = forms.ChoiceField(
        label=_("Support you need"), choices=SupportKind.choices, initial=SupportKind.CASH
    )
    amount_requested = forms.DecimalField(
        label=_("Amount requested in riyals (optional)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    need = forms.CharField(
        label=_("Describe your need"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Describe the need in a few words.")},
    )

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            data = data.copy()
            for name in ("household_size", "monthly_income", "amount_requested"):
                if name in data:
                    data[name] = validators.normalize_digits(data[name]).replace("٫", ".").strip()
        super().__init__(data, *args, **kwargs)

    def clean_need(self):
        return validators.strip_invisible(self.cleaned_data["need"])


class DocumentsForm(PortalForm):
    """One file and one optional expiry date per document the program requires. A file
    already held for the application is not asked again (``held`` types)."""

    def __init__(self, *args, document_types=(), held=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.document_types = list(document_types)
        self.held = held or {}
        labels = dict(DocumentType.choices)
        for document_type in self.document_types:
            label = labels.get(document_type, document_type)
            self.fields[f"file_{document_type}"] = forms.FileField(
                label=label,
                required=document_type not in self.held,
                help_text=_("PDF, JPEG or PNG."),
                error_messages={"required": _("Upload this document.")},
                widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
            )
            held_doc = self.held.get(document_type)
            self.fields[f"expiry_{document_type}"] = DigitsDateField(
                label=_("Expiry date of this document, if it has one"),
                required=False,
                initial=held_doc.expiry_date if held_doc else None,
                error_messages={"invalid": _("Enter a valid date, for example 2030-05-31.")},
            )

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        for document_type in self.document_types:
            upload = cleaned.get(f"file_{document_type}")
            if upload:
                try:
                    document_file_check(upload)
                except ValidationError as exc:
                    self.add_error(f"file_{document_type}", exc)
            expiry = cleaned.get(f"expiry_{document_type}")
            if expiry and expiry < today:
                self.add_error(
                    f"expiry_{document_type}",
                    _("This document has expired: upload a current one and its new expiry date."),
                )
        return cleaned

    def file_fields(self):
        for document_type in self.document_types:
            yield (
                document_type,
                self[f"file_{document_type}"],
                self[f"expiry_{document_type}"],
                self.held.get(document_type),
            )


class DeclarationForm(PortalForm):
    accept_rules = forms.BooleanField(
        label=_("I accept the program's rules and consent as written above."),
        error_messages={"required": _("You must accept the program's rules to apply.")},
    )
    declare = forms.BooleanField(
        label=_("I declare that the data I gave is correct and complete."),
        error_messages={"required": _("Tick the declaration that your data is correct.")},
    )
    declaration_name = forms.CharField(
        label=_("Your full name, as your signature"),
        max_length=validators.MAX_NAME_LENGTH,
        error_messages={"required": _("Type your full name to sign the declaration.")},
    )

    def clean_declaration_name(self):
        return validators.validate_person_name(self.cleaned_data["declaration_name"])


class TrackForm(PortalForm):
    reference = forms.CharField(
        label=_("Request reference number"),
        max_length=30,
        help_text=_("10 digits, e.g. 4831-7759-26."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("Enter the reference number.")},
    )
    id_number = forms.CharField(
        label=_("National ID or iqama number"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("Enter your ID number.")},
    )

    def clean_reference(self):
        # A mistyped reference gets the same neutral answer as a wrong pair (see the view).
        return clean_reference(self.cleaned_data["reference"])

    def clean_id_number(self):
        return validators.compact(self.cleaned_data["id_number"]).upper()


class WithdrawForm(PortalForm):
    reason = forms.CharField(
        label=_("Why do you withdraw the request?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the reason in a few words.")},
    )

    def clean_reason(self):
        return validators.strip_invisible(self.cleaned_data["reason"])


class MissingDocumentsForm(PortalForm):
    note = forms.CharField(
        label=_("A note for the officer (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, document_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.document_types = list(document_types)
        labels = dict(DocumentType.choices)
        for document_type in self.document_types:
            self.fields[f"file_{document_type}"] = forms.FileField(
                label=labels.get(document_type, document_type),
                required=True,
                help_text=_("PDF, JPEG or PNG."),
                error_messages={"required": _("Upload this document.")},
                widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
            )
            self.fields[f"expiry_{document_type}"] = DigitsDateField(
                label=_("Expiry date of this document, if it has one"), required=False
            )

    def clean(self):
        cleaned = super().clean()
        for document_type in self.document_types:
            upload = cleaned.get(f"file_{document_type}")
            if upload:
                try:
                    document_file_check(upload)
                except ValidationError as exc:
                    self.add_error(f"file_{document_type}", exc)
            expiry = cleaned.get(f"expiry_{document_type}")
            if expiry and expiry < timezone.localdate():
                self.add_error(
                    f"expiry_{document_type}",
                    _("This document has expired: upload a current one and its new expiry date."),
                )
        return cleaned

    def clean_note(self):
        return validators.strip_invisible(self.cleaned_data["note"])
