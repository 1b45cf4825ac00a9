"""Demo data for the policies app: the association's profile."""

from .models import AssociationProfile
from .selectors import forget_association_profile


def add_arguments(parser) -> None:
    return None


def seed(ctx) -> None:
    AssociationProfile.objects.update_or_create(
        pk=1,
        defaults={
            "name_ar": "جمعية البر الأهلية بحي النخيل (بيانات تجريبية)",
            "name_en": "Al-Birr Association, Al-Nakheel (demo data)",
            "license_number": "1234",
            "phone": "0112345678",
            "email": "info@example.org",
            "address": "الرياض، حي النخيل، طريق الملك فهد",
            "website": "https://example.org",
        },
    )
    forget_association_profile()
    ctx.say("Association profile: demo association.")
