"""Writes with rules for the policies app: the association's profile, policy versions and
their board approval, board meetings, and staff acknowledgements.

Every function here is the only way its change happens; views, admin actions, the demo
and other apps call them. They raise ``ValidationError`` with a message in the person's
language when the rule says no, and leave the database as it was."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import (
    AssociationProfile,
    BoardAttendance,
    BoardMeeting,
    BoardMember,
    PolicyAcknowledgement,
    PolicyDocument,
    PolicyVersion,
)
from .selectors import forget_association_profile

Status = PolicyVersion.Status


class _Keep:
    """'Leave this field as it is' for partial updates (None may be a real value)."""

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return "KEEP"


KEEP = _Keep()


def association_profile_update(*, profile: AssociationProfile) -> AssociationProfile:
    """Save the single profile (pk 1) and let every page show the new identity."""
    profile.pk = 1
    profile.save()
    forget_association_profile()
    return profile


def _one_year_after(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _attribute(instance, actor) -> None:
    # simple-history reads the author of a change from the instance when there is no
    # request (services called from commands, tests, other apps).
    if actor is not None and getattr(actor, "is_authenticated", False):
        instance._history_user = actor


def _not_a_draft_error(version: PolicyVersion) -> ValidationError:
    if version.status == Status.APPROVED:
        return ValidationError(
            _(
                "Version %(number)s of «%(document)s» was approved by the board and can no "
                "longer be changed. Make a new draft version instead."
            ),
            code="approved_is_immutable",
            params={"number": version.number, "document": version.document.title},
        )
    return ValidationError(
        _("Version %(number)s of «%(document)s» is %(status)s and can no longer be changed."),
        code="not_a_draft",
        params={
            "number": version.number,
            "document": version.document.title,
            "status": version.get_status_display(),
        },
    )


@transaction.atomic
def policy_version_create_draft(
    *,
    document: PolicyDocument,
    body_ar: str | None = None,
    body_en: str | None = None,
    change_note: str = "",
    next_review_date: datetime.date | None = None,
    actor=None,
) -> PolicyVersion:
    """A new draft version with the next number. Texts left as None start from the latest
    version's wording, so a change to the policy in force starts from its text."""
    # Locking the document gives each new draft its own number when two people click.
    document = PolicyDocument.objects.select_for_update().get(pk=document.pk)
    latest = document.versions.order_by("-number").first()
    if body_ar is None:
        body_ar = latest.body_ar if latest else ""
    if body_en is None:
        body_en = latest.body_en if latest else ""
    version = PolicyVersion(
        document=document,
        number=(latest.number + 1) if latest else 1,
        status=Status.DRAFT,
        body_ar=body_ar,
        body_en=body_en,
        change_note=change_note,
        next_review_date=next_review_date,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    version.full_clean()
    _attribute(version, actor)
    version.save()
    return version


@transaction.atomic
def policy_version_update_draft(
    *,
    version: PolicyVersion,
    body_ar: str | _Keep = KEEP,
    body_en: str | _Keep = KEEP,
    change_note: str | _Keep = KEEP,
    next_review_date: datetime.date | None | _Keep = KEEP,
    actor=None,
) -> PolicyVersion:
    """Change a draft's wording. An approved (or superseded, retired) version is refused:
    what the board approved is never edited."""
    version = (
        PolicyVersion.objects.select_for_update().select_related("document").get(pk=version.pk)
    )
    if version.status != Status.DRAFT:
        raise _not_a_draft_error(version)
    changes = {
        "body_ar": body_ar,
        "body_en": body_en,
        "change_note": change_note,
        "next_review_date": next_review_date,
    }
    for field, value in changes.items():
        if value is not KEEP:
            setattr(version, field, value)
    version.full_clean()
    _attribute(version, actor)
    version.save()
    return version


@transaction.atomic
def policy_version_approve(
    *,
    version: PolicyVersion,
    meeting: BoardMeeting | None,
    actor,
    effective_date: datetime.date | None = None,
    next_review_date: datetime.date | None = None,
) -> PolicyVersion:
    """Record that the board approved a draft at a meeting: the draft becomes the version
    in force and the one in force until now is superseded, in one transaction, so exactly
    one version of the document is in force at any moment (POL-8).

    The effective date defaults to the meeting's date; the next review date to the draft's
    own, else one year after it takes effect (POL-1.2)."""
    if meeting is None or meeting.pk is None:
        raise ValidationError(
            _("Choose the board meeting that approved this version: approval needs a meeting."),
            code="meeting_required",
        )
    # Every approval of a document queues on the document row, then re-reads what is in
    # force: two approvals racing end with one version in force and the other superseded.
    PolicyDocument.objects.select_for_update().get(pk=version.document_id)
    version = (
        PolicyVersion.objects.select_for_update().select_related("document").get(pk=version.pk)
    )
    if version.status == Status.APPROVED:
        raise ValidationError(
            _("Version %(number)s of «%(document)s» is already approved and in force."),
            code="already_approved",
            params={"number": version.number, "document": version.document.title},
        )
    if version.status != Status.DRAFT:
        raise ValidationError(
            _("Only a draft can be approved; version %(number)s of «%(document)s» is %(status)s."),
            code="not_a_draft",
            params={
                "number": version.number,
                "document": version.document.title,
                "status": version.get_status_display(),
            },
        )
    if not version.body_ar.strip():
        raise ValidationError(
            _("The Arabic text is empty: there is nothing for the board to approve."),
            code="empty_text",
        )
    meeting = BoardMeeting.objects.get(pk=meeting.pk)
    if not BoardAttendance.objects.filter(meeting=meeting).exists():
        raise ValidationError(
            _(
                "%(meeting)s has no members present. Add the members who attended before "
                "recording what it approved."
            ),
            code="meeting_without_members",
            params={"meeting": str(meeting)},
        )
    effective = effective_date or meeting.date
    if effective < meeting.date:
        raise ValidationError(
            _("A version cannot take effect before the meeting that approved it (%(date)s)."),
            code="effective_before_meeting",
            params={"date": meeting.date.isoformat()},
        )
    review = next_review_date or version.next_review_date or _one_year_after(effective)
    if review <= effective:
        raise ValidationError(
            _("The next review date must come after the effective date."),
            code="review_before_effective",
        )

    now = timezone.now()
    for current in PolicyVersion.objects.select_for_update().filter(
        document_id=version.document_id, status=Status.APPROVED
    ):
        current.status = Status.SUPERSEDED
        current.ended_at = now
        _attribute(current, actor)
        current.save(update_fields=["status", "ended_at", "updated_at"])

    version.status = Status.APPROVED
    version.approved_meeting = meeting
    version.approved_at = now
    version.approved_by = actor if getattr(actor, "is_authenticated", False) else None
    version.effective_date = effective
    version.next_review_date = review
    version.ended_at = None
    _attribute(version, actor)
    version.save()
    return version


@transaction.atomic
def policy_version_retire(*, version: PolicyVersion, actor) -> PolicyVersion:
    """Withdraw the version in force without a successor (the document is then no longer
    in force), or set aside a draft the board will not see."""
    PolicyDocument.objects.select_for_update().get(pk=version.document_id)
    version = (
        PolicyVersion.objects.select_for_update().select_related("document").get(pk=version.pk)
    )
    if version.status not in (Status.DRAFT, Status.APPROVED):
        raise ValidationError(
            _("Version %(number)s of «%(document)s» is already %(status)s."),
            code="already_ended",
            params={
                "number": version.number,
                "document": version.document.title,
                "status": version.get_status_display(),
            },
        )
    if version.status == Status.APPROVED:
        version.ended_at = timezone.now()
    version.status = Status.RETIRED
    _attribute(version, actor)
    version.save(update_fields=["status", "ended_at", "updated_at"])
    return version


def policy_version_acknowledge(*, version: PolicyVersion, user) -> PolicyAcknowledgement:
    """Record that a staff member has read the version in force (once; a second click
    returns the first record)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise ValidationError(_("Sign in to confirm you have read a policy."), code="anonymous")
    with transaction.atomic():
        version = PolicyVersion.objects.select_related("document").get(pk=version.pk)
        if version.status != Status.APPROVED:
            raise ValidationError(
                _(
                    "Only the version in force can be acknowledged; version %(number)s of "
                    "«%(document)s» is %(status)s."
                ),
                code="not_in_force",
                params={
                    "number": version.number,
                    "document": version.document.title,
                    "status": version.get_status_display(),
                },
            )
        acknowledgement, _created = PolicyAcknowledgement.objects.get_or_create(
            version=version, user=user
        )
    return acknowledgement


def board_attendance_check(*, meeting_date: datetime.date, members: Iterable[BoardMember]):
    """ValidationError naming every member whose term does not cover the meeting date."""
    outside = [member for member in members if not member.serves_on(meeting_date)]
    if outside:
        raise ValidationError(
            _("Not on the board on the meeting date: %(names)s. Check their term of office."),
            code="member_out_of_term",
            params={"names": "، ".join(member.name for member in outside)},
        )


@transaction.atomic
def board_meeting_record(
    *,
    number: int,
    hijri_date_text: str,
    date: datetime.date | None = None,
    place: str = "",
    notes: str = "",
    members: Iterable[BoardMember] = (),
    actor=None,
) -> BoardMeeting:
    """Enter a board meeting from its minutes: the Hijri date as written (it must exist),
    the Gregorian date (computed from the Hijri one when not given) and who attended."""
    meeting = BoardMeeting(
        number=number,
        hijri_date_text=(hijri_date_text or "").strip(),
        date=date,
        place=place,
        notes=notes,
    )
    # clean() reads the Hijri date (refusing one that does not exist) and fills the
    # Gregorian date when none was given.
    meeting.full_clean()
    members = list(members)
    board_attendance_check(meeting_date=meeting.date, members=members)
    _attribute(meeting, actor)
    meeting.save()
    BoardAttendance.objects.bulk_create(
        [BoardAttendance(meeting=meeting, member=member) for member in members]
    )
    return meeting
