"""Beneficiaries, their households, documents and consents."""

import datetime
import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from beneficiaries.models import (
    AccessLog,
    Beneficiary,
    BeneficiaryDocument,
    Consent,
    HouseholdMember,
    IdentityType,
)
from beneficiaries.search import normalize_arabic
from beneficiaries.services import file_number_for
from beneficiaries.validators import national_id_with_check_digit

__all__ = [
    "AccessLogFactory",
    "BeneficiaryDocumentFactory",
    "BeneficiaryFactory",
    "ConsentFactory",
    "HouseholdMemberFactory",
    "pdf_upload",
    "png_upload",
    "jpeg_upload",
]

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _image_bytes(fmt: str, **save) -> bytes:
    """A real (tiny) picture: uploads are re-encoded, so the bytes must decode."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (20, 110, 80)).save(out, format=fmt, **save)
    return out.getvalue()


PNG_BYTES = _image_bytes("PNG")
JPEG_BYTES = _image_bytes("JPEG")


def pdf_upload(name: str = "id-copy.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png_upload(name: str = "scan.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def jpeg_upload(name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, JPEG_BYTES, content_type="image/jpeg")


class BeneficiaryFactory(factory.django.DjangoModelFactory):
    """A direct beneficiary with a valid national ID and mobile."""

    class Meta:
        model = Beneficiary
        skip_postgeneration_save = True

    kind = Beneficiary.Kind.DIRECT
    name_ar = factory.Faker("name", locale="ar_SA")
    name_normalized = factory.LazyAttribute(lambda b: normalize_arabic(b.name_ar))
    id_type = IdentityType.NATIONAL_ID
    id_number = factory.Sequence(lambda n: national_id_with_check_digit(f"1{n:08d}"))
    mobile = factory.Sequence(lambda n: f"+96655{n:07d}")
    gender = "male"
    birth_date = datetime.date(1985, 3, 14)
    region = "riyadh"
    city = "الرياض"
    file_number = None

    class Params:
        indirect = factory.Trait(
            kind=Beneficiary.Kind.INDIRECT,
            id_type="",
            id_number="",
            mobile="",
            birth_date=None,
            gender="",
        )

    @factory.post_generation
    def numbered(self, create, extracted, **kwargs):
        if create and not self.file_number:
            self.file_number = file_number_for(self.pk)
            Beneficiary.objects.filter(pk=self.pk).update(file_number=self.file_number)


class HouseholdMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HouseholdMember

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    name = factory.Faker("name", locale="ar_SA")
    relation = HouseholdMember.Relation.SON
    birth_date = datetime.date(2012, 1, 1)
    gender = "male"


class BeneficiaryDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BeneficiaryDocument

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    document_type = BeneficiaryDocument.DocumentType.NATIONAL_ID
    issue_date = datetime.date(2020, 1, 1)
    expiry_date = datetime.date(2030, 1, 1)
    file = factory.LazyFunction(pdf_upload)
    original_name = "id-copy.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    purpose = Consent.Purpose.DATA_PROCESSING
    text_version = "2026-01"


class AccessLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessLog

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    action = AccessLog.Action.VIEW
