"""seed_demo at benchmark sizes: the bulk path (config/bulk.py) writes consistent rows on
SQLite and on PostgreSQL, where a big load drops and rebuilds the tables' indexes."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, F, OuterRef, Subquery

from beneficiaries import demo as beneficiaries_demo
from beneficiaries.models import Beneficiary, BeneficiaryDocument, Consent, HouseholdMember
from beneficiaries.search import normalize_arabic
from beneficiaries.validators import validate_iban, validate_national_id
from config.bulk import BulkTable, CopyText, built_rows
from requests_app import demo as requests_demo
from requests_app.models import (
    CommitteeVote,
    Decision,
    ServiceDelivery,
    StatusChange,
    SupportRequest,
)
from requests_app.reference import clean_reference
from requests_app.workflow import Status
from satisfaction import demo as satisfaction_demo
from satisfaction.models import SurveyAnswer, SurveyInvitation, SurveyResponse

pytestmark = pytest.mark.django_db

SIZE = 2000


def _index_and_key_count() -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE schemaname = 'public'")
        indexes = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM pg_constraint WHERE contype = 'f'")
        return indexes, cursor.fetchone()[0]


@pytest.fixture
def seeded(monkeypatch):
    """2,000 + 2,000, through the big-load path (indexes deferred on PostgreSQL)."""
    for module in (beneficiaries_demo, requests_demo, satisfaction_demo):
        monkeypatch.setattr(module, "BIG", 1)
        monkeypatch.setattr(module, "BATCH", 700)  # several batches through the writer
    before = _index_and_key_count() if connection.vendor == "postgresql" else None
    out = io.StringIO()
    call_command("seed_demo", "--beneficiaries", str(SIZE), "--requests", str(SIZE), stdout=out)
    return out.getvalue(), before


def _the_sizes_asked_for_are_seeded_with_their_satellites(seeded):
    out, _before = seeded
    assert Beneficiary.objects.count() == SIZE
    assert SupportRequest.objects.count() == SIZE
    direct = Beneficiary.objects.filter(kind="direct").count()
    assert Consent.objects.count() == direct
    assert BeneficiaryDocument.objects.count() >= direct
    assert HouseholdMember.objects.count() > direct
    assert "2,000/2,000" in out  # progress lines


def _every_request_has_a_history_ending_where_it_is(seeded):
    last = StatusChange.objects.filter(support_request=OuterRef("pk")).order_by(
        "-created_at", "-pk"
    )
    wrong = SupportRequest.objects.annotate(last=Subquery(last.values("to_status")[:1])).exclude(
        last=F("status")
    )
    assert not wrong.exists()
    assert set(SupportRequest.objects.values_list("status", flat=True)) == set(Status.values)
    # Each (beneficiary, program) pair at most once.
    assert not (
        SupportRequest.objects.values("beneficiary", "program")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .exists()
    )
    for reference in SupportRequest.objects.values_list("reference", flat=True)[:200]:
        assert clean_reference(reference) == reference


def _decided_requests_have_their_decision_votes_and_deliveries(seeded):
    decided = SupportRequest.objects.filter(decided_at__isnull=False)
    assert Decision.objects.count() == decided.count() > 0
    assert CommitteeVote.objects.count() == 3 * decided.count()
    assert not Decision.objects.filter(meeting__isnull=True).exists()
    rejected = Decision.objects.filter(outcome=Decision.Outcome.REJECTED)
    assert not rejected.exclude(support_request__status_changes__to_status=Status.REJECTED).exists()
    assert all(len(d.votes_snapshot) == 3 for d in Decision.objects.all()[:50])
    delivered = decided.filter(status__in=[Status.IN_DELIVERY, Status.DELIVERED, Status.CLOSED])
    assert ServiceDelivery.objects.count() == delivered.count() > 0
    assert not ServiceDelivery.objects.filter(kind="cash", iban="").exists()
    invited = SurveyInvitation.objects.exclude(support_request__status=Status.CLOSED)
    assert SurveyInvitation.objects.exists() and not invited.exists()
    assert not SurveyResponse.objects.filter(anonymous=True, invitation__isnull=False).exists()
    assert SurveyAnswer.objects.exists()
    answered = SurveyInvitation.objects.filter(responded_at__isnull=False)
    assert SurveyResponse.objects.filter(anonymous=False).count() <= answered.count()


def _people_are_valid_and_searchable(seeded):
    people = Beneficiary.objects.filter(kind="direct").order_by("?")[:200]
    for person in people:
        assert person.name_normalized == normalize_arabic(person.name_ar)
        assert validate_national_id(person.id_number) == person.id_number
        if person.iban:
            validate_iban(person.iban)
    assert Beneficiary.objects.filter(name_normalized__contains="محمد").exists()
    ids = Beneficiary.objects.exclude(id_number="").values("id_type", "id_number")
    assert ids.distinct().count() == ids.count()


def _the_bench_scenarios_have_what_they_aim_at(seeded):
    usernames = set(get_user_model().objects.values_list("username", flat=True))
    assert {"officer", "manager", "committee1"} <= usernames
    assert SupportRequest.objects.filter(status=Status.COMMITTEE_REVIEW).exists()


def _sequences_continue_after_the_explicit_ids(seeded):
    """The ids were given by the seed; the next row made through the ORM still fits."""
    from tests.factories import BeneficiaryFactory

    top = Beneficiary.objects.order_by("-pk").first().pk
    assert BeneficiaryFactory().pk > top


def _postgresql_keeps_every_index_and_foreign_key(seeded):
    _out, before = seeded
    if before is not None:
        assert _index_and_key_count() == before


def test_a_benchmark_size_seed_is_consistent(seeded):
    """One seed (they take a while), every check."""
    _the_sizes_asked_for_are_seeded_with_their_satellites(seeded)
    _every_request_has_a_history_ending_where_it_is(seeded)
    _decided_requests_have_their_decision_votes_and_deliveries(seeded)
    _people_are_valid_and_searchable(seeded)
    _the_bench_scenarios_have_what_they_aim_at(seeded)
    _postgresql_keeps_every_index_and_foreign_key(seeded)
    _sequences_continue_after_the_explicit_ids(seeded)


def test_row_makers_fill_defaults_and_adapt_values():
    table = BulkTable(StatusChange)
    make = table.maker("support_request_id", "to_status", "created_at")
    import datetime

    moment = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    row = make(7, "submitted", moment)
    assert len(row) == len(table.attnames)
    values = dict(zip(table.attnames, row, strict=True))
    assert values["support_request_id"] == 7 and values["from_status"] == ""
    assert values["actor_id"] is None
    with pytest.raises(ValueError):
        table.maker("no_such_column")


def _numbers(state, chunk):
    """A build for built_rows: rows with text that COPY must escape, and an extra."""
    start, end = chunk
    rows = [(i, state * i, "نص\tمع\nفواصل\\", None, i % 2 == 0) for i in range(start, end)]
    return {"numbers": rows}, sum(range(start, end))


def _fails(state, chunk):
    raise ValueError(f"chunk {chunk}")


def test_rows_built_in_processes_are_the_rows_built_here_as_copy_text():
    chunks = [(0, 5), (5, 9), (9, 40), (40, 41)]
    with built_rows(_numbers, 3, chunks, 1) as batches:
        here = list(batches)
    with built_rows(_numbers, 3, chunks, 2) as batches:
        forked = list(batches)
    assert [extra for _rows, extra in forked] == [extra for _rows, extra in here]
    for (rows, _extra), (texts, _same) in zip(here, forked, strict=True):
        assert isinstance(texts["numbers"], CopyText)
        assert len(texts["numbers"]) == len(rows["numbers"])
        assert texts["numbers"].data == CopyText.of(rows["numbers"]).data
    assert CopyText.of([(1, "a\tb", None, True)]).data == b"1\ta\\tb\t\\N\tt\n"


def test_an_error_in_a_worker_process_reaches_the_caller():
    with pytest.raises(ValueError, match="chunk"), built_rows(_fails, None, [(0, 1)], 2) as batches:
        list(batches)


def test_the_same_seed_gives_the_same_people_whatever_the_number_of_processes():
    names = beneficiaries_demo._Names()
    make = beneficiaries_demo._Rows()
    now = datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC)
    state = (names, make, (now.date(), now, {"phone": 1, "email": 2}, 5), 2026)
    chunks = [(0, 1, 300), (1, 300, 650)]
    with built_rows(beneficiaries_demo._people, state, chunks, 1) as batches:
        here = list(batches)
    with built_rows(beneficiaries_demo._people, state, chunks, 2) as batches:
        forked = list(batches)
    for (rows, direct), (texts, forked_direct) in zip(here, forked, strict=True):
        assert direct == forked_direct
        for name, table_rows in rows.items():
            assert texts[name].data == CopyText.of(table_rows).data
    # Another seed, other people.
    with built_rows(beneficiaries_demo._people, (*state[:3], 2027), chunks, 1) as batches:
        assert next(batches)[0]["beneficiaries"] != here[0][0]["beneficiaries"]


def test_demo_references_are_distinct_valid_and_scattered():
    import random

    key = requests_demo._reference_key(random.Random(1))
    references = [requests_demo._reference(key, pk) for pk in range(1, 20_001)]
    assert len(set(references)) == len(references)
    assert all(clean_reference(r) == r for r in references)
    assert references[:5] != sorted(references[:5]) or references[5:10] != sorted(references[5:10])
