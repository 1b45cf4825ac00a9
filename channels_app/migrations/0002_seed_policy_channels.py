"""Seed the ten channels of POL-5. The list is copied here, not imported, so this
migration keeps meaning what it meant when it was written."""

from django.db import migrations

POLICY_CHANNELS = [
    ("in_person", "المقابلة الشخصية", "In-person interview"),
    ("phone", "الاتصالات الهاتفية", "Phone calls"),
    ("letter", "الخطابات", "Letters"),
    ("social_media", "وسائل التواصل الاجتماعي", "Social media"),
    ("help_request", "خدمات طلب المساعدة", "Help-request services"),
    ("volunteering", "خدمة ومنصة التطوع", "Volunteering service and platform"),
    ("website", "الموقع الإلكتروني للجمعية", "The association's website"),
    ("branch_rep", "مناديب المكاتب الفرعية", "Branch-office representatives"),
    ("social_researcher", "الباحث الاجتماعي", "The social researcher"),
    ("email", "البريد الإلكتروني", "E-mail"),
]


def seed(apps, schema_editor):
    Channel = apps.get_model("channels_app", "Channel")
    for order, (code, name_ar, name_en) in enumerate(POLICY_CHANNELS, start=1):
        Channel.objects.update_or_create(
            code=code, defaults={"name_ar": name_ar, "name_en": name_en, "sort_order": order}
        )


def unseed(apps, schema_editor):
    Channel = apps.get_model("channels_app", "Channel")
    Channel.objects.filter(code__in=[code for code, _, _ in POLICY_CHANNELS]).delete()


class Migration(migrations.Migration):
    dependencies = [("channels_app", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
