"""Demo data for the policies app: the association's profile, its board, and the board
meeting no. (3) that approved the standard policy, the privacy notice, the consent text
and the declaration text, so `make run` shows them in force at /policies/.

Also: the basic bylaws approved a year earlier at meeting no. (2) (now due for review,
and entered with a Hijri date one day off the Umm al-Qura calendar, to show the check),
and a draft version 2 of the policy for the version diff."""

import datetime

from django.utils import timezone

from config.hijri import to_hijri

from .models import AssociationProfile, BoardMeeting, BoardMember, PolicyDocument, PolicyVersion
from .selectors import forget_association_profile, version_in_force
from .services import (
    board_meeting_record,
    policy_version_acknowledge,
    policy_version_approve,
    policy_version_create_draft,
)
from .standard_texts import load_standard_documents

Position = BoardMember.Position

# Fictional members (name, English name, position), in the seeds' order.
DEMO_BOARD = [
    ("الدكتور/ عبدالرحمن بن صالح السالم", "Dr Abdulrahman Al-Salem", Position.CHAIRMAN),
    ("الدكتور/ فيصل بن عبدالله الحربي", "Dr Faisal Al-Harbi", Position.VICE_CHAIRMAN),
    ("عبدالعزيز بن محمد القحطاني", "Abdulaziz Al-Qahtani", Position.FINANCIAL_SUPERVISOR),
    ("الدكتورة/ نوال بنت إبراهيم الشهري", "Dr Nawal Al-Shehri", Position.MEMBER),
    ("هند بنت سعد العتيبي", "Hind Al-Otaibi", Position.MEMBER),
    ("ماجد بن فهد الدوسري", "Majed Al-Dosari", Position.MEMBER),
]

DEMO_BYLAWS_AR = """\
> (بيانات تجريبية) نص مختصر يمثل اللائحة الأساسية للجمعية؛ تُدخل الجمعية نص لائحتها المعتمد.

## الباب الأول: أحكام عامة

1. اسم الجمعية ومقرها ونطاق خدماتها كما في شهادة التسجيل.
2. الجمعية جهة أهلية غير ربحية تخضع لنظام الجمعيات والمؤسسات الأهلية ولائحته التنفيذية.

## الباب الثاني: أهداف الجمعية

1. تقديم الخدمات الاجتماعية للمستفيدين وفق برامجها المعتمدة.
2. التعاون مع الجهات ذات العلاقة لتحقيق أهدافها.

## الباب الثالث: مجلس الإدارة

1. يتولى مجلس الإدارة إدارة الجمعية واعتماد سياساتها ولوائحها.
2. تكون مدة المجلس أربع سنوات.
"""

DEMO_BYLAWS_EN = """\
> (Demo data) A short stand-in for the association's basic bylaws; the association enters its own approved text.

## Part 1: General provisions

1. The association's name, seat and area of service are as in its registration certificate.
2. The association is a non-profit civil body subject to the law on civil associations and foundations and its implementing regulations.

## Part 2: Goals

1. To provide social services to beneficiaries through its approved programs.
2. To co-operate with the relevant bodies to achieve its goals.

## Part 3: The board of directors

1. The board runs the association and approves its policies and regulations.
2. The board serves for four years.
"""


def add_arguments(parser) -> None:
    return None


def _hijri_as_written(day: datetime.date, *, days_off: int = 0) -> str:
    """The Hijri date as a secretary writes it, «٤/٤/١٤٤٨هـ»; days_off imitates minutes
    that follow the sighted month rather than Umm al-Qura."""
    hijri = to_hijri(day)
    written_day = hijri.day - days_off if hijri.day > days_off else hijri.day + days_off
    text = f"{written_day}/{hijri.month}/{hijri.year}هـ"
    return text.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))


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

    # The standard drafts come with the migrations; a flushed test database may lack them.
    load_standard_documents(PolicyDocument, PolicyVersion)
    if BoardMeeting.objects.exists():
        ctx.say("Policies: the board already has meetings; demo board not added.")
        return

    manager = ctx.users.get("manager")
    today = timezone.localdate()
    term_start = today.replace(day=1) - datetime.timedelta(days=2 * 365)
    members = [
        BoardMember.objects.create(
            name_ar=name_ar,
            name_en=name_en,
            position=position,
            term_start=term_start,
            term_end=term_start + datetime.timedelta(days=4 * 365),
        )
        for name_ar, name_en, position in DEMO_BOARD
    ]

    # Meeting no. (2), over a year ago: the bylaws; its minutes' Hijri date is a day off.
    earlier = today - datetime.timedelta(days=420)
    meeting_2 = board_meeting_record(
        number=2,
        hijri_date_text=_hijri_as_written(earlier, days_off=1),
        date=earlier,
        place="مقر الجمعية بالرياض",
        members=members[:5],
        actor=manager,
    )
    bylaws, _created = PolicyDocument.objects.get_or_create(
        slug="basic-bylaws",
        defaults={
            "kind": PolicyDocument.Kind.BASIC_BYLAWS,
            "title_ar": "اللائحة الأساسية للجمعية",
            "title_en": "The association's basic bylaws",
            "position": 5,
        },
    )
    bylaws_draft = policy_version_create_draft(
        document=bylaws, body_ar=DEMO_BYLAWS_AR, body_en=DEMO_BYLAWS_EN, actor=manager
    )
    policy_version_approve(version=bylaws_draft, meeting=meeting_2, actor=manager)

    # Meeting no. (3): the standard policy and the three texts the application form shows.
    recent = today - datetime.timedelta(days=70)
    meeting_3 = board_meeting_record(
        number=3,
        hijri_date_text=_hijri_as_written(recent),
        date=recent,
        place="مقر الجمعية بالرياض",
        members=members,
        actor=manager,
    )
    approved = []
    for kind in (
        PolicyDocument.Kind.BENEFICIARY_RELATIONS,
        PolicyDocument.Kind.PRIVACY_NOTICE,
        PolicyDocument.Kind.CONSENT,
        PolicyDocument.Kind.DECLARATION,
    ):
        if version_in_force(kind) is not None:
            continue
        draft = (
            PolicyVersion.objects.filter(
                document__kind=kind, status=PolicyVersion.Status.DRAFT, document__is_active=True
            )
            .order_by("document__position", "number")
            .first()
        )
        if draft is not None:
            approved.append(policy_version_approve(version=draft, meeting=meeting_3, actor=manager))

    # A draft version 2 of the policy, for the version diff and a future meeting.
    policy = version_in_force(PolicyDocument.Kind.BENEFICIARY_RELATIONS)
    if policy is not None:
        policy_version_create_draft(
            document=policy.document,
            body_ar=policy.body_ar.replace(
                "خلال مدة لا تقل عن أسبوعين", "خلال مدة لا تزيد على أسبوعين (أربعة عشر يوماً)"
            ),
            body_en=policy.body_en.replace(
                "within a period of no less than two weeks",
                "within a period of no more than two weeks (fourteen days)",
            ),
            change_note=(
                "توضيح مدة الرد على الطلب (POL-7.7): لا تزيد على أسبوعين. / "
                "Clarifies the time to answer a request (POL-7.7): at most two weeks."
            ),
            actor=manager,
        )
        officer = ctx.users.get("officer")
        if officer is not None:
            policy_version_acknowledge(version=policy, user=officer)

    ctx.say(
        f"Policies: board of {len(members)} members; meeting no. 3 approved "
        f"{len(approved)} texts (now in force at /policies/); the bylaws are due for review."
    )
