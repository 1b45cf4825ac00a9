"""The contact log: a contact logged in a few seconds, inquiries due and answered,
referral to the social researcher (POL-5, POL-7.1, POL-7.5)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from channels_app.models import Channel, Interaction
from channels_app.services import (
    interaction_answer,
    interaction_log,
    interaction_refer_to_researcher,
)
from requests_app.workflow import Status
from tests.factories import BeneficiaryFactory, InteractionFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db

LOG = "/admin/channels_app/interaction/log/"


def phone():
    return Channel.objects.get(code="phone")


def log(**overrides):
    values = {
        "channel": phone(),
        "direction": Interaction.Direction.INCOMING,
        "category": Interaction.Category.INQUIRY,
        "summary": "يسأل عن موعد صرف الدعم",
        "staff": None,
    }
    values.update(overrides)
    return interaction_log(**values)


# -- the service --------------------------------------------------------------------------


@override_settings(MUSTAFID_INQUIRY_ANSWER_HOURS=24)
def test_an_incoming_inquiry_gets_an_answer_due_time_from_the_setting(officer):
    beneficiary = BeneficiaryFactory()
    contact = log(beneficiary=beneficiary, staff=officer)
    assert contact.response_due_at == contact.occurred_at + datetime.timedelta(hours=24)
    assert contact.awaits_answer


def test_an_outgoing_follow_up_has_no_answer_due():
    contact = log(
        beneficiary=BeneficiaryFactory(),
        direction=Interaction.Direction.OUTGOING,
        category=Interaction.Category.FOLLOW_UP,
    )
    assert contact.response_due_at is None


def test_a_request_brings_its_beneficiary():
    support_request = SupportRequestFactory()
    contact = log(support_request=support_request)
    assert contact.beneficiary == support_request.beneficiary


def test_a_person_not_registered_needs_a_name_and_a_valid_contact():
    contact = log(contact_name="  سائل  ", contact_detail="٠٥٠١٢٣٤٥٦٧")
    assert (contact.contact_name, contact.contact_detail) == ("سائل", "+966501234567")
    with translation.override("ar"), pytest.raises(ValidationError) as caught:
        log(contact_name="سائل", contact_detail="غير صحيح")
    assert "أدخل بريدًا إلكترونيًا صحيحًا أو رقم جوال سعودي" in str(caught.value)


def test_a_contact_without_a_channel_or_a_person_is_refused_in_arabic():
    with translation.override("ar"), pytest.raises(ValidationError) as caught:
        log(channel=None, summary="")
    errors = caught.value.message_dict
    assert errors["channel"] == ["اختر قناة التواصل."]
    assert "summary" in errors and "contact_name" in errors
    assert not Interaction.objects.exists()


def test_an_answer_due_before_the_contact_is_refused():
    now = timezone.now()
    with translation.override("ar"), pytest.raises(ValidationError) as caught:
        log(
            beneficiary=BeneficiaryFactory(),
            occurred_at=now,
            response_due_at=now - datetime.timedelta(hours=1),
        )
    assert caught.value.message_dict["response_due_at"] == ["لا يمكن أن يستحق الرد قبل التواصل."]


def test_a_contact_in_the_future_is_refused():
    with pytest.raises(ValidationError) as caught:
        log(
            beneficiary=BeneficiaryFactory(),
            occurred_at=timezone.now() + datetime.timedelta(days=1),
        )
    assert "occurred_at" in caught.value.message_dict


def test_a_request_of_another_beneficiary_is_refused():
    with pytest.raises(ValidationError) as caught:
        log(beneficiary=BeneficiaryFactory(), support_request=SupportRequestFactory())
    assert "support_request" in caught.value.message_dict


def test_the_database_refuses_a_contact_answered_before_it_happened():
    from django.db import IntegrityError, transaction

    contact = InteractionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Interaction.objects.filter(pk=contact.pk).update(
            answered_at=contact.occurred_at - datetime.timedelta(hours=1)
        )


def test_answering_records_the_time_once(officer):
    contact = InteractionFactory()
    interaction_answer(interaction=contact, actor=officer)
    contact.refresh_from_db()
    assert contact.answered_at is not None and contact.answered_on_time
    with pytest.raises(ValidationError):
        interaction_answer(interaction=contact, actor=officer)


def test_an_inquiry_past_its_due_time_is_overdue():
    past = timezone.now() - datetime.timedelta(days=3)
    contact = InteractionFactory(occurred_at=past)
    assert contact.is_overdue()


# -- referral to the social researcher (POL-7.5) --------------------------------------------


def test_referring_an_inquiry_with_an_open_request_moves_the_request(officer, researcher):
    support_request = SupportRequestFactory(in_verification=True)
    contact = InteractionFactory(
        beneficiary=support_request.beneficiary, support_request=support_request
    )
    interaction_refer_to_researcher(
        interaction=contact, researcher=researcher, actor=officer, note="الإجراءات غير واضحة له"
    )
    support_request.refresh_from_db()
    contact.refresh_from_db()
    assert support_request.status == Status.REFERRED_RESEARCH
    assert support_request.assigned_researcher == researcher
    assert contact.referred_to == researcher and contact.referred_at is not None
    change = support_request.status_changes.get(to_status=Status.REFERRED_RESEARCH)
    assert change.note == "الإجراءات غير واضحة له" and change.actor == officer


def test_referring_a_person_without_a_request_assigns_the_researcher(officer, researcher):
    contact = InteractionFactory(unregistered=True)
    interaction_refer_to_researcher(interaction=contact, researcher=researcher, actor=officer)
    contact.refresh_from_db()
    assert contact.referred_to == researcher


def test_only_a_researcher_can_receive_and_only_a_permitted_role_can_refer(
    officer, researcher, committee_member
):
    contact = InteractionFactory()
    with pytest.raises(ValidationError):
        interaction_refer_to_researcher(
            interaction=contact, researcher=committee_member, actor=officer
        )
    with pytest.raises(PermissionDenied):
        interaction_refer_to_researcher(
            interaction=contact, researcher=researcher, actor=committee_member
        )
    contact.refresh_from_db()
    assert contact.referred_to is None


def test_the_refer_page_refers_and_returns_to_the_contact(client, officer, researcher):
    contact = InteractionFactory()
    client.force_login(officer)
    url = reverse("admin:channels_app_interaction_refer", args=[contact.pk])
    page = client.get(url)
    assert page.status_code == 200 and "الباحث الاجتماعي" in page.content.decode()
    response = client.post(url, {"researcher": researcher.pk, "note": "غير واضح"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.referred_to == researcher


# -- logging from the back-office ----------------------------------------------------------


def test_the_beneficiary_page_has_a_log_button_and_the_form_is_preset(client, officer):
    beneficiary = BeneficiaryFactory(preferred_channel=Channel.objects.get(code="email"))
    client.force_login(officer)
    page = client.get(reverse("admin:beneficiaries_beneficiary_change", args=[beneficiary.pk]))
    assert f"{LOG}?beneficiary={beneficiary.pk}" in page.content.decode()
    form = client.get(f"{LOG}?beneficiary={beneficiary.pk}")
    assert form.status_code == 200
    assert form.context["form"].initial["beneficiary"] == beneficiary.pk
    assert form.context["form"].initial["channel"] == Channel.objects.get(code="email").pk


def test_logging_a_call_from_the_beneficiary_page_returns_to_it(client, officer):
    beneficiary = BeneficiaryFactory()
    client.force_login(officer)
    back = reverse("admin:beneficiaries_beneficiary_change", args=[beneficiary.pk])
    response = client.post(
        f"{LOG}?beneficiary={beneficiary.pk}",
        {
            "channel": phone().pk,
            "direction": "incoming",
            "category": "inquiry",
            "summary": "اتصل يسأل عن حالة طلبه",
            "answered_now": "on",
            "beneficiary": beneficiary.pk,
        },
    )
    assert response.status_code == 302 and response["Location"] == back
    contact = Interaction.objects.get()
    assert (contact.beneficiary, contact.staff, contact.channel.code) == (
        beneficiary,
        officer,
        "phone",
    )
    assert contact.answered_at == contact.occurred_at and contact.answered_on_time


def test_logging_a_visit_from_the_request_page(client, officer):
    support_request = SupportRequestFactory()
    client.force_login(officer)
    page = client.get(
        reverse("admin:requests_app_supportrequest_change", args=[support_request.pk])
    )
    assert f"{LOG}?support_request={support_request.pk}" in page.content.decode()
    response = client.post(
        f"{LOG}?support_request={support_request.pk}",
        {
            "channel": Channel.objects.get(code="in_person").pk,
            "direction": "incoming",
            "category": "follow_up",
            "summary": "حضر إلى المقر لتسليم صك الإعالة",
            "support_request": support_request.pk,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:requests_app_supportrequest_change", args=[support_request.pk]
    )
    contact = Interaction.objects.get()
    assert contact.support_request == support_request
    assert contact.beneficiary == support_request.beneficiary
    page = client.get(
        reverse("admin:requests_app_supportrequest_change", args=[support_request.pk])
    )
    assert "حضر إلى المقر لتسليم صك الإعالة" in page.content.decode()


def test_a_bad_contact_keeps_what_was_typed_and_says_why_in_arabic(client, officer):
    client.force_login(officer)
    response = client.post(
        LOG,
        {"channel": "", "direction": "incoming", "category": "inquiry", "summary": "نص مكتوب"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "اختر قناة التواصل." in body
    assert "نص مكتوب" in body
    assert not Interaction.objects.exists()


def test_a_person_not_registered_without_a_name_is_refused_on_the_page(client, officer):
    client.force_login(officer)
    response = client.post(
        LOG,
        {"channel": phone().pk, "direction": "incoming", "category": "inquiry", "summary": "سؤال"},
    )
    assert response.status_code == 200
    assert "اكتب اسم شخص غير مسجل" in response.content.decode()


def test_the_log_form_renders_in_english(client, officer):
    client.force_login(officer)
    client.cookies["django_language"] = "en"
    body = client.get(LOG).content.decode()
    assert "Log the contact" in body and 'dir="ltr"' in body


def test_people_outside_the_contact_roles_cannot_log(client, auditor, outsider, committee_member):
    for user in (auditor, committee_member):
        client.force_login(user)
        assert client.get(LOG).status_code == 403
    client.force_login(outsider)
    assert client.get(LOG).status_code == 302  # to the login page: not staff


def test_the_answer_button_marks_the_inquiry_answered(client, officer):
    contact = InteractionFactory()
    client.force_login(officer)
    page = client.get(reverse("admin:channels_app_interaction_change", args=[contact.pk]))
    answer_url = reverse("admin:channels_app_interaction_answer", args=[contact.pk])
    assert answer_url in page.content.decode()
    assert client.get(answer_url).status_code == 403
    client.post(answer_url)
    contact.refresh_from_db()
    assert contact.answered_at is not None


def test_the_contact_log_list_stays_flat(client, officer, django_assert_max_num_queries):
    support_request = SupportRequestFactory()
    InteractionFactory.create_batch(5)
    InteractionFactory.create_batch(5, unregistered=True)
    InteractionFactory.create_batch(
        5, support_request=support_request, beneficiary=support_request.beneficiary
    )
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        response = client.get("/admin/channels_app/interaction/")
    assert response.status_code == 200
    with django_assert_max_num_queries(12):
        response = client.get("/admin/channels_app/interaction/?answer=open")
    assert response.status_code == 200


def test_a_researcher_finds_the_contacts_referred_to_them(client, officer, researcher):
    mine = InteractionFactory(summary="محال إلى الباحث")
    InteractionFactory(summary="غير محال")
    interaction_refer_to_researcher(interaction=mine, researcher=researcher, actor=officer)
    client.force_login(researcher)
    body = client.get("/admin/channels_app/interaction/?answer=referred_to_me").content.decode()
    assert "المحال إليّ" in body
    changelist = client.get("/admin/channels_app/interaction/?answer=referred_to_me")
    assert [row.pk for row in changelist.context["cl"].result_list] == [mine.pk]
