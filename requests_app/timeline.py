"""The request workflow's entries in the shared timeline (channels_app.timeline)."""

from channels_app.timeline import timeline_source_register


def register() -> None:
    from .models import CommitteeVote, Referral, ResearchReport, ServiceDelivery, StatusChange

    timeline_source_register(
        "status",
        template="channels_app/timeline/status.html",
        for_request=lambda r: (
            StatusChange.objects.filter(support_request=r)
            .select_related("actor")
            .order_by("created_at", "pk")
        ),
        for_beneficiary=lambda b: (
            StatusChange.objects.filter(support_request__beneficiary=b)
            .select_related("actor", "support_request")
            .order_by("created_at", "pk")
        ),
    )
    timeline_source_register(
        "research",
        template="channels_app/timeline/research.html",
        for_request=lambda r: (
            ResearchReport.objects.filter(support_request=r)
            .select_related("researcher")
            .order_by("created_at", "pk")
        ),
        for_beneficiary=lambda b: (
            ResearchReport.objects.filter(support_request__beneficiary=b)
            .select_related("researcher", "support_request")
            .order_by("created_at", "pk")
        ),
    )
    timeline_source_register(
        "referral",
        template="channels_app/timeline/referral.html",
        for_request=lambda r: (
            Referral.objects.filter(support_request=r)
            .select_related("created_by")
            .order_by("created_at", "pk")
        ),
        for_beneficiary=lambda b: (
            Referral.objects.filter(support_request__beneficiary=b)
            .select_related("created_by", "support_request")
            .order_by("created_at", "pk")
        ),
    )
    timeline_source_register(
        "vote",
        template="requests_app/timeline/vote.html",
        at="cast_at",
        for_request=lambda r: (
            CommitteeVote.objects.filter(support_request=r)
            .select_related("member", "meeting")
            .order_by("cast_at", "pk")
        ),
        for_beneficiary=lambda b: (
            CommitteeVote.objects.filter(support_request__beneficiary=b)
            .select_related("member", "meeting", "support_request")
            .order_by("cast_at", "pk")
        ),
    )
    timeline_source_register(
        "delivery",
        template="requests_app/timeline/delivery.html",
        for_request=lambda r: (
            ServiceDelivery.objects.filter(support_request=r)
            .select_related("delivered_by")
            .order_by("created_at", "pk")
        ),
        for_beneficiary=lambda b: (
            ServiceDelivery.objects.filter(support_request__beneficiary=b)
            .select_related("delivered_by", "support_request")
            .order_by("created_at", "pk")
        ),
    )
