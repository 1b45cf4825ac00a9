"""Load the standard beneficiary-relations policy, privacy notice, consent text and
declaration text as DRAFT versions (policies/standard_texts.py), so a new association
starts by approving them rather than typing them. Nothing is in force until the board
approves: version_in_force() answers None until then."""

from django.db import migrations

from policies.standard_texts import STANDARD_DOCUMENTS, load_standard_documents


def load(apps, schema_editor):
    load_standard_documents(
        apps.get_model("policies", "PolicyDocument"),
        apps.get_model("policies", "PolicyVersion"),
    )


def unload(apps, schema_editor):
    # Only drafts nobody approved go; a document the board acted on stays.
    PolicyDocument = apps.get_model("policies", "PolicyDocument")
    PolicyVersion = apps.get_model("policies", "PolicyVersion")
    slugs = [row[0] for row in STANDARD_DOCUMENTS]
    for document in PolicyDocument.objects.filter(slug__in=slugs):
        versions = PolicyVersion.objects.filter(document=document)
        if versions.exclude(status="draft").exists() or versions.count() > 1:
            continue
        versions.delete()
        document.delete()


class Migration(migrations.Migration):

    dependencies = [
        ("policies", "0002_policy_documents_versions_board"),
    ]

    operations = [
        migrations.RunPython(load, unload),
    ]
