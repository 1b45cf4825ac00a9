"""Back-office forms: a board meeting from its minutes, a policy version, an approval."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from config.hijri import format_gregorian

from .models import BoardMeeting, PolicyVersion
from .services import board_attendance_check


class BoardMeetingForm(forms.ModelForm):
    """The Hijri date is typed as the minutes write it; the model reads year, month and day
    out of it, refuses a day that does not exist, and computes the Gregorian date when it
    is left empty. Whatever was typed stays in the form when there is an error."""

    class Meta:
        model = BoardMeeting
        fields = ["number", "hijri_date_text", "date", "place", "notes"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Empty: computed from the Hijri date (BoardMeeting.clean).
        self.fields["date"].required = False


class BoardAttendanceFormSet(BaseInlineFormSet):
    """Only members whose term covers the meeting date can be present."""

    def clean(self):
        super().clean()
        meeting_date = getattr(self.instance, "date", None)
        if meeting_date is None:
            return
        members = [
            form.cleaned_data["member"]
            for form in self.forms
            if form.cleaned_data
            and form.cleaned_data.get("member")
            and not form.cleaned_data.get("DELETE")
        ]
        board_attendance_check(meeting_date=meeting_date, members=members)


class PolicyVersionForm(forms.ModelForm):
    class Meta:
        model = PolicyVersion
        fields = ["document", "body_ar", "body_en", "change_note", "next_review_date"]
        widgets = {
            "body_ar": forms.Textarea(attrs={"rows": 24, "dir": "rtl", "lang": "ar"}),
            "body_en": forms.Textarea(attrs={"rows": 24, "dir": "ltr", "lang": "en"}),
            "change_note": forms.Textarea(attrs={"rows": 3}),
            "next_review_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean(self):
        cleaned = super().clean()
        # The service refuses too; saying it here keeps what the person typed on screen.
        if self.instance.pk and self.instance.status != PolicyVersion.Status.DRAFT:
            raise ValidationError(
                _(
                    "This version is %(status)s and can no longer be changed. Make a new "
                    "draft version instead."
                ),
                code="not_a_draft",
                params={"status": self.instance.get_status_display()},
            )
        return cleaned


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, meeting):
        return f"{meeting} — {format_gregorian(meeting.date)}"


class ApproveForm(forms.Form):
    meeting = MeetingChoiceField(
        label=_("Board meeting"),
        queryset=BoardMeeting.objects.order_by("-date", "-number"),
        required=False,
        help_text=_("The meeting whose minutes record the approval."),
    )
    effective_date = forms.DateField(
        label=_("Effective date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty: the date of the meeting."),
    )
    next_review_date = forms.DateField(
        label=_("Next review date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty: the draft's own date, else one year after it takes effect."),
    )
