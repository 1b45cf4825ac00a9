"""Policy documents, versions, board members and meetings."""

import datetime

import factory

from policies.models import (
    BoardAttendance,
    BoardMeeting,
    BoardMember,
    PolicyDocument,
    PolicyVersion,
)

__all__ = [
    "BoardMemberFactory",
    "BoardMeetingFactory",
    "PolicyDocumentFactory",
    "PolicyVersionFactory",
]

# 18 September 2024 is 15 Rabi' al-Awwal 1446 (Umm al-Qura).
MEETING_DATE = datetime.date(2024, 9, 18)


class BoardMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BoardMember

    name_ar = factory.Faker("name", locale="ar_SA")
    name_en = factory.Faker("name", locale="en_US")
    position = BoardMember.Position.MEMBER
    term_start = datetime.date(2023, 1, 1)
    term_end = datetime.date(2026, 12, 31)


class BoardMeetingFactory(factory.django.DjangoModelFactory):
    """A meeting on 18 Sep 2024 (15/3/1446) with a chairman and two members present;
    BoardMeetingFactory(members=[...]) chooses who attended."""

    class Meta:
        model = BoardMeeting
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: n + 3)
    date = MEETING_DATE
    hijri_date_text = "١٥/٣/١٤٤٦هـ"
    hijri_year = 1446
    hijri_month = 3
    hijri_day = 15
    place = "مقر الجمعية"

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            extracted = [
                BoardMemberFactory(position=BoardMember.Position.CHAIRMAN),
                BoardMemberFactory(),
                BoardMemberFactory(),
            ]
        for member in extracted:
            BoardAttendance.objects.create(meeting=self, member=member)


class PolicyDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyDocument

    kind = PolicyDocument.Kind.OTHER
    title_ar = factory.Sequence(lambda n: f"وثيقة اختبار {n}")
    title_en = factory.Sequence(lambda n: f"Test document {n}")
    slug = factory.Sequence(lambda n: f"test-document-{n}")
    position = 50


class PolicyVersionFactory(factory.django.DjangoModelFactory):
    """A draft by default; use the services to approve it (that is the rule under test)."""

    class Meta:
        model = PolicyVersion

    document = factory.SubFactory(PolicyDocumentFactory)
    number = factory.LazyAttribute(
        lambda v: (
            (v.document.versions.order_by("-number").values_list("number", flat=True).first() or 0)
            + 1
        )
    )
    status = PolicyVersion.Status.DRAFT
    body_ar = "## أولاً: تمهيد\n\n1. نص البند الأول.\n2. نص البند الثاني.\n"
    body_en = "## 1. Preamble\n\n1. The first clause.\n2. The second clause.\n"
