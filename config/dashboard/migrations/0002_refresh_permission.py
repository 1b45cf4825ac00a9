"""The permission to refresh the dashboard's kept figures at once (issue 10); managers
have it (config/dashboard/roles.py)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="exportlog",
            options={
                "ordering": ["-created_at", "-id"],
                "permissions": [
                    ("view_dashboard", "Can see the dashboard and the governance report"),
                    ("export_data", "Can export lists and dashboard tables"),
                    (
                        "refresh_dashboard",
                        "Can refresh the dashboard's figures before they are due",
                    ),
                ],
                "verbose_name": "export log entry",
                "verbose_name_plural": "export log",
            },
        ),
    ]
