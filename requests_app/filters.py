"""django-filter sets for request lists: the committee's review queue."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Region
from config.fast_forms import use_fast_widgets

from .committee import queue_choices
from .models import CommitteeVote
from .selectors import due_within_q, overdue_q


@use_fast_widgets
class QueueFilterForm(forms.Form):
    """The queue's filter form, its <select>s drawn by config.fast_forms (the template
    renderer costs a template per option, and the queue's filters have some fifty)."""


class CommitteeQueueFilter(django_filters.FilterSet):
    """Filters of /committee/: every choice list is limited to what the member may see.

    The programs, meetings and channels are read together, as plain lists: the choices
    are checked in memory (no query per chosen value), and the page reuses the programs
    and channels to name the rows without joining their tables (issue 11)."""

    program = django_filters.ChoiceFilter(
        label=_("Program"), field_name="program", empty_label=_("All programs")
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"), method="filter_overdue", widget=forms.CheckboxInput
    )
    due_within = django_filters.NumberFilter(
        label=_("Due within (days)"),
        method="filter_due_within",
        min_value=0,
        max_value=365,
        widget=forms.NumberInput(attrs={"min": 0, "max": 365, "inputmode": "numeric"}),
    )
    voted = django_filters.ChoiceFilter(
        label=_("My vote"),
        choices=[("yes", _("Voted")), ("no", _("Not voted yet"))],
        method="filter_voted",
        empty_label=_("All"),
    )
    meeting = django_filters.ChoiceFilter(
        label=_("On the agenda of"),
        field_name="committee_meetings",
        empty_label=_("Any meeting or none"),
    )
    region = django_filters.ChoiceFilter(
        label=_("Region"),
        field_name="beneficiary__region",
        choices=Region.choices,
        empty_label=_("All regions"),
    )
    channel = django_filters.ChoiceFilter(
        label=_("Channel"), field_name="channel", empty_label=_("All channels")
    )

    class Meta:
        form = QueueFilterForm

    def __init__(self, *args, user=None, committees=(), choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Only what names them, in one query: these lists are read on every page. The
        # queue page reads them with the committees (``choices``, committee.queue_scope).
        self.programs, self.channels, meetings = (
            choices if choices is not None else queue_choices(list(committees))
        )
        self._choices("program", self.programs)
        self._choices("meeting", meetings)
        self._choices("channel", self.channels)

    def _choices(self, name, objects) -> None:
        self.filters[name].extra["choices"] = [(str(obj.pk), str(obj)) for obj in objects]

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue_q()) if value else queryset

    def filter_due_within(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(due_within_q(int(value)))

    def filter_voted(self, queryset, name, value):
        # Only open votes (a request in review has no other): the partial index
        # vote_member_open holds just those, so "voted" starts from the member's few
        # open votes instead of probing every row of the queue (issue 11).
        mine = Exists(
            CommitteeVote.objects.filter(
                support_request=OuterRef("pk"), member=self.user, open=True
            )
        )
        if value == "yes":
            return queryset.filter(mine)
        if value == "no":
            return queryset.filter(~mine)
        return queryset
