"""The request workflow's entries in the shared timeline (channels_app.timeline)."""

from channels_app.timeline import beneficiary_requests, timeline_source_register

from .workflow import ALLOWED_MOVES, Status


def statuses_from(statuses) -> frozenset[str]:
    """``statuses`` and every status the workflow can lead to from them."""
    seen = set(statuses)
    todo = list(seen)
    while todo:
        for target in ALLOWED_MOVES.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return frozenset(seen)


# The statuses a request may be in once it has records of a kind: each kind is made in
# certain statuses only (the services refuse it elsewhere), so a request whose status
# cannot follow them has none, and its page does not ask the database for them (a new
# request's page: four queries fewer, issue #11). Kinds not named here are always read.
POSSIBLE_IN: dict[str, frozenset[str]] = {
    # research_report_file: only while with the researcher.
    "research": statuses_from([Status.REFERRED_RESEARCH]),
    # support_request_refer_external: made with the move.
    "referral": statuses_from([Status.REFERRED_EXTERNAL]),
    # committee_vote_cast: only during the committee's review.
    "vote": statuses_from([Status.COMMITTEE_REVIEW]),
    # service_delivery_record: only once approved.
    "delivery": statuses_from([Status.APPROVED, Status.IN_DELIVERY]),
}


def may_have(kind: str, status: str) -> bool:
    """Whether a request in ``status`` can have records of ``kind``."""
    possible = POSSIBLE_IN.get(kind)
    return possible is None or status in possible


def _of_requests(model, requests, *, related, at) -> list:
    """The records of ``requests`` (already read), each pointing at its request object:
    no join to the requests table, and no query at all for a person without requests."""
    from config.precompiled import precompiled

    by_pk = {support_request.pk: support_request for support_request in requests}
    if not by_pk:
        return []
    records = list(
        precompiled(
            model.objects.filter(support_request_id__in=list(by_pk))
            .select_related(*related)
            .order_by(at, "pk"),
            f"timeline: {model._meta.label} of a person",
        )
    )
    for record in records:
        record.support_request = by_pk[record.support_request_id]
    return records


def _register_per_request(kind, model, *, template, related, at="created_at") -> None:
    """A source of records that belong to a request: one query for a request's page, one
    for a beneficiary's (with the request, to name it), oldest first; none when no
    request's status allows the kind (POSSIBLE_IN)."""

    def for_request(support_request):
        if not may_have(kind, support_request.status):
            return []  # not even a queryset to build and compile
        return (
            model.objects.filter(support_request=support_request)
            .select_related(*related)
            .order_by(at, "pk")
        )

    def for_beneficiary(beneficiary):
        requests = [r for r in beneficiary_requests(beneficiary) if may_have(kind, r.status)]
        return _of_requests(model, requests, related=related, at=at)

    timeline_source_register(
        kind, template=template, at=at, for_request=for_request, for_beneficiary=for_beneficiary
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
