"""satisfaction's part of a beneficiary's data export and anonymisation (PDPL, issue #12):
complaints and suggestions about their requests, and the survey answers they gave under
their name (anonymous answers are linked to nobody). Registered in the app's ready()."""

from django.utils.translation import gettext_lazy as _

from beneficiaries.privacy import (
    _scrub_history,
    field_labels,
    model_rows,
    register_anonymiser,
    register_subject_data_section,
)

FEEDBACK_FIELDS = ["created_at", "kind", "message", "status", "reply"]


def _feedback(beneficiary):
    from .models import Feedback

    return model_rows(
        Feedback.objects.filter(support_request__beneficiary=beneficiary).order_by("created_at"),
        FEEDBACK_FIELDS,
    )


def _answers(beneficiary):
    from .models import SurveyAnswer

    return [
        {"question": str(answer.question), "answer": answer.text or answer.number}
        for answer in SurveyAnswer.objects.filter(response__beneficiary=beneficiary)
        .select_related("question")
        .order_by("pk")
    ]


def anonymise(beneficiary) -> None:
    """Their words and contact go; the kind of message, its status and the scores stay."""
    from .models import Feedback, SurveyAnswer, SurveyResponse

    of_beneficiary = Feedback.objects.filter(support_request__beneficiary=beneficiary)
    ids = list(of_beneficiary.values_list("pk", flat=True))
    scrub = {"message": "", "name": "", "mobile": "", "email": "", "reply": ""}
    of_beneficiary.update(**scrub)
    _scrub_history(Feedback, {"id__in": ids}, scrub)
    SurveyAnswer.objects.filter(response__beneficiary=beneficiary).update(text="")
    # The messages sent about them: survey links (with their token) and complaint replies.
    from django.contrib.contenttypes.models import ContentType

    from beneficiaries.privacy import NOTIFICATION_SCRUB
    from channels_app.models import Notification

    from .models import SurveyInvitation

    invitation_ids = list(
        SurveyInvitation.objects.filter(beneficiary=beneficiary).values_list("pk", flat=True)
    )
    for model, pks in ((SurveyInvitation, invitation_ids), (Feedback, ids)):
        if pks:
            Notification.objects.filter(
                related_type=ContentType.objects.get_for_model(model), related_id__in=pks
            ).update(**NOTIFICATION_SCRUB)
    SurveyResponse.objects.filter(beneficiary=beneficiary).update(beneficiary=None)


def register() -> None:
    from .models import Feedback

    register_subject_data_section(
        "feedback",
        _feedback,
        label=_("Complaints and suggestions"),
        labels=field_labels(Feedback, FEEDBACK_FIELDS),
    )
    register_subject_data_section(
        "survey_answers",
        _answers,
        label=_("Survey answers given under their name"),
        labels={"question": _("Question"), "answer": _("Answer")},
    )
    register_anonymiser("satisfaction", anonymise)
