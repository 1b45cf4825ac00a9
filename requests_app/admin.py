"""The back-office for programs and support requests.

Status is never a form field: every move is a button that opens a small form and calls
the workflow service (STYLE.md). The list shows open work by default and never counts
the whole table."""

import html

from django.contrib import admin, messages
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, router
from django.db.models import CharField, F, Prefetch, Q, Value, Window, prefetch_related_objects
from django.db.models.functions import Cast, RowNumber
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import get_script_prefix, path, reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from channels_app.timeline import kinds_for
from config.admin_lists import FastListMixin, plain_instance
from config.bilingual import pick
from config.dashboard.exports import ExportMixin

from . import selectors, services
from .forms import (
    AssignForm,
    DocumentCheckForm,
    IntakeForm,
    MoveForm,
    ProgramForm,
    ReferExternalForm,
    ReferResearchForm,
    ResearchReportForm,
)
from .models import (
    DocumentCheck,
    Program,
    Referral,
    ResearchReport,
    ServiceDelivery,
    StatusChange,
    SupportRequest,
)
from .presentation import due_html, plain_date
from .workflow import FINAL_STATUSES, OPEN_STATUSES, Status, allowed_targets


@admin.register(Program)
class ProgramAdmin(ExportMixin, admin.ModelAdmin):
    form = ProgramForm
    list_display = ["name_ar", "name_en", "is_open", "decision_days", "quorum", "capacity"]
    actions = ["export_csv", "export_xlsx"]
    export_fields = [
        "code",
        "name_ar",
        "name_en",
        "is_open",
        "opens_on",
        "closes_on",
        "capacity",
        "decision_days",
        "quorum",
        "committee__name_ar",
        "required_document_types",
        "created_at",
    ]
    list_filter = ["is_open"]
    search_fields = ["name_ar", "name_en", "code"]
    prepopulated_fields = {"code": ["name_en"]}
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "code",
                    "name_ar",
                    "name_en",
                    "description_ar",
                    "description_en",
                    "sort_order",
                ]
            },
        ),
        (
            _("Eligibility"),
            {"fields": ["eligibility_ar", "eligibility_en", "required_document_types"]},
        ),
        (_("Promise and committee"), {"fields": ["decision_days", "quorum", "committee"]}),
        (_("Applications"), {"fields": ["is_open", "opens_on", "closes_on", "capacity"]}),
    ]

    def has_delete_permission(self, request, obj=None):
        return False  # requests point at programs; close a program instead


# -- list filters ---------------------------------------------------------------------------


class StateFilter(admin.SimpleListFilter):
    """Open work by default: what the officer has to do today."""

    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", _("Open")), ("final", _("Closed or withdrawn")), ("all", _("All"))]

    def choices(self, changelist):
        value = self.value() or "open"
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or "open"
        if value == "open":
            return queryset.filter(status__in=OPEN_STATUSES)
        if value == "final":
            return queryset.filter(
                status__in=FINAL_STATUSES
                + [Status.REJECTED, Status.DELIVERED, Status.REFERRED_EXTERNAL]
            )
        return queryset


class DueFilter(admin.SimpleListFilter):
    title = _("decision due")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [
            ("overdue", _("Overdue")),
            ("3", _("Due within 3 days")),
            ("7", _("Due within 7 days")),
            ("paused", _("Clock paused (waiting for the applicant)")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "overdue":
            return queryset.filter(selectors.overdue_q())
        if value in {"3", "7"}:
            return queryset.filter(selectors.due_within_q(int(value)))
        if value == "paused":
            return queryset.filter(clock_paused_at__isnull=False)
        return queryset


class AssignedFilter(admin.SimpleListFilter):
    title = _("assigned")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", _("Assigned to me")), ("nobody", _("Not assigned"))]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assigned_officer=request.user)
        if self.value() == "nobody":
            return queryset.filter(assigned_officer__isnull=True)
        return queryset


class RegionFilter(admin.SimpleListFilter):
    """Fixed choices: no SELECT DISTINCT over a million beneficiaries to draw the filter."""

    title = _("region")
    parameter_name = "region"

    def lookups(self, request, model_admin):
        from beneficiaries.models import Region

        return Region.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(beneficiary__region=self.value())
        return queryset


class ChannelFilter(admin.SimpleListFilter):
    title = _("channel")
    parameter_name = "channel"

    def lookups(self, request, model_admin):
        return _program_and_channel_choices(request)[1]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(channel__code=self.value())
        return queryset


class ProgramFilter(admin.SimpleListFilter):
    title = _("program")
    parameter_name = "program"

    def lookups(self, request, model_admin):
        return _program_and_channel_choices(request)[0]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(program_id=self.value())
        return queryset


def _program_and_channel_choices(request) -> tuple[list, list]:
    """The program and channel filters' choices, read in one query for both (issue 11)
    and kept on the request: each part numbered in its model's order, names only."""
    choices = getattr(request, "_program_and_channel_choices", None)
    if choices is None:
        choices = _read_programs_and_channels(request)[0]
    return choices


def _programs_and_channels_by_id(request) -> tuple[dict, dict]:
    """{id: Program} and {id: Channel} with their names only, from the same query as
    the filters' choices: the list's program and channel cells are drawn from these
    instead of joining both tables to every row (planning a five-way join cost ~2 ms
    of the page at a million requests, issue 11)."""
    found = getattr(request, "_programs_and_channels_by_id", None)
    if found is None:
        found = _read_programs_and_channels(request)[1]
    return found


_CHOICES_SQL: dict[str, tuple] = {}


def _programs_and_channels_sql(db: str) -> tuple[str, tuple]:
    """The choices' statement, built and compiled once per database alias: the ORM took
    ~1.2 ms a page to build and compile its two windows and union, four times what
    PostgreSQL takes to run it (issue 11). It has no parameters of its own."""
    found = _CHOICES_SQL.get(db)
    if found is None:
        from channels_app.models import Channel

        def part(queryset, kind, order, key):
            return (
                queryset.order_by()
                .annotate(
                    choice_kind=Value(kind),
                    choice_place=Window(RowNumber(), order_by=order),
                    choice_key=key,
                )
                .values_list(
                    "choice_kind", "choice_place", "choice_key", "pk", "name_ar", "name_en"
                )
            )

        programs = part(
            Program.objects.using(db),
            "program",
            [F("sort_order").asc(), F("name_ar").asc()],
            Cast("pk", CharField()),
        )
        channels = part(
            Channel.objects.using(db),
            "channel",
            [F("sort_order").asc(), F("code").asc()],
            F("code"),
        )
        query = programs.union(channels, all=True).order_by().query
        found = _CHOICES_SQL[db] = query.get_compiler(db).as_sql()
    return found


def _read_programs_and_channels(request):
    from channels_app.models import Channel

    db = router.db_for_read(Program)
    sql, params = _programs_and_channels_sql(db)
    with connections[db].cursor() as cursor:
        cursor.execute(sql, params)
        found_rows = cursor.fetchall()
    models = {"program": Program, "channel": Channel}
    found: dict[str, list] = {"program": [], "channel": []}
    by_id: dict[str, dict] = {"program": {}, "channel": {}}
    names = ["id", "name_ar", "name_en"]
    for kind, place, key, pk, name_ar, name_en in found_rows:
        found[kind].append((place, str(key), pick(name_ar, name_en)))
        # An instance with its names only (the rest deferred), as .only() reads it.
        by_id[kind][pk] = plain_instance(models[kind], db, names, (pk, name_ar, name_en))
    choices = tuple([(key, name) for _place, key, name in sorted(found[kind])] for kind in found)
    instances = (by_id["program"], by_id["channel"])
    request._program_and_channel_choices = choices
    request._programs_and_channels_by_id = instances
    return choices, instances


# -- the request ----------------------------------------------------------------------------

_PK_SENTINEL = "9876543210"
_CHANGE_URL_PARTS: dict[str, list[str]] = {}
_STATUS_BADGES: dict[tuple, str] = {}
_DUE_CELLS: dict[tuple, str] = {}


@admin.register(SupportRequest)
class SupportRequestAdmin(FastListMixin, ExportMixin, SimpleHistoryAdmin):
    list_display = [
        "reference_link",
        "beneficiary_name",
        "program",
        "status_badge",
        "due",
        "channel",
        "assigned_officer",
    ]
    list_display_links = None
    list_filter = [
        StateFilter,
        "status",
        ProgramFilter,
        DueFilter,
        AssignedFilter,
        ChannelFilter,
        RegionFilter,
    ]
    # The program and channel are not joined: their names come with the filters' choices
    # (attach_list_related below).
    list_select_related = ["beneficiary", "assigned_officer"]
    # What the list's rows show (config.admin_lists): the rest of ~90 joined columns stays
    # in the database. A column added to list_display needs its fields here.
    list_only_fields = [
        "id",
        "reference",
        "status",
        "decision_due_at",
        "clock_paused_at",
        "program",
        "channel",
        "beneficiary__name_ar",
        "beneficiary__name_en",
        "assigned_officer__username",
    ]
    list_per_page = 50
    show_full_result_count = False
    search_fields = ["reference"]
    search_help_text = _(
        "Reference, name (any spelling of alif, ta marbuta…), ID number or mobile."
    )
    ordering = ["decision_due_at", "id"]
    actions = ["assign_to_me", "assign_to_officer", "export_csv", "export_xlsx"]
    change_form_template = "admin/requests_app/supportrequest/change_form.html"
    # The list's downloads (config.dashboard.exports); the applicant's own words about
    # their need are sensitive (POL-7.4).
    export_fields = [
        "reference",
        "beneficiary__file_number",
        "beneficiary__name_ar",
        "beneficiary__region",
        "program__name_ar",
        "channel__name_ar",
        "support_kind",
        "urgency",
        "status",
        "submitted_at",
        "decision_due_at",
        "decided_at",
        "closed_at",
    ]
    export_sensitive_fields = ["need", "amount_requested"]
    export_access_log_path = "beneficiary_id"

    class Media:
        css = {"all": ["requests_app/admin.css"]}

    readonly_fields = [
        "display_reference",
        "beneficiary",
        "program",
        "channel",
        "need",
        "support_kind",
        "amount_requested",
        "urgency",
        "status",
        "assigned_officer",
        "assigned_researcher",
        "submitted_at",
        "decision_due_at",
        "declaration_name",
        "declaration_signed_at",
        "rules_accepted_at",
    ]
    fieldsets = [
        (None, {"fields": ["display_reference", "status", "beneficiary", "program", "channel"]}),
        (_("The request"), {"fields": ["need", "support_kind", "amount_requested", "urgency"]}),
        (
            _("Handling"),
            {
                "fields": [
                    "assigned_officer",
                    "assigned_researcher",
                    "submitted_at",
                    "decision_due_at",
                ]
            },
        ),
        (
            _("Declaration and consent"),
            {"fields": ["declaration_name", "declaration_signed_at", "rules_accepted_at"]},
        ),
    ]

    def attach_list_related(self, request, rows):
        """The page's programs and channels from the filters' query (config.admin_lists):
        one that is not there (added since) is read on its own, as without the map."""
        programs, channels = _programs_and_channels_by_id(request)
        for row in rows:
            cache = row._state.fields_cache
            program = programs.get(row.program_id)
            if program is not None:
                cache["program"] = program
            channel = channels.get(row.channel_id)
            if channel is not None:
                cache["channel"] = channel

    # ---- list columns
    @admin.display(description=_("reference"), ordering="reference")
    def reference_link(self, obj):
        # The change URL reversed once per script prefix, not once per row.
        prefix = get_script_prefix()
        parts = _CHANGE_URL_PARTS.get(prefix)
        if parts is None:
            url = reverse("admin:requests_app_supportrequest_change", args=[_PK_SENTINEL])
            head, tail = url.split(_PK_SENTINEL, 1)
            parts = _CHANGE_URL_PARTS[prefix] = [escape(head), escape(tail)]
        # format_html's markup, built as a string: fifty rows a page (issue #11); the
        # URL's parts escaped once, the reference by escape()'s own html.escape.
        return SafeString(
            f'<a class="req-ref" href="{parts[0]}{obj.pk}{parts[1]}">'
            f'<bdi dir="ltr">{html.escape(obj.display_reference)}</bdi></a>'
        )

    @admin.display(description=_("beneficiary"))
    def beneficiary_name(self, obj):
        return obj.beneficiary.name

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        # Status(…).label, not get_status_display(): that one rebuilds a hashable copy of
        # every choice on each call (a tenth of the list's time).
        # The badge is built once per status and language, not once per row.
        key = (get_language(), obj.status)
        badge = _STATUS_BADGES.get(key)
        if badge is None:
            status = obj.status
            label = Status(status).label if status in Status.values else status
            badge = _STATUS_BADGES[key] = format_html(
                '<span class="req-status req-status--{}">{}</span>', status, label
            )
        return badge

    @admin.display(description=_("decision due"), ordering="decision_due_at")
    def due(self, obj):
        # The cell is a function of the language, the time zone, the day it falls due,
        # today and whether the clock is paused: drawn once per such key, not once per
        # row (its Hijri date, Gregorian date and plural text were a fifth of the list).
        if not obj.is_awaiting_decision:
            key = (get_language(), None)
        else:
            now = timezone.now()
            zone = timezone.get_current_timezone()
            due_day = obj.effective_due_at(now).astimezone(zone).date()
            key = (
                get_language(),
                str(zone),
                due_day,
                now.astimezone(zone).date(),
                bool(obj.clock_paused_at),
            )
        cell = _DUE_CELLS.get(key)
        if cell is None:
            if len(_DUE_CELLS) > 10_000:
                _DUE_CELLS.clear()
            cell = _DUE_CELLS[key] = due_html(obj)
        return cell

    # ---- search: reference, normalised name, identity number, mobile, in any digit form
    def get_search_results(self, request, queryset, search_term):
        term = (search_term or "").strip()
        if not term:
            return queryset, False
        from beneficiaries.search import folded_name_contains
        from beneficiaries.validators import normalize_digits

        from .reference import clean_reference

        digits = "".join(ch for ch in normalize_digits(term) if ch.isdigit())
        # The copy of the folded name on the request: one trigram index on PostgreSQL.
        condition = folded_name_contains("beneficiary_name_normalized", term)
        if clean_reference(term):
            condition |= Q(reference=clean_reference(term))
        if len(digits) >= 9:
            condition |= Q(beneficiary__id_number=digits)
            condition |= Q(beneficiary__mobile__endswith=digits[-9:])
        return queryset.filter(condition), False

    # ---- permissions: nothing that matters is deleted; status is never edited
    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the page is read-only; moves and checks have their own forms

    # ---- actions
    @admin.action(description=_("Assign the selected requests to me"), permissions=["verify"])
    def assign_to_me(self, request, queryset):
        try:
            count = services.support_request_assign(
                support_requests=list(queryset), officer=request.user, actor=request.user
            )
        except (PermissionDenied, ValidationError) as exc:
            self.message_user(request, _message(exc), messages.ERROR)
            return None
        self.message_user(request, gettext("%(count)d requests assigned.") % {"count": count})
        return None

    @admin.action(
        description=_("Assign the selected requests to an officer…"), permissions=["verify"]
    )
    def assign_to_officer(self, request, queryset):
        if "apply" in request.POST:
            form = AssignForm(request.POST)
            if form.is_valid():
                try:
                    count = services.support_request_assign(
                        support_requests=list(queryset),
                        officer=form.cleaned_data["officer"],
                        actor=request.user,
                    )
                except (PermissionDenied, ValidationError) as exc:
                    self.message_user(request, _message(exc), messages.ERROR)
                    return None
                self.message_user(
                    request, gettext("%(count)d requests assigned.") % {"count": count}
                )
                return None
        else:
            form = AssignForm()
        return TemplateResponse(
            request,
            "admin/requests_app/supportrequest/assign.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": gettext("Assign requests"),
                "form": form,
                "requests": queryset,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def has_verify_permission(self, request):
        return request.user.has_perm("requests_app.verify_supportrequest")

    # ---- extra pages: intake, moves, checks, research report
    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("intake/", wrap(self.intake_view), name="requests_app_supportrequest_intake"),
            path(
                "<int:pk>/move/<str:to_status>/",
                wrap(self.move_view),
                name="requests_app_supportrequest_move",
            ),
            path(
                "<int:pk>/check/<str:document_type>/",
                wrap(self.check_view),
                name="requests_app_supportrequest_check",
            ),
            path(
                "<int:pk>/research-report/",
                wrap(self.research_view),
                name="requests_app_supportrequest_research",
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:requests_app_supportrequest_intake"))

    def has_add_permission(self, request):
        return request.user.has_perm("requests_app.verify_supportrequest")

    def _page(self, request, template, obj, title, **context):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": obj,
                "title": title,
                **context,
            },
        )

    def intake_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = IntakeForm(request.POST or None)
        # A million people do not fit in a <select>: the admin's raw-id box with its
        # look-up pop-up instead (issue #11).
        form.fields["beneficiary"].widget = ForeignKeyRawIdWidget(
            SupportRequest._meta.get_field("beneficiary").remote_field, self.admin_site
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                support_request = services.support_request_submit(
                    beneficiary=data["beneficiary"],
                    program=data["program"],
                    channel=data["channel"],
                    need=data["need"],
                    support_kind=data["support_kind"],
                    amount_requested=data["amount_requested"],
                    urgency=data["urgency"],
                    declaration=services.Declaration(
                        signed_name=data["declaration_name"], accepted_rules=data["accept_rules"]
                    ),
                    actor=request.user,
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                self.message_user(
                    request,
                    gettext("Request %(reference)s registered. Decision due %(due)s.")
                    % {
                        "reference": support_request.display_reference,
                        "due": plain_date(support_request.decision_due_at),
                    },
                )
                return HttpResponseRedirect(
                    reverse("admin:requests_app_supportrequest_change", args=[support_request.pk])
                )
        return self._page(
            request,
            "admin/requests_app/supportrequest/intake.html",
            None,
            gettext("Register a request"),
            form=form,
            media=self.media + form.media,  # the raw-id box's look-up pop-up
        )

    def move_view(self, request, pk, to_status):
        support_request = get_object_or_404(
            SupportRequest.objects.select_related("beneficiary", "program"), pk=pk
        )
        if not self.has_view_permission(request, support_request) or to_status not in Status.values:
            raise PermissionDenied
        form_class = {
            Status.REFERRED_RESEARCH: ReferResearchForm,
            Status.REFERRED_EXTERNAL: ReferExternalForm,
        }.get(to_status, MoveForm)
        form = form_class(request.POST or None, to_status=to_status)
        problems = (
            services.verification_problems(support_request)
            if to_status == Status.COMMITTEE_REVIEW
            else []
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                if to_status == Status.REFERRED_RESEARCH:
                    services.support_request_refer_research(
                        support_request=support_request,
                        researcher=data["researcher"],
                        actor=request.user,
                        note=data["note"],
                    )
                elif to_status == Status.REFERRED_EXTERNAL:
                    services.support_request_refer_external(
                        support_request=support_request,
                        actor=request.user,
                        association_name=data["association_name"],
                        association_contact=data["association_contact"],
                        association_license=data["association_license"],
                        reason=data["note"],
                    )
                else:
                    services.support_request_transition(
                        support_request=support_request,
                        to_status=to_status,
                        actor=request.user,
                        note=data["note"],
                    )
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, _message(exc), messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("Request %(reference)s is now “%(status)s”.")
                    % {
                        "reference": support_request.display_reference,
                        "status": Status(to_status).label,
                    },
                )
                return HttpResponseRedirect(
                    reverse("admin:requests_app_supportrequest_change", args=[pk])
                )
        return self._page(
            request,
            "admin/requests_app/supportrequest/move.html",
            support_request,
            gettext("Move request %(reference)s to “%(status)s”")
            % {"reference": support_request.display_reference, "status": Status(to_status).label},
            form=form,
            to_status=to_status,
            problems=problems,
        )

    def check_view(self, request, pk, document_type):
        support_request = get_object_or_404(
            SupportRequest.objects.select_related("beneficiary", "program"), pk=pk
        )
        if not request.user.has_perm("requests_app.verify_supportrequest"):
            raise PermissionDenied
        documents = support_request.beneficiary.documents.filter(
            document_type=document_type
        ).order_by("-expiry_date")
        existing = DocumentCheck.objects.filter(
            support_request=support_request, document_type=document_type
        ).first()
        initial = (
            {
                "document": existing.document_id,
                "matches_record": existing.matches_record,
                "note": existing.note,
            }
            if existing
            else {}
        )
        form = DocumentCheckForm(request.POST or None, documents=documents, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.document_check_record(
                    support_request=support_request,
                    document_type=document_type,
                    document=data["document"],
                    matches_record=data["matches_record"],
                    actor=request.user,
                    note=data["note"],
                )
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, _message(exc), messages.ERROR)
            else:
                self.message_user(request, gettext("Document check saved."))
                return HttpResponseRedirect(
                    reverse("admin:requests_app_supportrequest_change", args=[pk])
                )
        return self._page(
            request,
            "admin/requests_app/supportrequest/check.html",
            support_request,
            gettext("Check a document"),
            form=form,
            documents=documents,
            submitted_on=timezone.localdate(support_request.submitted_at),
        )

    def research_view(self, request, pk):
        support_request = get_object_or_404(SupportRequest, pk=pk)
        if not request.user.has_perm("requests_app.research_supportrequest"):
            raise PermissionDenied
        form = ResearchReportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.research_report_file(
                    support_request=support_request, researcher=request.user, **form.cleaned_data
                )
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, _message(exc), messages.ERROR)
            else:
                self.message_user(
                    request, gettext("Research report filed; the request is back in verification.")
                )
                return HttpResponseRedirect(
                    reverse("admin:requests_app_supportrequest_change", args=[pk])
                )
        return self._page(
            request,
            "admin/requests_app/supportrequest/research.html",
            support_request,
            gettext("File a research report"),
            form=form,
        )

    def get_formsets_with_inlines(self, request, obj=None):
        from config.fast_forms import fast_renderer, shared_choices

        for formset, inline in super().get_formsets_with_inlines(request, obj):
            # The deliveries' management form and row keys drawn in Python (issue #11).
            formset = shared_choices(formset, renderer=fast_renderer())
            if formset.model is ServiceDelivery:
                formset = type(formset.__name__, (_DeliveriesOnceApproved, formset), {})
            yield formset, inline

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        from config.fast_forms import DrawnOnceMedia

        # The page's script and style tags drawn once per process (the same on every
        # request's page).
        if "media" in context:
            context["media"] = DrawnOnceMedia(context["media"])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_object(self, request, object_id, from_field=None):
        # change_view has read the request with everything the page shows: the stock
        # view asks for it again (issue #11).
        cached = getattr(request, "_support_request_page", None)
        if cached is not None and from_field is None and str(cached.pk) == str(object_id):
            return cached
        return super().get_object(request, object_id, from_field)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        from config.precompiled import precompiled

        # The page's fixed questions keep their SQL from one view to the next: compiling
        # the request's six joins cost more than reading it (issue #11).
        support_request = get_object_or_404(
            precompiled(
                SupportRequest.objects.select_related(
                    "beneficiary",
                    "program",
                    "channel",
                    "assigned_officer",
                    "decision__meeting",
                ).order_by(),  # one row by its key: no sort
                "request page: request",
            ),
            pk=object_id,
        )
        request._support_request_page = support_request
        user = request.user
        moves = [
            {
                "status": target,
                "label": Status(target).label,
                "url": reverse(
                    "admin:requests_app_supportrequest_move", args=[support_request.pk, target]
                ),
            }
            for target in sorted(allowed_targets(support_request.status))
            # Decisions come from the committee, delivery moves from recording a delivery.
            if target
            not in (Status.APPROVED, Status.REJECTED, Status.IN_DELIVERY, Status.DELIVERED)
            and _may_move(user, support_request.status, target)
        ]
        required = support_request.program.required_document_types or []
        checks = {}
        if required:
            # Read once for the checklist and for verification_problems() below.
            prefetch_related_objects(
                [support_request],
                Prefetch(
                    "document_checks",
                    queryset=precompiled(
                        DocumentCheck.objects.select_related("document", "checked_by"),
                        "request page: checks",
                    ),
                ),
            )
            checks = {check.document_type: check for check in support_request.document_checks.all()}
        from beneficiaries.models import BeneficiaryDocument

        DocumentType = BeneficiaryDocument.DocumentType
        submitted_on = timezone.localdate(support_request.submitted_at)
        checklist = [
            {
                "type": document_type,
                "label": DocumentType(document_type).label
                if document_type in DocumentType.values
                else document_type,
                "check": checks.get(document_type),
                "url": reverse(
                    "admin:requests_app_supportrequest_check",
                    args=[support_request.pk, document_type],
                ),
            }
            for document_type in required
        ]
        documents = [
            {"document": document, "valid": document.is_valid_on(submitted_on)}
            for document in precompiled(
                support_request.beneficiary.documents.all(), "request page: documents"
            )
        ]
        extra_context = {
            **(extra_context or {}),
            "request_obj": support_request,
            "moves": moves,
            "checklist": checklist,
            "documents": documents,
            "problems": services.verification_problems(support_request)
            if support_request.status == Status.VERIFICATION
            else [],
            "timeline": selectors.request_timeline(support_request, kinds=kinds_for(user)),
            "can_log_contact": user.has_perm("channels_app.add_interaction"),
            "applicant_note": selectors.latest_note_for_applicant(support_request),
            "can_verify": user.has_perm("requests_app.verify_supportrequest"),
            "can_research": support_request.status == Status.REFERRED_RESEARCH
            and user.has_perm("requests_app.research_supportrequest"),
            "research_url": reverse(
                "admin:requests_app_supportrequest_research", args=[support_request.pk]
            ),
            "submitted_on": submitted_on,
        }
        return super().change_view(request, object_id, form_url, extra_context)


class _DeliveriesOnceApproved:
    """The deliveries inline of a request that cannot have any yet (its status comes
    before approval, requests_app.timeline.may_have) runs no query."""

    def get_queryset(self):
        from .timeline import may_have

        if not hasattr(self, "_queryset") and not may_have("delivery", self.instance.status):
            none = self.queryset.none()
            # Known empty: not even compiled (an empty queryset still compiles its
            # joined columns before it finds it has nothing to ask, issue #11).
            none._result_cache = []
            none._prefetch_done = True
            self._queryset = none
        return super().get_queryset()


def _may_move(user, from_status: str, to_status: str) -> bool:
    from .workflow import MOVE_PERMISSIONS, RESEARCHER_MOVES

    if (from_status, to_status) in RESEARCHER_MOVES and user.has_perm(
        "requests_app.research_supportrequest"
    ):
        return True
    permission = MOVE_PERMISSIONS.get(to_status)
    return permission is None or user.has_perm(permission)


def _message(exc) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(str(message) for message in exc.messages)
    return str(exc) or gettext("You may not do this.")


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@admin.register(ResearchReport)
class ResearchReportAdmin(ExportMixin, admin.ModelAdmin):
    list_display = ["support_request", "researcher", "method", "visited_on", "created_at"]
    actions = ["export_csv", "export_xlsx"]
    export_fields = [
        "support_request__reference",
        "support_request__beneficiary__file_number",
        "researcher__username",
        "method",
        "visited_on",
        "created_at",
    ]
    # What the researcher found in the household and recommends: about the person.
    export_sensitive_fields = ["findings", "recommendation"]
    export_access_log_path = "support_request__beneficiary_id"
    list_select_related = ["support_request", "researcher"]
    list_filter = ["method"]
    show_full_result_count = False
    readonly_fields = [
        "support_request",
        "researcher",
        "method",
        "visited_on",
        "findings",
        "recommendation",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False  # filed from the request page, which moves the request on

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Referral)
class ReferralAdmin(ExportMixin, admin.ModelAdmin):
    list_display = ["support_request", "association_name", "created_by", "created_at"]
    actions = ["export_csv", "export_xlsx"]
    export_fields = [
        "support_request__reference",
        "association_name",
        "association_contact",
        "association_license",
        "created_by__username",
        "created_at",
    ]
    # Why the person was referred and what became of it.
    export_sensitive_fields = ["reason", "outcome"]
    export_access_log_path = "support_request__beneficiary_id"
    list_select_related = ["support_request", "created_by"]
    search_fields = ["association_name"]
    show_full_result_count = False
    readonly_fields = [
        "support_request",
        "association_name",
        "association_contact",
        "association_license",
        "reason",
        "created_by",
        "created_at",
    ]
    fields = readonly_fields + ["outcome"]

    def has_add_permission(self, request):
        return False  # made by the "refer to another association" move

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StatusChange)
class StatusChangeAdmin(ExportMixin, admin.ModelAdmin):
    list_display = ["support_request", "from_status", "to_status", "actor", "created_at"]
    actions = ["export_csv", "export_xlsx"]
    export_fields = [
        "support_request__reference",
        "from_status",
        "to_status",
        "actor__username",
        "created_at",
    ]
    # The note typed with a move often explains the person's situation.
    export_sensitive_fields = ["note"]
    export_access_log_path = "support_request__beneficiary_id"
    list_select_related = ["support_request", "actor"]
    list_filter = ["to_status"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Back-office parts kept in their own modules register themselves on import.
from . import committee_admin, delivery_admin  # noqa: E402, F401
from .portal import admin as _portal_admin  # noqa: E402, F401 - registers ApplicantUpdateAdmin
