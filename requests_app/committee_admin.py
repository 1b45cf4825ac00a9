"""The research committee in the back-office: committees and meetings are kept here;
votes and decisions are read-only (cast and taken on /committee/ through the services)."""

from django import forms
from django.contrib import admin
from django.db.models import Count, Q, StringAgg, Value
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from config.dashboard.exports import ExportMixin

from .models import Committee, CommitteeMeeting, CommitteeVote, Decision


class CommitteeForm(forms.ModelForm):
    class Meta:
        model = Committee
        fields = ["name_ar", "name_en", "is_default", "chair", "members"]

    def clean(self):
        from .committee import VOTE_PERMISSION

        cleaned = super().clean()
        members = list(cleaned.get("members") or [])
        without_role = [m for m in members if not m.has_perm(VOTE_PERMISSION)]
        if without_role:
            self.add_error(
                "members",
                _("Only users of the committee-member role can sit on a committee: %(names)s.")
                % {"names": "، ".join(m.get_full_name() or m.get_username() for m in without_role)},
            )
        chair = cleaned.get("chair")
        if chair and members and chair not in members:
            self.add_error("chair", _("The chair must be one of the committee's members."))
        if chair and not chair.has_perm(VOTE_PERMISSION):
            self.add_error("chair", _("The chair must hold the committee-member role."))
        return cleaned


@admin.register(Committee)
class CommitteeAdmin(ExportMixin, SimpleHistoryAdmin):
    form = CommitteeForm
    list_display = ["name_ar", "name_en", "chair", "is_default"]
    list_select_related = ["chair"]
    search_fields = ["name_ar", "name_en"]
    filter_horizontal = ["members"]
    autocomplete_fields = ["chair"]
    fields = ["name_ar", "name_en", "is_default", "chair", "members"]
    actions = ["export_csv", "export_xlsx"]
    export_fields = [
        "name_ar",
        "name_en",
        "is_default",
        "chair__username",
        "members_names",
        "created_at",
    ]
    export_computed = {
        "members_names": (
            _("members"),
            StringAgg("members__username", Value(", ")),
        ),
    }

    def has_delete_permission(self, request, obj=None):
        return False  # decisions point at committees


class _TheirCommitteesOnly:
    """Meetings, votes and decisions, for a committee member who does not read requests
    in the back-office: only those of the committees they sit on (and their own votes),
    as the minutes and the case file show them (POL-7.4, data on a need-to-know basis).
    Whoever may read requests there (officers, managers, the auditor) sees every one."""

    @staticmethod
    def _sees_all(request) -> bool:
        return request.user.has_perm("requests_app.view_supportrequest")

    def has_view_history_or_change_history_permission(self, request, obj=None):
        # django-simple-history's history pages read the object (or its past versions)
        # without get_queryset: the same scope is checked here.
        allowed = super().has_view_history_or_change_history_permission(request, obj)
        if not allowed or obj is None or self._sees_all(request):
            return allowed
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self._sees_all(request):
            return queryset
        from .committee import committees_of

        committees = committees_of(request.user)
        return queryset.filter(
            self.committees_scope(
                request.user,
                [committee.pk for committee in committees],
                any(committee.is_default for committee in committees),
            )
        )

    def committees_scope(self, user, committee_ids: list, sits_on_default: bool) -> Q:
        return Q(committee__in=committee_ids)


@admin.register(CommitteeMeeting)
class CommitteeMeetingAdmin(_TheirCommitteesOnly, ExportMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "committee", "held_on", "place", "minutes_link"]
    list_select_related = ["committee"]
    list_filter = ["committee"]
    date_hierarchy = "held_on"
    show_full_result_count = False
    filter_horizontal = ["attendees"]
    autocomplete_fields = ["agenda"]
    fields = ["committee", "number", "held_on", "place", "attendees", "agenda", "notes"]
    actions = ["export_csv", "export_xlsx"]
    export_fields = [
        "committee__name_ar",
        "number",
        "held_on",
        "place",
        "attendees_count",
        "agenda_count",
        "created_at",
    ]
    export_computed = {
        "attendees_count": (_("members present"), Count("attendees", distinct=True)),
        "agenda_count": (_("requests on the agenda"), Count("agenda", distinct=True)),
    }
    # The minutes' notes discuss applicants' cases.
    export_sensitive_fields = ["notes"]

    @admin.display(description=_("Minutes"))
    def minutes_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("committee:minutes", args=[obj.pk]), _("Print")
        )

    def has_delete_permission(self, request, obj=None):
        return False


class _ReadOnly:
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CommitteeVote)
class CommitteeVoteAdmin(_TheirCommitteesOnly, ExportMixin, _ReadOnly, admin.ModelAdmin):
    list_display = ["support_request", "member", "vote", "meeting", "cast_at"]
    list_select_related = ["support_request", "member", "meeting"]
    list_filter = ["vote"]
    show_full_result_count = False
    search_fields = ["support_request__reference"]
    actions = ["export_csv", "export_xlsx"]
    export_fields = [
        "support_request__reference",
        "member__username",
        "vote",
        "recommended_kind",
        "recommended_amount",
        "meeting__number",
        "meeting__held_on",
        "cast_at",
    ]
    # A member's reasons and conflict-of-interest statement talk about the applicant
    # (and about the member): only for those who may see sensitive data.
    export_sensitive_fields = ["reason", "conflict_statement"]
    export_access_log_path = "support_request__beneficiary_id"

    def committees_scope(self, user, committee_ids, sits_on_default):
        # A request goes to its program's committee, or to the default one if it has none.
        scope = Q(member=user) | Q(support_request__program__committee__in=committee_ids)
        if sits_on_default:
            scope |= Q(support_request__program__committee__isnull=True)
        return scope


@admin.register(Decision)
class DecisionAdmin(_TheirCommitteesOnly, ExportMixin, _ReadOnly, admin.ModelAdmin):
    """A decision is final and immutable (POL-7.7): shown, never edited."""

    list_display = [
        "support_request",
        "outcome",
        "committee",
        "meeting",
        "approvals",
        "rejections",
        "decided_at",
    ]
    list_select_related = ["support_request", "committee", "meeting"]
    list_filter = ["outcome", "committee"]
    show_full_result_count = False
    search_fields = ["support_request__reference"]
    date_hierarchy = "decided_at"
    actions = ["export_csv", "export_xlsx"]
    export_fields = [
        "support_request__reference",
        "committee__name_ar",
        "meeting__number",
        "outcome",
        "approved_kind",
        "approved_amount",
        "approvals",
        "rejections",
        "abstentions",
        "recusals",
        "tie_broken_by_chair",
        "decided_by__username",
        "decided_at",
    ]
    # The decision's reason is about the applicant's situation.
    export_sensitive_fields = ["reason"]
    export_access_log_path = "support_request__beneficiary_id"
