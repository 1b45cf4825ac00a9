"""The public survey form (built from the survey's questions) and the feedback forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import FeedbackKind, QuestionKind, SurveyQuestion


def _rating_choices(low: int, high: int):
    return [(str(n), str(n)) for n in range(low, high + 1)]


class SurveyForm(forms.Form):
    """One field per question, radio buttons for scores so it works on any phone without JS.
    Rules (ranges, required, length) are checked by ``survey_response_record``."""

    anonymous = forms.BooleanField(
        label=_("Answer anonymously: the association will not see my name next to my answers."),
        required=False,
    )

    def __init__(self, *args, questions: list[SurveyQuestion], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            name = f"q{question.pk}"
            common = {"label": question.text, "required": False}
            if question.kind == QuestionKind.RATING:
                field = forms.ChoiceField(
                    choices=_rating_choices(1, 5), widget=forms.RadioSelect, **common
                )
                field.help_text = _("1 = very dissatisfied, 5 = very satisfied")
            elif question.kind == QuestionKind.NPS:
                field = forms.ChoiceField(
                    choices=_rating_choices(0, 10), widget=forms.RadioSelect, **common
                )
                field.help_text = _("0 = not at all likely, 10 = extremely likely")
            elif question.kind == QuestionKind.YES_NO:
                field = forms.ChoiceField(
                    choices=[("1", _("Yes")), ("0", _("No"))], widget=forms.RadioSelect, **common
                )
            elif question.kind == QuestionKind.CHOICE:
                field = forms.ChoiceField(
                    choices=question.choice_list(), widget=forms.RadioSelect, **common
                )
            else:
                field = forms.CharField(
                    widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}), **common
                )
            field.question = question
            # The service checks the value; the form only carries what was typed back.
            field.validators = []
            self.fields[name] = field

    def raw_answers(self) -> dict:
        return {name: self.data.get(name, "") for name in self.fields if name.startswith("q")}

    def question_fields(self):
        return [self[name] for name in self.fields if name.startswith("q")]


class FeedbackForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What would you like to send?"),
        choices=FeedbackKind.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    message = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": 5000}),
        required=False,
    )
    name = forms.CharField(label=_("Your name (optional)"), max_length=200, required=False)
    mobile = forms.CharField(
        label=_("Mobile (optional, to receive the reply)"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "dir": "ltr", "autocomplete": "tel"}),
    )
    email = forms.CharField(
        label=_("E-mail (optional)"),
        required=False,
        widget=forms.EmailInput(attrs={"dir": "ltr", "autocomplete": "email"}),
    )
    request_reference = forms.CharField(
        label=_("Request reference, if it concerns a request (optional)"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}),
    )
    # Left empty by people; filled by bots that fill every field.
    website = forms.CharField(required=False, label=_("Leave this field empty"))


class FeedbackFollowForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=20,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
