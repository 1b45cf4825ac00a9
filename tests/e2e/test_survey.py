"""A beneficiary answers the satisfaction survey from a phone, in a real Chromium."""

import pytest

from satisfaction.models import Feedback, SurveyResponse
from tests.e2e.conftest import no_sideways_scroll
from tests.factories import SurveyInvitationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_answering_the_survey_on_a_phone(live_server, phone, screenshot):
    invitation = SurveyInvitationFactory()
    phone.goto(f"{live_server.url}/survey/{invitation.token}/")
    assert phone.locator("html").get_attribute("dir") == "rtl"
    assert no_sideways_scroll(phone)
    questions = list(invitation.survey.questions.order_by("order"))
    # Send with a required answer missing: a clear message, the comment kept.
    text = next(q for q in questions if q.kind == "text")
    phone.fill(f"textarea[name=q{text.pk}]", "الخدمة ممتازة")
    phone.get_by_role("button", name="إرسال إجاباتي").click()
    phone.wait_for_load_state()
    assert phone.get_by_text("يرجى الإجابة عن هذا السؤال").first.is_visible()
    assert phone.input_value(f"textarea[name=q{text.pk}]") == "الخدمة ممتازة"
    screenshot(phone, "survey-errors")
    for question in questions:
        value = {"rating": "5", "nps": "9", "yes_no": "1", "choice": "1"}.get(question.kind)
        if value:
            phone.check(f"input[name=q{question.pk}][value='{value}']")
    phone.check("input[name=anonymous]")
    screenshot(phone, "survey-filled")
    phone.get_by_role("button", name="إرسال إجاباتي").click()
    phone.wait_for_load_state()
    assert phone.get_by_text("شكرًا لك على إجاباتك").is_visible()
    response = SurveyResponse.objects.get()
    assert response.anonymous and response.beneficiary_id is None
    assert response.answers.get(question=text).text == "الخدمة ممتازة"
    # The link works once.
    phone.goto(f"{live_server.url}/survey/{invitation.token}/")
    assert phone.get_by_text("لا يمكن استخدام هذا الرابط").is_visible()


def test_sending_a_suggestion_on_a_phone(live_server, phone):
    phone.goto(f"{live_server.url}/feedback/")
    assert no_sideways_scroll(phone)
    phone.get_by_text("اقتراح", exact=True).click()
    phone.fill("textarea[name=message]", "أقترح فتح الاستقبال مساءً")
    phone.get_by_role("button", name="إرسال", exact=True).click()
    phone.wait_for_load_state()
    code = Feedback.objects.get().tracking_code
    assert phone.get_by_text(code).first.is_visible()
