"""Back-office forms for programs and for moving a request."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import BeneficiaryDocument
from config.fast_forms import _attrs as _attrs_html
from config.fast_forms import _s as _attr_text
from config.fast_forms import use_fast_widgets

from .models import Program, ResearchMethod, SupportKind, Urgency
from .workflow import NOTE_REQUIRED, Status

DocumentType = BeneficiaryDocument.DocumentType


class ProgramForm(forms.ModelForm):
    required_document_types = forms.MultipleChoiceField(
        label=_("required documents"),
        choices=DocumentType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Program
        fields = [
            "code",
            "name_ar",
            "name_en",
            "description_ar",
            "description_en",
            "eligibility_ar",
            "eligibility_en",
            "required_document_types",
            "decision_days",
            "quorum",
            "committee",
            "is_open",
            "opens_on",
            "closes_on",
            "capacity",
            "sort_order",
        ]

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("The closing date cannot be before the opening date."))
        return cleaned


def staff_with_permission(permission: str):
    """Active staff who hold ``permission`` ("app_label.codename") directly, through a group, or as superusers."""
    app_label, codename = permission.split(".")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(
                user_permissions__content_type__app_label=app_label,
                user_permissions__codename=codename,
            )
            | Q(
                groups__permissions__content_type__app_label=app_label,
                groups__permissions__codename=codename,
            )
        )
        .distinct()
        .order_by("first_name", "username")
    )


class MoveForm(forms.Form):
    """The note an officer writes when moving a request (required where the applicant reads it)."""

    note = forms.CharField(
        label=_("note"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )

    def __init__(self, *args, to_status: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.to_status = to_status
        if to_status in NOTE_REQUIRED:
            self.fields["note"].required = True
            if to_status == Status.NEEDS_INFO:
                self.fields["note"].label = _("What is missing (the applicant reads this)")
            else:
                self.fields["note"].label = _("Reason (the applicant reads this)")


class ReferResearchForm(MoveForm):
    researcher = forms.ModelChoiceField(label=_("social researcher"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["researcher"].queryset = staff_with_permission(
            "requests_app.research_supportrequest"
        )


class ReferExternalForm(MoveForm):
    association_name = forms.CharField(label=_("association referred to"), max_length=200)
    association_contact = forms.CharField(label=_("its contact"), max_length=200, required=False)
    association_license = forms.CharField(
        label=_("its license number"), max_length=40, required=False
    )


class ResearchReportForm(forms.Form):
    method = forms.ChoiceField(label=_("how"), choices=ResearchMethod.choices)
    visited_on = forms.DateField(
        label=_("date of the visit or call"), widget=forms.DateInput(attrs={"type": "date"})
    )
    findings = forms.CharField(
        label=_("findings"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )
    recommendation = forms.CharField(
        label=_("recommendation"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )

    def clean_visited_on(self):
        value = self.cleaned_data["visited_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The visit or call cannot be in the future."))
        return value


class DocumentCheckForm(forms.Form):
    document = forms.ModelChoiceField(
        label=_("document"), queryset=None, required=False, empty_label=_("— missing —")
    )
    matches_record = forms.BooleanField(label=_("matches the beneficiary's record"), required=False)
    note = forms.CharField(label=_("note"), max_length=500, required=False)

    def __init__(self, *args, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = documents


class AssignForm(forms.Form):
    officer = forms.ModelChoiceField(label=_("officer"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = staff_with_permission(
            "requests_app.verify_supportrequest"
        )


class IntakeForm(forms.Form):
    """Staff intake of a walk-in or phone request on the applicant's behalf."""

    beneficiary = forms.ModelChoiceField(label=_("beneficiary"), queryset=None)
    program = forms.ModelChoiceField(label=_("program"), queryset=Program.objects.all())
    channel = forms.ModelChoiceField(label=_("channel"), queryset=None)
    need = forms.CharField(
        label=_("the need, in the applicant's words"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
    support_kind = forms.ChoiceField(label=_("support requested"), choices=SupportKind.choices)
    amount_requested = forms.DecimalField(
        label=_("amount requested (SAR)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
    )
    urgency = forms.ChoiceField(label=_("urgency"), choices=Urgency.choices)
    declaration_name = forms.CharField(
        label=_("declaration signed by (the applicant's full name)"),
        max_length=200,
        help_text=_("The applicant declares the data correct and is responsible for it (POL-7.6)."),
    )
    accept_rules = forms.BooleanField(
        label=_("the applicant accepts the program's rules"),
        required=True,
        help_text=_("Applying for a program is consent to its rules (POL-7.9)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from beneficiaries.models import Beneficiary
        from channels_app.models import Channel

        self.fields["beneficiary"].queryset = Beneficiary.objects.all()
        self.fields["channel"].queryset = Channel.objects.filter(is_active=True)
        self.fields["program"].queryset = Program.objects.filter(is_open=True)


# -- the research committee ---------------------------------------------------------------


class TypedDecimalField(forms.DecimalField):
    """An amount typed with Eastern Arabic digits (٢٥٠٠) or the Arabic decimal sign."""

    widget = forms.TextInput

    def to_python(self, value):
        from beneficiaries.validators import normalize_digits

        if isinstance(value, str):
            value = normalize_digits(value).replace("٫", ".").replace(",", "").strip()
        return super().to_python(value)


class _ReadOnceChoiceIterator(ModelChoiceIterator):
    """The choices from the queryset's own result cache: Django's iterator() asks the
    database each time it is drawn, and on PostgreSQL through a server-side cursor
    (DECLARE, FETCH, CLOSE: three round trips for a handful of meetings)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.queryset:
            yield self.choice(obj)


class FastRadioSelect(forms.RadioSelect):
    """Django's RadioSelect markup built in Python: the stock widget renders three
    templates per option, the costliest piece of the case file's vote form (issue 11).
    Option groups fall back to the templates (tests/committee/test_rows.py compares)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        if any(group for group, _options, _index in widget["optgroups"]):
            return super().render(name, value, attrs, renderer)
        outer = widget["attrs"]
        html = ["<div"]
        if outer.get("id"):
            html.append(f' id="{conditional_escape(outer["id"])}"')
        if outer.get("class"):
            html.append(f' class="{conditional_escape(outer["class"])}"')
        html.append(">")
        for _group, options, _index in widget["optgroups"]:
            for option in options:
                option_attrs = option["attrs"]
                label_for = (
                    f' for="{conditional_escape(option_attrs["id"])}"'
                    if option_attrs.get("id")
                    else ""
                )
                value_attr = (
                    "" if option["value"] is None else f' value="{_attr_text(option["value"])}"'
                )
                html.append(
                    f"<div>\n    <label{label_for}>"
                    f'<input type="{conditional_escape(option["type"])}" '
                    f'name="{conditional_escape(option["name"])}"{value_attr}'
                    f"{_attrs_html(option_attrs)}>\n {conditional_escape(option['label'])}"
                    "</label>\n\n</div>"
                )
        html.append("\n</div>")
        return mark_safe("".join(html))  # noqa: S308 - every value escaped above


@use_fast_widgets
class CommitteeVoteForm(forms.Form):
    """A member's vote on the case file; the service checks the rules again. Its widgets
    are drawn by config.fast_forms (the case file's template time, issue 11)."""

    vote = forms.ChoiceField(
        label=_("Your vote"),
        choices=[
            ("approve", _("Approve")),
            ("reject", _("Reject")),
            ("abstain", _("Abstain")),
        ],
        widget=FastRadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required for a rejection; write it in plain words: the applicant reads the "
            "committee's reason."
        ),
    )
    recommended_kind = forms.ChoiceField(
        label=_("Recommended support"),
        choices=[("", "—"), *SupportKind.choices],
        required=False,
    )
    recommended_amount = TypedDecimalField(
        label=_("Recommended amount (SAR)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "dir": "ltr"}),
    )
    meeting = forms.ModelChoiceField(
        label=_("Cast at the meeting"),
        queryset=None,
        required=False,
        empty_label=_("Between meetings"),
    )

    def __init__(self, *args, meetings=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import CommitteeMeeting

        self.fields["meeting"].iterator = _ReadOnceChoiceIterator  # before the queryset
        self.fields["meeting"].queryset = (
            meetings if meetings is not None else CommitteeMeeting.objects.none()
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("vote") == "reject" and not (cleaned.get("reason") or "").strip():
            self.add_error(
                "reason", _("Give the reason for the rejection: the applicant will read it.")
            )
        return cleaned


@use_fast_widgets
class CommitteeRecuseForm(forms.Form):
    statement = forms.CharField(
        label=_("Conflict of interest"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Describe your relation to the applicant or the interest you have. You will not "
            "be able to vote on this request."
        ),
        error_messages={
            "required": _("Describe the conflict of interest (e.g. a relative of the applicant).")
        },
    )
