"""The dashboard's filter form: a period of months (Gregorian or Hijri), program,
channel and region. Bad input gives a clear message, never an error page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Region
from beneficiaries.validators import normalize_digits
from channels_app.models import Channel
from config.fast_forms import use_fast_widgets
from requests_app.models import Program

from .periods import CALENDARS, GREGORIAN, MAX_MONTHS, Period, default_period, months_between
from .periods import parse_month as _parse_month
from .selectors import DashboardFilters

MONTH_ERRORS = {
    "format": _("Write the month as year-month, e.g. 2025-03 or 1447-09."),
    "month": _("The month must be between 1 and 12."),
    "range": _("This year is outside the calendar's supported range."),
}


# Drawn on every view of the dashboard: the widgets in Python, the program and channel
# lists each with one plain query (no server-side cursor), the same markup (issue 11).
@use_fast_widgets
class DashboardFilterForm(forms.Form):
    calendar = forms.ChoiceField(label=_("Calendar"), choices=CALENDARS, required=False)
    start = forms.CharField(
        label=_("From month"),
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"placeholder": "2025-01", "dir": "ltr", "size": 8}),
    )
    end = forms.CharField(
        label=_("To month"),
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"placeholder": "2025-12", "dir": "ltr", "size": 8}),
    )
    program = forms.ModelChoiceField(
        label=_("Program"),
        queryset=Program.objects.order_by("sort_order", "name_ar"),
        required=False,
        to_field_name="code",
        empty_label=_("All programs"),
    )
    channel = forms.ModelChoiceField(
        label=_("Channel"),
        queryset=Channel.objects.order_by("sort_order", "code"),
        required=False,
        to_field_name="code",
        empty_label=_("All channels"),
    )
    region = forms.ChoiceField(
        label=_("Region"), choices=[("", _("All regions")), *Region.choices], required=False
    )

    def _month(self, name: str, calendar: str):
        text = normalize_digits(self.cleaned_data.get(name) or "").strip()
        if not text:
            return None
        try:
            return _parse_month(calendar, text)
        except ValueError as exc:
            self.add_error(name, MONTH_ERRORS[str(exc)])
            return None

    def clean(self):
        data = super().clean()
        calendar = data.get("calendar") or GREGORIAN
        default = default_period(calendar)
        start = self._month("start", calendar)
        end = self._month("end", calendar)
        if self.errors:
            return data
        start = start or (default.months[0] if end is None else end)
        end = end or (default.months[-1] if data.get("start") in (None, "") else start)
        if (start.year, start.month) > (end.year, end.month):
            raise forms.ValidationError(
                _("The end month comes before the start month: swap them."), code="reversed"
            )
        months = months_between(start, end)
        if len(months) > MAX_MONTHS:
            raise forms.ValidationError(
                _("Choose at most %(count)s months.") % {"count": MAX_MONTHS}, code="too_long"
            )
        data["period"] = Period(calendar, tuple(months))
        return data

    def filters(self) -> DashboardFilters:
        data = self.cleaned_data
        return DashboardFilters(
            period=data["period"],
            program=data.get("program"),
            channel=data.get("channel"),
            region=data.get("region") or "",
        )
