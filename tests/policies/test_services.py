"""Policy versions: drafts, board approval, superseding, retirement, acknowledgement."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from policies.models import PolicyAcknowledgement, PolicyVersion
from policies.services import (
    policy_version_acknowledge,
    policy_version_approve,
    policy_version_create_draft,
    policy_version_retire,
    policy_version_update_draft,
)
from tests.factories import BoardMeetingFactory, PolicyVersionFactory, UserFactory

pytestmark = pytest.mark.django_db
Status = PolicyVersion.Status


def in_force(document):
    return list(document.versions.filter(status=Status.APPROVED))


def messages_in(language, exc_info):
    with translation.override(language):
        return " ".join(exc_info.value.messages)


def test_a_new_draft_gets_the_next_number_and_starts_from_the_latest_text(draft):
    second = policy_version_create_draft(document=draft.document)
    assert second.number == 2
    assert second.status == Status.DRAFT
    assert second.body_ar == draft.body_ar and second.body_en == draft.body_en


def test_a_draft_can_be_edited(draft):
    policy_version_update_draft(version=draft, body_ar="## نص معدل", change_note="تعديل")
    draft.refresh_from_db()
    assert draft.body_ar == "## نص معدل" and draft.change_note == "تعديل"


def test_approving_makes_the_draft_the_version_in_force(draft, meeting, manager):
    version = policy_version_approve(version=draft, meeting=meeting, actor=manager)
    assert version.status == Status.APPROVED
    assert version.approved_meeting == meeting
    assert version.effective_date == meeting.date
    assert version.next_review_date == datetime.date(2025, 9, 18)
    assert version.approved_by == manager
    assert in_force(draft.document) == [version]


def test_approving_a_new_version_supersedes_the_one_in_force(draft, meeting, manager):
    first = policy_version_approve(version=draft, meeting=meeting, actor=manager)
    second = policy_version_create_draft(document=draft.document, body_ar="## الإصدار الثاني")
    policy_version_approve(version=second, meeting=meeting, actor=manager)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Status.SUPERSEDED and first.ended_at is not None
    assert second.status == Status.APPROVED
    assert in_force(draft.document) == [second]


def test_approval_without_a_meeting_is_refused_in_arabic_and_english(draft, manager):
    with pytest.raises(ValidationError) as exc_info:
        policy_version_approve(version=draft, meeting=None, actor=manager)
    assert "اجتماع مجلس الإدارة" in messages_in("ar", exc_info)
    assert "board meeting" in messages_in("en", exc_info)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.approved_meeting is None


def test_approving_an_approved_version_again_is_refused(draft, meeting, manager):
    policy_version_approve(version=draft, meeting=meeting, actor=manager)
    with pytest.raises(ValidationError) as exc_info:
        policy_version_approve(version=draft, meeting=meeting, actor=manager)
    assert exc_info.value.code == "already_approved"
    assert "معتمد" in messages_in("ar", exc_info)
    assert "already approved" in messages_in("en", exc_info)


def test_a_superseded_version_cannot_be_approved_again(draft, meeting, manager):
    policy_version_approve(version=draft, meeting=meeting, actor=manager)
    second = policy_version_create_draft(document=draft.document)
    policy_version_approve(version=second, meeting=meeting, actor=manager)
    with pytest.raises(ValidationError) as exc_info:
        policy_version_approve(version=draft, meeting=meeting, actor=manager)
    assert exc_info.value.code == "not_a_draft"
    assert in_force(draft.document) == [second]


def test_an_approved_version_is_never_edited(draft, meeting, manager):
    policy_version_approve(version=draft, meeting=meeting, actor=manager)
    with pytest.raises(ValidationError) as exc_info:
        policy_version_update_draft(version=draft, body_ar="تغيير بعد الاعتماد")
    assert exc_info.value.code == "approved_is_immutable"
    assert "مسودة جديدة" in messages_in("ar", exc_info)
    assert "new draft version" in messages_in("en", exc_info)
    draft.refresh_from_db()
    assert draft.body_ar != "تغيير بعد الاعتماد"


def test_a_meeting_without_members_present_cannot_approve(draft, manager):
    empty = BoardMeetingFactory(members=[])
    with pytest.raises(ValidationError) as exc_info:
        policy_version_approve(version=draft, meeting=empty, actor=manager)
    assert exc_info.value.code == "meeting_without_members"


def test_a_version_cannot_take_effect_before_the_meeting(draft, meeting, manager):
    with pytest.raises(ValidationError):
        policy_version_approve(
            version=draft,
            meeting=meeting,
            actor=manager,
            effective_date=meeting.date - datetime.timedelta(days=1),
        )
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_a_failed_approval_leaves_the_version_in_force_as_it_was(
    draft, meeting, manager, monkeypatch
):
    first = policy_version_approve(version=draft, meeting=meeting, actor=manager)
    second = policy_version_create_draft(document=draft.document)
    original_save = PolicyVersion.save

    def save_then_fail(self, *args, **kwargs):
        if self.pk == second.pk:
            raise IntegrityError("simulated failure after superseding")
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(PolicyVersion, "save", save_then_fail)
    with pytest.raises(IntegrityError):
        policy_version_approve(version=second, meeting=meeting, actor=manager)
    monkeypatch.undo()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Status.APPROVED
    assert second.status == Status.DRAFT


def test_the_database_refuses_two_versions_in_force(draft, meeting, manager):
    policy_version_approve(version=draft, meeting=meeting, actor=manager)
    other = PolicyVersionFactory(document=draft.document)
    other.status = Status.APPROVED
    other.approved_meeting = meeting
    other.effective_date = meeting.date
    with pytest.raises(IntegrityError), transaction.atomic():
        other.save()


def test_the_database_refuses_an_approval_without_a_meeting(draft):
    draft.status = Status.APPROVED
    draft.effective_date = datetime.date(2024, 9, 18)
    with pytest.raises(IntegrityError), transaction.atomic():
        draft.save()


def test_retiring_the_version_in_force_leaves_the_document_without_one(draft, meeting, manager):
    policy_version_approve(version=draft, meeting=meeting, actor=manager)
    retired = policy_version_retire(version=draft, actor=manager)
    assert retired.status == Status.RETIRED
    assert in_force(draft.document) == []
    with pytest.raises(ValidationError):
        policy_version_retire(version=draft, actor=manager)


def test_a_retired_draft_cannot_be_approved(draft, meeting, manager):
    policy_version_retire(version=draft, actor=manager)
    with pytest.raises(ValidationError):
        policy_version_approve(version=draft, meeting=meeting, actor=manager)


def test_staff_acknowledge_the_version_in_force_once(draft, meeting, manager, officer):
    policy_version_approve(version=draft, meeting=meeting, actor=manager)
    first = policy_version_acknowledge(version=draft, user=officer)
    again = policy_version_acknowledge(version=draft, user=officer)
    assert first.pk == again.pk
    assert PolicyAcknowledgement.objects.filter(user=officer).count() == 1


def test_a_draft_cannot_be_acknowledged(draft, officer):
    with pytest.raises(ValidationError) as exc_info:
        policy_version_acknowledge(version=draft, user=officer)
    assert exc_info.value.code == "not_in_force"


def test_history_records_who_approved_a_version(draft, meeting, manager):
    policy_version_approve(version=draft, meeting=meeting, actor=manager)
    latest = draft.history.latest()
    assert latest.status == Status.APPROVED
    assert latest.history_user == manager
    assert draft.history.count() == 2


def test_next_review_date_given_at_approval_must_come_after_the_effective_date(
    draft, meeting, manager
):
    with pytest.raises(ValidationError) as exc_info:
        policy_version_approve(
            version=draft, meeting=meeting, actor=manager, next_review_date=meeting.date
        )
    assert exc_info.value.code == "review_before_effective"


def test_version_numbers_stay_unique_per_document(draft):
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyVersionFactory(document=draft.document, number=draft.number)


def test_an_anonymous_user_cannot_acknowledge(draft, meeting, manager):
    from django.contrib.auth.models import AnonymousUser

    policy_version_approve(version=draft, meeting=meeting, actor=manager)
    with pytest.raises(ValidationError):
        policy_version_acknowledge(version=draft, user=AnonymousUser())
    inactive = UserFactory(is_active=False)
    with pytest.raises(ValidationError):
        policy_version_acknowledge(version=draft, user=inactive)
