"""Reads of the association's profile and policies shared by many pages and other apps.

``version_in_force(kind)`` is the contract other apps build on: the application form
shows the consent, declaration and privacy texts in force and stores the version the
applicant accepted."""

import copy
import datetime
import time
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import transaction
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from .models import (
    POSITION_RANK,
    AssociationProfile,
    BoardAttendance,
    BoardMember,
    PolicyAcknowledgement,
    PolicyDocument,
    PolicyVersion,
)

_PROFILE_CACHE_KEY = "mustafid:association-profile"
# Every page shows the profile; a minute of staleness after an edit is acceptable and
# spares each page a query.
_PROFILE_CACHE_SECONDS = 60
# On top of the shared cache (a query in production, where it is the database cache),
# each process keeps the profile in memory for a few seconds: a busy worker then reads it
# from the database once per interval instead of once per page (issue 11). An edit made
# through the service or any save in this process forgets it at once (below); another
# process shows it within these seconds. Short, because the profile carries a security
# switch (two-step sign-in): a few seconds is the time a request already under way takes.
_PROFILE_MEMORY_SECONDS = 5
_profile_in_memory: tuple[float, AssociationProfile] | None = None

Kind = PolicyDocument.Kind

# POL-6: the tools available to the beneficiary-relations officer, in the seeds' order.
# The beneficiary support request form is the public application form (/apply/).
OFFICER_TOOL_KINDS = [
    Kind.BASIC_BYLAWS,
    Kind.SOCIAL_RESEARCH_GUIDE,
    Kind.SUPPORT_POLICY_GUIDE,
    Kind.SERVICE_DELIVERY_GUIDE,
    Kind.BENEFICIARY_RELATIONS,
]


def association_profile() -> AssociationProfile:
    """The association's profile; an unsaved default until someone edits it. A copy, so a
    caller that changes it changes no other page's."""
    global _profile_in_memory
    now = time.monotonic()
    kept = _profile_in_memory
    if kept is None or now - kept[0] >= _PROFILE_MEMORY_SECONDS:
        profile = cache.get(_PROFILE_CACHE_KEY)
        if profile is None:
            profile = AssociationProfile.objects.filter(pk=1).first() or AssociationProfile(pk=1)
            cache.set(_PROFILE_CACHE_KEY, profile, _PROFILE_CACHE_SECONDS)
        kept = _profile_in_memory = (now, profile)
    return copy.copy(kept[1])


def request_association_profile(request) -> AssociationProfile:
    """The profile, read once per request: a staff page asks for it twice (the two-step
    check in config/twofactor.py and the context processor). Kept on the request, so one
    page shows one version of it."""
    try:
        return request._mustafid_association_profile
    except AttributeError:
        profile = request._mustafid_association_profile = association_profile()
        return profile


def forget_association_profile(**kwargs) -> None:
    """Every page shows the profile as it is now: the shared cache and this process's
    memory are emptied (other processes' memory expires within _PROFILE_MEMORY_SECONDS),
    now and again when the edit's transaction commits, so a page read meanwhile does not
    keep the old row."""
    _now_and_at_commit(_forget_everywhere)


def forget_profile_in_memory(**kwargs) -> None:
    """This process's copy only, now and at commit: for a save that bypasses the service
    (the demo, a test) and for the tests' cache reset."""
    _now_and_at_commit(_forget_in_memory)


def _now_and_at_commit(forget) -> None:
    forget()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(forget)


def _forget_everywhere() -> None:
    _forget_in_memory()
    cache.delete(_PROFILE_CACHE_KEY)


def _forget_in_memory() -> None:
    global _profile_in_memory
    _profile_in_memory = None


for _signal in (post_save, post_delete):
    _signal.connect(
        forget_profile_in_memory,
        sender=AssociationProfile,
        dispatch_uid=f"mustafid-profile-in-memory-{id(_signal)}",
    )


def _in_force() -> QuerySet[PolicyVersion]:
    return (
        PolicyVersion.objects.filter(status=PolicyVersion.Status.APPROVED, document__is_active=True)
        .select_related("document", "approved_meeting")
        .order_by("document__position", "document_id")
    )


def version_in_force(kind: str) -> PolicyVersion | None:
    """The version in force of a kind of document, or None when none is approved.

    A stable API for other apps:

    - ``kind`` is a ``PolicyDocument.Kind`` value (``"consent"``, ``"declaration"``,
      ``"privacy_notice"``…); an unknown kind raises ``ValueError`` so a typo fails in
      tests instead of silently showing nothing.
    - The documents of that kind that are active are taken in list order (position,
      then id); the first one with an approved version gives the answer.
    - ``None`` means nothing of that kind is in force yet (a fresh installation keeps the
      standard texts as drafts until the board approves them): the caller falls back.
    - The version returned never changes once approved (services refuse edits and the
      foreign key protects it from deletion), so storing its primary key records exactly
      the text a person saw. ``body_html`` is safe HTML in the active language
      (``body_ar_html`` / ``body_en_html`` for one language).
    """
    if kind not in Kind.values:
        raise ValueError(f"Unknown policy document kind {kind!r}; use PolicyDocument.Kind.")
    return _in_force().filter(document__kind=kind).first()


def versions_in_force(kinds) -> dict[str, PolicyVersion | None]:
    """``version_in_force`` for several kinds in one query: ``{kind: version or None}``."""
    kinds = list(kinds)
    for kind in kinds:
        if kind not in Kind.values:
            raise ValueError(f"Unknown policy document kind {kind!r}; use PolicyDocument.Kind.")
    found: dict[str, PolicyVersion | None] = dict.fromkeys(kinds)
    for version in _in_force().filter(document__kind__in=kinds):
        if found[version.document.kind] is None:
            found[version.document.kind] = version
    return found


def approving_members(meeting) -> list[BoardMember]:
    """The members present at a meeting, chairman first, as the seeds list them."""
    if meeting is None:
        return []
    if hasattr(meeting, "_prefetched_members"):
        members = meeting._prefetched_members
    else:
        members = [a.member for a in meeting.attendance.select_related("member")]
    return sorted(members, key=lambda m: (POSITION_RANK[m.position], m.name_ar))


def _with_members(versions: list[PolicyVersion]) -> list[PolicyVersion]:
    meetings = {v.approved_meeting_id: v.approved_meeting for v in versions if v.approved_meeting}
    if meetings:
        by_meeting: dict[int, list[BoardMember]] = {pk: [] for pk in meetings}
        for attendance in BoardAttendance.objects.filter(meeting_id__in=meetings).select_related(
            "member"
        ):
            by_meeting[attendance.meeting_id].append(attendance.member)
        for pk, meeting in meetings.items():
            meeting._prefetched_members = by_meeting[pk]
    for version in versions:
        version.approvers = approving_members(version.approved_meeting)
    return versions


def documents_in_force(*, public_only: bool = True) -> list[PolicyVersion]:
    """Every version in force (one per active document), in list order, each with
    ``approvers``: the board members present at the meeting that approved it."""
    versions = _in_force()
    if public_only:
        versions = versions.filter(document__is_public=True)
    return _with_members(list(versions))


def public_version_in_force(slug: str) -> PolicyVersion | None:
    """The version in force of a public, active document, with its approvers."""
    version = _in_force().filter(document__slug=slug, document__is_public=True).first()
    return _with_members([version])[0] if version else None


def board_serving_on(day: datetime.date) -> list[BoardMember]:
    """The board on a day (signature lines of a draft printed for the board)."""
    members = BoardMember.objects.filter(term_start__lte=day).filter(
        Q(term_end__isnull=True) | Q(term_end__gte=day)
    )
    return sorted(members, key=lambda m: (POSITION_RANK[m.position], m.name_ar))


def documents_due_for_review(today: datetime.date | None = None) -> QuerySet[PolicyDocument]:
    """Active documents whose version in force has reached its next review date
    (POL-1.2), soonest first, annotated with ``review_due_on`` and ``version_number``."""
    today = today or timezone.localdate()
    in_force = PolicyVersion.objects.filter(
        document=OuterRef("pk"), status=PolicyVersion.Status.APPROVED
    )
    return (
        PolicyDocument.objects.filter(is_active=True)
        .annotate(
            review_due_on=Subquery(in_force.values("next_review_date")[:1]),
            version_number=Subquery(in_force.values("number")[:1]),
        )
        .filter(review_due_on__lte=today)
        .order_by("review_due_on", "position", "id")
    )


@dataclass
class ToolRow:
    kind: str
    label: str
    documents: list = field(default_factory=list)  # [(document, version in force | None)]


def officer_tools() -> list[ToolRow]:
    """POL-6: the documents the relations officer works with, kind by kind, each with the
    version in force (None when the board has not approved one yet)."""
    documents = (
        PolicyDocument.objects.filter(is_active=True, kind__in=OFFICER_TOOL_KINDS)
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=PolicyVersion.objects.filter(status=PolicyVersion.Status.APPROVED),
                to_attr="in_force",
            )
        )
        .order_by("position", "id")
    )
    rows = {kind: ToolRow(kind=kind, label=Kind(kind).label) for kind in OFFICER_TOOL_KINDS}
    for document in documents:
        rows[document.kind].documents.append(
            (document, document.in_force[0] if document.in_force else None)
        )
    return list(rows.values())


def acknowledgement_permission() -> Permission:
    return Permission.objects.get(
        content_type__app_label="policies", codename="add_policyacknowledgement"
    )


def expected_readers() -> QuerySet:
    """Active staff whose role asks them to read and acknowledge the policies."""
    permission = acknowledgement_permission()
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(Q(groups__permissions=permission) | Q(user_permissions=permission))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


@dataclass
class AcknowledgementRow:
    version: PolicyVersion
    read: list = field(default_factory=list)  # [PolicyAcknowledgement]
    unread: list = field(default_factory=list)  # [User]

    @property
    def total(self) -> int:
        return len(self.read) + len(self.unread)


def acknowledgement_report() -> list[AcknowledgementRow]:
    """For every version in force: who has read it and who has not yet."""
    readers = list(expected_readers())
    versions = list(_in_force())
    acknowledgements: dict[int, list[PolicyAcknowledgement]] = {v.pk: [] for v in versions}
    for ack in PolicyAcknowledgement.objects.filter(version__in=versions).select_related("user"):
        acknowledgements[ack.version_id].append(ack)
    report = []
    for version in versions:
        read = acknowledgements[version.pk]
        read_ids = {ack.user_id for ack in read}
        report.append(
            AcknowledgementRow(
                version=version,
                read=read,
                unread=[user for user in readers if user.pk not in read_ids],
            )
        )
    return report


def acknowledged_version_ids(user) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(PolicyAcknowledgement.objects.filter(user=user).values_list("version_id", flat=True))
