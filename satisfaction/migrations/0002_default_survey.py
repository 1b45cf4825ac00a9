"""The default satisfaction survey (POL-4.5), so a delivered service can always be rated.
The association edits it in the back-office (a new version once it has answers)."""

from django.db import migrations

QUESTIONS = [
    ("rating", "ما مدى رضاك عن الخدمة التي قدمناها لك؟", "How satisfied are you with the service we gave you?", "", "", True, True),
    ("rating", "ما مدى رضاك عن تعامل الموظفين معك؟", "How satisfied are you with how our staff treated you?", "", "", True, True),
    ("yes_no", "هل حصلت على الخدمة في الوقت الذي وُعدت به؟", "Did you receive the service when you were promised?", "", "", True, False),
    ("nps", "ما مدى احتمال أن توصي بالجمعية لقريب أو صديق؟", "How likely are you to recommend the association to a relative or friend?", "", "", True, False),
    ("choice", "كيف كانت سهولة التقديم على الخدمة؟", "How easy was it to apply for the service?", "سهل\nمتوسط\nصعب", "Easy\nAverage\nDifficult", False, False),
    ("text", "هل لديك اقتراح لتحسين خدماتنا؟", "Do you have a suggestion to improve our services?", "", "", False, False),
]


def seed(apps, schema_editor):
    Survey = apps.get_model("satisfaction", "Survey")
    SurveyQuestion = apps.get_model("satisfaction", "SurveyQuestion")
    if Survey.objects.filter(program__isnull=True).exists():
        return
    survey = Survey.objects.create(
        title_ar="استبيان رضا المستفيدين",
        title_en="Beneficiary satisfaction survey",
        intro_ar="رأيك يهمنا. تقييمك حق لك، ونستخدمه لتحسين الخدمة لا للمحاسبة أو اللوم.",
        intro_en="Your opinion matters. Rating our service is your right; we use it to improve, never to blame anyone.",
    )
    for order, (kind, text_ar, text_en, choices_ar, choices_en, required, csat) in enumerate(QUESTIONS):
        SurveyQuestion.objects.create(
            survey=survey,
            order=order,
            kind=kind,
            text_ar=text_ar,
            text_en=text_en,
            choices_ar=choices_ar,
            choices_en=choices_en,
            required=required,
            counts_for_csat=csat,
        )


class Migration(migrations.Migration):
    dependencies = [("satisfaction", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
