"""Programs and support requests, with a trait per workflow stage."""

import datetime

import factory
from django.utils import timezone

from requests_app.models import Program, SupportRequest
from requests_app.workflow import Status

from .beneficiaries import BeneficiaryFactory

__all__ = ["ProgramFactory", "SupportRequestFactory"]


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    code = factory.Sequence(lambda n: f"program-{n}")
    name_ar = factory.Sequence(lambda n: f"برنامج الدعم {n}")
    name_en = factory.Sequence(lambda n: f"Support program {n}")
    description_ar = "دعم الأسر المحتاجة"
    required_document_types = factory.LazyFunction(lambda: ["national_id"])
    decision_days = 14
    quorum = 2


def _channel():
    from channels_app.models import Channel

    return Channel.objects.get(code="website")


class SupportRequestFactory(factory.django.DjangoModelFactory):
    """A request already at some stage (tests only: the app moves status through the service)."""

    class Meta:
        model = SupportRequest

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    program = factory.SubFactory(ProgramFactory)
    channel = factory.LazyFunction(_channel)
    need = "نحتاج إلى مساعدة في سداد الإيجار"
    status = Status.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)
    decision_due_at = factory.LazyAttribute(
        lambda o: o.submitted_at + datetime.timedelta(days=o.program.decision_days)
    )
    declaration_name = factory.LazyAttribute(lambda o: o.beneficiary.name_ar)
    declaration_signed_at = factory.LazyAttribute(lambda o: o.submitted_at)
    rules_accepted_at = factory.LazyAttribute(lambda o: o.submitted_at)

    class Params:
        in_verification = factory.Trait(status=Status.VERIFICATION)
        in_committee = factory.Trait(status=Status.COMMITTEE_REVIEW)
        waiting_for_applicant = factory.Trait(
            status=Status.NEEDS_INFO, clock_paused_at=factory.LazyFunction(timezone.now)
        )
