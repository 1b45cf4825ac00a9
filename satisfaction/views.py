"""Public pages: the survey a beneficiary answers from an invitation link, the
complaints & suggestions form and its follow-up; and the staff satisfaction results."""

import csv
import datetime

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from config.ratelimit import rate_limited

from . import selectors
from .forms import FeedbackFollowForm, FeedbackForm, SurveyForm
from .models import Feedback
from .services import (
    SatisfactionError,
    clean_tracking_code,
    feedback_submit,
    invitation_for_token,
    survey_response_record,
)


def _too_many(request):
    return render(request, "satisfaction/too_many.html", status=429)


def _unavailable(request):
    """The same page for a forged, expired or used link: it reveals nothing."""
    return render(request, "satisfaction/survey_unavailable.html", status=404)


def _apply_errors(form, exc: SatisfactionError) -> list[str]:
    general = []
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            if field in form.fields:
                for message in errors:
                    form.add_error(field, message)
            else:
                general.extend(errors)
    else:
        general.extend(exc.messages)
    return general


@never_cache
@require_http_methods(["GET", "POST"])
def survey(request, token: str):
    if rate_limited(request, "survey"):
        return _too_many(request)
    invitation = invitation_for_token(token)
    if invitation is None or invitation.is_answered or invitation.is_expired():
        return _unavailable(request)
    questions = list(invitation.survey.questions.all())
    errors = []
    if request.method == "POST":
        form = SurveyForm(request.POST, questions=questions)
        form.is_valid()  # bound values are shown back; the service decides what is valid
        form._errors = {}
        try:
            survey_response_record(
                invitation=invitation,
                answers=form.raw_answers(),
                anonymous=request.POST.get("anonymous") in ("on", "1", "true"),
            )
        except SatisfactionError as exc:
            if getattr(exc, "code", None) in ("used", "expired"):
                return _unavailable(request)
            errors = _apply_errors(form, exc)
            if form.errors or not errors:
                errors.insert(0, _("Some answers need your attention: see the messages below."))
        else:
            return redirect("satisfaction:survey-thanks")
    else:
        form = SurveyForm(questions=questions)
    return render(
        request,
        "satisfaction/survey.html",
        {
            "form": form,
            "survey": invitation.survey,
            "program": invitation.program,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@require_GET
def survey_thanks(request):
    return render(request, "satisfaction/survey_thanks.html")


@never_cache
@require_http_methods(["GET", "POST"])
def feedback(request):
    errors = []
    if request.method == "POST":
        if rate_limited(request, "feedback"):
            return _too_many(request)
        form = FeedbackForm(request.POST)
        form.is_valid()
        if form.cleaned_data.get("website"):
            # A bot: behave as if it worked, keep nothing.
            return redirect("satisfaction:feedback-sent")
        form._errors = {}
        data = request.POST
        try:
            item = feedback_submit(
                kind=data.get("kind", ""),
                message=data.get("message", ""),
                name=data.get("name", ""),
                mobile=data.get("mobile", ""),
                email=data.get("email", ""),
                request_reference=data.get("request_reference", ""),
                channel_code="website",
                language=translation.get_language() or "ar",
            )
        except SatisfactionError as exc:
            errors = _apply_errors(form, exc)
            errors = errors or [_("Some fields need your attention: see the messages below.")]
        else:
            request.session["feedback_code"] = item.tracking_code
            return redirect("satisfaction:feedback-sent")
    else:
        form = FeedbackForm()
    return render(
        request,
        "satisfaction/feedback.html",
        {"form": form, "errors": errors},
        status=400 if errors else 200,
    )


@never_cache
@require_GET
def feedback_sent(request):
    code = request.session.get("feedback_code", "")
    item = Feedback.objects.filter(tracking_code=code).first() if code else None
    return render(request, "satisfaction/feedback_sent.html", {"item": item})


@never_cache
@require_GET
def feedback_follow(request):
    item = None
    not_found = False
    form = FeedbackFollowForm(request.GET or None)
    if request.GET.get("code"):
        if rate_limited(request, "feedback-follow"):
            return _too_many(request)
        # Through the form: a code too long, or with a NUL byte, is a form error, never
        # a database error.
        if form.is_valid():
            code = clean_tracking_code(form.cleaned_data["code"])
            item = Feedback.objects.filter(tracking_code=code).first()
            not_found = item is None
    return render(
        request,
        "satisfaction/feedback_follow.html",
        {"form": form, "item": item, "not_found": not_found},
    )


# -- staff -------------------------------------------------------------------------------


def _staff_period(request):
    if not request.user.is_authenticated:
        return None, redirect_to_login(request.get_full_path(), "admin:login")
    if not request.user.has_perm("satisfaction.view_surveyresponse"):
        raise PermissionDenied
    today = timezone.localdate()

    def parse(name, default):
        try:
            return datetime.date.fromisoformat(request.GET.get(name, ""))
        except ValueError:
            return default

    start = parse("start", today - datetime.timedelta(days=365))
    end = parse("end", today)
    if end < start:
        start, end = end, start
    return (start, end), None


@never_cache
@require_GET
def results(request):
    period, response = _staff_period(request)
    if response:
        return response
    start, end = period
    context = {
        "start": start,
        "end": end,
        "summary": selectors.satisfaction_summary(start, end),
        "by_program": selectors.satisfaction_by(start, end, "program"),
        "by_channel": selectors.satisfaction_by(start, end, "channel"),
        "by_month": selectors.satisfaction_by(start, end, "month"),
        "by_officer": selectors.satisfaction_by(start, end, "officer"),
        "distribution": selectors.rating_distribution(start, end),
        "feedback": selectors.feedback_summary(start, end),
        "min_group": selectors.MIN_GROUP,
    }
    return render(request, "satisfaction/results.html", context)


class _Echo:
    def write(self, value):
        return value


@never_cache
@require_GET
def results_export(request):
    """Every response with its answers, as CSV. Anonymous answers name nobody and carry
    only their month; no officer column: rating is not for judging a person."""
    period, response = _staff_period(request)
    if response:
        return response
    start, end = period
    writer = csv.writer(_Echo())

    def rows():
        yield "\ufeff"
        yield writer.writerow(
            [_("Answered"), _("Program"), _("Channel"), _("Respondent"), _("Question"), _("Answer")]
        )
        for item in selectors.responses_for_export(start, end).iterator(chunk_size=500):
            when = (
                timezone.localtime(item.submitted_at).strftime("%Y-%m")
                if item.anonymous
                else timezone.localtime(item.submitted_at).strftime("%Y-%m-%d")
            )
            who = (
                _("Anonymous") if item.anonymous or not item.beneficiary else item.beneficiary.name
            )
            for answer in item.answers.all():
                value = answer.text if answer.text else answer.number
                yield writer.writerow(
                    [
                        when,
                        item.program.name,
                        item.channel.name if item.channel else "",
                        who,
                        answer.question.text,
                        value,
                    ]
                )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="satisfaction-{start}-{end}.csv"'
    return response
