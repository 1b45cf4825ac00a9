"""The base layout: Arabic first, English on request, the association's identity."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_page_is_arabic_right_to_left_by_default(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in html
    assert "تخطَّ إلى المحتوى الرئيسي" in html


def test_home_page_stays_arabic_for_an_english_browser(client):
    response = client.get("/", headers={"accept-language": "en-US,en;q=0.9"})
    assert '<html lang="ar" dir="rtl">' in response.content.decode()


def test_choosing_english_gives_left_to_right_english_pages(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert "Skip to main content" in html


def test_an_unknown_language_code_leaves_the_site_in_arabic(client):
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html


def test_home_page_shows_todays_date_in_hijri_and_gregorian(client):
    html = client.get("/").content.decode()
    assert 'class="dual-date"' in html
    assert "هـ" in html


def test_admin_login_is_arabic_right_to_left_with_the_association_name(client):
    html = client.get("/admin/login/").content.decode()
    assert 'lang="ar" dir="rtl"' in html
    assert "الجمعية الأهلية" in html


def test_admin_index_shows_the_association_name_as_header(admin_client):
    from policies.models import AssociationProfile

    AssociationProfile.objects.create(pk=1, name_ar="جمعية الاختبار", name_en="Test Association")
    html = admin_client.get("/admin/").content.decode()
    assert "جمعية الاختبار" in html


def test_unknown_page_is_a_translated_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "الصفحة غير موجودة" in response.content.decode()


def test_static_stylesheet_uses_logical_properties_only():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static/css/mustafid.css").read_text()
    for physical in (
        "margin-left",
        "margin-right",
        "padding-left",
        "padding-right",
        "text-align: left",
        "text-align: right",
    ):
        assert physical not in css


def test_the_site_has_a_favicon_at_its_root(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # ICO header


def test_a_refused_page_says_so_in_arabic_on_the_site_template(client, auditor):
    client.force_login(auditor)
    response = client.get("/admin/satisfaction/feedback/add/")
    assert response.status_code == 403
    html = response.content.decode()
    assert 'dir="rtl"' in html and "ليس لديك صلاحية" in html
