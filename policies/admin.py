"""The back-office for the association's profile, its policy documents and versions,
board meetings and members, and staff acknowledgements.

Approval, retirement and acknowledgement are actions and buttons that call
``policies.services``; an approved version is read-only. Extra pages (registered through
the PolicyDocument admin's URLs): the officer's tools (POL-6), who has not read the
policies in force, and the difference between two versions."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, OuterRef, Subquery
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from config.dashboard.exports import ExportMixin
from config.hijri import dual_date_html, format_hijri

from . import diff as policy_diff
from .forms import ApproveForm, BoardAttendanceFormSet, BoardMeetingForm, PolicyVersionForm
from .models import (
    AssociationProfile,
    BoardAttendance,
    BoardMeeting,
    BoardMember,
    OfficerTools,
    PolicyAcknowledgement,
    PolicyDocument,
    PolicyVersion,
)
from .selectors import (
    acknowledged_version_ids,
    acknowledgement_report,
    documents_due_for_review,
    documents_in_force,
    officer_tools,
)
from .services import (
    association_profile_update,
    policy_version_acknowledge,
    policy_version_approve,
    policy_version_create_draft,
    policy_version_retire,
    policy_version_update_draft,
)

Status = PolicyVersion.Status


@admin.register(AssociationProfile)
class AssociationProfileAdmin(admin.ModelAdmin):
    fieldsets = [
        (None, {"fields": ["name_ar", "name_en", "license_number", "logo"]}),
        ("", {"fields": ["phone", "email", "address", "website"]}),
        (_("Security"), {"fields": ["require_two_factor"]}),
    ]

    def has_add_permission(self, request):
        return not AssociationProfile.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # One association, one record: the list is a detour, open the record itself.
        if AssociationProfile.objects.filter(pk=1).exists():
            return HttpResponseRedirect(
                reverse("admin:policies_associationprofile_change", args=[1])
            )
        return HttpResponseRedirect(reverse("admin:policies_associationprofile_add"))

    def save_model(self, request, obj, form, change):
        association_profile_update(profile=obj)


class RecordHistoryAdmin(SimpleHistoryAdmin):
    """History to read, never to revert: a revert would write around the services (and
    could bring back the text of an approved version)."""

    show_full_result_count = False

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        # simple-history calls select_related() without names for a model that has no
        # foreign key, which Django 6.1 deprecates: name only what exists.
        records = history_manager.filter(**{pk_name: object_id}).select_related("history_user")
        foreign_keys = [
            field.name
            for field in history_manager.model.tracked_fields
            if isinstance(field, models.ForeignKey)
        ]
        return records.select_related(*foreign_keys) if foreign_keys else records


def _status_badge(version: PolicyVersion):
    colours = {
        Status.DRAFT: "#6b5900",
        Status.APPROVED: "#0b6e4f",
        Status.SUPERSEDED: "#4a5560",
        Status.RETIRED: "#a4161a",
    }
    return format_html(
        '<strong style="color:{}">{}</strong>',
        colours[version.status],
        version.get_status_display(),
    )


# --- Policy documents -------------------------------------------------------------------


class PolicyVersionInline(admin.TabularInline):
    model = PolicyVersion
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["number", "status_badge", "effective_date", "next_review_date", "approved_meeting"]
    readonly_fields = fields
    ordering = ["-number"]
    verbose_name_plural = _("versions")

    @admin.display(description=_("status"))
    def status_badge(self, obj):
        return _status_badge(obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("approved_meeting")


class PolicyDocumentForm(forms.ModelForm):
    class Meta:
        model = PolicyDocument
        fields = ["kind", "title_ar", "title_en", "slug", "is_public", "is_active", "position"]


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(ExportMixin, RecordHistoryAdmin):
    form = PolicyDocumentForm
    change_list_template = "admin/policies/policydocument/change_list.html"
    change_form_template = "admin/policies/policydocument/change_form.html"
    list_display = [
        "title_ar",
        "kind",
        "in_force",
        "review",
        "is_public",
        "is_active",
        "position",
    ]
    list_display_links = ["title_ar"]
    list_filter = ["kind", "is_active", "is_public"]
    search_fields = ["title_ar", "title_en", "slug"]
    prepopulated_fields = {"slug": ["title_en"]}
    ordering = ["position", "id"]

    def has_delete_permission(self, request, obj=None):
        # A document the board ever approved is part of the record: retire it instead.
        # Only a document that never left draft can go, one at a time (no bulk delete).
        if obj is None or obj.versions.exclude(status=PolicyVersion.Status.DRAFT).exists():
            return False
        return super().has_delete_permission(request, obj)

    inlines = [PolicyVersionInline]
    actions = ["new_draft", "export_csv", "export_xlsx"]
    export_fields = [
        "title_ar",
        "title_en",
        "kind",
        "slug",
        "is_public",
        "is_active",
        "position",
        "in_force_number",
        "in_force_review",
        "updated_at",
    ]
    # The version in force and its review date, annotated by get_queryset as on the screen.
    export_computed = {
        "in_force_number": (_("version in force"), None),
        "in_force_review": (_("next review"), None),
    }

    def view_on_site(self, obj):
        # Only a public document with a version in force has a public page.
        if obj.is_public and obj.is_active and obj.versions.filter(status=Status.APPROVED).exists():
            return obj.get_absolute_url()
        return None

    def get_queryset(self, request):
        in_force = PolicyVersion.objects.filter(document=OuterRef("pk"), status=Status.APPROVED)
        return (
            super()
            .get_queryset(request)
            .annotate(
                in_force_number=Subquery(in_force.values("number")[:1]),
                in_force_review=Subquery(in_force.values("next_review_date")[:1]),
            )
        )

    @admin.display(description=_("version in force"), ordering="in_force_number")
    def in_force(self, obj):
        if obj.in_force_number is None:
            return format_html('<span style="color:#a4161a">{}</span>', gettext("none"))
        return obj.in_force_number

    @admin.display(description=_("next review"), ordering="in_force_review")
    def review(self, obj):
        if obj.in_force_review is None:
            return "—"
        if obj.in_force_review <= timezone.localdate():
            return format_html(
                '<strong style="color:#a4161a">{} — {}</strong>',
                gettext("due for review"),
                dual_date_html(obj.in_force_review),
            )
        return dual_date_html(obj.in_force_review)

    @admin.action(
        description=_("Start a new draft version from the latest text"), permissions=["add_version"]
    )
    def new_draft(self, request, queryset):
        for document in queryset:
            if not document.versions.exists():
                self.message_user(
                    request,
                    format_html(
                        '{} <a href="{}">{}</a>',
                        gettext("«%(document)s» has no text yet:") % {"document": document},
                        self._first_version_url(document),
                        gettext("write its first version"),
                    ),
                    messages.WARNING,
                )
                continue
            version = policy_version_create_draft(document=document, actor=request.user)
            self.message_user(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    gettext("New draft:"),
                    reverse("admin:policies_policyversion_change", args=[version.pk]),
                    version,
                ),
                messages.SUCCESS,
            )

    @staticmethod
    def _first_version_url(document) -> str:
        return reverse("admin:policies_policyversion_add") + f"?document={document.pk}"

    def has_add_version_permission(self, request):
        return request.user.has_perm("policies.add_policyversion")

    # Extra pages -------------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("tools/", wrap(self.tools_view), name="policies_policydocument_tools"),
            path(
                "acknowledgements/",
                wrap(self.acknowledgements_view),
                name="policies_policydocument_acknowledgements",
            ),
            path(
                "acknowledge/<int:version_id>/",
                wrap(self.acknowledge_view),
                name="policies_policydocument_acknowledge",
            ),
            path(
                "<path:object_id>/new-draft/",
                wrap(self.new_draft_view),
                name="policies_policydocument_new_draft",
            ),
            path(
                "<path:object_id>/diff/",
                wrap(self.diff_view),
                name="policies_policydocument_diff",
            ),
            *super().get_urls(),
        ]

    def _context(self, request, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            **extra,
        }

    def tools_view(self, request):
        """POL-6: the documents the relations officer works with, one click from home."""
        if not request.user.has_perm("policies.view_policydocument"):
            raise PermissionDenied
        try:
            apply_url = reverse("apply")
        except NoReverseMatch:
            apply_url = None
        rows = officer_tools()
        tool_kinds = {row.kind for row in rows}
        others = [
            version
            for version in documents_in_force(public_only=False)
            if version.document.kind not in tool_kinds
        ]
        can_manage = request.user.has_perm("policies.change_policydocument")
        context = self._context(
            request,
            _("Officer's tools (POL-6)"),
            rows=rows,
            others=others,
            apply_url=apply_url,
            read_ids=acknowledged_version_ids(request.user),
            can_acknowledge=request.user.has_perm("policies.add_policyacknowledgement"),
            can_add=request.user.has_perm("policies.add_policydocument"),
            can_see_report=request.user.has_perm("policies.view_policyacknowledgement"),
            due=list(documents_due_for_review()) if can_manage else [],
            can_manage=can_manage,
        )
        return TemplateResponse(request, "admin/policies/policydocument/tools.html", context)

    def acknowledgements_view(self, request):
        """Managers: who has, and who has not yet, read each version in force."""
        if not request.user.has_perm("policies.view_policyacknowledgement"):
            raise PermissionDenied
        context = self._context(
            request, _("Who has read the policies in force"), report=acknowledgement_report()
        )
        return TemplateResponse(
            request, "admin/policies/policydocument/acknowledgements.html", context
        )

    def acknowledge_view(self, request, version_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm("policies.add_policyacknowledgement"):
            raise PermissionDenied
        version = get_object_or_404(PolicyVersion, pk=version_id)
        try:
            policy_version_acknowledge(version=version, user=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                self.message_user(request, message, messages.ERROR)
        else:
            self.message_user(
                request,
                gettext("Thank you: you have confirmed you read «%(version)s».")
                % {"version": version},
                messages.SUCCESS,
            )
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = reverse("admin:policies_policydocument_tools")
        return HttpResponseRedirect(next_url)

    def new_draft_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm("policies.add_policyversion"):
            raise PermissionDenied
        document = get_object_or_404(PolicyDocument, pk=object_id)
        if not document.versions.exists():
            # Nothing to start from: the first version is written in the add form.
            return HttpResponseRedirect(self._first_version_url(document))
        version = policy_version_create_draft(document=document, actor=request.user)
        self.message_user(
            request,
            gettext("Draft version %(number)s created from the latest text. Edit it below.")
            % {"number": version.number},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse("admin:policies_policyversion_change", args=[version.pk])
        )

    def diff_view(self, request, object_id):
        """What changed between two versions of a document (default: the latest version
        against the one before it)."""
        if not request.user.has_perm("policies.view_policyversion"):
            raise PermissionDenied
        document = get_object_or_404(PolicyDocument, pk=object_id)
        versions = list(document.versions.order_by("-number"))
        by_number = {v.number: v for v in versions}

        def chosen(name, default):
            try:
                return by_number[int(request.GET.get(name, ""))]
            except (KeyError, ValueError):
                if request.GET.get(name):
                    self.message_user(
                        request,
                        gettext("There is no version %(number)s of this document.")
                        % {"number": request.GET.get(name)[:10]},
                        messages.WARNING,
                    )
                return default

        new = chosen("to", versions[0] if versions else None)
        older = [v for v in versions if new and v.number < new.number]
        old = chosen("from", older[0] if older else new)
        sections = []
        if old and new:
            for label, a, b, direction in (
                (_("Arabic text"), old.body_ar, new.body_ar, "rtl"),
                (_("English text"), old.body_en, new.body_en, "ltr"),
                (_("What changed (note)"), old.change_note, new.change_note, "auto"),
            ):
                rows = policy_diff.side_by_side(a, b)
                sections.append(
                    {
                        "label": label,
                        "rows": rows,
                        "changed": policy_diff.has_changes(rows),
                        "unified": policy_diff.unified(
                            a, b, old_label=f"v{old.number}", new_label=f"v{new.number}"
                        ),
                        "dir": direction,
                    }
                )
        context = self._context(
            request,
            _("Compare versions: %(document)s") % {"document": document.title},
            document=document,
            original=document,
            versions=versions,
            old=old,
            new=new,
            sections=sections,
        )
        return TemplateResponse(request, "admin/policies/policydocument/diff.html", context)


@admin.register(OfficerTools)
class OfficerToolsAdmin(admin.ModelAdmin):
    """The admin home lists this entry; it opens the officer's tools page."""

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("policies.view_policydocument")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return HttpResponseRedirect(reverse("admin:policies_policydocument_tools"))

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("", wrap(self.changelist_view), name="policies_officertools_changelist"),
        ]


# --- Policy versions --------------------------------------------------------------------


@admin.register(PolicyVersion)
class PolicyVersionAdmin(ExportMixin, RecordHistoryAdmin):
    form = PolicyVersionForm
    change_form_template = "admin/policies/policyversion/change_form.html"
    list_display = [
        "__str__",
        "status_badge",
        "effective",
        "next_review",
        "approved_meeting",
    ]
    list_filter = ["status", "document__kind", "document"]
    list_select_related = ["document", "approved_meeting"]
    search_fields = ["document__title_ar", "document__title_en", "body_ar", "body_en"]
    ordering = ["document__position", "document_id", "-number"]
    actions = ["approve_selected", "retire_selected", "export_csv", "export_xlsx"]
    # The record of versions and their board approval; the texts themselves are read on
    # the version's page or printed (too long for a spreadsheet cell).
    export_fields = [
        "document__title_ar",
        "number",
        "status",
        "effective_date",
        "next_review_date",
        "approved_meeting__number",
        "approved_meeting__date",
        "approved_at",
        "approved_by__username",
        "ended_at",
        "change_note",
        "created_by__username",
        "created_at",
    ]
    readonly_after_create = [
        "document",
        "number",
        "status_badge",
        "approved_meeting",
        "effective_date",
        "approved_at",
        "approved_by",
        "ended_at",
        "created_by",
        "created_at",
    ]

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        return _status_badge(obj)

    @admin.display(description=_("effective date"), ordering="effective_date")
    def effective(self, obj):
        return dual_date_html(obj.effective_date) or "—"

    @admin.display(description=_("next review date"), ordering="next_review_date")
    def next_review(self, obj):
        if obj.next_review_date is None:
            return "—"
        if obj.review_is_due():
            return format_html(
                '<strong style="color:#a4161a">{} — {}</strong>',
                gettext("due for review"),
                dual_date_html(obj.next_review_date),
            )
        return dual_date_html(obj.next_review_date)

    @admin.display(description=_("preview (Arabic)"))
    def preview_ar(self, obj):
        return format_html(
            '<div dir="rtl" lang="ar" class="policy-preview">{}</div>', obj.body_ar_html
        )

    @admin.display(description=_("preview (English)"))
    def preview_en(self, obj):
        if not obj.body_en:
            return "—"
        return format_html(
            '<div dir="ltr" lang="en" class="policy-preview">{}</div>', obj.body_en_html
        )

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                (
                    None,
                    {
                        "fields": [
                            "document",
                            "body_ar",
                            "body_en",
                            "change_note",
                            "next_review_date",
                        ]
                    },
                )
            ]
        if obj.status == Status.DRAFT:
            text = ["body_ar", "body_en", "change_note", "next_review_date"]
        else:
            text = ["preview_ar", "preview_en", "change_note", "next_review_date"]
        return [
            (None, {"fields": ["document", "number", "status_badge"]}),
            (_("Text"), {"fields": text}),
            (
                _("Board approval"),
                {
                    "fields": [
                        "approved_meeting",
                        "effective_date",
                        "approved_at",
                        "approved_by",
                        "ended_at",
                    ]
                },
            ),
            (_("Entry"), {"classes": ["collapse"], "fields": ["created_by", "created_at"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        readonly = list(self.readonly_after_create)
        if obj.status != Status.DRAFT:
            # What the board approved is never edited (a change is a new draft).
            readonly += ["preview_ar", "preview_en", "change_note", "next_review_date"]
        return readonly

    def has_change_permission(self, request, obj=None):
        # What the board approved is shown read-only, never as a form to save.
        if obj is not None and obj.status != Status.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status != Status.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            policy_version_update_draft(
                version=obj,
                body_ar=data["body_ar"],
                body_en=data["body_en"],
                change_note=data["change_note"],
                next_review_date=data["next_review_date"],
                actor=request.user,
            )
            return
        created = policy_version_create_draft(
            document=data["document"],
            body_ar=data["body_ar"],
            body_en=data["body_en"],
            change_note=data["change_note"],
            next_review_date=data["next_review_date"],
            actor=request.user,
        )
        # The admin goes on with `obj` (log entry, redirect): make it the saved version.
        obj.pk, obj.number, obj.status = created.pk, created.number, created.status
        obj._state.adding = False

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(
                can_approve=obj.status == Status.DRAFT and self.has_approve_permission(request),
                can_add_version=request.user.has_perm("policies.add_policyversion"),
                print_url=reverse("policies:version_print", args=[obj.document.slug, obj.number]),
                diff_url=reverse("admin:policies_policydocument_diff", args=[obj.document_id])
                + f"?to={obj.number}",
                approve_url=reverse("admin:policies_policyversion_approve") + f"?ids={obj.pk}",
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # Approval and retirement ----------------------------------------------------------------

    def has_approve_permission(self, request):
        return request.user.has_perm("policies.approve_policyversion")

    @admin.action(description=_("Approve at a board meeting…"), permissions=["approve"])
    def approve_selected(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        return HttpResponseRedirect(reverse("admin:policies_policyversion_approve") + f"?ids={ids}")

    @admin.action(description=_("Retire the selected versions"), permissions=["approve"])
    def retire_selected(self, request, queryset):
        for version in queryset.select_related("document"):
            try:
                policy_version_retire(version=version, actor=request.user)
            except ValidationError as exc:
                for message in exc.messages:
                    self.message_user(request, message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("Retired: %(version)s") % {"version": version},
                    messages.SUCCESS,
                )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("approve/", wrap(self.approve_view), name="policies_policyversion_approve"),
            *super().get_urls(),
        ]

    def approve_view(self, request):
        """Record a board approval of one or more drafts at one meeting: all of them or,
        when one is refused, none (each error is shown, nothing is half-saved)."""
        if not self.has_approve_permission(request):
            raise PermissionDenied
        ids = []
        for part in request.GET.get("ids", "").split(","):
            if part.strip().isdigit():
                ids.append(int(part))
        versions = list(
            PolicyVersion.objects.filter(pk__in=ids)
            .select_related("document")
            .order_by("document__position", "number")
        )
        changelist = reverse("admin:policies_policyversion_changelist")
        if not versions:
            self.message_user(request, gettext("Choose the versions to approve."), messages.WARNING)
            return HttpResponseRedirect(changelist)
        form = ApproveForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                self._approve_all(request, versions, form.cleaned_data)
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                for version in versions:
                    self.message_user(
                        request,
                        gettext("Approved and now in force: %(version)s") % {"version": version},
                        messages.SUCCESS,
                    )
                if len(versions) == 1:
                    return HttpResponseRedirect(
                        reverse("admin:policies_policyversion_change", args=[versions[0].pk])
                    )
                return HttpResponseRedirect(changelist)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Record the board's approval"),
            "versions": versions,
            "form": form,
            "meetings_url": reverse("admin:policies_boardmeeting_add"),
        }
        return TemplateResponse(request, "admin/policies/policyversion/approve.html", context)

    def _approve_all(self, request, versions, data):
        documents = [v.document_id for v in versions]
        if len(set(documents)) != len(documents):
            raise ValidationError(
                _("Two versions of the same document were chosen: only one can be in force."),
                code="same_document_twice",
            )
        errors = []
        with transaction.atomic():
            for version in versions:
                try:
                    policy_version_approve(
                        version=version,
                        meeting=data["meeting"],
                        actor=request.user,
                        effective_date=data["effective_date"],
                        next_review_date=data["next_review_date"],
                    )
                except ValidationError as exc:
                    errors += [f"{version}: {message}" for message in exc.messages]
            if errors:
                # One refusal undoes the others: the board's resolution is one record.
                transaction.set_rollback(True)
        if errors:
            raise ValidationError(errors)


# --- Board ------------------------------------------------------------------------------


@admin.register(BoardMember)
class BoardMemberAdmin(ExportMixin, RecordHistoryAdmin):
    list_display = ["name_ar", "name_en", "position", "term", "serving"]
    actions = ["export_csv", "export_xlsx"]
    export_fields = ["name_ar", "name_en", "position", "term_start", "term_end", "created_at"]
    list_filter = ["position"]
    search_fields = ["name_ar", "name_en"]
    ordering = ["-term_start", "position", "name_ar"]

    @admin.display(description=_("term"), ordering="term_start")
    def term(self, obj):
        end = format_hijri(obj.term_end) if obj.term_end else pgettext("term of office", "open")
        return f"{format_hijri(obj.term_start)} — {end}"

    @admin.display(description=_("serving today"), boolean=True)
    def serving(self, obj):
        return obj.serves_on(timezone.localdate())


class BoardAttendanceInline(admin.TabularInline):
    model = BoardAttendance
    formset = BoardAttendanceFormSet
    extra = 0
    autocomplete_fields = ["member"]
    verbose_name = _("member present")
    verbose_name_plural = _("members present")


class ApprovedVersionInline(admin.TabularInline):
    model = PolicyVersion
    fk_name = "approved_meeting"
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["document", "number", "status", "effective_date"]
    readonly_fields = fields
    verbose_name = _("version approved at this meeting")
    verbose_name_plural = _("versions approved at this meeting")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("document")


@admin.register(BoardMeeting)
class BoardMeetingAdmin(ExportMixin, RecordHistoryAdmin):
    form = BoardMeetingForm
    list_display = [
        "number",
        "gregorian",
        "hijri_date_text",
        "hijri_computed_display",
        "mismatch",
        "place",
        "members_count",
    ]
    search_fields = ["number", "hijri_date_text", "place"]
    ordering = ["-date", "-number"]
    date_hierarchy = "date"
    inlines = [BoardAttendanceInline, ApprovedVersionInline]
    actions = ["export_csv", "export_xlsx"]
    export_fields = [
        "number",
        "date",
        "hijri_date_text",
        "place",
        "members_total",
        "notes",
        "created_at",
    ]
    export_computed = {"members_total": (_("members present"), None)}
    readonly_fields = ["hijri_read_display", "hijri_computed_display", "mismatch_note"]
    fieldsets = [
        (None, {"fields": ["number", "hijri_date_text", "date", "place"]}),
        (
            _("Hijri date check"),
            {"fields": ["hijri_read_display", "hijri_computed_display", "mismatch_note"]},
        ),
        (None, {"fields": ["notes"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(members_total=Count("attendance"))

    @admin.display(description=_("date (Gregorian)"), ordering="date")
    def gregorian(self, obj):
        return dual_date_html(obj.date)

    @admin.display(description=_("Hijri date read from the minutes"))
    def hijri_read_display(self, obj):
        if obj.pk is None or obj.hijri_year is None:
            return "—"
        return f"{obj.hijri_day} / {obj.hijri_month} / {obj.hijri_year}"

    @admin.display(description=_("Hijri date of the Gregorian date (Umm al-Qura)"))
    def hijri_computed_display(self, obj):
        if obj.pk is None or obj.date is None:
            return "—"
        return format_hijri(obj.date) or "—"

    @admin.display(description=pgettext_lazy("hijri date", "match"))
    def mismatch(self, obj):
        if not obj.hijri_mismatch:
            return format_html('<span style="color:{}">✓</span>', "#0b6e4f")
        return format_html(
            '<strong style="color:#a4161a">⚠ {}</strong>',
            gettext("%(days)+d days") % {"days": obj.hijri_mismatch_days},
        )

    @admin.display(description=pgettext_lazy("hijri date", "check"))
    def mismatch_note(self, obj):
        if obj.pk is None:
            return "—"
        if not obj.hijri_mismatch:
            return gettext("The Hijri date as written matches the Gregorian date.")
        return format_html('<strong style="color:#a4161a">⚠ {}</strong>', self._mismatch_text(obj))

    @staticmethod
    def _mismatch_text(obj) -> str:
        return gettext(
            "The Hijri date as written (%(written)s) is %(days)s day(s) away from the Umm "
            "al-Qura date of the Gregorian date (%(computed)s). Check the minutes; a "
            "difference of a day or two often comes from the sighting of the month."
        ) % {
            "written": obj.hijri_numeric,
            "days": abs(obj.hijri_mismatch_days),
            "computed": format_hijri(obj.date),
        }

    @admin.display(description=_("members present"), ordering="members_total")
    def members_count(self, obj):
        return obj.members_total

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.hijri_mismatch:
            self.message_user(request, self._mismatch_text(obj), messages.WARNING)

    def has_delete_permission(self, request, obj=None):
        # A meeting that approved something is part of the record (PROTECT would refuse
        # anyway; hiding the button spares the error page).
        if obj is not None and obj.approved_versions.exists():
            return False
        return super().has_delete_permission(request, obj)


# --- Acknowledgements -------------------------------------------------------------------


@admin.register(PolicyAcknowledgement)
class PolicyAcknowledgementAdmin(ExportMixin, admin.ModelAdmin):
    change_list_template = "admin/policies/policyacknowledgement/change_list.html"
    list_display = ["user", "version", "acknowledged_at"]
    list_filter = ["version__document"]
    list_select_related = ["user", "version__document"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    date_hierarchy = "acknowledged_at"
    show_full_result_count = False
    actions = ["export_csv", "export_xlsx"]
    export_fields = [
        "user__username",
        "user__first_name",
        "user__last_name",
        "version__document__title_ar",
        "version__number",
        "acknowledged_at",
    ]

    def has_add_permission(self, request):
        return False  # staff acknowledge from the officer's tools page (the service)

    def has_change_permission(self, request, obj=None):
        return False
