"""make backup / make restore: a backup restored finds every record and every document."""

import json
import os

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from beneficiaries.models import Beneficiary, BeneficiaryDocument, HouseholdMember
from config.backup import table_counts
from tests.factories import BeneficiaryDocumentFactory, BeneficiaryFactory, HouseholdMemberFactory


def _make_records():
    people = BeneficiaryFactory.create_batch(3)
    HouseholdMemberFactory(beneficiary=people[0])
    document = BeneficiaryDocumentFactory(beneficiary=people[1])
    return people, document


def _backup(tmp_path, capsys):
    call_command("backup", output=tmp_path)
    folder = tmp_path / capsys.readouterr().out.strip().splitlines()[-1].split("/")[-1]
    assert folder.is_dir()
    return folder


def _backup_and_restore(tmp_path, capsys):
    people, document = _make_records()
    document_path = document.file.path
    before = table_counts()
    folder = _backup(tmp_path, capsys)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["tables"]["beneficiaries_beneficiary"] == Beneficiary.objects.count()

    # Disaster: a household member and the document's file are gone, and stray rows
    # were written after the backup.
    HouseholdMember.objects.all().delete()
    os.remove(document_path)
    stray = BeneficiaryFactory()

    call_command("restore", str(folder), yes=True)
    assert table_counts() == before
    assert set(Beneficiary.objects.values_list("pk", flat=True)) >= {p.pk for p in people}
    assert not Beneficiary.objects.filter(pk=stray.pk).exists()
    assert HouseholdMember.objects.filter(beneficiary_id=people[0].pk).count() == 1
    restored = BeneficiaryDocument.objects.get(pk=document.pk)
    with restored.file.open("rb") as handle:
        assert handle.read(4) == b"%PDF"


@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_restores_every_record_and_document(tmp_path, capsys):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite backup (PostgreSQL has its own test)")
    _backup_and_restore(tmp_path, capsys)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_backup_restores_every_record_and_document(tmp_path, capsys):
    _backup_and_restore(tmp_path, capsys)


@pytest.mark.django_db
def test_restore_refuses_a_folder_that_is_not_a_backup(tmp_path):
    with pytest.raises(CommandError, match="not a Mustafid backup"):
        call_command("restore", str(tmp_path), yes=True)
