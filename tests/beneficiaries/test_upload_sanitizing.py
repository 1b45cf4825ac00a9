"""Uploaded pictures are re-encoded: no EXIF (GPS, phone, time) is stored (issue #12)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from beneficiaries.services import document_add
from tests.factories import BeneficiaryFactory


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (16, 16), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (24.0, 42.0, 50.0)}  # GPS: Riyadh
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    out.write(b"hidden payload after the image")
    return out.getvalue()


@pytest.mark.django_db
def test_a_photo_is_stored_without_its_exif_or_trailing_bytes():
    raw = _jpeg_with_gps()
    assert Image.open(io.BytesIO(raw)).getexif()  # the upload really carries EXIF
    document = document_add(
        beneficiary=BeneficiaryFactory(),
        document_type="national_id",
        file=SimpleUploadedFile("id.jpg", raw, content_type="image/jpeg"),
    )
    with document.file.open("rb") as handle:
        stored = handle.read()
    assert not Image.open(io.BytesIO(stored)).getexif()
    assert b"PhoneMaker" not in stored and b"hidden payload" not in stored
    assert document.content_type == "image/jpeg"


@pytest.mark.django_db
def test_a_picture_that_does_not_decode_is_refused_in_arabic():
    fake = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    with pytest.raises(ValidationError) as caught:
        document_add(
            beneficiary=BeneficiaryFactory(),
            document_type="national_id",
            file=SimpleUploadedFile("scan.png", fake, content_type="image/png"),
        )
    assert "تعذّرت قراءة الصورة" in " ".join(caught.value.messages)
