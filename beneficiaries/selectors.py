"""Reads of the registry that several pages share."""

import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from .models import SENSITIVE_PERMISSION, Beneficiary, BeneficiaryDocument


def can_see_sensitive_data(user) -> bool:
    """Income, IBAN, health and case notes (POL-7.4): officers and managers, not auditors."""
    return bool(user and user.is_active and user.has_perm(SENSITIVE_PERMISSION))


def can_download_documents(user) -> bool:
    """Documents hold ID copies and medical reports: staff with the sensitive-data
    permission who may view documents."""
    return bool(
        user
        and user.is_active
        and user.is_staff
        and user.has_perm("beneficiaries.view_beneficiarydocument")
        and can_see_sensitive_data(user)
    )


def documents_expiring_within(
    days: int, *, today: datetime.date | None = None
) -> QuerySet[BeneficiaryDocument]:
    """Documents still current that expire within ``days`` days, soonest first."""
    return (
        BeneficiaryDocument.objects.expiring_within(days, today=today)
        .select_related("beneficiary")
        .order_by("expiry_date", "id")
    )


def beneficiaries_with_documents_expiring(
    queryset: QuerySet[Beneficiary], days: int, *, today: datetime.date | None = None
) -> QuerySet[Beneficiary]:
    return queryset.filter(
        Exists(
            BeneficiaryDocument.objects.expiring_within(days, today=today).filter(
                beneficiary=OuterRef("pk")
            )
        )
    )


def beneficiaries_with_expired_documents(
    queryset: QuerySet[Beneficiary], *, today: datetime.date | None = None
) -> QuerySet[Beneficiary]:
    today = today or timezone.localdate()
    return queryset.filter(
        Exists(
            BeneficiaryDocument.objects.filter(
                beneficiary=OuterRef("pk"), expiry_date__lt=today
            ).exclude(status=BeneficiaryDocument.Status.REJECTED)
        )
    )


# Withdrawing either of these stops every message to the person (PDPL).
_MESSAGING_CONSENTS = ("contact", "data_processing")


def beneficiary_has_withdrawn_consent(beneficiary) -> bool:
    """The person withdrew their consent to be contacted or to have their data processed
    (the latest consent of that purpose is withdrawn), or the record is anonymised."""
    if beneficiary.status == Beneficiary.Status.ANONYMISED:
        return True
    latest: dict[str, bool] = {}
    for purpose, withdrawn_at in (
        beneficiary.consents.filter(purpose__in=_MESSAGING_CONSENTS)
        .order_by("-given_at", "-pk")
        .values_list("purpose", "withdrawn_at")
    ):
        latest.setdefault(purpose, withdrawn_at is not None)
    return any(latest.values())
