"""The registry's back-office: register, find (Arabic-folded), de-duplicate and maintain
beneficiaries and their documents. Every write goes through ``services``; sensitive data
is shown only with ``view_sensitive_data``; opening a file is logged (POL-7.4)."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from config.admin_lists import FastListMixin
from config.dashboard.exports import ExportMixin
from config.fast_forms import (
    DrawnOnceMedia,
    fast_renderer,
    page_choices,
    shared_choices,
    use_fast_widgets,
)
from config.hijri import format_hijri
from config.precompiled import precompiled

from . import selectors
from .forms import BeneficiaryDocumentForm, BeneficiaryForm, HouseholdMemberForm
from .models import (
    SENSITIVE_PERMISSION,
    AccessLog,
    Beneficiary,
    BeneficiaryDocument,
    Consent,
    HouseholdMember,
)
from .search import beneficiary_search
from .services import (
    access_log_record,
    access_log_record_many,
    beneficiary_create,
    beneficiary_merge,
    beneficiary_update,
    consent_record,
    document_add,
    document_verify,
)

MERGE_MAX = 5


class DocumentsExpiringFilter(admin.SimpleListFilter):
    title = _("documents")
    parameter_name = "documents"

    def lookups(self, request, model_admin):
        return [
            ("7", _("expiring within 7 days")),
            ("30", _("expiring within 30 days")),
            ("90", _("expiring within 90 days")),
            ("expired", _("with an expired document")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "expired":
            return selectors.beneficiaries_with_expired_documents(queryset)
        if value in {"7", "30", "90"}:
            return selectors.beneficiaries_with_documents_expiring(queryset, int(value))
        return queryset


class DocumentExpiryFilter(admin.SimpleListFilter):
    title = _("expiry")
    parameter_name = "expiry"

    def lookups(self, request, model_admin):
        return [
            ("7", _("expiring within 7 days")),
            ("30", _("expiring within 30 days")),
            ("90", _("expiring within 90 days")),
            ("expired", _("expired")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "expired":
            return queryset.filter(expiry_date__lt=timezone.localdate())
        if value in {"7", "30", "90"}:
            return queryset.expiring_within(int(value))
        return queryset


class SensitiveFieldsMixin:
    """Leaves the model's SENSITIVE_FIELDS out of forms and read-only views for users
    without view_sensitive_data."""

    def hidden_fields(self, request) -> tuple[str, ...]:
        if selectors.can_see_sensitive_data(request.user):
            return ()
        return self.model.SENSITIVE_FIELDS

    def get_fields(self, request, obj=None):
        hidden = set(self.hidden_fields(request))
        return [field for field in super().get_fields(request, obj) if field not in hidden]


class _PrecompiledRows:
    """An inline whose rows' query keeps its SQL from one page view to the next
    (config.precompiled, issue #11)."""

    def get_queryset(self, request):
        return precompiled(super().get_queryset(request), f"inline: {self.model._meta.label}")


class HouseholdMemberInline(_PrecompiledRows, SensitiveFieldsMixin, admin.TabularInline):
    model = HouseholdMember
    form = HouseholdMemberForm
    template = "admin/edit_inline/fast_tabular.html"  # the stock markup, drawn in Python
    extra = 0
    can_delete = False
    fields = [
        "name",
        "relation",
        "id_type",
        "id_number",
        "birth_date",
        "gender",
        "monthly_income",
        "has_disability",
        "disability_notes",
    ]


class BeneficiaryDocumentInline(_PrecompiledRows, admin.StackedInline):
    model = BeneficiaryDocument
    form = BeneficiaryDocumentForm
    template = "admin/edit_inline/fast_stacked.html"  # the stock markup, drawn in Python
    extra = 0
    can_delete = False
    readonly_fields = ["download", "verified_by", "verified_at"]

    def get_fields(self, request, obj=None):
        fields = ["document_type", "number", "issue_date", "expiry_date"]
        if self.has_change_permission(request, obj) or self.has_add_permission(request, obj):
            fields.append("file")
        # The download link is the only way to a stored file, and only for those allowed.
        if selectors.can_download_documents(request.user):
            fields.append("download")
        return [*fields, "status", "verification_note", "verified_by", "verified_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("verified_by")

    @admin.display(description=_("stored file"))
    def download(self, document):
        return document_download_link(document)


class ConsentInline(_PrecompiledRows, admin.TabularInline):
    model = Consent
    template = "admin/edit_inline/fast_tabular.html"  # the stock markup, drawn in Python
    extra = 0
    can_delete = False
    fields = ["purpose", "text_version", "channel", "given_at", "withdrawn_at", "withdrawal_note"]


def document_download_link(document: BeneficiaryDocument):
    """A link to the permission-checked download view (shown only to those allowed)."""
    if not document.pk or not document.file:
        return "—"
    size_kb = max(1, round(document.size / 1024))
    return format_html(
        '<a href="{}" download>{}</a> <span class="help">({} KB)</span>',
        document.file.url,
        gettext("Download"),
        size_kb,
    )


class _InlineFormSetOneMedia(helpers.InlineAdminFormSet):
    """The stock media property wraps every row of the inline to merge the same widgets'
    media once per row (a tenth of the beneficiary page); every row of a formset has
    the same widgets (BaseFormSet.media reads one form too), and fieldsets bring none."""

    @property
    def media(self):
        return self.opts.media + self.formset.media


# Columns of the CSV export; sensitive ones only for users who may see them.
EXPORT_COLUMNS = [
    "file_number",
    "kind",
    "name_ar",
    "name_en",
    "id_type",
    "id_number",
    "nationality",
    "gender",
    "birth_date",
    "mobile",
    "email",
    "region",
    "city",
    "short_address",
    "marital_status",
    "household_size",
    "employment",
    "preferred_language",
    "status",
    "created_at",
]


@admin.register(Beneficiary)
class BeneficiaryAdmin(FastListMixin, ExportMixin, SensitiveFieldsMixin, SimpleHistoryAdmin):
    form = BeneficiaryForm
    list_display = [
        "file_number",
        "name_column",
        "kind",
        "id_column",
        "mobile_column",
        "region",
        "preferred_channel",
        "status",
        "created_at",
    ]
    list_display_links = ["file_number", "name_column"]
    list_filter = ["kind", "region", "status", DocumentsExpiringFilter]
    # The search box; get_search_results does the real work (folded name, digits).
    search_fields = ["name_normalized"]
    search_help_text = _("Name (any spelling), identity number, mobile or file number.")
    list_select_related = ["preferred_channel"]
    # What the list's rows show (config.admin_lists): the other columns of a person (the
    # folded name, address, household, sensitive notes…) stay in the database. A column
    # added to list_display needs its fields here.
    list_only_fields = [
        "id",
        "kind",
        "file_number",
        "name_ar",
        "name_en",
        "id_number",
        "mobile",
        "region",
        "status",
        "created_at",
        "preferred_channel__name_ar",
        "preferred_channel__name_en",
    ]
    show_full_result_count = False
    list_per_page = 50
    ordering = ["-created_at", "-id"]
    readonly_fields = [
        "file_number",
        "merged_into",
        "created_at",
        "created_by",
        "updated_at",
        "birth_date_hijri",
    ]
    inlines = [HouseholdMemberInline, BeneficiaryDocumentInline, ConsentInline]
    actions = ["export_csv", "export_xlsx", "merge_selected"]
    change_form_template = "admin/beneficiaries/beneficiary/change_form.html"

    class Media:
        css = {"all": ["beneficiaries/admin.css", "requests_app/admin.css"]}

    # --- the form --------------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        # Widgets drawn in Python, same markup (config/fast_forms.py, issue #11).
        # Its channel lists and the consents' read once (config.fast_forms.page_choices).
        return use_fast_widgets(
            super().get_form(request, obj, change, **kwargs), page_choices(request)
        )

    def get_formsets_with_inlines(self, request, obj=None):
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            # One query per choice list for the whole inline, not one per row.
            yield (
                shared_choices(
                    formset, renderer=fast_renderer(), page_choices=page_choices(request)
                ),
                inline,
            )

    def get_object(self, request, object_id, from_field=None):
        # The page shows who registered the record and what it was merged into.
        queryset = precompiled(
            self.get_queryset(request).select_related("created_by", "merged_into"),
            "beneficiary page: person",
        )
        field = (
            Beneficiary._meta.pk if from_field is None else Beneficiary._meta.get_field(from_field)
        )
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (Beneficiary.DoesNotExist, ValidationError, ValueError):
            return None

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        inline_admin_formsets = super().get_inline_formsets(
            request, formsets, inline_instances, obj
        )
        for inline_admin_formset in inline_admin_formsets:
            inline_admin_formset.__class__ = _InlineFormSetOneMedia
        return inline_admin_formsets

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ["kind", "file_number", "status", "name_ar", "name_en"]}),
            (
                _("Identity"),
                {
                    "fields": [
                        "id_type",
                        "id_number",
                        "nationality",
                        "gender",
                        "birth_date",
                        "birth_date_hijri",
                    ]
                },
            ),
            (
                _("Contact"),
                {
                    "fields": [
                        "mobile",
                        "email",
                        "preferred_channel",
                        "preferred_language",
                        "region",
                        "city",
                        "short_address",
                    ]
                },
            ),
            (
                _("Household and work"),
                {"fields": ["marital_status", "household_size", "employment"]},
            ),
            (
                _("How an indirect beneficiary was reached"),
                {"fields": ["reached_via", "reached_content"], "classes": ["collapse"]},
            ),
        ]
        if selectors.can_see_sensitive_data(request.user):
            fieldsets.append(
                (
                    _("Confidential"),
                    {
                        "fields": list(Beneficiary.SENSITIVE_FIELDS),
                        "description": _(
                            "Visible only to staff allowed to see sensitive data (POL-7.4)."
                        ),
                    },
                )
            )
        if obj is None:
            fieldsets.append((_("Duplicate check"), {"fields": ["not_a_duplicate"]}))
        else:
            fieldsets.append(
                (
                    _("Record"),
                    {"fields": ["merged_into", "created_at", "created_by", "updated_at"]},
                )
            )
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if self.has_change_permission(request, obj) or obj is None:
            # An editor types the Hijri date; a reader sees it.
            readonly.remove("birth_date_hijri")
        return readonly

    @admin.display(description=_("birth date (Hijri)"))
    def birth_date_hijri(self, obj):
        return format_hijri(obj.birth_date) if obj and obj.birth_date else "—"

    @admin.display(description=_("name"), ordering="name_normalized")
    def name_column(self, obj):
        # Plain string building (escape + SafeString), the same markup as format_html:
        # fifty rows a page, three columns each (issue #11).
        if obj.name_en:
            return SafeString(
                f'{escape(obj.name_ar)}<br><span class="help" dir="auto">'
                f"{escape(obj.name_en)}</span>"
            )
        return obj.name_ar

    @admin.display(description=_("identity number"), ordering="id_number")
    def id_column(self, obj):
        return (
            SafeString(f'<span dir="ltr">{escape(obj.id_number)}</span>') if obj.id_number else "—"
        )

    @admin.display(description=_("mobile"), ordering="mobile")
    def mobile_column(self, obj):
        # E.164 starts with "+": in a right-to-left line it must stay left-to-right.
        return SafeString(f'<span dir="ltr">{escape(obj.mobile)}</span>') if obj.mobile else "—"

    def get_search_results(self, request, queryset, search_term):
        return beneficiary_search(queryset, search_term), False

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and request.method == "GET":
            access_log_record(beneficiary=obj, user=request.user, request=request)
        if obj is not None:
            # One timeline of contacts, requests, messages… (channels_app.timeline).
            from channels_app.timeline import beneficiary_timeline, kinds_for

            context["timeline"] = beneficiary_timeline(obj, kinds=kinds_for(request.user))
            context["show_request"] = True
            context["can_log_contact"] = request.user.has_perm("channels_app.add_interaction")
        if "media" in context:
            context["media"] = DrawnOnceMedia(context["media"])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        if change:
            beneficiary_update(beneficiary=obj, actor=request.user)
        else:
            beneficiary_create(beneficiary=obj, actor=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is BeneficiaryDocument:
            self._save_documents(request, form.instance, formset)
            return
        instances = formset.save(commit=False)
        for instance in instances:
            instance._history_user = request.user
            if isinstance(instance, Consent) and instance.pk is None:
                consent_record(
                    beneficiary=form.instance,
                    purpose=instance.purpose,
                    text_version=instance.text_version,
                    text=instance.text,
                    channel=instance.channel,
                    actor=request.user,
                )
                continue
            instance.save()
        formset.save_m2m()

    def _save_documents(self, request, beneficiary, formset) -> None:
        # What the admin's change message reads after a formset is saved.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            if not inline_form.has_changed() or not inline_form.is_valid():
                continue
            document = inline_form.instance
            if document.pk is None:
                formset.new_objects.append(document)
            else:
                formset.changed_objects.append((document, inline_form.changed_data))
            data = inline_form.cleaned_data
            if document.pk is None:
                document_add(
                    document=document,
                    beneficiary=beneficiary,
                    document_type=data["document_type"],
                    file=data["file"],
                    actor=request.user,
                    number=data.get("number", ""),
                    issue_date=data.get("issue_date"),
                    expiry_date=data.get("expiry_date"),
                )
                if data.get("status") and data["status"] != BeneficiaryDocument.Status.PENDING:
                    document_verify(
                        document=document,
                        actor=request.user,
                        verified=data["status"] == BeneficiaryDocument.Status.VERIFIED,
                        note=data.get("verification_note", ""),
                    )
                continue
            if "file" in inline_form.changed_data:
                # A new file for an existing document: checked like any upload, and it
                # needs verifying again.
                document_add(
                    document=document,
                    beneficiary=beneficiary,
                    document_type=data["document_type"],
                    file=data["file"],
                    actor=request.user,
                    number=data.get("number", ""),
                    issue_date=data.get("issue_date"),
                    expiry_date=data.get("expiry_date"),
                )
                continue
            status_changed = "status" in inline_form.changed_data
            document = inline_form.save(commit=False)
            if status_changed:
                # Reset the verification fields through the service that records who/when.
                new_status = document.status
                document.status = BeneficiaryDocument.objects.get(pk=document.pk).status
                document._history_user = request.user
                document.save()
                if new_status != BeneficiaryDocument.Status.PENDING:
                    document_verify(
                        document=document,
                        actor=request.user,
                        verified=new_status == BeneficiaryDocument.Status.VERIFIED,
                        note=document.verification_note,
                    )
            else:
                document._history_user = request.user
                document.save()

    # --- history: sensitive values stay out of the diffs ------------------------------

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        excluded = list(self.hidden_fields(request))
        previous = None
        for current in historical_records:
            if previous is not None:
                delta = previous.diff_against(
                    current, excluded_fields=excluded, foreign_keys_are_objs=foreign_keys_are_objs
                )
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current

    # --- actions ----------------------------------------------------------------------

    # --- exports (config.dashboard.exports.ExportMixin) ---------------------------------

    export_fields = EXPORT_COLUMNS
    export_sensitive_fields = list(Beneficiary.SENSITIVE_FIELDS)
    export_sensitive_permission = SENSITIVE_PERMISSION

    def export_logged(self, request, queryset, fmt):
        access_log_record_many(
            beneficiary_ids=queryset.values_list("id", flat=True),
            user=request.user,
            action=AccessLog.Action.EXPORT,
            request=request,
            detail=fmt.upper(),
        )

    @admin.action(
        description=_("Merge selected duplicates into one record"), permissions=["change"]
    )
    def merge_selected(self, request, queryset):
        records = list(queryset.order_by("created_at", "id")[: MERGE_MAX + 1])
        if not 2 <= len(records) <= MERGE_MAX:
            self.message_user(
                request,
                gettext("Select between 2 and %(max)d records to merge.") % {"max": MERGE_MAX},
                messages.WARNING,
            )
            return None
        if request.POST.get("post") == "yes":
            keep = next((r for r in records if str(r.pk) == request.POST.get("keep")), None)
            if keep is None:
                self.message_user(request, gettext("Choose the record to keep."), messages.ERROR)
            else:
                try:
                    for duplicate in records:
                        if duplicate.pk != keep.pk:
                            keep = beneficiary_merge(
                                keep=keep, duplicate=duplicate, actor=request.user
                            )
                except ValidationError as exc:
                    self.message_user(request, " ".join(exc.messages), messages.ERROR)
                    return None
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d record was merged into %(keep)s.",
                        "%(count)d records were merged into %(keep)s.",
                        len(records) - 1,
                    )
                    % {"count": len(records) - 1, "keep": keep},
                    messages.SUCCESS,
                )
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Merge duplicate beneficiaries"),
            "opts": self.model._meta,
            "records": records,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "can_see_sensitive": selectors.can_see_sensitive_data(request.user),
        }
        return TemplateResponse(
            request, "admin/beneficiaries/beneficiary/merge_confirmation.html", context
        )

    def has_delete_permission(self, request, obj=None):
        # Beneficiaries are archived or anonymised, never deleted (on_delete=PROTECT too).
        return False


@admin.register(BeneficiaryDocument)
class BeneficiaryDocumentAdmin(ExportMixin, SimpleHistoryAdmin):
    form = BeneficiaryDocumentForm
    list_display = [
        "document_type",
        "beneficiary",
        "number",
        "issue_date",
        "expiry_date",
        "status",
        "uploaded_at",
        "download",
    ]
    list_filter = ["document_type", "status", DocumentExpiryFilter]
    list_select_related = ["beneficiary"]
    show_full_result_count = False
    search_fields = ["beneficiary__file_number"]
    search_help_text = _("Beneficiary's file number or identity number.")
    ordering = ["-uploaded_at", "-id"]
    readonly_fields = [
        "beneficiary",
        "download",
        "original_name",
        "content_type",
        "size",
        "verified_by",
        "verified_at",
        "uploaded_by",
        "uploaded_at",
    ]
    fields = [
        "beneficiary",
        "document_type",
        "number",
        "issue_date",
        "expiry_date",
        "download",
        "original_name",
        "content_type",
        "size",
        "status",
        "verification_note",
        "verified_by",
        "verified_at",
        "uploaded_by",
        "uploaded_at",
    ]
    actions = ["mark_verified", "export_csv", "export_xlsx"]
    export_fields = [
        "beneficiary__file_number",
        "document_type",
        "issue_date",
        "expiry_date",
        "status",
        "verified_by__username",
        "verified_at",
        "uploaded_by__username",
        "uploaded_at",
    ]
    # The document's number is often the identity number; the note is about the person.
    export_sensitive_fields = ["number", "verification_note"]
    export_sensitive_permission = SENSITIVE_PERMISSION
    export_access_log_path = "beneficiary_id"

    def get_search_results(self, request, queryset, search_term):
        condition = selectors_document_search(search_term)
        return (queryset if condition is None else queryset.filter(condition)), False

    @admin.display(description=_("file"))
    def download(self, document):
        return document_download_link(document)

    def get_list_display(self, request):
        shown = list(super().get_list_display(request))
        if not selectors.can_download_documents(request.user):
            shown.remove("download")
        return shown

    def get_fields(self, request, obj=None):
        shown = list(super().get_fields(request, obj))
        if not selectors.can_download_documents(request.user):
            shown.remove("download")
        return shown

    def has_add_permission(self, request):
        # Documents are added on the beneficiary's page, where the person is known.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        new_status = obj.status
        if "status" in form.changed_data and new_status != BeneficiaryDocument.Status.PENDING:
            obj.status = form.initial.get("status", BeneficiaryDocument.Status.PENDING)
            obj._history_user = request.user
            obj.save()
            document_verify(
                document=obj,
                actor=request.user,
                verified=new_status == BeneficiaryDocument.Status.VERIFIED,
                note=obj.verification_note,
            )
            obj.refresh_from_db()
            return
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Mark selected documents as verified"), permissions=["change"])
    def mark_verified(self, request, queryset):
        count = 0
        for document in queryset.exclude(status=BeneficiaryDocument.Status.VERIFIED):
            document_verify(document=document, actor=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d document verified.", "%(count)d documents verified.", count)
            % {"count": count},
            messages.SUCCESS,
        )


def selectors_document_search(search_term: str):
    from django.db.models import Q

    from .validators import compact

    text = compact(search_term).upper()
    if not text:
        return None
    return Q(beneficiary__file_number=text) | Q(beneficiary__id_number=text) | Q(number=text)


@admin.register(AccessLog)
class AccessLogAdmin(ExportMixin, admin.ModelAdmin):
    list_display = ["at", "user", "action", "beneficiary_file", "detail", "ip_address"]
    list_filter = ["action"]
    list_select_related = ["user", "beneficiary"]
    show_full_result_count = False
    search_fields = ["beneficiary__file_number"]
    search_help_text = _("Beneficiary's file number, or a username.")
    ordering = ["-at", "-id"]
    actions = ["export_csv", "export_xlsx"]
    # Who opened whose file and when, for the auditor: the list's own columns. No person's
    # data beyond the file number is in it.
    export_fields = [
        "at",
        "user__username",
        "action",
        "beneficiary__file_number",
        "detail",
        "ip_address",
        "user_agent",
    ]

    @admin.display(description=_("beneficiary"), ordering="beneficiary__file_number")
    def beneficiary_file(self, entry):
        return entry.beneficiary.file_number or entry.beneficiary_id

    def get_search_results(self, request, queryset, search_term):
        from django.db.models import Q

        from .validators import compact

        text = compact(search_term)
        if not text:
            return queryset, False
        return queryset.filter(
            Q(beneficiary__file_number=text.upper()) | Q(user__username=text)
        ), False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


from . import privacy_admin  # noqa: E402, F401  (PDPL: requests, breaches, consents)
