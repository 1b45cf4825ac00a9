"""Demo beneficiaries: Arabic names (Faker ar_SA), valid national IDs and iqamas (Luhn),
valid Saudi mobiles and IBANs, households, documents (some expiring soon, some expired)
and consents. ``seed_demo --beneficiaries 100000`` inserts in batches.

A million-row demo must not take an afternoon, so rows are written in batches with
``config.bulk.BulkTable`` (COPY on PostgreSQL, executemany on SQLite) instead of through
model instances (the ORM spends most of a bulk_create building objects and SQL). The values are the ones the services
would store — normalised name, E.164 mobile, Luhn-valid IDs, ``M0000123`` file numbers —
and bulk rows skip django-simple-history: demo records start without history, like
records imported from an older system."""

import datetime
import decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from faker import Faker

from channels_app.models import Channel
from config.bulk import BulkTable

from .models import (
    Beneficiary,
    BeneficiaryDocument,
    Consent,
    Gender,
    HouseholdMember,
    IdentityType,
    Region,
)
from .search import normalize_arabic
from .services import file_number_for
from .validators import iban_with_check_digits, national_id_with_check_digit

BATCH = 5000
# Identity numbers and mobiles are spread over their range by a multiplier coprime with
# the range, so every demo person gets a different one without a lookup.
_SPREAD = 7_919_993
# Saudi mobile prefixes (05X) that libphonenumber knows as mobile ranges.
MOBILE_PREFIXES = "0345689"
DEMO_FILE = "beneficiaries/demo/sample-document.pdf"
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 144]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
CITIES = {
    Region.RIYADH: ["الرياض", "الخرج", "الدوادمي", "المجمعة"],
    Region.MAKKAH: ["جدة", "مكة المكرمة", "الطائف", "رابغ"],
    Region.MADINAH: ["المدينة المنورة", "ينبع", "العلا"],
    Region.QASSIM: ["بريدة", "عنيزة", "الرس"],
    Region.EASTERN: ["الدمام", "الخبر", "الأحساء", "الجبيل", "القطيف"],
    Region.ASIR: ["أبها", "خميس مشيط", "بيشة"],
    Region.TABUK: ["تبوك", "الوجه"],
    Region.HAIL: ["حائل"],
    Region.NORTHERN_BORDERS: ["عرعر", "رفحاء"],
    Region.JAZAN: ["جازان", "صبيا", "أبو عريش"],
    Region.NAJRAN: ["نجران", "شرورة"],
    Region.BAHA: ["الباحة", "بلجرشي"],
    Region.JOUF: ["سكاكا", "دومة الجندل"],
}
# Roughly where people live: most in the three big regions.
REGION_WEIGHTS = [30, 25, 8, 5, 15, 7, 3, 2, 1, 2, 1, 0.5, 0.5]
NATIONALITIES_RESIDENT = ["اليمن", "مصر", "السودان", "سوريا", "الأردن", "باكستان"]
HEALTH_NOTES = ["سكري", "ضغط الدم", "إعاقة حركية", "ربو", "مرض مزمن في الكلى"]
CASE_NOTES = [
    "أسرة تعولها أم أرملة، تحتاج إلى دعم شهري.",
    "رب الأسرة فقد عمله منذ ستة أشهر.",
    "حالة متابعة من الباحث الاجتماعي.",
]
CONTENT = ["دليل خدمات الجمعية", "حملة رمضان على إكس", "مقطع توعوي عن الادخار", "النشرة الشهرية"]


def add_arguments(parser) -> None:
    parser.add_argument(
        "--beneficiaries",
        type=int,
        default=200,
        help="How many demo beneficiaries to create (default 200).",
    )


class _Names:
    """Faker ar_SA's name lists, drawn with the demo's own random generator so a seed
    gives the same people every time (and far faster than one Faker call per name)."""

    def __init__(self):
        provider = next(
            p for p in Faker("ar_SA").providers if type(p).__module__.endswith("person.ar_SA")
        )
        self.male = list(provider.first_names_male)
        self.female = list(provider.first_names_female)
        self.family = list(provider.last_names)

    def full(self, rng, gender: str) -> str:
        first = rng.choice(self.female if gender == Gender.FEMALE else self.male)
        return f"{first} {rng.choice(self.male)} {rng.choice(self.male)} {rng.choice(self.family)}"

    def first(self, rng, gender: str) -> str:
        return rng.choice(self.female if gender == Gender.FEMALE else self.male)


def _identity(index: int, resident: bool) -> str:
    body = (index * _SPREAD + 12_345) % 100_000_000
    return national_id_with_check_digit(f"{2 if resident else 1}{body:08d}")


def _mobile(index: int) -> str:
    body = (index * _SPREAD + 54_321) % 70_000_000
    prefix = MOBILE_PREFIXES[body // 10_000_000]
    return f"+9665{prefix}{body % 10_000_000:07d}"


def _birth_date(rng, today: datetime.date, youngest: int, oldest: int) -> datetime.date:
    return today - datetime.timedelta(days=rng.randint(youngest * 365, oldest * 365))


def _beneficiary(rng, names: _Names, pk: int, today, channels, now, officer_id) -> dict:
    common = {
        "id": pk,
        "file_number": file_number_for(pk),
        "created_at": now - datetime.timedelta(minutes=rng.randint(0, 900_000)),
        "updated_at": now,
        "created_by_id": officer_id,
    }
    if rng.random() < 0.1:
        nickname = names.first(rng, rng.choice([Gender.MALE, Gender.FEMALE]))
        name = rng.choice([nickname, f"{nickname} {rng.choice(names.family)}", f"أم {nickname}"])
        return common | {
            "kind": Beneficiary.Kind.INDIRECT,
            "name_ar": name,
            "name_normalized": normalize_arabic(name),
            "reached_via_id": channels.get(rng.choice(["social_media", "website", "email"])),
            "reached_content": rng.choice(CONTENT),
            "email": f"follower{pk}@example.org" if rng.random() < 0.3 else "",
        }
    gender = rng.choice([Gender.MALE, Gender.FEMALE])
    resident = rng.random() < 0.2
    region = rng.choices(REGIONS, weights=REGION_WEIGHTS)[0]
    name = names.full(rng, gender)
    married = rng.random() < 0.6
    income = (
        decimal.Decimal(rng.choice([0, 1500, 2500, 3000, 4000, 5500, 7000]))
        if rng.random() < 0.9
        else None
    )
    iban = ""
    if rng.random() < 0.5:
        bank = rng.choice(["10", "20", "45", "80"])
        iban = iban_with_check_digits(f"{bank}{rng.randrange(10**18):018d}")
    return common | {
        "kind": Beneficiary.Kind.DIRECT,
        "name_ar": name,
        "name_normalized": normalize_arabic(name),
        "id_type": IdentityType.IQAMA if resident else IdentityType.NATIONAL_ID,
        "id_number": _identity(pk, resident),
        "nationality": rng.choice(NATIONALITIES_RESIDENT) if resident else "السعودية",
        "gender": gender,
        "birth_date": _birth_date(rng, today, 19, 80),
        "mobile": _mobile(pk),
        "email": f"beneficiary{pk}@example.org" if rng.random() < 0.4 else "",
        "region": region,
        "city": rng.choice(CITIES[region]),
        "marital_status": MARRIED if married else rng.choice(MARITAL),
        "household_size": rng.randint(1, 9),
        "employment": rng.choice(EMPLOYMENT),
        "monthly_income": income,
        "iban": iban,
        "has_disability": rng.random() < 0.08,
        "health_notes": rng.choice(HEALTH_NOTES) if rng.random() < 0.15 else "",
        "case_notes": rng.choice(CASE_NOTES) if rng.random() < 0.2 else "",
        "preferred_channel_id": channels.get(
            rng.choice(["phone", "in_person", "email", "website"])
        ),
        "preferred_language": "ar" if rng.random() < 0.95 else "en",
    }


REGIONS = list(Region)
MARITAL = list(Beneficiary.MaritalStatus)
MARRIED = Beneficiary.MaritalStatus.MARRIED
EMPLOYMENT = list(Beneficiary.Employment)
KIDS = [0, 0, 1, 2, 3, 4]
SPOUSE_INCOME = [0, 0, 1500, 3000]
EXTRA_DOCUMENTS = [
    BeneficiaryDocument.DocumentType.FAMILY_RECORD,
    BeneficiaryDocument.DocumentType.INCOME_PROOF,
    BeneficiaryDocument.DocumentType.LEASE,
]


def _household(rng, names: _Names, person: dict, today) -> list[dict]:
    members = []
    if person["marital_status"] == MARRIED:
        spouse_gender = Gender.FEMALE if person["gender"] == Gender.MALE else Gender.MALE
        members.append(
            {
                "beneficiary_id": person["id"],
                "name": names.full(rng, spouse_gender),
                "relation": HouseholdMember.Relation.SPOUSE,
                "gender": spouse_gender,
                "birth_date": _birth_date(rng, today, 19, 70),
                "monthly_income": decimal.Decimal(rng.choice(SPOUSE_INCOME)),
            }
        )
    family = person["name_ar"].split(" ", 1)[1]
    for _child in range(rng.choice(KIDS)):
        gender = rng.choice([Gender.MALE, Gender.FEMALE])
        members.append(
            {
                "beneficiary_id": person["id"],
                "name": f"{names.first(rng, gender)} {family}",
                "relation": HouseholdMember.Relation.SON
                if gender == Gender.MALE
                else HouseholdMember.Relation.DAUGHTER,
                "gender": gender,
                "birth_date": _birth_date(rng, today, 0, 18),
                "has_disability": rng.random() < 0.05,
            }
        )
    return members


def _documents(rng, person: dict, today, now, officer_id) -> list[dict]:
    kinds = [BeneficiaryDocument.DocumentType.NATIONAL_ID]
    if rng.random() < 0.5:
        kinds.append(rng.choice(EXTRA_DOCUMENTS))
    documents = []
    for kind in kinds:
        # From already expired to valid for years: some fall within the next 30 days.
        expiry = today + datetime.timedelta(days=rng.randint(-90, 1800))
        roll = rng.random()
        if roll < 0.6:
            status = BeneficiaryDocument.Status.VERIFIED
        elif roll < 0.95:
            status = BeneficiaryDocument.Status.PENDING
        else:
            status = BeneficiaryDocument.Status.REJECTED
        documents.append(
            {
                "beneficiary_id": person["id"],
                "document_type": kind,
                "number": person["id_number"]
                if kind == BeneficiaryDocument.DocumentType.NATIONAL_ID
                else "",
                "issue_date": expiry - datetime.timedelta(days=365 * 5),
                "expiry_date": expiry,
                "file": DEMO_FILE,
                "original_name": "نسخة-المستند.pdf",
                "content_type": "application/pdf",
                "size": len(DEMO_PDF),
                "status": status,
                "verification_note": "الصورة غير واضحة" if status == "rejected" else "",
                "verified_by_id": officer_id if status != "pending" else None,
                "verified_at": now if status != "pending" else None,
                "uploaded_by_id": officer_id,
                "uploaded_at": now,
            }
        )
    return documents


def seed(ctx) -> None:
    total = ctx.options.get("beneficiaries", 200)
    if total <= 0:
        return
    if Beneficiary.objects.exists():
        ctx.say("Beneficiaries: the registry already has records, none added.")
        return
    rng = ctx.rng
    names = _Names()
    today = timezone.localdate()
    now = timezone.now()
    channels = dict(Channel.objects.values_list("code", "id"))
    if not default_storage.exists(DEMO_FILE):
        default_storage.save(DEMO_FILE, ContentFile(DEMO_PDF))
    officer = ctx.users.get("officer")
    officer_id = officer.pk if officer else None
    tables = {
        "beneficiaries": BulkTable(Beneficiary, with_id=True),
        "household": BulkTable(HouseholdMember),
        "documents": BulkTable(BeneficiaryDocument),
        "consents": BulkTable(Consent),
    }
    counts = dict.fromkeys(tables, 0)
    # Ids are given here so children can point at their parent without reading back.
    first_id = (Beneficiary.objects.aggregate(top=Max("id"))["top"] or 0) + 1
    direct_ids: list[int] = []
    done = 0
    while done < total:
        size = min(BATCH, total - done)
        rows = {name: [] for name in tables}
        for pk in range(first_id + done, first_id + done + size):
            person = _beneficiary(rng, names, pk, today, channels, now, officer_id)
            rows["beneficiaries"].append(tables["beneficiaries"].row(person))
            if person["kind"] != Beneficiary.Kind.DIRECT:
                continue
            direct_ids.append(pk)
            for member in _household(rng, names, person, today):
                rows["household"].append(tables["household"].row(member))
            for document in _documents(rng, person, today, now, officer_id):
                rows["documents"].append(tables["documents"].row(document))
            consent = {
                "beneficiary_id": pk,
                "purpose": Consent.Purpose.DATA_PROCESSING,
                "text_version": "2026-01",
                "channel_id": person["preferred_channel_id"],
                "given_at": person["created_at"],
                "recorded_by_id": officer_id,
            }
            rows["consents"].append(tables["consents"].row(consent))
        with transaction.atomic(), connection.cursor() as cursor:
            for name, table in tables.items():
                table.insert(cursor, rows[name])
                counts[name] += len(rows[name])
        done += size
        ctx.progress("beneficiaries", done, total)
    # The ids were given explicitly: move PostgreSQL's sequences past them.
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(
            no_style(), [Beneficiary, HouseholdMember, BeneficiaryDocument, Consent]
        ):
            cursor.execute(statement)
    ctx.data["beneficiary_ids"] = direct_ids
    soon = BeneficiaryDocument.objects.expiring_within(30).count()
    ctx.say(
        f"Beneficiaries: {total:,} ({len(direct_ids):,} direct), "
        f"{counts['household']:,} household members, {counts['documents']:,} documents "
        f"({soon:,} expiring within 30 days), {counts['consents']:,} consents."
    )
