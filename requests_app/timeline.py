"""The request workflow's entries in the shared timeline (channels_app.timeline)."""

from channels_app.timeline import beneficiary_requests, timeline_source_register


def _of_requests(model, requests, *, related, at) -> list:
    """The records of ``requests`` (already read), each pointing at its request object:
    no join to the requests table, and no query at all for a person without requests."""
    by_pk = {support_request.pk: support_request for support_request in requests}
    if not by_pk:
        return []
    records = list(
        model.objects.filter(support_request_id__in=list(by_pk))
        .select_related(*related)
        .order_by(at, "pk")
    )
    for record in records:
        record.support_request = by_pk[record.support_request_id]
    return records


def _register_per_request(kind, model, *, template, related, at="created_at") -> None:
    """A source of records that belong to a request: one query for a request's page, one
    for a beneficiary's (with the request, to name it), oldest first."""
    timeline_source_register(
        kind,
        template=template,
        at=at,
        for_request=lambda r: (
            model.objects.filter(support_request=r).select_related(*related).order_by(at, "pk")
        ),
        for_beneficiary=lambda b: _of_requests(
            model, beneficiary_requests(b), related=related, at=at
        ),
    )


def register() -> None:
    from .models import CommitteeVote, Referral, ResearchReport, ServiceDelivery, StatusChange

    _register_per_request(
        "status", StatusChange, template="channels_app/timeline/status.html", related=["actor"]
    )
    _register_per_request(
        "research",
        ResearchReport,
        template="channels_app/timeline/research.html",
        related=["researcher"],
    )
    _register_per_request(
        "referral",
        Referral,
        template="channels_app/timeline/referral.html",
        related=["created_by"],
    )
    _register_per_request(
        "vote",
        CommitteeVote,
        template="requests_app/timeline/vote.html",
        related=["member", "meeting"],
        at="cast_at",
    )
    _register_per_request(
        "delivery",
        ServiceDelivery,
        template="requests_app/timeline/delivery.html",
        related=["delivered_by"],
    )
