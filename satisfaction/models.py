"""Satisfaction surveys after a service or a program run (POL-3.1, 4.5, 4.6) and the
public's complaints and suggestions (POL-2). Rating is the beneficiary's right and a tool
to improve, never to punish: officer figures exist only in aggregate."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from config.bilingual import pick


class Survey(models.Model):
    """A satisfaction questionnaire, for one program or the default one. Once answered
    it is frozen: a change makes a new version (old answers keep their questions)."""

    program = models.ForeignKey(
        "requests_app.Program",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys",
        verbose_name=_("program"),
        help_text=_("Empty: the default survey, for programs without their own."),
    )
    title_ar = models.CharField(_("title (Arabic)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    intro_ar = models.TextField(_("introduction (Arabic)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1, editable=False)
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_version",
        verbose_name=_("previous version"),
        editable=False,
    )
    is_active = models.BooleanField(
        _("in use"), default=True, help_text=_("New invitations use the active survey.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["program_id", "-version"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def title(self) -> str:
        return pick(self.title_ar, self.title_en)

    @property
    def intro(self) -> str:
        return pick(self.intro_ar, self.intro_en)

    @property
    def has_answers(self) -> bool:
        return self.responses.exists()


class QuestionKind(models.TextChoices):
    RATING = "rating", _("Rating 1–5")
    NPS = "nps", _("Recommend 0–10 (NPS)")
    YES_NO = "yes_no", _("Yes / no")
    CHOICE = "choice", _("One choice")
    TEXT = "text", _("Free text")


class SurveyQuestion(models.Model):
    """One question of a survey, in Arabic and English."""

    Kind = QuestionKind

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("survey")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    text_ar = models.CharField(_("question (Arabic)"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    choices_ar = models.TextField(
        _("choices (Arabic)"),
        blank=True,
        help_text=_("One choice per line (one-choice questions)."),
    )
    choices_en = models.TextField(
        _("choices (English)"), blank=True, help_text=_("Same order as the Arabic choices.")
    )
    required = models.BooleanField(_("required"), default=True)
    counts_for_csat = models.BooleanField(
        _("counts for overall satisfaction"),
        default=True,
        help_text=_("Rating questions: 4 or 5 counts as satisfied (CSAT)."),
    )

    class Meta:
        ordering = ["survey", "order", "id"]
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return pick(self.text_ar, self.text_en)

    def choice_list(self) -> list[tuple[str, str]]:
        """(stored value, label) pairs: the value is the choice's number, stable across languages."""
        arabic = [line.strip() for line in self.choices_ar.splitlines() if line.strip()]
        english = [line.strip() for line in self.choices_en.splitlines() if line.strip()]
        return [
            (str(index + 1), pick(label, english[index] if index < len(english) else ""))
            for index, label in enumerate(arabic)
        ]


class SurveyInvitation(models.Model):
    """An invitation to one direct beneficiary to rate a service or a program run.

    Only a hash of its link's token is stored; the link works once, until it expires."""

    survey = models.ForeignKey(
        Survey, on_delete=models.PROTECT, related_name="invitations", verbose_name=_("survey")
    )
    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        on_delete=models.PROTECT,
        related_name="survey_invitations",
        verbose_name=_("beneficiary"),
    )
    support_request = models.ForeignKey(
        "requests_app.SupportRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_invitations",
        verbose_name=_("support request"),
    )
    program = models.ForeignKey(
        "requests_app.Program",
        on_delete=models.PROTECT,
        related_name="survey_invitations",
        verbose_name=_("program"),
    )
    program_run = models.ForeignKey(
        "requests_app.ProgramRun",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_invitations",
        verbose_name=_("program run"),
    )
    channel = models.ForeignKey(
        "channels_app.Channel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("channel of the request"),
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("officer who served"),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_salt = models.CharField(max_length=32, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"), editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, editable=False)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True, editable=False)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiary", "program_run"],
                condition=models.Q(program_run__isnull=False),
                name="one_invitation_per_beneficiary_run",
            ),
            models.UniqueConstraint(
                fields=["support_request"],
                condition=models.Q(program_run__isnull=True, support_request__isnull=False),
                name="one_invitation_per_request",
            ),
        ]
        indexes = [
            models.Index(fields=["-created_at"], name="invitation_created"),
            models.Index(
                fields=["responded_at", "reminded_at", "expires_at"], name="invitation_reminder"
            ),
            models.Index(fields=["program", "created_at"], name="invitation_program_created"),
        ]

    def __str__(self) -> str:
        return f"{self.beneficiary} · {self.program}"

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    @property
    def is_answered(self) -> bool:
        return self.responded_at is not None


class SurveyResponse(models.Model):
    """One beneficiary's answers. An anonymous response keeps no link to the person or
    the invitation: only the program, run, channel, month and officer, for figures."""

    survey = models.ForeignKey(
        Survey, on_delete=models.PROTECT, related_name="responses", verbose_name=_("survey")
    )
    invitation = models.OneToOneField(
        SurveyInvitation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="response",
        verbose_name=_("invitation"),
    )
    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_responses",
        verbose_name=_("beneficiary"),
    )
    anonymous = models.BooleanField(_("anonymous"), default=False)
    program = models.ForeignKey(
        "requests_app.Program",
        on_delete=models.PROTECT,
        related_name="survey_responses",
        verbose_name=_("program"),
    )
    program_run = models.ForeignKey(
        "requests_app.ProgramRun",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_responses",
        verbose_name=_("program run"),
    )
    channel = models.ForeignKey(
        "channels_app.Channel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("channel"),
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("officer who served"),
    )
    submitted_at = models.DateTimeField(_("answered"), default=timezone.now)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(anonymous=False)
                | models.Q(beneficiary__isnull=True, invitation__isnull=True),
                name="anonymous_response_unlinked",
            ),
        ]
        indexes = [
            models.Index(fields=["-submitted_at"], name="response_submitted"),
            models.Index(fields=["program", "submitted_at"], name="response_program_time"),
        ]

    def __str__(self) -> str:
        return f"{self.program} · {timezone.localdate(self.submitted_at)}"


class SurveyAnswer(models.Model):
    """The answer to one question of a response."""

    response = models.ForeignKey(
        SurveyResponse, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response")
    )
    question = models.ForeignKey(
        SurveyQuestion, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question")
    )
    number = models.SmallIntegerField(_("score or choice"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        ordering = ["response", "question__order", "id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="one_answer_per_question"
            ),
            models.CheckConstraint(
                condition=models.Q(number__isnull=True) | models.Q(number__gte=0, number__lte=10),
                name="answer_number_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.text or str(self.number)


class FeedbackKind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    SUGGESTION = "suggestion", _("Suggestion")
    THANKS = "thanks", _("Thanks")
    INQUIRY = "inquiry", _("Inquiry")


class FeedbackStatus(models.TextChoices):
    NEW = "new", _("Received")
    IN_PROGRESS = "in_progress", _("Being handled")
    ANSWERED = "answered", pgettext_lazy("feedback status", "Answered")
    CLOSED = "closed", pgettext_lazy("feedback status", "Closed")


class Feedback(models.Model):
    """A complaint, suggestion, thanks or inquiry from anyone (POL-2), with its tracking
    code, the person handling it, the reply and the date it is due."""

    Kind = FeedbackKind
    Status = FeedbackStatus

    tracking_code = models.CharField(_("tracking code"), max_length=12, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=FeedbackKind.choices)
    message = models.TextField(_("message"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    mobile = models.CharField(_("mobile"), max_length=16, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    request_reference = models.CharField(_("request reference"), max_length=12, blank=True)
    support_request = models.ForeignKey(
        "requests_app.SupportRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback",
        verbose_name=_("support request"),
    )
    channel = models.ForeignKey(
        "channels_app.Channel",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("received through"),
    )
    language = models.CharField(_("language"), max_length=8, default="ar", editable=False)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=FeedbackStatus.choices,
        default=FeedbackStatus.NEW,
        editable=False,
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_feedback",
        verbose_name=_("handled by"),
    )
    reply = models.TextField(_("reply"), blank=True, editable=False)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replied by"),
        editable=False,
    )
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True, editable=False)
    due_on = models.DateField(_("reply due"), editable=False)
    created_at = models.DateTimeField(_("received"), default=timezone.now, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("complaint or suggestion")
        verbose_name_plural = _("complaints and suggestions")
        indexes = [
            models.Index(fields=["due_on", "id"], name="feedback_due"),
            models.Index(fields=["status", "due_on"], name="feedback_status_due"),
            models.Index(fields=["-created_at"], name="feedback_created"),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} · {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in (FeedbackStatus.NEW, FeedbackStatus.IN_PROGRESS)

    def is_overdue(self, today=None) -> bool:
        return self.is_open and (today or timezone.localdate()) > self.due_on
