"""requests_app's parts of a beneficiary's data export and anonymisation (PDPL, issue #12)
for what the committee, delivery and portal issues added: decisions, votes, deliveries and
the changes applicants typed. Registered in the app's ready()."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from beneficiaries.privacy import (
    _delete_files,
    _scrub_history,
    field_labels,
    model_rows,
    register_anonymiser,
    register_subject_data_section,
)

DECISION_FIELDS = [
    "support_request",
    "outcome",
    "reason",
    "approved_kind",
    "approved_amount",
    "decided_at",
]
DELIVERY_FIELDS = [
    "support_request",
    "kind",
    "amount",
    "quantity",
    "delivered_on",
    "reference",
    "iban",
]


def _decisions(beneficiary):
    from .models import Decision

    return model_rows(
        Decision.objects.filter(support_request__beneficiary=beneficiary)
        .select_related("support_request")
        .order_by("decided_at"),
        DECISION_FIELDS,
    )


def _deliveries(beneficiary):
    from .models import ServiceDelivery

    return model_rows(
        ServiceDelivery.objects.filter(support_request__beneficiary=beneficiary)
        .select_related("support_request")
        .order_by("delivered_on", "pk"),
        DELIVERY_FIELDS,
    )


def anonymise(beneficiary) -> None:
    """Reasons and notes that speak of the person go, with the IBAN paid to, delivery
    proofs and what they typed on the portal; outcomes, kinds, amounts and dates stay."""
    from .models import ApplicantUpdate, CommitteeVote, Decision, ServiceDelivery

    of_beneficiary = {"support_request__beneficiary": beneficiary}
    request_ids = list(beneficiary.support_requests.values_list("pk", flat=True))
    vote_scrub = {"reason": "", "conflict_statement": ""}
    CommitteeVote.objects.filter(**of_beneficiary).update(**vote_scrub)
    _scrub_history(CommitteeVote, {"support_request_id__in": request_ids}, vote_scrub)
    # A decision is never edited through the ORM (its save refuses); erasing is the law's
    # exception and goes through an UPDATE.
    Decision.objects.filter(**of_beneficiary).update(reason="", votes_snapshot=[])
    deliveries = ServiceDelivery.objects.filter(**of_beneficiary)
    files = {name for name in deliveries.values_list("proof", flat=True) if name}
    delivery_scrub = {"iban": "", "notes": "", "reference": ""}
    deliveries.update(proof="", **delivery_scrub)
    _scrub_history(
        ServiceDelivery, {"support_request_id__in": request_ids}, {**delivery_scrub, "proof": ""}
    )
    transaction.on_commit(lambda: _delete_files(files))
    ApplicantUpdate.objects.filter(beneficiary=beneficiary).update(
        recorded_value="", typed_value=""
    )


def register() -> None:
    from .models import Decision, ServiceDelivery

    register_subject_data_section(
        "decisions",
        _decisions,
        label=_("Committee decisions"),
        labels=field_labels(Decision, DECISION_FIELDS),
    )
    register_subject_data_section(
        "deliveries",
        _deliveries,
        label=_("Deliveries"),
        labels=field_labels(ServiceDelivery, DELIVERY_FIELDS),
    )
    register_anonymiser("requests_app.committee_delivery_portal", anonymise)
