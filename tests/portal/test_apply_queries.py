"""The confirming POST of /apply/ in a fixed, small number of queries (issue 11): one
transaction without nested savepoints, the policy texts looked up once, the consents and
their history written in bulk, the model's check constraints evaluated in Python, the held
documents read once (and not at all when there are none), the message a task. The ceilings below are the level reached; a query added
back (a savepoint, a lookup repeated, an N+1) fails here first."""

import datetime

import pytest
from django.core.cache import caches
from django.utils import timezone

from beneficiaries.models import Beneficiary, BeneficiaryDocument, Consent
from requests_app.models import PendingApplication, StatusChange, SupportRequest
from tests.factories import ProgramFactory

from .conftest import household_data, identity_data, pdf

pytestmark = pytest.mark.django_db

DECLARATION = {"accept_rules": "on", "declare": "on", "declaration_name": "سارة محمد العتيبي"}

# Measured on SQLite and PostgreSQL, with the suite's immediate task backend (the message's
# task runs after commit, which a test's transaction never reaches). Production's
# database queue adds one INSERT, its task row, in the transaction (the test below).
# The way down: 33/42 with every model constraint asked of the database (a savepoint and
# a SELECT each), the held documents read twice, the first history row corrected and
# the rate-limit counter locked in a transaction of its own.
NO_FILE_QUERIES = 19
WITH_FILE_QUERIES = 24


def _up_to_the_declaration(client, program, documents=None):
    assert client.post("/apply/", {"program": program.pk, "privacy_read": "on"}).status_code == 302
    assert client.post("/apply/identity/", identity_data()).status_code == 302
    assert client.post("/apply/household/", household_data()).status_code == 302
    if documents is not None:
        assert client.post("/apply/documents/", documents).status_code == 302


def _check_everything_written(documents: int):
    support_request = SupportRequest.objects.get()
    beneficiary = support_request.beneficiary
    assert beneficiary.file_number == f"M{beneficiary.pk:07d}"
    assert beneficiary.history.get(history_type="+").file_number == beneficiary.file_number
    assert support_request.history.filter(history_type="+").count() == 1
    assert StatusChange.objects.filter(support_request=support_request).count() == 1
    consents = Consent.objects.filter(beneficiary=beneficiary)
    assert consents.count() == 3
    for consent in consents:
        assert consent.channel.code == "website"
        history = consent.history.get()
        assert history.history_type == "+"
        assert history.text_version == consent.text_version
        assert history.history_change_reason is None
    assert BeneficiaryDocument.objects.filter(beneficiary=beneficiary).count() == documents
    assert PendingApplication.objects.get().submitted_request == support_request


def test_the_confirming_post_without_a_file(client, texts_in_force, django_assert_max_num_queries):
    program = ProgramFactory(code="no-documents", required_document_types=[])
    _up_to_the_declaration(client, program)
    with django_assert_max_num_queries(NO_FILE_QUERIES):
        response = client.post("/apply/declaration/", DECLARATION)
    assert response.status_code == 302 and response["Location"] == "/apply/done/"
    _check_everything_written(documents=0)


def test_the_confirming_post_with_a_file(client, texts_in_force, django_assert_max_num_queries):
    program = ProgramFactory(code="one-document", required_document_types=["national_id"])
    future = (timezone.localdate() + datetime.timedelta(days=365)).isoformat()
    _up_to_the_declaration(
        client,
        program,
        documents={"file_national_id": pdf("هوية.pdf"), "expiry_national_id": future},
    )
    with django_assert_max_num_queries(WITH_FILE_QUERIES):
        response = client.post("/apply/declaration/", DECLARATION)
    assert response.status_code == 302 and response["Location"] == "/apply/done/"
    _check_everything_written(documents=1)


def test_with_the_database_task_queue_the_message_costs_one_insert(
    client, texts_in_force, settings, django_assert_max_num_queries
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    program = ProgramFactory(code="no-documents", required_document_types=[])
    _up_to_the_declaration(client, program)
    with django_assert_max_num_queries(NO_FILE_QUERIES + 1):
        response = client.post("/apply/declaration/", DECLARATION)
    assert response.status_code == 302 and response["Location"] == "/apply/done/"
    _check_everything_written(documents=0)
    assert DBTaskResult.objects.count() == 1


def test_a_returning_applicant_is_found_and_not_created_again(client, texts_in_force):
    program = ProgramFactory(code="no-documents", required_document_types=[])
    _up_to_the_declaration(client, program)
    client.post("/apply/declaration/", DECLARATION)
    first = SupportRequest.objects.get()
    first.status = "withdrawn"
    first.save(update_fields=["status"])
    client.cookies.clear()
    _up_to_the_declaration(client, program)
    response = client.post("/apply/declaration/", DECLARATION)
    assert response.status_code == 302 and response["Location"] == "/apply/done/"
    assert Beneficiary.objects.count() == 1
    assert SupportRequest.objects.count() == 2
    assert Consent.objects.count() == 6


def test_the_rate_limit_counter_is_two_statements(django_assert_max_num_queries):
    cache = caches["ratelimit"]
    cache.clear()
    with django_assert_max_num_queries(2 + 2):  # SELECT, INSERT (in a savepoint in a test)
        assert cache.hit("k", 60) == 1
    # SELECT, then UPDATE … WHERE the value is still the one read: no transaction.
    with django_assert_max_num_queries(2):
        assert cache.hit("k", 60) == 2
    assert cache.get("k") == 2


def test_a_hit_that_lost_a_race_counts_again_and_nothing_is_lost():
    """Another request counted between this one's read and write: the write finds the
    value changed, writes nothing, reads again and counts on top."""
    from django.db import connection

    cache = caches["ratelimit"]
    cache.clear()
    assert cache.hit("k", 60) == 1
    raced = []

    def concurrent_hit_first(execute, sql, params, many, context):
        if sql.startswith("UPDATE") and not raced:
            raced.append(sql)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {connection.ops.quote_name(cache._table)} SET value = %s",
                    [cache._encode(5)],
                )
        return execute(sql, params, many, context)

    with connection.execute_wrapper(concurrent_hit_first):
        assert cache.hit("k", 60) == 6
    assert raced and cache.get("k") == 6


def test_an_expired_counter_starts_again_at_one():
    cache = caches["ratelimit"]
    cache.clear()
    cache.set("k", 50, timeout=1)
    from django.db import connection

    table = connection.ops.quote_name(cache._table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET expires = %s",
            [connection.ops.adapt_datetimefield_value(timezone.now() - datetime.timedelta(1))],
        )
    assert cache.hit("k", 60) == 1
    assert cache.get("k") == 1


def test_expired_counters_are_pruned_every_so_often():
    cache = caches["ratelimit"]
    cache.clear()
    cache.set("old", 3, timeout=1)
    from django.db import connection

    table = connection.ops.quote_name(cache._table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET expires = %s",
            [connection.ops.adapt_datetimefield_value(timezone.now() - datetime.timedelta(1))],
        )
    cache._hits = cache._cull_every - 1
    cache.hit("new", 60)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {table}")
        keys = [row[0] for row in cursor.fetchall()]
    assert len(keys) == 1 and keys[0].endswith("new")


def test_a_full_counter_table_forgets_the_counters_that_end_soonest_not_by_key():
    cache = caches["ratelimit"]
    cache.clear()
    max_entries = cache._max_entries
    cache._max_entries = 4
    try:
        # "a…" keys sort first (Django's cull would drop them) but live longest.
        for name, seconds in [("a1", 3000), ("a2", 3000), ("z1", 10), ("z2", 20), ("z3", 3000)]:
            cache.hit(name, seconds)
        cache._hits = cache._cull_every - 1
        cache.hit("a3", 3000)
    finally:
        cache._max_entries = max_entries
    assert cache.get("a1") == 1 and cache.get("a2") == 1 and cache.get("a3") == 1
    assert cache.get("z1") is None


def test_an_ipv6_client_is_counted_by_its_64_network():
    from config.ratelimit import limit_address

    assert limit_address("2001:db8:1:2:aaaa::1") == limit_address("2001:db8:1:2:ffff::9")
    assert limit_address("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert limit_address("2001:db8:1:3::1") != limit_address("2001:db8:1:2::1")
    assert limit_address("::ffff:192.0.2.7") == "192.0.2.7"
    assert limit_address("192.0.2.7") == "192.0.2.7"
    assert limit_address("") == ""


def test_two_applicants_with_one_new_identity_at_once_get_no_server_error(
    client, texts_in_force, monkeypatch
):
    """The second of two simultaneous confirmations meets the unique index (nobody to lock
    when both looked); it is tried once more and finds the person the first stored."""
    from django.db import IntegrityError

    from requests_app.portal import services

    program = ProgramFactory(code="no-documents", required_document_types=[])
    _up_to_the_declaration(client, program)
    real = services.portal_application_submit
    calls = []

    def first_loses_the_race(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise IntegrityError("duplicate key value violates unique constraint")
        return real(**kwargs)

    monkeypatch.setattr(services, "portal_application_submit", first_loses_the_race)
    response = client.post("/apply/declaration/", DECLARATION)
    assert response.status_code == 302 and response["Location"] == "/apply/done/"
    assert len(calls) == 2 and SupportRequest.objects.count() == 1
