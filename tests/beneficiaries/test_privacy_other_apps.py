"""Anonymisation and the data export reach what the committee, delivery, contact-log and
satisfaction issues store about a person (PDPL, issue #12)."""

import pytest

from beneficiaries.privacy import beneficiary_anonymise, subject_data_json
from requests_app.models import CommitteeVote, Decision, ServiceDelivery
from satisfaction.models import Feedback, SurveyAnswer
from satisfaction.services import survey_response_record
from tests.factories import (
    BeneficiaryFactory,
    CommitteeFactory,
    CommitteeUserFactory,
    FeedbackFactory,
    InteractionFactory,
    SupportRequestFactory,
    SurveyInvitationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(manager):
    beneficiary = BeneficiaryFactory(iban="SA0380000000608010167519")
    request = SupportRequestFactory(beneficiary=beneficiary, status="closed")
    member = CommitteeUserFactory(username="m1")
    CommitteeVote.objects.create(
        support_request=request, member=member, vote="approve", reason="زوجها متوفى منذ عام"
    )
    Decision.objects.create(
        support_request=request,
        committee=CommitteeFactory(),
        outcome="approved",
        reason="زوجها متوفى منذ عام",
        decided_by=member,
    )
    ServiceDelivery.objects.create(
        support_request=request,
        kind="cash",
        amount=1000,
        delivered_by=manager,
        iban="SA0380000000608010167519",
        notes="سُلّم إلى ابنها",
    )
    InteractionFactory(beneficiary=beneficiary, summary="اتصلت تسأل عن موعد الصرف")
    FeedbackFactory(support_request=request, message="شكرًا لكم", name="أم خالد")
    invitation = SurveyInvitationFactory(beneficiary=beneficiary, support_request=request)
    answers = {
        f"q{q.pk}": {
            "rating": "5",
            "nps": "9",
            "yes_no": "1",
            "choice": "1",
            "text": "خدمة ممتازة",
        }[q.kind]
        for q in invitation.survey.questions.all()
    }
    survey_response_record(invitation=invitation, answers=answers, anonymous=False)
    return beneficiary


def test_the_export_lists_what_the_other_parts_hold(person):
    data = subject_data_json(person)
    text = str(data)
    for words in ("زوجها متوفى منذ عام", "اتصلت تسأل عن موعد الصرف", "شكرًا لكم"):
        assert words in text


def test_anonymising_erases_it_and_keeps_the_figures(person, manager):
    beneficiary_anonymise(beneficiary=person, actor=manager)
    assert not CommitteeVote.objects.exclude(reason="").exists()
    decision = Decision.objects.get()
    assert decision.reason == "" and decision.outcome == "approved"
    delivery = ServiceDelivery.objects.get()
    assert delivery.iban == "" and delivery.notes == "" and delivery.amount == 1000
    assert not ServiceDelivery.history.exclude(iban="").exists()
    from channels_app.models import Interaction

    assert Interaction.objects.get().summary == ""
    assert Feedback.objects.get().message == "" and Feedback.objects.get().name == ""
    assert not SurveyAnswer.objects.exclude(text="").exists()
    assert SurveyAnswer.objects.filter(number=5).exists()  # the score stays for CSAT


def test_the_survey_link_sent_to_them_is_erased_too(manager):
    from channels_app.models import Notification
    from satisfaction.services import survey_invitation_create

    beneficiary = BeneficiaryFactory()
    request = SupportRequestFactory(beneficiary=beneficiary, status="closed")
    survey_invitation_create(support_request=request)
    sent = Notification.objects.filter(event="survey_invitation")
    assert sent.exists() and any("/survey/" in (n.body + str(n.context)) for n in sent)
    beneficiary_anonymise(beneficiary=beneficiary, actor=manager)
    for notification in Notification.objects.filter(event="survey_invitation"):
        assert notification.body == "" and notification.context == {} and notification.to == ""
