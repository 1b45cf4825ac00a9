"""config.precompiled: a queryset of a known shape reuses its SQL text and column map,
reads the same rows as a compiled one, and any other shape is compiled as usual."""

import re

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beneficiaries.models import Beneficiary
from config import precompiled as precompiled_module
from config.precompiled import precompiled
from requests_app.models import SupportRequest
from tests.factories import BeneficiaryFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    precompiled_module.clear()
    yield
    precompiled_module.clear()


@pytest.fixture
def compiles(monkeypatch):
    """The SQL texts compiled by Django's SQLCompiler.as_sql (not taken from the cache)."""
    seen = []
    as_sql = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        sql, params = as_sql(self, *args, **kwargs)
        seen.append(sql)
        return sql, params

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    return seen


def _request_page_queryset():
    return precompiled(
        SupportRequest.objects.select_related(
            "beneficiary", "program", "channel", "assigned_officer", "decision__meeting"
        ).order_by(),
        "test: request",
    )


def test_a_second_row_of_the_same_shape_is_not_compiled_again(compiles):
    first, second = SupportRequestFactory(), SupportRequestFactory()
    compiles.clear()
    assert _request_page_queryset().get(pk=first.pk) == first
    assert len(compiles) == 1
    with CaptureQueriesContext(connection) as queries:
        again = _request_page_queryset().get(pk=second.pk)
    assert len(compiles) == 1  # the SQL text came from the cache
    assert again == second
    # The related objects are built from the cached column map, with the second row's data.
    assert again.beneficiary == second.beneficiary
    assert again.beneficiary.name_ar == second.beneficiary.name_ar
    assert again.program.code == second.program.code
    assert again.channel == second.channel
    assert queries.captured_queries[0]["sql"].count("JOIN") == 6


def test_the_cached_text_gives_the_rows_a_compiled_queryset_gives():
    requests = SupportRequestFactory.create_batch(3)
    for support_request in requests:
        cached = _request_page_queryset().get(pk=support_request.pk)
        plain = SupportRequest.objects.select_related(
            "beneficiary", "program", "channel", "assigned_officer"
        ).get(pk=support_request.pk)
        for name in ("reference", "need", "status", "submitted_at", "amount_requested"):
            assert getattr(cached, name) == getattr(plain, name)
        assert cached.beneficiary.__dict__.keys() >= {"name_ar", "id_number"}
        assert cached.beneficiary.name_ar == plain.beneficiary.name_ar


def test_another_where_clause_or_another_key_is_compiled(compiles):
    person = BeneficiaryFactory(name_ar="سارة")
    BeneficiaryFactory(name_ar="ريم")
    compiles.clear()
    assert list(precompiled(Beneficiary.objects.filter(pk=person.pk), "k")) == [person]
    assert list(precompiled(Beneficiary.objects.filter(name_ar="سارة"), "k")) == [person]
    assert list(precompiled(Beneficiary.objects.filter(pk=person.pk), "other")) == [person]
    assert len(compiles) == 3
    # The same where clause again, under each key: from the cache.
    assert list(precompiled(Beneficiary.objects.filter(name_ar="ريم"), "k")) != [person]
    assert list(precompiled(Beneficiary.objects.filter(pk=person.pk), "other")) == [person]
    assert len(compiles) == 3


def test_another_shape_under_the_same_key_is_compiled(compiles):
    person = BeneficiaryFactory()
    compiles.clear()
    list(precompiled(Beneficiary.objects.filter(pk=person.pk), "k"))
    list(precompiled(Beneficiary.objects.filter(pk=person.pk).order_by("id"), "k"))
    list(precompiled(Beneficiary.objects.filter(pk=person.pk).select_related("created_by"), "k"))
    list(precompiled(Beneficiary.objects.filter(pk=person.pk)[:1], "k"))
    list(precompiled(Beneficiary.objects.filter(pk=person.pk).only("name_ar"), "k"))
    list(precompiled(Beneficiary.objects.filter(created_by__username="x"), "k"))
    assert len(compiles) == 6
    assert len(set(compiles)) == 6


def test_what_the_cache_does_not_reuse_is_compiled_every_time(compiles):
    person = BeneficiaryFactory()
    compiles.clear()
    for _ in range(2):
        assert precompiled(Beneficiary.objects.filter(pk=person.pk), "k").count() == 1
        assert precompiled(Beneficiary.objects.filter(pk=person.pk), "k").exists()
        assert list(precompiled(Beneficiary.objects.filter(pk=person.pk), "k").values("pk"))
    assert len(compiles) == 6


def test_explain_and_extra_tables_are_compiled_as_asked():
    first, second = BeneficiaryFactory(name_ar="سارة"), BeneficiaryFactory()
    assert list(precompiled(Beneficiary.objects.filter(pk=first.pk), "k")) == [first]
    plan = precompiled(Beneficiary.objects.filter(pk=second.pk), "k").explain()
    assert "سارة" not in plan and second.name_ar not in plan
    assert re.search(r"scan|search|index", plan, re.IGNORECASE), plan
    joined = precompiled(Beneficiary.objects.filter(pk=first.pk), "k").extra(tables=["auth_user"])
    assert "auth_user" in str(joined.query)
    with CaptureQueriesContext(connection) as queries:
        list(joined)
    assert "auth_user" in queries.captured_queries[-1]["sql"]


def test_a_where_clause_that_matches_nothing_asks_nothing(django_assert_num_queries, compiles):
    person = BeneficiaryFactory()
    list(precompiled(Beneficiary.objects.filter(pk=person.pk), "k"))
    compiles.clear()
    with django_assert_num_queries(0):
        assert list(precompiled(Beneficiary.objects.filter(pk__in=[]), "k")) == []
        assert list(precompiled(Beneficiary.objects.none(), "k")) == []
    assert compiles == []  # the column map of the shape came from the cache
    with django_assert_num_queries(0):
        assert list(precompiled(Beneficiary.objects.none(), "never read")) == []


def test_a_queryset_already_read_is_not_read_again(django_assert_num_queries):
    person = BeneficiaryFactory()
    queryset = Beneficiary.objects.filter(pk=person.pk)
    list(queryset)
    with django_assert_num_queries(0):
        assert list(precompiled(queryset, "k")) == [person]


def test_switched_off_every_queryset_is_compiled(compiles, monkeypatch):
    monkeypatch.setattr(precompiled_module, "ENABLED", False)
    person = BeneficiaryFactory()
    compiles.clear()
    for _ in range(3):
        list(precompiled(Beneficiary.objects.filter(pk=person.pk), "k"))
    assert len(compiles) == 3


def test_the_request_page_compiles_none_of_its_own_questions_the_second_time(
    client, manager, compiles
):
    first, second = SupportRequestFactory(), SupportRequestFactory()
    client.force_login(manager)
    client.get(reverse("admin:requests_app_supportrequest_change", args=[first.pk]))
    compiles.clear()
    response = client.get(reverse("admin:requests_app_supportrequest_change", args=[second.pk]))
    assert response.status_code == 200
    assert second.display_reference in response.content.decode()
    own = [sql for sql in compiles if not re.search(r"FROM \"(mustafid_session|auth_user)\"", sql)]
    assert own == []


def test_the_beneficiary_page_compiles_none_of_its_own_questions_the_second_time(
    client, officer, compiles
):
    from tests.factories import ConsentFactory, HouseholdMemberFactory

    first, second = BeneficiaryFactory(), BeneficiaryFactory(name_ar="نورة")
    for person in (first, second):
        HouseholdMemberFactory(beneficiary=person)
        ConsentFactory(beneficiary=person)
        SupportRequestFactory(beneficiary=person)
    client.force_login(officer)
    client.get(reverse("admin:beneficiaries_beneficiary_change", args=[first.pk]))
    compiles.clear()
    response = client.get(reverse("admin:beneficiaries_beneficiary_change", args=[second.pk]))
    assert response.status_code == 200
    assert "نورة" in response.content.decode()
    own = [sql for sql in compiles if re.match(r"SELECT ", sql)]
    own = [sql for sql in own if not re.search(r"FROM \"(mustafid_session|auth_user)\"", sql)]
    assert own == []
