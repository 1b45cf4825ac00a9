"""Demo beneficiaries: Arabic names (Faker ar_SA), valid national IDs and iqamas (Luhn),
valid Saudi mobiles and IBANs, households, documents (some expiring soon, some expired)
and consents. ``seed_demo --beneficiaries 100000`` inserts in batches.

A million-row demo must not take an afternoon, so rows are written in batches with
``config.bulk.BulkTable`` (COPY on PostgreSQL, executemany on SQLite) instead of through
model instances (the ORM spends most of a bulk_create building objects and SQL). The values are the ones the services
would store — normalised name, E.164 mobile, Luhn-valid IDs, ``M0000123`` file numbers —
and bulk rows skip django-simple-history: demo records start without history, like
records imported from an older system."""

import bisect
import datetime
import decimal
import itertools
import random

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from faker import Faker

from channels_app.models import Channel
from config.bulk import (
    BulkTable,
    deferred_indexes,
    process_count,
    reset_sequences,
    write_built,
)

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

BATCH = 20_000
# From this many rows a load on PostgreSQL defers its indexes (config.bulk).
BIG = 20_000
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
    gives the same people every time (and far faster than one Faker call per name).
    Each part is folded for search once, so a name's folded form is a join, not a call."""

    def __init__(self):
        provider = next(
            p for p in Faker("ar_SA").providers if type(p).__module__.endswith("person.ar_SA")
        )
        self.male = list(provider.first_names_male)
        self.female = list(provider.first_names_female)
        self.family = list(provider.last_names)
        self.folded = {
            part: normalize_arabic(part) for part in {*self.male, *self.female, *self.family}
        }

    def parts(self, rng, gender: str) -> tuple[str, str, str, str]:
        first = rng.choice(self.female if gender == Gender.FEMALE else self.male)
        male = self.male
        return first, rng.choice(male), rng.choice(male), rng.choice(self.family)

    def full(self, rng, gender: str) -> str:
        return " ".join(self.parts(rng, gender))

    def first(self, rng, gender: str) -> str:
        return rng.choice(self.female if gender == Gender.FEMALE else self.male)

    def fold(self, parts) -> str:
        folded = self.folded
        return " ".join(folded[part] for part in parts)


_LUHN_DOUBLE = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9]


def _luhn_digit(body: str) -> str:
    """The check digit that makes ``body + digit`` pass Luhn (as the validators check)."""
    total = 0
    for index, char in enumerate(reversed(body)):
        digit = ord(char) - 48
        total += _LUHN_DOUBLE[digit] if index % 2 == 0 else digit
    return str(-total % 10)


def _identity(index: int, resident: bool) -> str:
    body = f"{2 if resident else 1}{(index * _SPREAD + 12_345) % 100_000_000:08d}"
    return body + _luhn_digit(body)


def _mobile(index: int) -> str:
    body = (index * _SPREAD + 54_321) % 70_000_000
    prefix = MOBILE_PREFIXES[body // 10_000_000]
    return f"+9665{prefix}{body % 10_000_000:07d}"


def _birth_date(rng, today: datetime.date, youngest: int, oldest: int) -> datetime.date:
    days = youngest * 365 + int(rng.random() * ((oldest - youngest) * 365 + 1))
    return today - datetime.timedelta(days=days)


class _Fast:
    """``choice`` and ``randint`` from ``random()`` alone: a third of the cost of the
    generator's own (which draws bits until unbiased; the bias here is far below 1e-9)."""

    def __init__(self, rng):
        self.random = rng.random
        self.randrange = rng.randrange

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def randint(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low + 1))

    def weighted(self, seq, cumulative):
        return seq[bisect.bisect_right(cumulative, self.random() * cumulative[-1])]


def _iban(bban: str) -> str:
    """``iban_with_check_digits`` for an all-digit account: «SA» is 28 10, then 00."""
    return f"SA{98 - int(bban + '281000') % 97:02d}{bban}"


REGIONS = list(Region)
REGION_CUMULATIVE = list(itertools.accumulate(REGION_WEIGHTS))
MARITAL = list(Beneficiary.MaritalStatus)
MARRIED = Beneficiary.MaritalStatus.MARRIED
EMPLOYMENT = list(Beneficiary.Employment)
INCOMES = [decimal.Decimal(n) for n in (0, 1500, 2500, 3000, 4000, 5500, 7000)]
KIDS = [0, 0, 1, 2, 3, 4]
SPOUSE_INCOME = [decimal.Decimal(n) for n in (0, 0, 1500, 3000)]
EXTRA_DOCUMENTS = [
    BeneficiaryDocument.DocumentType.FAMILY_RECORD,
    BeneficiaryDocument.DocumentType.INCOME_PROOF,
    BeneficiaryDocument.DocumentType.LEASE,
]
GENDERS = [Gender.MALE, Gender.FEMALE]


class _Rows:
    """Row builders for the four tables (config.bulk makers: tuples, no dicts)."""

    def __init__(self):
        self.beneficiary_direct = BulkTable(Beneficiary, with_id=True).maker(
            "id", "file_number", "created_at", "updated_at", "created_by_id", "kind",
            "name_ar", "name_normalized", "id_type", "id_number", "nationality", "gender",
            "birth_date", "mobile", "email", "region", "city", "marital_status",
            "household_size", "employment", "monthly_income", "iban", "has_disability",
            "health_notes", "case_notes", "preferred_channel_id", "preferred_language",
        )  # fmt: skip
        self.beneficiary_indirect = BulkTable(Beneficiary, with_id=True).maker(
            "id", "file_number", "created_at", "updated_at", "created_by_id", "kind",
            "name_ar", "name_normalized", "reached_via_id", "reached_content", "email",
        )  # fmt: skip
        self.member = BulkTable(HouseholdMember).maker(
            "beneficiary_id", "name", "relation", "gender", "birth_date", "monthly_income",
            "has_disability",
        )  # fmt: skip
        self.document = BulkTable(BeneficiaryDocument).maker(
            "beneficiary_id", "document_type", "number", "issue_date", "expiry_date", "file",
            "original_name", "content_type", "size", "status", "verification_note",
            "verified_by_id", "verified_at", "uploaded_by_id", "uploaded_at",
        )  # fmt: skip
        self.consent = BulkTable(Consent).maker(
            "beneficiary_id", "purpose", "text_version", "channel_id", "given_at",
            "recorded_by_id",
        )  # fmt: skip
        self.tables = {
            "beneficiaries": BulkTable(Beneficiary, with_id=True),
            "household": BulkTable(HouseholdMember),
            "documents": BulkTable(BeneficiaryDocument),
            "consents": BulkTable(Consent),
        }


def _person(rng, names: _Names, pk: int, out: dict, make: _Rows, env) -> int | None:
    """Append one beneficiary (and, for a direct one, household, documents and consent)
    to ``out``; return the id when the person is a direct beneficiary."""
    today, now, channels, officer_id = env
    created_at = now - datetime.timedelta(minutes=rng.randint(0, 900_000))
    random = rng.random
    if random() < 0.1:
        nickname = names.first(rng, rng.choice(GENDERS))
        name = rng.choice([nickname, f"{nickname} {rng.choice(names.family)}", f"أم {nickname}"])
        out["beneficiaries"].append(
            make.beneficiary_indirect(
                pk, file_number_for(pk), created_at, now, officer_id, Beneficiary.Kind.INDIRECT,
                name, normalize_arabic(name),
                channels.get(rng.choice(["social_media", "website", "email"])),
                rng.choice(CONTENT), f"follower{pk}@example.org" if random() < 0.3 else "",
            )
        )  # fmt: skip
        return None
    gender = rng.choice(GENDERS)
    resident = random() < 0.2
    region = rng.weighted(REGIONS, REGION_CUMULATIVE)
    parts = names.parts(rng, gender)
    name = " ".join(parts)
    married = random() < 0.6
    marital = MARRIED if married else rng.choice(MARITAL)
    income = rng.choice(INCOMES) if random() < 0.9 else None
    iban = ""
    if random() < 0.5:
        bank = rng.choice(["10", "20", "45", "80"])
        iban = _iban(f"{bank}{rng.randrange(10**18):018d}")
    id_number = _identity(pk, resident)
    channel_id = channels.get(rng.choice(["phone", "in_person", "email", "website"]))
    out["beneficiaries"].append(
        make.beneficiary_direct(
            pk, file_number_for(pk), created_at, now, officer_id, Beneficiary.Kind.DIRECT,
            name, names.fold(parts),
            IdentityType.IQAMA if resident else IdentityType.NATIONAL_ID, id_number,
            rng.choice(NATIONALITIES_RESIDENT) if resident else "السعودية", gender,
            _birth_date(rng, today, 19, 80), _mobile(pk),
            f"beneficiary{pk}@example.org" if random() < 0.4 else "",
            region, rng.choice(CITIES[region]), marital, rng.randint(1, 9),
            rng.choice(EMPLOYMENT), income, iban, random() < 0.08,
            rng.choice(HEALTH_NOTES) if random() < 0.15 else "",
            rng.choice(CASE_NOTES) if random() < 0.2 else "",
            channel_id, "ar" if random() < 0.95 else "en",
        )
    )  # fmt: skip
    household = out["household"]
    if marital == MARRIED:
        spouse_gender = Gender.FEMALE if gender == Gender.MALE else Gender.MALE
        household.append(
            make.member(
                pk, names.full(rng, spouse_gender), HouseholdMember.Relation.SPOUSE,
                spouse_gender, _birth_date(rng, today, 19, 70), rng.choice(SPOUSE_INCOME),
                False,
            )
        )  # fmt: skip
    family = name.split(" ", 1)[1]
    for _child in range(rng.choice(KIDS)):
        child_gender = rng.choice(GENDERS)
        household.append(
            make.member(
                pk, f"{names.first(rng, child_gender)} {family}",
                HouseholdMember.Relation.SON
                if child_gender == Gender.MALE
                else HouseholdMember.Relation.DAUGHTER,
                child_gender, _birth_date(rng, today, 0, 18), None, random() < 0.05,
            )
        )  # fmt: skip
    kinds = [BeneficiaryDocument.DocumentType.NATIONAL_ID]
    if random() < 0.5:
        kinds.append(rng.choice(EXTRA_DOCUMENTS))
    for kind in kinds:
        # From already expired to valid for years: some fall within the next 30 days.
        expiry = today + datetime.timedelta(days=rng.randint(-90, 1800))
        roll = random()
        if roll < 0.6:
            status = BeneficiaryDocument.Status.VERIFIED
        elif roll < 0.95:
            status = BeneficiaryDocument.Status.PENDING
        else:
            status = BeneficiaryDocument.Status.REJECTED
        checked = status != BeneficiaryDocument.Status.PENDING
        out["documents"].append(
            make.document(
                pk, kind,
                id_number if kind == BeneficiaryDocument.DocumentType.NATIONAL_ID else "",
                expiry - datetime.timedelta(days=365 * 5), expiry, DEMO_FILE,
                "نسخة-المستند.pdf", "application/pdf", len(DEMO_PDF), status,
                "الصورة غير واضحة" if status == BeneficiaryDocument.Status.REJECTED else "",
                officer_id if checked else None, now if checked else None, officer_id, now,
            )
        )  # fmt: skip
    out["consents"].append(
        make.consent(
            pk, Consent.Purpose.DATA_PROCESSING, "2026-01", channel_id, created_at, officer_id
        )
    )
    return pk


def _people(state, chunk) -> tuple[dict, list[int]]:
    """One batch of people (ids ``first`` to ``last`` - 1) as rows by table, and the ids
    of the direct ones; ``state`` is ``(names, row makers, env, seed)``."""
    names, make, env, seed = state
    index, first, last = chunk
    rng = _Fast(random.Random(f"{seed}:{index}"))
    rows = {name: [] for name in make.tables}
    direct = [pk for pk in range(first, last) if _person(rng, names, pk, rows, make, env)]
    return rows, direct


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
    make = _Rows()
    tables = make.tables
    counts = dict.fromkeys(tables, 0)
    env = (today, now, channels, officer_id)
    # Ids are given here so children can point at their parent without reading back.
    first_id = (Beneficiary.objects.aggregate(top=Max("id"))["top"] or 0) + 1
    # Each batch has its own generator, seeded from the demo's: the same people for a
    # seed however many processes build them (config.bulk.built_rows).
    state = (names, make, env, rng.getrandbits(64))
    chunks = [
        (index, first_id + start, first_id + min(start + BATCH, total))
        for index, start in enumerate(range(0, total, BATCH))
    ]
    processes = process_count(ctx.options.get("processes"), big=total >= BIG)
    models = [Beneficiary, HouseholdMember, BeneficiaryDocument, Consent]
    # A big load builds its indexes once at the end (config.bulk.deferred_indexes).
    with transaction.atomic(), deferred_indexes(*models, enabled=total >= BIG) as deferred:
        direct_ids = write_built(
            ctx, "beneficiaries", _people, state, chunks, processes, tables, counts,
            total=total, counted="beneficiaries",
        )  # fmt: skip
        if deferred:
            ctx.say("  beneficiaries: building indexes…")
    # The ids were given explicitly: move PostgreSQL's sequences past them.
    reset_sequences(*models)
    ctx.data["beneficiary_ids"] = direct_ids
    soon = BeneficiaryDocument.objects.expiring_within(30).count()
    ctx.say(
        f"Beneficiaries: {total:,} ({len(direct_ids):,} direct), "
        f"{counts['household']:,} household members, {counts['documents']:,} documents "
        f"({soon:,} expiring within 30 days), {counts['consents']:,} consents."
    )
