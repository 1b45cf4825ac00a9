"""The public portal's pages: /apply/ in steps, /apply/done/, /track/.

No login. The application in progress is a ``PendingApplication`` row found through an
unguessable token kept in a signed cookie, so a page reloaded, a step gone back to or a
failed upload never loses what was typed. The tracking page opens a request for 30
minutes after the reference and identity number matched, through another signed cookie."""

import hmac

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.signing import BadSignature
from django.db import IntegrityError
from django.db.models import Prefetch
from django.forms.utils import ErrorDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from beneficiaries.models import BeneficiaryDocument
from beneficiaries.selectors import beneficiary_has_withdrawn_consent
from config.ratelimit import client_ip, rate_limited
from policies.models import PolicyDocument

from ..models import Decision, PendingApplication, StatusChange, SupportRequest
from ..workflow import NOTE_REQUIRED, Status
from . import services
from .forms import (
    DeclarationForm,
    DocumentsForm,
    HouseholdForm,
    IdentityForm,
    MissingDocumentsForm,
    StartForm,
    TrackForm,
    WithdrawForm,
)

APPLY_COOKIE = "mustafid_apply"
TRACK_COOKIE = "mustafid_track"
TRACK_MINUTES = 30
STEPS = ["start", "identity", "household", "documents", "declaration"]
FORMS = {"identity": IdentityForm, "household": HouseholdForm}


def _step_titles():
    return {
        "start": _("Program and privacy"),
        "identity": _("Identity and contact"),
        "household": _("Your situation and need"),
        "documents": _("Documents"),
        "declaration": _("Review, consent and declaration"),
    }


# -- the application cookie --------------------------------------------------------------


def _set_cookie(response, name: str, value: str, max_age: int):
    response.set_signed_cookie(
        name,
        value,
        salt=f"{name}",
        max_age=max_age,
        httponly=True,
        samesite="Lax",
        secure=getattr(settings, "SESSION_COOKIE_SECURE", False),
    )
    return response


def _read_cookie(request, name: str, max_age: int | None = None):
    try:
        return request.get_signed_cookie(name, salt=f"{name}", max_age=max_age)
    except (KeyError, BadSignature):
        return None


def _application(request) -> PendingApplication | None:
    token = _read_cookie(request, APPLY_COOKIE)
    if not token:
        return None
    return (
        PendingApplication.objects.select_related("program")
        .filter(token=token, expires_at__gt=timezone.now())
        .first()
    )


def _too_many(request):
    return render(request, "portal/too_many.html", status=429)


def _bot(request):
    # Same words as a real failure: a bot learns nothing about the honeypot.
    messages.error(request, _("Something went wrong. Please try again."))
    return redirect(request.path)


def _context(step: str, application=None, **extra):
    titles = _step_titles()
    index = STEPS.index(step)
    return {
        "step": step,
        "step_number": index + 1,
        "step_count": len(STEPS),
        "step_title": titles[step],
        "previous_step": STEPS[index - 1] if index > 0 else None,
        "application": application,
        **extra,
    }


# -- /apply/ -----------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def apply_start(request):
    programs = services.open_programs()
    privacy = services.policy_text(PolicyDocument.Kind.PRIVACY_NOTICE)
    application = _application(request)
    if application and application.submitted_request_id:
        application = None  # submitted: a new application starts afresh
    initial = {}
    if application and application.program_id:
        initial["program"] = application.program_id
        # Back at the first step: the notice they read (this version) stays ticked.
        initial["privacy_read"] = application.data.get("privacy") == privacy.version_label
    elif request.GET.get("program"):
        chosen = [p.pk for p in programs if p.code == request.GET["program"]]
        if chosen:
            initial["program"] = chosen[0]
    form = StartForm(request.POST or None, programs=programs, initial=initial)
    if request.method == "POST":
        if rate_limited(request, "apply"):
            return _too_many(request)
        if form.is_bot:
            return _bot(request)
        if form.is_valid():
            program = form.cleaned_data["program"]
            if application is None:
                application = services.pending_application_start(
                    program=program, privacy_label=privacy.version_label
                )
            else:
                services.pending_application_change_program(
                    application=application, program=program, privacy_label=privacy.version_label
                )
            response = redirect("apply-step", step="identity")
            return _set_cookie(
                response,
                APPLY_COOKIE,
                application.token,
                max_age=settings.MUSTAFID_PENDING_APPLICATION_DAYS * 86400,
            )
    return render(
        request,
        "portal/apply_start.html",
        _context("start", application, form=form, programs=programs, privacy=privacy),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def apply_step(request, step: str):
    if step not in STEPS[1:]:
        return redirect("apply")
    application = _application(request)
    if application is None or application.program_id is None:
        messages.warning(
            request, _("Your application was not found or has expired. Please start again.")
        )
        return redirect("apply")
    if application.submitted_request_id:
        return redirect("apply-done")
    if step == "documents":
        return _documents_step(request, application)
    if step == "declaration":
        return _declaration_step(request, application)
    form_class = FORMS[step]
    form = form_class(request.POST or None, initial=application.data.get(step, {}))
    if request.method == "POST":
        if rate_limited(request, "apply"):
            return _too_many(request)
        if form.is_bot:
            return _bot(request)
        if form.is_valid():
            next_step = STEPS[STEPS.index(step) + 1]
            services.pending_application_save_step(
                application=application, step=step, values=form.cleaned_data, next_step=next_step
            )
            return redirect("apply-step", step=next_step)
    return render(request, f"portal/apply_{step}.html", _context(step, application, form=form))


def _held(application):
    return {doc.document_type: doc for doc in application.documents.all()}


def _documents_step(request, application):
    document_types = list(application.program.required_document_types or [])
    held = _held(application)
    if request.method != "POST":
        form = DocumentsForm(document_types=document_types, held=held)
        return render(
            request, "portal/apply_documents.html", _context("documents", application, form=form)
        )
    if rate_limited(request, "apply"):
        return _too_many(request)
    form = DocumentsForm(request.POST, request.FILES, document_types=document_types, held=held)
    if form.is_bot:
        return _bot(request)
    form.is_valid()
    # Every document that passed its own checks is held now, whatever else failed, so
    # the applicant never uploads it twice.
    for document_type in document_types:
        file_field, expiry_field = f"file_{document_type}", f"expiry_{document_type}"
        if file_field in form.errors:
            continue
        expiry = form.cleaned_data.get(expiry_field) if expiry_field not in form.errors else None
        upload = form.cleaned_data.get(file_field)
        if upload or document_type in held:
            try:
                services.pending_document_hold(
                    application=application,
                    document_type=document_type,
                    file=upload or None,
                    expiry_date=expiry,
                )
            except ValidationError as exc:
                form.add_error(file_field, exc)
    if form.errors:
        # Show the form again with what is held now: a file kept is not asked for again,
        # but a replacement that was refused still says why.
        held = _held(application)
        shown = DocumentsForm(request.POST, document_types=document_types, held=held)
        shown.cleaned_data = {}
        shown._errors = ErrorDict()
        for name, errors in form.errors.items():
            kept = [
                error
                for error in errors.as_data()
                if not (name.startswith("file_") and name[5:] in held and error.code == "required")
            ]
            if kept:
                shown._errors[name] = shown.error_class(kept)
        if shown._errors:
            shown.full_clean = lambda: None  # the errors above are the answer
            for name in shown._errors:
                if name in shown.fields:
                    shown.fields[name].widget.attrs.update(
                        {"aria-invalid": "true", "aria-describedby": f"id_{name}_error"}
                    )
            return render(
                request,
                "portal/apply_documents.html",
                _context("documents", application, form=shown),
            )
    services.pending_application_save_step(
        application=application, step="documents", values={"done": True}, next_step="declaration"
    )
    return redirect("apply-step", step="declaration")


def _summary(application):
    identity = IdentityForm(initial=application.data.get("identity", {}))
    household = HouseholdForm(initial=application.data.get("household", {}))
    rows = []
    for form, step in ((identity, "identity"), (household, "household")):
        values = application.data.get(step, {})
        for name, field in form.fields.items():
            if name == "website":
                continue
            value = values.get(name)
            if value in (None, ""):
                continue
            choices = dict(getattr(field, "choices", []) or [])
            rows.append((field.label, choices.get(value, value), step))
    return rows


def _declaration_step(request, application):
    # The held documents are read here only when the program asks for some (the step
    # check needs them); the page reads them when it is shown, the submission under lock.
    documents = (
        list(application.documents.all())
        if application.program_id and application.program.required_document_types
        else None
    )
    step = services.missing_step(application, documents)
    if step:
        messages.warning(request, _("Please complete this step first."))
        return redirect("apply") if step == "start" else redirect("apply-step", step=step)
    form = DeclarationForm(request.POST or None)

    def page():
        # Built only when the page is shown: a confirmed application goes straight on.
        texts = services.policy_texts(PolicyDocument.Kind.CONSENT, PolicyDocument.Kind.DECLARATION)
        context = _context(
            "declaration",
            application,
            form=form,
            summary=_summary(application),
            documents=documents if documents is not None else list(application.documents.all()),
            rules=texts[PolicyDocument.Kind.CONSENT],
            declaration=texts[PolicyDocument.Kind.DECLARATION],
        )
        return render(request, "portal/apply_declaration.html", context)

    if request.method == "POST":
        if rate_limited(request, "apply"):
            return _too_many(request)
        if form.is_bot:
            return _bot(request)
        if form.is_valid():
            try:
                _submit(application, form, request)
            except services.ApplicationIncomplete as exc:
                return redirect("apply-step", step=exc.step)
            except ValidationError:
                # The same words whatever the reason (an open request for this identity
                # included): the form never tells whether an identity is registered.
                form.add_error(
                    None,
                    _(
                        "We could not accept this application online. If you have already "
                        "applied to this program, follow your request on the tracking page; "
                        "otherwise please contact the association."
                    ),
                )
            else:
                return redirect("apply-done")
    return page()


def _submit(application, form, request):
    """Store the application. Two applicants with the same new identity number confirming
    at the same moment both find no one to lock; the second INSERT then meets the unique
    index. Once more, it finds the person the first one stored and goes the returning
    applicant's way (an open request for the program is refused like any other)."""
    arguments = {
        "declaration_name": form.cleaned_data["declaration_name"],
        "ip": client_ip(request) or None,
    }
    try:
        return services.portal_application_submit(application=application, **arguments)
    except IntegrityError:
        application.refresh_from_db()
        return services.portal_application_submit(application=application, **arguments)


@never_cache
def apply_done(request):
    application = _application(request)
    if application is None or not application.submitted_request_id:
        return redirect("apply")
    support_request = SupportRequest.objects.select_related("program").get(
        pk=application.submitted_request_id
    )
    return render(request, "portal/apply_done.html", {"support_request": support_request})


# -- /track/ -----------------------------------------------------------------------------


def _tracked(request) -> SupportRequest | None:
    pk = _read_cookie(request, TRACK_COOKIE, max_age=TRACK_MINUTES * 60)
    if not pk:
        return None
    return (
        SupportRequest.objects.select_related("program", "beneficiary")
        .prefetch_related(
            Prefetch("status_changes", queryset=StatusChange.objects.order_by("created_at", "pk"))
        )
        .filter(pk=pk)
        .first()
    )


def _find(reference: str, id_number: str) -> SupportRequest | None:
    if not reference or not id_number:
        return None
    found = SupportRequest.objects.select_related("beneficiary").filter(reference=reference).first()
    if found is None:
        # Compare anyway so a wrong reference takes as long as a wrong identity.
        hmac.compare_digest(id_number.encode(), b"0" * len(id_number.encode()))
        return None
    # Bytes: compare_digest refuses a str with non-ASCII characters (a 500 otherwise).
    return (
        found
        if hmac.compare_digest(found.beneficiary.id_number.encode(), id_number.encode())
        else None
    )


def missing_documents(support_request: SupportRequest) -> list[str]:
    """The required documents the officer still lacks: a failed check, or no check and
    no current document of that type on the record."""
    required = list(support_request.program.required_document_types or [])
    checks = {c.document_type: c for c in support_request.document_checks.all()}
    today = timezone.localdate()
    on_record = set(
        BeneficiaryDocument.objects.filter(beneficiary=support_request.beneficiary_id)
        .valid_on(today)
        .values_list("document_type", flat=True)
    )
    missing = []
    for document_type in required:
        check = checks.get(document_type)
        if (check is not None and not check.passed) or (
            check is None and document_type not in on_record
        ):
            missing.append(document_type)
    return missing


STATUS_EXPLAINED = {
    Status.SUBMITTED: gettext_lazy(
        "We received your request; an officer will check your data and documents."
    ),
    Status.VERIFICATION: gettext_lazy("An officer is checking your data and documents."),
    Status.NEEDS_INFO: gettext_lazy("We need something from you: see what is missing below."),
    Status.REFERRED_RESEARCH: gettext_lazy(
        "A social researcher is studying your situation and may contact you."
    ),
    Status.REFERRED_EXTERNAL: gettext_lazy(
        "Your request is outside our remit and was referred to another association."
    ),
    Status.COMMITTEE_REVIEW: gettext_lazy("The research committee is studying your request."),
    Status.APPROVED: gettext_lazy(
        "Your request was approved. We will contact you about the service."
    ),
    Status.REJECTED: gettext_lazy("Your request was not approved."),
    Status.IN_DELIVERY: gettext_lazy("The service is being delivered to you."),
    Status.DELIVERED: gettext_lazy(
        "The service was delivered. Tell us how it went in the survey we send you."
    ),
    Status.CLOSED: gettext_lazy("Your request is closed."),
    Status.WITHDRAWN: gettext_lazy("You withdrew this request."),
}


APPLICANT_NOTES = NOTE_REQUIRED | {Status.APPROVED, Status.REJECTED}


def _explain(status: str) -> str:
    return str(STATUS_EXPLAINED.get(status, ""))


def _track_page(request, support_request, *, withdraw_form=None, documents_form=None, status=200):
    missing = (
        missing_documents(support_request) if support_request.status == Status.NEEDS_INFO else []
    )
    if documents_form is None and support_request.status == Status.NEEDS_INFO:
        documents_form = MissingDocumentsForm(document_types=missing)
    timeline = [
        {
            "status": change.get_to_status_display(),
            "at": change.created_at,
            # The notes written for the applicant: what is missing, where they were
            # referred, and the committee's reason for its decision (POL-7.7).
            "note": change.note if change.to_status in APPLICANT_NOTES else "",
        }
        for change in support_request.status_changes.all()
    ]
    needs_info_note = next(
        (
            change.note
            for change in reversed(support_request.status_changes.all())
            if change.to_status == Status.NEEDS_INFO
        ),
        "",
    )
    can_withdraw = Status.WITHDRAWN in _allowed(support_request.status)
    decision = Decision.objects.filter(support_request=support_request).first()
    return render(
        request,
        "portal/track_status.html",
        {
            "support_request": support_request,
            "explanation": _explain(support_request.status),
            "timeline": timeline,
            "missing": missing,
            "needs_info_note": needs_info_note,
            "decision": decision,
            "messages_stopped": beneficiary_has_withdrawn_consent(support_request.beneficiary),
            "documents_form": documents_form,
            "withdraw_form": (withdraw_form or WithdrawForm()) if can_withdraw else None,
            "days_left": support_request.days_left(),
            "due_at": support_request.effective_due_at(),
        },
        status=status,
    )


def _allowed(status):
    from ..workflow import allowed_targets

    return allowed_targets(status)


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    if request.method == "GET":
        support_request = _tracked(request)
        if support_request is not None:
            return _track_page(request, support_request)
        return render(request, "portal/track.html", {"form": TrackForm()})
    if rate_limited(request, "track"):
        return _too_many(request)
    form = TrackForm(request.POST)
    if form.is_bot:
        return _bot(request)
    if form.is_valid():
        found = _find(form.cleaned_data["reference"], form.cleaned_data["id_number"])
        if found is not None:
            response = redirect("track")
            return _set_cookie(response, TRACK_COOKIE, str(found.pk), max_age=TRACK_MINUTES * 60)
        form.add_error(
            None,
            _(
                "We could not find a request with this reference number and ID number. "
                "Check both and try again."
            ),
        )
    return render(request, "portal/track.html", {"form": form})


def _tracked_or_form(request):
    support_request = _tracked(request)
    if support_request is None:
        messages.warning(request, _("For your privacy, enter your reference and ID number again."))
    return support_request


@never_cache
@require_POST
def track_documents(request):
    support_request = _tracked_or_form(request)
    if support_request is None:
        return redirect("track")
    if rate_limited(request, "track"):
        return _too_many(request)
    if support_request.status != Status.NEEDS_INFO:
        return redirect("track")
    missing = missing_documents(support_request)
    form = MissingDocumentsForm(request.POST, request.FILES, document_types=missing)
    if form.is_bot:
        return _bot(request)
    if form.is_valid():
        try:
            services.portal_missing_documents_submit(
                support_request=support_request,
                files={t: form.cleaned_data[f"file_{t}"] for t in missing},
                expiry_dates={t: form.cleaned_data.get(f"expiry_{t}") for t in missing},
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Thank you: we received what you sent."))
            return redirect("track")
    return _track_page(request, support_request, documents_form=form)


@never_cache
@require_POST
def track_withdraw(request):
    support_request = _tracked_or_form(request)
    if support_request is None:
        return redirect("track")
    if rate_limited(request, "track"):
        return _too_many(request)
    form = WithdrawForm(request.POST)
    if form.is_bot:
        return _bot(request)
    if form.is_valid():
        try:
            services.portal_request_withdraw(
                support_request=support_request, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your request was withdrawn."))
            return redirect("track")
    return _track_page(request, support_request, withdraw_form=form)


@never_cache
@require_POST
def track_stop_messages(request):
    """The applicant withdraws their consent to be contacted (PDPL): no more SMS or e-mail
    from the association; the request goes on and /track/ keeps showing where it stands."""
    support_request = _tracked_or_form(request)
    if support_request is None:
        return redirect("track")
    if rate_limited(request, "track"):
        return _too_many(request)
    services.portal_stop_messages(beneficiary=support_request.beneficiary)
    messages.success(
        request,
        _("Done: the association will send you no more messages. Check this page for news."),
    )
    return redirect("track")


@require_POST
def track_leave(request):
    response = redirect("track")
    response.delete_cookie(TRACK_COOKIE)
    return response
