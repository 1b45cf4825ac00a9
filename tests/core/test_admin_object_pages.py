"""The beneficiary's and the request's pages in the back-office (issue #11): their
fieldsets, inlines and widgets are drawn in Python (config/fast_admin.py,
config/fast_forms.py) with the very markup of the admin's templates, and their queries do
not grow with the rows they show."""

import re

import pytest
from django.urls import reverse

from beneficiaries.models import AccessLog, BeneficiaryDocument
from config import fast_forms
from requests_app.delivery import delivery_record
from tests.factories import (
    ApprovedRequestFactory,
    BeneficiaryDocumentFactory,
    BeneficiaryFactory,
    ConsentFactory,
    HouseholdMemberFactory,
    InteractionFactory,
    SupportRequestFactory,
)

pytestmark = pytest.mark.django_db

# What changes from one request to the next: the CSRF token, the CSP nonce, the time an
# empty consent row offers.
PER_REQUEST = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"|nonce="[^"]*"|\d\d:\d\d:\d\d')


def _page(client, method, url, data=None):
    response = client.get(url) if method == "get" else client.post(url, data)
    assert response.status_code == 200, response.status_code
    return PER_REQUEST.sub("", response.content.decode())


def both_ways(client, url, monkeypatch, method="get", data=None):
    """The page drawn by the Python renderers and by the admin's own templates."""
    fast = _page(client, method, url, data)
    monkeypatch.setattr(fast_forms, "ENABLED", False)
    stock = _page(client, method, url, data)
    monkeypatch.setattr(fast_forms, "ENABLED", True)
    return fast, stock


def _assert_same(fast, stock):
    if fast != stock:
        at = next(i for i, (a, b) in enumerate(zip(fast, stock, strict=False)) if a != b)
        start = max(0, at - 300)
        raise AssertionError(
            f"differs at {at}:\n{fast[start : at + 200]!r}\n---\n{stock[start : at + 200]!r}"
        )


@pytest.fixture
def person():
    person = BeneficiaryFactory(name_en="Noura <b>", preferred_channel=None)
    HouseholdMemberFactory.create_batch(2, beneficiary=person)
    BeneficiaryDocumentFactory.create_batch(2, beneficiary=person)
    ConsentFactory.create_batch(2, beneficiary=person)
    SupportRequestFactory.create_batch(2, beneficiary=person)
    InteractionFactory(beneficiary=person)
    return person


@pytest.mark.parametrize("user", ["officer", "manager", "auditor"])
def test_the_beneficiary_page_is_drawn_as_the_admin_templates_draw_it(
    client, person, user, request, monkeypatch
):
    client.force_login(request.getfixturevalue(user))
    url = reverse("admin:beneficiaries_beneficiary_change", args=[person.pk])
    fast, stock = both_ways(client, url, monkeypatch)
    _assert_same(fast, stock)
    assert 'id="household_members-group"' in fast or "-group" in fast


def test_a_refused_beneficiary_form_shows_the_same_errors_and_input_both_ways(
    client, officer, person, monkeypatch
):
    client.force_login(officer)
    url = reverse("admin:beneficiaries_beneficiary_change", args=[person.pk])
    fast = client.get(url).content.decode()
    data = {
        name: value
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', fast)
        if name != "csrfmiddlewaretoken"
    }
    data.update({"name_ar": "", "mobile": "12<x>", "email": "not-an-email", "kind": "direct"})
    fast, stock = both_ways(client, url, monkeypatch, method="post", data=data)
    _assert_same(fast, stock)
    assert "errornote" in fast and "12&lt;x&gt;" in fast


def test_the_add_form_is_drawn_as_the_admin_templates_draw_it(client, officer, monkeypatch):
    client.force_login(officer)
    fast, stock = both_ways(client, reverse("admin:beneficiaries_beneficiary_add"), monkeypatch)
    _assert_same(fast, stock)
    assert 'id="documents-empty"' in fast


def test_the_request_page_is_drawn_as_the_admin_templates_draw_it(client, manager, monkeypatch):
    support_request = ApprovedRequestFactory()
    delivery_record(
        support_request=support_request,
        kind="in_kind",
        quantity=2,
        actor=manager,
        completes_service=False,
    )
    client.force_login(manager)
    url = reverse("admin:requests_app_supportrequest_change", args=[support_request.pk])
    fast, stock = both_ways(client, url, monkeypatch)
    _assert_same(fast, stock)
    assert "inlineviewlink" in fast


def test_opening_a_person_still_leaves_one_access_log_line(client, officer, person):
    client.force_login(officer)
    client.get(reverse("admin:beneficiaries_beneficiary_change", args=[person.pk]))
    assert AccessLog.objects.filter(beneficiary=person, user=officer).count() == 1


def test_sensitive_fields_stay_out_of_the_page_without_the_permission(
    client, auditor, manager, person
):
    url = reverse("admin:beneficiaries_beneficiary_change", args=[person.pk])
    client.force_login(auditor)
    text = client.get(url).content.decode()
    assert "monthly_income" not in text and "disability_notes" not in text
    client.force_login(manager)
    text = client.get(url).content.decode()
    assert 'name="monthly_income"' in text and "-0-disability_notes" in text


def test_documents_keep_their_inline_rows(client, officer, person):
    client.force_login(officer)
    text = client.get(
        reverse("admin:beneficiaries_beneficiary_change", args=[person.pk])
    ).content.decode()
    assert (
        text.count('class="inline-related has_original"')
        == BeneficiaryDocument.objects.filter(beneficiary=person).count()
    )


# -- queries: a fixed number, whatever the rows the page shows -------------------------------


def _queries(client, url, django_assert_max_num_queries, limit):
    client.get(url)  # caches filled (the association's profile, content types)
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _with_history(person, count, manager):
    HouseholdMemberFactory.create_batch(count, beneficiary=person)
    BeneficiaryDocumentFactory.create_batch(count, beneficiary=person)
    ConsentFactory.create_batch(count, beneficiary=person)
    InteractionFactory.create_batch(count, beneficiary=person)
    for _ in range(count):
        support_request = ApprovedRequestFactory(beneficiary=person)
        delivery_record(
            support_request=support_request,
            kind="in_kind",
            quantity=1,
            actor=manager,
            completes_service=False,
        )


@pytest.mark.parametrize("user", ["officer", "manager"])
def test_the_beneficiary_page_reads_as_much_for_one_row_as_for_many(
    client, manager, user, request, django_assert_max_num_queries
):
    small, large = BeneficiaryFactory(), BeneficiaryFactory()
    _with_history(small, 1, manager)
    _with_history(large, 6, manager)
    client.force_login(request.getfixturevalue(user))
    few = _queries(
        client,
        reverse("admin:beneficiaries_beneficiary_change", args=[small.pk]),
        django_assert_max_num_queries,
        21,
    )
    more = _queries(
        client,
        reverse("admin:beneficiaries_beneficiary_change", args=[large.pk]),
        django_assert_max_num_queries,
        few,
    )
    assert more == few


@pytest.mark.parametrize("user", ["officer", "manager"])
def test_the_request_page_reads_as_much_for_one_delivery_as_for_many(
    client, manager, user, request, django_assert_max_num_queries
):
    urls = []
    for count in (1, 6):
        support_request = ApprovedRequestFactory()
        for _ in range(count):
            delivery_record(
                support_request=support_request,
                kind="in_kind",
                quantity=1,
                actor=manager,
                completes_service=False,
            )
        InteractionFactory.create_batch(count, beneficiary=support_request.beneficiary)
        urls.append(reverse("admin:requests_app_supportrequest_change", args=[support_request.pk]))
    client.force_login(request.getfixturevalue(user))
    few = _queries(client, urls[0], django_assert_max_num_queries, 17)
    more = _queries(client, urls[1], django_assert_max_num_queries, few)
    assert more == few


def test_model_selects_read_their_choices_with_one_plain_query(client, officer, person):
    # No server-side cursor (DECLARE … FETCH … CLOSE on PostgreSQL) for a list of channels.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(officer)
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("admin:beneficiaries_beneficiary_change", args=[person.pk]))
    channel_lists = [q["sql"] for q in captured if 'FROM "channels_app_channel"' in q["sql"]]
    assert channel_lists and not any("DECLARE" in sql for sql in channel_lists)


# -- records a request's status rules out are not asked for (requests_app.timeline) --------

_LATER_TABLES = (
    "requests_app_researchreport",
    "requests_app_referral",
    "requests_app_committeevote",
    "requests_app_servicedelivery",
)


def test_a_new_request_page_does_not_ask_for_records_it_cannot_have_yet(
    client, officer, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from requests_app import timeline

    support_request = SupportRequestFactory()  # submitted: nothing has happened yet
    InteractionFactory(beneficiary=support_request.beneficiary, support_request=support_request)
    client.force_login(officer)
    urls = [
        reverse("admin:requests_app_supportrequest_change", args=[support_request.pk]),
        reverse("admin:beneficiaries_beneficiary_change", args=[support_request.beneficiary.pk]),
    ]
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            skipping = _page(client, "get", url)
        asked = [q["sql"] for q in captured if any(t in q["sql"] for t in _LATER_TABLES)]
        assert asked == [], url
        # The same page as when every kind is read.
        monkeypatch.setattr(timeline, "POSSIBLE_IN", {})
        _assert_same(skipping, _page(client, "get", url))
        monkeypatch.undo()


def test_the_kinds_a_status_allows_follow_the_workflow():
    from requests_app.timeline import may_have
    from requests_app.workflow import Status

    assert not any(may_have(kind, Status.SUBMITTED) for kind in ("research", "vote", "delivery"))
    assert may_have("research", Status.VERIFICATION)  # back from the researcher
    assert may_have("vote", Status.NEEDS_INFO)  # the committee asked for more
    assert not may_have("referral", Status.VERIFICATION)
    assert may_have("referral", Status.CLOSED)
    assert not may_have("delivery", Status.REJECTED)
    assert may_have("delivery", Status.CLOSED)
    assert may_have("status", Status.SUBMITTED) and may_have("interaction", Status.SUBMITTED)


def test_a_referral_shows_on_the_referred_request_and_its_person(client, officer):
    from requests_app.models import Referral
    from requests_app.workflow import Status

    support_request = SupportRequestFactory(status=Status.REFERRED_EXTERNAL)
    Referral.objects.create(
        support_request=support_request,
        association_name="جمعية البر",
        reason="خارج النطاق",
        created_by=officer,
    )
    client.force_login(officer)
    for url in (
        reverse("admin:requests_app_supportrequest_change", args=[support_request.pk]),
        reverse("admin:beneficiaries_beneficiary_change", args=[support_request.beneficiary.pk]),
    ):
        assert "جمعية البر" in _page(client, "get", url)


def test_a_new_request_page_reads_little(client, officer, django_assert_max_num_queries):
    support_request = SupportRequestFactory()
    client.force_login(officer)
    url = reverse("admin:requests_app_supportrequest_change", args=[support_request.pk])
    client.get(url)
    # Session, user, profile, the request, permissions, checks, documents, and the
    # timeline's contacts, messages and status changes.
    with django_assert_max_num_queries(11):
        assert client.get(url).status_code == 200


def test_the_channel_lists_of_a_persons_page_are_read_once(client, officer, person):
    # The preferred channel, the channel that reached them and each consent's channel.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(officer)
    url = reverse("admin:beneficiaries_beneficiary_change", args=[person.pk])
    with CaptureQueriesContext(connection) as captured:
        body = client.get(url).content.decode()
    assert len([q for q in captured if 'FROM "channels_app_channel"' in q["sql"]]) == 1
    assert body.count('name="preferred_channel"') == 1 and 'name="reached_via"' in body
