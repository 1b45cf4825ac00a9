"""Privacy (PDPL): data-subject requests and breaches."""

import datetime

import factory
from django.utils import timezone

from beneficiaries.models import BreachRecord, DataSubjectRequest

from .beneficiaries import BeneficiaryFactory

__all__ = ["BreachRecordFactory", "DataSubjectRequestFactory"]


class DataSubjectRequestFactory(factory.django.DjangoModelFactory):
    """An open request received now, due in 30 days (the app opens them through
    beneficiaries.privacy.data_subject_request_open)."""

    class Meta:
        model = DataSubjectRequest

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    kind = DataSubjectRequest.Kind.ACCESS
    details = "أرغب في نسخة من بياناتي"
    received_at = factory.LazyFunction(timezone.now)
    due_at = factory.LazyAttribute(lambda o: o.received_at + datetime.timedelta(days=30))

    class Params:
        verified = factory.Trait(
            verified_at=factory.LazyFunction(timezone.now),
            verification_method=DataSubjectRequest.VerificationMethod.IN_PERSON,
        )


class BreachRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BreachRecord

    detected_at = factory.LazyFunction(timezone.now)
    description = "Laptop with an export of beneficiaries lost"
    data_categories = "names, mobiles"
    people_affected = 120
    severity = BreachRecord.Severity.HIGH
