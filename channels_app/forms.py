"""Back-office forms: log a contact, refer it, upload reach figures, pick a period."""

import datetime

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminSplitDateTime, AutocompleteSelect
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Channel, Interaction


def researchers():
    """Staff who may take a referred case (the research permission, by group or directly)."""
    User = get_user_model()
    permission = Q(
        groups__permissions__codename="research_supportrequest",
        groups__permissions__content_type__app_label="requests_app",
    ) | Q(
        user_permissions__codename="research_supportrequest",
        user_permissions__content_type__app_label="requests_app",
    )
    return (
        User.objects.filter(is_active=True, is_staff=True)
        .filter(permission | Q(is_superuser=True))
        .distinct()
        .order_by("first_name", "username")
    )


class InteractionLogForm(forms.Form):
    """A contact in a few seconds: most fields come preset from the page it was opened on."""

    channel = forms.ModelChoiceField(
        label=_("channel"),
        queryset=Channel.objects.filter(is_active=True),
        error_messages={"required": _("Choose the channel of the contact.")},
    )
    direction = forms.ChoiceField(
        label=_("direction"),
        choices=Interaction.Direction.choices,
        initial=Interaction.Direction.INCOMING,
        widget=forms.RadioSelect,
    )
    category = forms.ChoiceField(
        label=_("category"),
        choices=Interaction.Category.choices,
        initial=Interaction.Category.INQUIRY,
    )
    summary = forms.CharField(
        label=_("summary"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write what the contact was about.")},
    )
    answered_now = forms.BooleanField(
        label=_("answered during the contact"),
        required=False,
        help_text=_("Tick when the inquiry was answered there and then."),
    )
    beneficiary = forms.ModelChoiceField(label=_("beneficiary"), queryset=None, required=False)
    support_request = forms.ModelChoiceField(
        label=_("support request"), queryset=None, required=False
    )
    contact_name = forms.CharField(label=_("name (not registered)"), max_length=200, required=False)
    contact_detail = forms.CharField(
        label=_("mobile or e-mail (not registered)"), max_length=254, required=False
    )
    occurred_at = forms.SplitDateTimeField(
        label=_("when"), widget=AdminSplitDateTime, required=False, help_text=_("Empty: now.")
    )
    response_due_at = forms.SplitDateTimeField(
        label=_("answer due"),
        widget=AdminSplitDateTime,
        required=False,
        help_text=_("Empty for an incoming inquiry: the standard answer time."),
    )

    def __init__(self, *args, admin_site=None, **kwargs):
        super().__init__(*args, **kwargs)
        from beneficiaries.models import Beneficiary
        from requests_app.models import SupportRequest

        site = admin_site or admin.site
        # The widget first: setting the queryset afterwards hands the widget its choices.
        self.fields["beneficiary"].widget = AutocompleteSelect(
            Interaction._meta.get_field("beneficiary"), site
        )
        self.fields["beneficiary"].queryset = Beneficiary.objects.all()
        self.fields["support_request"].widget = AutocompleteSelect(
            Interaction._meta.get_field("support_request"), site
        )
        self.fields["support_request"].queryset = SupportRequest.objects.select_related(
            "beneficiary"
        )

    def clean(self):
        data = super().clean()
        occurred = data.get("occurred_at") or timezone.now()
        due = data.get("response_due_at")
        if due and due < occurred:
            self.add_error("response_due_at", _("The answer cannot be due before the contact."))
        return data


class InteractionReferForm(forms.Form):
    researcher = forms.ModelChoiceField(
        label=_("social researcher"),
        queryset=None,
        error_messages={"required": _("Choose the social researcher.")},
    )
    note = forms.CharField(
        label=_("what is unclear"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["researcher"].queryset = researchers()
        self.fields["researcher"].label_from_instance = lambda u: u.get_full_name() or u.username


class ReachUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: channel, title, url, kind, published_on, period_start, period_end, "
            "views, reach, engagements, downloads (Arabic headers accepted)."
        ),
        error_messages={"required": _("Choose the CSV file to upload.")},
    )


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=_("from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=_("to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def period(self) -> tuple[datetime.date, datetime.date]:
        today = timezone.localdate()
        default_start = _month_start(today.replace(day=1) - datetime.timedelta(days=150))
        data = self.cleaned_data if self.is_valid() else {}
        start = data.get("start") or default_start
        end = data.get("end") or today
        if end < start:
            start, end = end, start
        return start, end
