"""Deliveries, program runs, surveys, invitations and complaints & suggestions."""

import datetime

import factory
from django.utils import timezone

from beneficiaries.validators import iban_with_check_digits
from requests_app.models import ProgramRun
from requests_app.workflow import Status
from satisfaction import tokens
from satisfaction.models import Feedback, Survey, SurveyInvitation, SurveyQuestion

from .beneficiaries import BeneficiaryFactory
from .requests_app import ProgramFactory, SupportRequestFactory

__all__ = [
    "ApprovedRequestFactory",
    "FeedbackFactory",
    "ProgramRunFactory",
    "SurveyFactory",
    "SurveyInvitationFactory",
    "SurveyQuestionFactory",
    "VALID_IBAN",
]

VALID_IBAN = iban_with_check_digits("80000006080101675199")


class ApprovedRequestFactory(SupportRequestFactory):
    """A request the committee approved (status set directly: committee models live in issue 7)."""

    status = Status.APPROVED
    beneficiary = factory.SubFactory(BeneficiaryFactory, iban=VALID_IBAN)
    decided_at = factory.LazyFunction(timezone.now)


class ProgramRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramRun

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"الدفعة {n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    ends_on = factory.LazyFunction(timezone.localdate)


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey

    title_ar = "استبيان الرضا"
    title_en = "Satisfaction survey"


class SurveyQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyQuestion

    survey = factory.SubFactory(SurveyFactory)
    kind = SurveyQuestion.Kind.RATING
    text_ar = factory.Sequence(lambda n: f"سؤال {n}")
    text_en = factory.Sequence(lambda n: f"Question {n}")
    order = factory.Sequence(lambda n: n)


class SurveyInvitationFactory(factory.django.DjangoModelFactory):
    """An invitation; its link is ``invitation.token`` (kept on the object for tests only)."""

    class Meta:
        model = SurveyInvitation
        exclude = ["token"]
        skip_postgeneration_save = True

    survey = factory.LazyFunction(lambda: Survey.objects.filter(program__isnull=True).first())
    support_request = factory.SubFactory(SupportRequestFactory, status=Status.CLOSED)
    beneficiary = factory.LazyAttribute(lambda o: o.support_request.beneficiary)
    program = factory.LazyAttribute(lambda o: o.support_request.program)
    channel = factory.LazyAttribute(lambda o: o.support_request.channel)
    token_salt = factory.LazyFunction(tokens.new_salt)
    token_hash = factory.LazyAttribute(lambda o: tokens.token_hash(tokens.token_for(o.token_salt)))
    created_at = factory.LazyFunction(timezone.now)
    sent_at = factory.LazyAttribute(lambda o: o.created_at)
    expires_at = factory.LazyAttribute(lambda o: o.created_at + datetime.timedelta(days=30))

    @factory.post_generation
    def token(obj, create, extracted, **kwargs):
        obj.token = tokens.token_for(obj.token_salt)


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feedback

    tracking_code = factory.Sequence(lambda n: f"F-T{n:07d}")
    kind = Feedback.Kind.COMPLAINT
    message = "تأخر الرد على طلبي"
    mobile = "+966551234567"
    channel = factory.LazyFunction(
        lambda: __import__("channels_app.models", fromlist=["Channel"]).Channel.objects.get(
            code="website"
        )
    )
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
