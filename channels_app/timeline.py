"""One chronological timeline of everything that happened with a beneficiary or a request.

Each part of Mustafid registers its own source once (usually in its AppConfig.ready):

    timeline_source_register(
        "vote",
        template="committee/timeline/vote.html",
        for_request=lambda support_request: support_request.votes.select_related("member"),
        for_beneficiary=lambda beneficiary: CommitteeVote.objects.filter(
            support_request__beneficiary=beneficiary
        ).select_related("member"),
        at="cast_at",
    )

A source answers with a queryset (or any iterable) of records; ``at`` names the
attribute holding the time. One query per source, whatever the length of the history,
so the page's query count stays fixed."""

from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from operator import attrgetter
from typing import Any


@dataclass(frozen=True)
class TimelineSource:
    kind: str
    template: str
    for_request: Callable[[Any], Iterable] | None
    for_beneficiary: Callable[[Any], Iterable] | None
    at: str


@dataclass(frozen=True)
class TimelineEntry:
    kind: str
    at: Any
    object: Any
    template: str

    # The request page's template reads entries as dicts (entry.kind, entry.object).
    def __getitem__(self, key):
        return getattr(self, key)


_SOURCES: dict[str, TimelineSource] = {}


def timeline_source_register(
    kind: str,
    *,
    template: str,
    for_request: Callable[[Any], Iterable] | None = None,
    for_beneficiary: Callable[[Any], Iterable] | None = None,
    at: str = "created_at",
) -> None:
    """Add (or replace) one source of timeline entries."""
    _SOURCES[kind] = TimelineSource(kind, template, for_request, for_beneficiary, at)


def timeline_sources() -> list[TimelineSource]:
    return list(_SOURCES.values())


def _collect(records: Iterable, source: TimelineSource) -> list[TimelineEntry]:
    read = attrgetter(source.at)
    return [TimelineEntry(source.kind, read(record), record, source.template) for record in records]


def _precompiled(records: Iterable, kind: str, page: str) -> Iterable:
    """A source's queryset with its SQL kept from one page view to the next (the same
    question about another row, config.precompiled)."""
    from django.db.models import QuerySet

    if isinstance(records, QuerySet):
        from config.precompiled import precompiled

        return precompiled(records, f"timeline: {kind} of a {page}")
    return records


def _sorted(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    # Oldest first; a stable sort keeps each source's own order for equal times.
    return sorted(entries, key=lambda entry: entry.at)


# Entries a role may only see with a permission (the others follow the page itself): the
# committee's votes and reasons, the contact log, the messages sent.
KIND_PERMISSIONS = {
    "vote": "requests_app.view_committeevote",
    "interaction": "channels_app.view_interaction",
    "notification": "channels_app.view_notification",
}


def kinds_for(user) -> list[str]:
    """The timeline kinds ``user`` may see, for ``kinds=`` of the functions below."""
    return [
        source.kind
        for source in _SOURCES.values()
        if source.kind not in KIND_PERMISSIONS or user.has_perm(KIND_PERMISSIONS[source.kind])
    ]


def request_timeline(support_request, kinds: Iterable[str] | None = None) -> list[TimelineEntry]:
    """``kinds`` limits the sources (e.g. the public tracking page shows no staff contacts)."""
    wanted = set(kinds) if kinds is not None else None
    entries: list[TimelineEntry] = []
    for source in _SOURCES.values():
        if wanted is not None and source.kind not in wanted:
            continue
        if source.for_request is not None:
            records = _precompiled(source.for_request(support_request), source.kind, "request")
            entries.extend(_collect(records, source))
    return _sorted(entries)


# The person's requests while their timeline is being read: the sources of records that
# belong to a request (status changes, reports, deliveries…) and the messages about them
# look them up by id instead of each joining the requests table again.
_REQUESTS: ContextVar[tuple[Any, list] | None] = ContextVar("timeline_requests", default=None)


def beneficiary_requests(beneficiary) -> list:
    """The beneficiary's requests: read once per beneficiary_timeline() call."""
    current = _REQUESTS.get()
    if current is not None and current[0] == beneficiary.pk:
        return current[1]
    return list(beneficiary.support_requests.all())


def beneficiary_timeline(beneficiary, kinds: Iterable[str] | None = None) -> list[TimelineEntry]:
    wanted = set(kinds) if kinds is not None else None
    entries: list[TimelineEntry] = []
    requests = _precompiled(beneficiary.support_requests.all(), "requests", "person")
    token = _REQUESTS.set((beneficiary.pk, list(requests)))
    try:
        for source in _SOURCES.values():
            if wanted is not None and source.kind not in wanted:
                continue
            if source.for_beneficiary is not None:
                records = source.for_beneficiary(beneficiary)
                entries.extend(_collect(_precompiled(records, source.kind, "person"), source))
    finally:
        _REQUESTS.reset(token)
    return _sorted(entries)


# -- this app's own sources: contacts and messages ------------------------------------------


def _interactions_for_request(support_request):
    from .models import Interaction

    return (
        Interaction.objects.filter(support_request=support_request)
        .select_related("channel", "staff", "referred_to")
        .order_by("occurred_at", "id")
    )


def _interactions_for_beneficiary(beneficiary):
    from .models import Interaction

    return (
        Interaction.objects.filter(beneficiary=beneficiary)
        .select_related("channel", "staff", "referred_to", "support_request")
        .order_by("occurred_at", "id")
    )


def _notifications_for_request(support_request):
    from .selectors import notifications_for

    return notifications_for(support_request)


def _notifications_for_beneficiary(beneficiary):
    from .selectors import notifications_for_many

    return notifications_for_many(beneficiary_requests(beneficiary))


def register_default_sources() -> None:
    timeline_source_register(
        "interaction",
        template="channels_app/timeline/interaction.html",
        for_request=_interactions_for_request,
        for_beneficiary=_interactions_for_beneficiary,
        at="occurred_at",
    )
    timeline_source_register(
        "notification",
        template="channels_app/timeline/notification.html",
        for_request=_notifications_for_request,
        for_beneficiary=_notifications_for_beneficiary,
    )
