"""Reach figures from a platform's CSV: a preview naming each bad row, all or nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from channels_app.models import OutreachItem, OutreachReach, ReachImport
from channels_app.services import reach_import_apply, reach_import_preview
from tests.factories import OutreachReachFactory

pytestmark = pytest.mark.django_db

HEADER = "channel,title,url,kind,published_on,period_start,period_end,views,reach,engagements,downloads\n"
GOOD = (
    HEADER
    + "social_media,حملة رمضان,https://x.com/a/1,post,2026-03-01,2026-03-01,2026-03-31,12000,8000,450,0\n"
    + "social_media,حملة رمضان,https://x.com/a/1,post,2026-03-01,2026-04-01,2026-04-30,3000,2000,90,0\n"
    + "الموقع الإلكتروني للجمعية,دليل الخدمات,,publication,,2026-03-01,2026-03-31,"
    + "٥٠٠,٣٠٠,10,120\n"
)


def preview(text: str, user=None) -> ReachImport:
    with translation.override("ar"):
        return reach_import_preview(file_name="x.csv", data=text.encode(), actor=user)


def test_a_good_file_is_previewed_then_imported_whole(manager):
    reach_import = preview(GOOD, manager)
    assert reach_import.errors == [] and reach_import.rows == 3
    assert not OutreachReach.objects.exists()  # a preview imports nothing
    assert reach_import_apply(reach_import=reach_import, actor=manager) == 3
    item = OutreachItem.objects.get(url="https://x.com/a/1")
    assert item.reach.count() == 2 and item.channel.code == "social_media"
    guide = OutreachItem.objects.get(title="دليل الخدمات")
    figures = guide.reach.get()
    assert (figures.views, figures.reach, figures.downloads) == (500, 300, 120)  # Arabic digits
    assert guide.published_on.isoformat() == "2026-03-01"
    reach_import.refresh_from_db()
    assert reach_import.status == ReachImport.Status.IMPORTED


def test_bad_rows_are_each_named_in_arabic_and_nothing_is_imported(manager):
    text = (
        HEADER
        + "social_media,منشور,https://x.com/a/2,post,,2026-03-01,2026-03-31,كثير,10,1,0\n"
        + "tiktokk,منشور,https://x.com/a/3,post,,2026-03-01,2026-03-31,1,1,1,0\n"
        + "social_media,منشور,https://x.com/a/4,post,,31-03-2026,2026-03-01,1,1,1,0\n"
        + "social_media,صالح,https://x.com/a/5,post,,2026-03-01,2026-03-31,1,1,1,0\n"
    )
    reach_import = preview(text, manager)
    errors = reach_import.errors
    assert len(errors) == 3
    assert errors[0].startswith("الصف 2:") and "«كثير» في العمود views ليست عددًا صحيحًا" in errors[0]
    assert errors[1].startswith("الصف 3:") and "القناة «tiktokk» غير معروفة" in errors[1]
    assert errors[2].startswith("الصف 4:") and "ليست تاريخًا" in errors[2]
    with translation.override("ar"), pytest.raises(Exception, match="لم يُستورد شيء"):
        reach_import_apply(reach_import=reach_import, actor=manager)
    assert not OutreachReach.objects.exists() and not OutreachItem.objects.exists()


def test_wrong_columns_are_named(manager):
    reach_import = preview("name,count\nفلان,3\n", manager)
    assert len(reach_import.errors) == 1
    assert "أعمدة الملف غير صحيحة" in reach_import.errors[0]
    assert "name, count" in reach_import.errors[0]


def test_a_period_twice_in_the_file_is_a_duplicate(manager):
    line = "social_media,حملة,https://x.com/a/9,post,,2026-03-01,2026-03-31,1,1,1,0\n"
    reach_import = preview(HEADER + line + line, manager)
    assert reach_import.errors == ["الصف 3: المحتوى والفترة نفسها مكررة في الصف 2."]


def test_a_period_already_entered_is_refused(manager):
    existing = OutreachReachFactory()
    line = (
        f"social_media,{existing.item.title},{existing.item.url},post,,"
        f"{existing.period_start},{existing.period_end},1,1,1,0\n"
    )
    reach_import = preview(HEADER + line, manager)
    assert reach_import.errors == ["الصف 2: أرقام هذا المحتوى لهذه الفترة مُدخلة من قبل."]


def test_importing_twice_is_refused(manager):
    reach_import = preview(GOOD, manager)
    reach_import_apply(reach_import=reach_import, actor=manager)
    with pytest.raises(Exception):  # noqa: B017 - ValidationError, message checked elsewhere
        reach_import_apply(reach_import=reach_import, actor=manager)
    assert OutreachReach.objects.count() == 3


@override_settings(MUSTAFID_REACH_IMPORT_MAX_MB=1)
def test_a_file_too_big_is_refused_before_it_is_read(client, manager):
    client.force_login(manager)
    big = SimpleUploadedFile("huge.csv", b"x" * (1024 * 1024 + 10), content_type="text/csv")
    response = client.post(reverse("admin:channels_app_reachimport_upload"), {"file": big})
    assert response.status_code == 200
    assert "والحد الأقصى المقبول 1 ميجابايت" in response.content.decode()
    assert not ReachImport.objects.exists()


def test_the_admin_upload_previews_then_imports(client, manager):
    client.force_login(manager)
    upload = SimpleUploadedFile("reach.csv", GOOD.encode("utf-8-sig"), content_type="text/csv")
    response = client.post(reverse("admin:channels_app_reachimport_upload"), {"file": upload})
    reach_import = ReachImport.objects.get()
    assert response["Location"] == reverse(
        "admin:channels_app_reachimport_change", args=[reach_import.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert "حملة رمضان" in page and "استيراد هذه الصفوف" in page
    assert not OutreachReach.objects.exists()
    client.post(reverse("admin:channels_app_reachimport_apply", args=[reach_import.pk]))
    assert OutreachReach.objects.count() == 3


def test_the_admin_preview_of_a_bad_file_has_no_import_button(client, manager):
    client.force_login(manager)
    reach_import = preview(HEADER + "x,y,,post,,bad,bad,1,1,1,0\n", manager)
    page = client.get(reverse("admin:channels_app_reachimport_change", args=[reach_import.pk]))
    body = page.content.decode()
    assert "لا يمكن استيراد شيء حتى تُصحح هذه الصفوف" in body
    assert "استيراد هذه الصفوف" not in body
    assert client.post(reverse("admin:channels_app_reachimport_apply", args=[reach_import.pk]))
    assert not OutreachReach.objects.exists()


def test_the_upload_is_for_roles_that_may_add_figures(client, auditor, researcher):
    for user in (auditor, researcher):
        client.force_login(user)
        assert client.get(reverse("admin:channels_app_reachimport_upload")).status_code == 403


def test_the_command_imports_a_good_file(tmp_path, manager):
    path = tmp_path / "reach.csv"
    path.write_text(GOOD, encoding="utf-8")
    call_command("import_reach", str(path), "--user", manager.username)
    assert OutreachReach.objects.count() == 3


def test_the_command_dry_run_imports_nothing(tmp_path):
    path = tmp_path / "reach.csv"
    path.write_text(GOOD, encoding="utf-8")
    call_command("import_reach", str(path), "--dry-run")
    assert not OutreachReach.objects.exists() and not ReachImport.objects.exists()


def test_the_command_lists_bad_rows_and_imports_nothing(tmp_path, capsys):
    path = tmp_path / "reach.csv"
    path.write_text(
        GOOD + "social_media,x,,post,,2026-05-01,2026-05-31,abc,1,1,0\n", encoding="utf-8"
    )
    with translation.override("ar"), pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_reach", str(path))
    assert "الصف 5:" in capsys.readouterr().err
    assert not OutreachReach.objects.exists()


@override_settings(MUSTAFID_REACH_IMPORT_MAX_MB=1)
def test_the_command_refuses_a_file_too_big(tmp_path):
    path = tmp_path / "huge.csv"
    path.write_bytes(b"x" * (1024 * 1024 + 1))
    with pytest.raises(CommandError, match="largest accepted"):
        call_command("import_reach", str(path))


def test_a_windows_arabic_file_is_read(manager):
    reach_import = reach_import_preview(
        file_name="w.csv", data=GOOD.replace("٥٠٠,٣٠٠", "500,300").encode("cp1256"), actor=manager
    )
    assert reach_import.errors == [] and reach_import.rows == 3
