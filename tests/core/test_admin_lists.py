"""The big back-office lists and object pages at scale (issue #11): keyset pages, rows
drawn in Python with the stock markup, widgets drawn in Python with the stock markup,
and query counts that do not grow with the rows shown or the depth of the page."""

import datetime
import html
import re

import pytest
from django import forms
from django.forms.renderers import get_default_renderer
from django.urls import reverse
from django.utils import timezone

from beneficiaries.forms import BeneficiaryForm
from beneficiaries.models import Beneficiary
from config.fast_forms import FastWidgetRenderer
from tests.factories import (
    BeneficiaryDocumentFactory,
    BeneficiaryFactory,
    ConsentFactory,
    HouseholdMemberFactory,
    SupportRequestFactory,
)

pytestmark = pytest.mark.django_db

BENEFICIARIES = reverse("admin:beneficiaries_beneficiary_changelist")
REQUESTS = reverse("admin:requests_app_supportrequest_changelist")
CHECKBOX = re.compile(r'name="_selected_action" value="(\d+)"')


def ids(response) -> list[int]:
    return [int(pk) for pk in CHECKBOX.findall(response.content.decode())]


def link(response, rel: str) -> str | None:
    match = re.search(rf'<a href="([^"]*)" rel="{rel}">', response.content.decode())
    return html.unescape(match.group(1)) if match else None


def walk(client, url, first_params=None):
    """Every page by its "next" link; the ids of each page."""
    response = client.get(url, first_params or {})
    pages = [ids(response)]
    while (nxt := link(response, "next")) is not None:
        response = client.get(url + nxt)
        assert response.status_code == 200
        pages.append(ids(response))
    return pages


def test_next_links_seek_and_visit_every_row_once_in_order(client, officer, small_pages):
    people = BeneficiaryFactory.create_batch(13)
    # Ties on the sort column: the id must break them, or rows repeat or vanish.
    same = timezone.now() - datetime.timedelta(days=1)
    Beneficiary.objects.filter(pk__in=[p.pk for p in people[3:9]]).update(created_at=same)
    expected = list(Beneficiary.objects.order_by("-created_at", "-id").values_list("pk", flat=True))
    client.force_login(officer)
    pages = walk(client, BENEFICIARIES)
    assert [len(page) for page in pages] == [5, 5, 3]
    assert [pk for page in pages for pk in page] == expected
    # The cursor page is the same page as ?p=N.
    assert ids(client.get(BENEFICIARIES, {"p": 2})) == pages[1]
    assert ids(client.get(BENEFICIARIES, {"p": 3})) == pages[2]


def test_previous_links_seek_back(client, officer, small_pages):
    BeneficiaryFactory.create_batch(12)
    client.force_login(officer)
    page1 = client.get(BENEFICIARIES)
    page2 = client.get(BENEFICIARIES + link(page1, "next"))
    page3 = client.get(BENEFICIARIES + link(page2, "next"))
    assert "cursor=b" in link(page3, "prev")
    back = client.get(BENEFICIARIES + link(page3, "prev"))
    assert ids(back) == ids(page2)
    assert "cursor" not in link(back, "prev")  # page 1 is the plain list
    assert ids(client.get(BENEFICIARIES + link(back, "prev"))) == ids(page1)


def test_sorting_by_another_column_pages_through_every_row(client, officer, small_pages):
    for name in ["سارة", "أحمد", "منى", "خالد", "نورة", "أحمد", "ليلى"]:
        BeneficiaryFactory(name_ar=name)
    client.force_login(officer)
    # Column 2 is the name (sorted by the folded name); the id breaks ties.
    pages = walk(client, BENEFICIARIES, {"o": "2"})
    seen = [pk for page in pages for pk in page]
    assert sorted(seen) == sorted(Beneficiary.objects.values_list("pk", flat=True))
    names = list(Beneficiary.objects.filter(pk__in=seen).values_list("pk", "name_normalized"))
    order = dict(names)
    assert [order[pk] for pk in seen] == sorted(order[pk] for pk in seen)


def test_a_damaged_or_foreign_cursor_falls_back_to_the_page_number(client, officer, small_pages):
    BeneficiaryFactory.create_batch(7)
    client.force_login(officer)
    first = ids(client.get(BENEFICIARIES))
    for cursor in ["a0000.!!!", "zzz", "a" + "x" * 50, "b1234.WyJ4Il0"]:
        response = client.get(BENEFICIARIES, {"cursor": cursor})
        assert response.status_code == 200
        assert ids(response) == first


def test_filters_and_sorting_links_drop_the_cursor(client, officer, small_pages):
    BeneficiaryFactory.create_batch(7)
    client.force_login(officer)
    page2 = client.get(BENEFICIARIES + link(client.get(BENEFICIARIES), "next"))
    text = html.unescape(page2.content.decode())
    filter_links = re.findall(r'href="(\?[^"]*(?:region__exact|o)=[^"]*)"', text)
    assert filter_links and not any("cursor" in href for href in filter_links)


def test_the_request_list_pages_by_cursor_in_due_order(client, officer, small_pages):
    SupportRequestFactory.create_batch(8)
    client.force_login(officer)
    pages = walk(client, REQUESTS, {"state": "all"})
    from requests_app.models import SupportRequest

    expected = list(
        SupportRequest.objects.order_by("decision_due_at", "id").values_list("pk", flat=True)
    )
    assert [pk for page in pages for pk in page] == expected


# -- queries: flat in the rows shown and the depth ------------------------------------------


def _count(client, url, params, django_assert_max_num_queries, limit):
    client.get(url, params)  # caches filled (the association's profile, content types)
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured.captured_queries), response


BENEFICIARY_PAGES = [
    {},
    {"region": "riyadh"},
    {"q": "احمد"},
    {"status": "active", "kind": "direct"},
    {"p": "2"},
]


@pytest.mark.parametrize("params", BENEFICIARY_PAGES)
def test_beneficiary_list_queries_are_few_and_flat(
    client, officer, small_pages, django_assert_max_num_queries, params
):
    client.force_login(officer)
    BeneficiaryFactory.create_batch(6, name_ar="أحمد علي", region="riyadh", status="active")
    few, _ = _count(client, BENEFICIARIES, params, django_assert_max_num_queries, 9)
    BeneficiaryFactory.create_batch(20, name_ar="أحمد سعد", region="riyadh", status="active")
    more, _ = _count(client, BENEFICIARIES, params, django_assert_max_num_queries, few)
    assert more == few


def test_a_deep_cursor_page_costs_what_the_first_page_costs(
    client, officer, small_pages, django_assert_max_num_queries
):
    BeneficiaryFactory.create_batch(23)
    client.force_login(officer)
    first, response = _count(client, BENEFICIARIES, {}, django_assert_max_num_queries, 9)
    for _ in range(3):
        url = BENEFICIARIES + link(response, "next")
        with django_assert_max_num_queries(first) as deep:
            response = client.get(url)
        assert len(deep.captured_queries) == first


REQUEST_PAGES = [
    {},
    {"due": "overdue"},
    {"state": "all"},
    {"q": "احمد", "state": "all"},
    {"state": "all", "p": "2"},
    {"region": "riyadh", "program": "1"},
]


@pytest.mark.parametrize("params", REQUEST_PAGES)
def test_request_list_queries_are_few_and_flat(
    client, officer, small_pages, django_assert_max_num_queries, params
):
    client.force_login(officer)
    late = timezone.now() - datetime.timedelta(days=20)
    SupportRequestFactory.create_batch(6, beneficiary__name_ar="أحمد", submitted_at=late)
    few, _ = _count(client, REQUESTS, params, django_assert_max_num_queries, 11)
    SupportRequestFactory.create_batch(20, beneficiary__name_ar="أحمد", submitted_at=late)
    more, _ = _count(client, REQUESTS, params, django_assert_max_num_queries, few)
    assert more == few


def test_the_beneficiary_page_does_not_grow_with_its_rows(
    client, officer, django_assert_max_num_queries
):
    client.force_login(officer)
    small, large = BeneficiaryFactory(), BeneficiaryFactory()
    for person, count in ((small, 1), (large, 5)):
        HouseholdMemberFactory.create_batch(count, beneficiary=person)
        ConsentFactory.create_batch(count, beneficiary=person)
        BeneficiaryDocumentFactory.create_batch(count, beneficiary=person)
        SupportRequestFactory.create_batch(count, beneficiary=person)
    url = reverse("admin:beneficiaries_beneficiary_change", args=[small.pk])
    few, _ = _count(client, url, {}, django_assert_max_num_queries, 24)
    url = reverse("admin:beneficiaries_beneficiary_change", args=[large.pk])
    more, response = _count(client, url, {}, django_assert_max_num_queries, few)
    assert more == few
    assert response.content.decode().count('name="consents-') > 5


def test_the_request_page_stays_within_its_queries(client, officer, django_assert_max_num_queries):
    client.force_login(officer)
    support_request = SupportRequestFactory()
    url = reverse("admin:requests_app_supportrequest_change", args=[support_request.pk])
    count, response = _count(client, url, {}, django_assert_max_num_queries, 18)
    assert support_request.display_reference in response.content.decode()


def test_intake_picks_the_beneficiary_without_listing_everyone(client, officer):
    BeneficiaryFactory.create_batch(3)
    client.force_login(officer)
    text = client.get(reverse("admin:requests_app_supportrequest_intake")).content.decode()
    assert '<select name="beneficiary"' not in text
    assert 'name="beneficiary"' in text and "vForeignKeyRawIdAdminField" in text


# -- the same markup as Django's templates ----------------------------------------------------


class _Everything(forms.Form):
    name = forms.CharField(initial='a "quoted" <name>', help_text="x")
    number = forms.IntegerField(initial=12345)
    when = forms.DateField(required=False)
    flag = forms.BooleanField(initial=True, required=False)
    note = forms.CharField(widget=forms.Textarea, initial="line\n<b>")
    kind = forms.ChoiceField(
        choices=[("a", "أ & ب"), ("Group", [("b", "<b>"), ("c", "ج")])], initial="b"
    )
    hidden = forms.CharField(widget=forms.HiddenInput, initial="h")
    many = forms.MultipleChoiceField(choices=[("1", "one"), ("2", "two")], initial=["2"])


@pytest.mark.parametrize("bound", [False, True])
def test_the_fast_renderer_draws_what_the_templates_draw(bound):
    data = {"name": "<x>", "number": "abc", "kind": "c", "many": ["1"]} if bound else None
    stock = _Everything(data, renderer=get_default_renderer())
    fast = _Everything(data, renderer=FastWidgetRenderer())
    assert str(fast) == str(stock)
    for field in stock:
        assert str(fast[field.name]) == str(field)
        assert fast[field.name].label_tag() == field.label_tag()
        assert str(fast[field.name].errors) == str(field.errors)


def test_the_fast_renderer_draws_the_beneficiary_form_as_the_templates_do():
    person = BeneficiaryFactory(name_en="Noura")
    stock = BeneficiaryForm(instance=person, renderer=get_default_renderer())
    fast = BeneficiaryForm(instance=person, renderer=FastWidgetRenderer())
    for field in stock:
        assert str(fast[field.name]) == str(field)


def test_the_benchmarks_deep_page_link_is_the_page_its_number_names(client, officer, small_pages):
    from config.admin_lists import deep_page_query

    BeneficiaryFactory.create_batch(17)
    client.force_login(officer)
    query = deep_page_query("beneficiaries.Beneficiary", 3)
    assert "cursor=" in query
    assert ids(client.get(f"{BENEFICIARIES}?{query}")) == ids(client.get(BENEFICIARIES, {"p": 3}))


def test_the_request_list_rows_show_every_column(client, officer):
    """The rows read only the columns the list shows (list_only_fields): each cell is
    still filled, and no cell asks the database for a column left out."""
    client.force_login(officer)
    support_request = SupportRequestFactory(
        beneficiary__name_ar="سارة العلي", assigned_officer=officer
    )
    response = client.get(REQUESTS)
    page = response.content.decode()
    change = reverse("admin:requests_app_supportrequest_change", args=[support_request.pk])
    assert f'href="{change}"' in page
    assert support_request.display_reference in page
    assert "سارة العلي" in page
    assert html.escape(support_request.program.name) in page
    assert html.escape(support_request.channel.name) in page
    assert f'<td class="field-assigned_officer nowrap">{officer.username}</td>' in page
    assert f"req-status--{support_request.status}" in page
    rows = response.context["cl"].result_list
    assert rows and "need" in rows[0].get_deferred_fields()  # long texts stay behind


def test_the_request_search_finds_a_name_by_any_spelling(client, officer):
    """The search reads the folded name copied onto the request: hamza forms, alif
    maksura and ta marbuta all fold the same way."""
    client.force_login(officer)
    wanted = SupportRequestFactory(beneficiary__name_ar="أحمد المصطفى")
    SupportRequestFactory(beneficiary__name_ar="سعيد الحربي")
    assert wanted.beneficiary_name_normalized == wanted.beneficiary.name_normalized
    for term in ("احمد", "إحمد", "آحمد", "المصطفي", "أحمد"):
        response = client.get(REQUESTS, {"q": term, "state": "all"})
        assert ids(response) == [wanted.pk], term


def test_the_name_on_the_requests_follows_a_rename_a_merge_and_an_anonymisation(manager):
    from beneficiaries import privacy
    from beneficiaries.services import beneficiary_merge, beneficiary_update
    from requests_app.models import SupportRequest

    def names(person):
        return set(
            SupportRequest.objects.filter(beneficiary=person).values_list(
                "beneficiary_name_normalized", flat=True
            )
        )

    person = BeneficiaryFactory(name_ar="أحمد سالم")
    SupportRequestFactory.create_batch(2, beneficiary=person, status="closed")
    assert names(person) == {"احمد سالم"}

    beneficiary_update(beneficiary=person, actor=manager, name_ar="مريم سالم")
    assert names(person) == {"مريم سالم"}

    duplicate = BeneficiaryFactory(name_ar="مريمة سالم")
    moved = SupportRequestFactory(beneficiary=duplicate, status="closed")
    beneficiary_merge(keep=person, duplicate=duplicate, actor=manager)
    moved.refresh_from_db()
    assert moved.beneficiary_id == person.pk
    assert names(person) == {"مريم سالم"}

    privacy.beneficiary_anonymise(beneficiary=person, actor=manager)
    assert names(person) == {""}
    assert not SupportRequest.objects.filter(beneficiary_name_normalized__contains="سالم").exists()
    # The copy is not kept in the request's history either.
    assert "beneficiary_name_normalized" not in {
        f.name for f in SupportRequest.history.model._meta.fields
    }


def test_a_search_pages_forward_and_back_in_due_order(client, officer, small_pages):
    """A search reads its page's keys first, then joins that page only (keys_first):
    the pages still follow the due order both ways."""
    client.force_login(officer)
    wanted = SupportRequestFactory.create_batch(12, beneficiary__name_ar="أحمد")
    SupportRequestFactory.create_batch(3, beneficiary__name_ar="سعيد")
    expected = [r.pk for r in sorted(wanted, key=lambda r: (r.decision_due_at, r.pk))]
    pages = walk(client, REQUESTS, {"q": "احمد", "state": "all"})
    assert pages == [expected[:5], expected[5:10], expected[10:]]
    response = client.get(REQUESTS, {"q": "احمد", "state": "all"})
    second = client.get(REQUESTS + link(response, "next"))
    third = client.get(REQUESTS + link(second, "next"))
    back = client.get(REQUESTS + link(third, "prev"))
    assert ids(back) == expected[5:10]


def test_a_person_sorted_list_keeps_names_ids_and_mobiles_out_of_its_links(
    client, officer, small_pages
):
    """A cursor is the last row's sort values in the URL (logs, history, Referer): sorted
    by name, identity number or mobile, the list pages by number instead."""
    people = BeneficiaryFactory.create_batch(7)
    client.force_login(officer)
    secrets = {p.id_number for p in people} | {str(p.mobile) for p in people}
    secrets |= {p.name_normalized for p in people}
    for column in ("2", "4", "5"):  # name, identity number, mobile
        pages = walk(client, BENEFICIARIES, {"o": column})
        assert sorted(pk for page in pages for pk in page) == sorted(p.pk for p in people)
        response = client.get(BENEFICIARIES, {"o": column})
        nxt = link(response, "next")
        assert nxt and "cursor=" not in nxt
    # The default order (registration date, id) still seeks.
    assert "cursor=" in link(client.get(BENEFICIARIES), "next")
    assert not any(s and s in link(client.get(BENEFICIARIES), "next") for s in secrets)


@pytest.mark.parametrize("url", [BENEFICIARIES, REQUESTS])
def test_an_absurd_page_number_or_cursor_is_refused_without_a_500(client, officer, url):
    client.force_login(officer)
    for params in (
        {"p": "99999999999999999999999"},
        {"p": "99999999999999999999999", "q": "x"},
        {"cursor": "a0000." + "AAAA"},
    ):
        assert client.get(url, params).status_code in (200, 302)


def test_a_cursor_with_a_nul_byte_is_ignored():
    import base64
    import json

    from config.pagination import _fingerprint, decode_cursor, keyset_fields
    from requests_app.models import SupportRequest

    keyset = keyset_fields(SupportRequest, ["reference", "id"])
    body = base64.urlsafe_b64encode(json.dumps(["R\x00", 1]).encode()).decode().rstrip("=")
    assert decode_cursor(f"a{_fingerprint(keyset)}.{body}", keyset) is None


# -- the program and channel filters: one query for both choice lists ------------------------


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_program_and_channel_choices_are_what_the_models_give_in_one_query(
    rf, language, django_assert_num_queries
):
    from django.utils import translation

    from channels_app.models import Channel
    from requests_app.admin import ChannelFilter, ProgramFilter, _program_and_channel_choices
    from requests_app.models import Program, SupportRequest
    from tests.factories import ProgramFactory

    ProgramFactory(name_ar="ب برنامج", name_en="B program", sort_order=2)
    ProgramFactory(name_ar="أ برنامج", name_en="", sort_order=2)
    ProgramFactory(name_ar="ج برنامج", name_en="C program", sort_order=1)
    Channel.objects.create(code="zz-last", name_ar="قناة أخيرة", name_en="Last", sort_order=99)
    request = rf.get(REQUESTS)
    with translation.override(language):
        expected = (
            [(str(program.pk), program.name) for program in Program.objects.all()],
            [(channel.code, channel.name) for channel in Channel.objects.all()],
        )
        with django_assert_num_queries(1):
            programs = ProgramFilter(request, {}, SupportRequest, None).lookup_choices
            channels = ChannelFilter(request, {}, SupportRequest, None).lookup_choices
    assert (programs, channels) == expected
    assert _program_and_channel_choices(request) == expected
    assert channels[-1] == ("zz-last", "قناة أخيرة" if language == "ar" else "Last")


# -- the page's rows made without Model.__init__ (PageRowsIterable) ---------------------------


def _state_of(obj) -> dict:
    """What an instance holds: its columns, its cached related rows (each the same way)
    and its loading state."""
    values = {key: value for key, value in obj.__dict__.items() if key != "_state"}
    related = {
        name: None if value is None else _state_of(value)
        for name, value in obj._state.fields_cache.items()
    }
    return {
        "class": type(obj),
        "values": values,
        "deferred": obj.get_deferred_fields(),
        "related": related,
        "adding": obj._state.adding,
        "db": obj._state.db,
    }


@pytest.mark.parametrize("search", [False, True])
def test_the_page_rows_are_the_instances_django_makes(officer, search):
    from django.db.models import Count, F

    from config.admin_lists import PageRowsIterable
    from requests_app.admin import SupportRequestAdmin
    from requests_app.models import SupportRequest

    SupportRequestFactory(assigned_officer=officer)
    SupportRequestFactory(assigned_officer=None)
    queryset = (
        SupportRequest.objects.select_related("beneficiary", "assigned_officer")
        .only(*SupportRequestAdmin.list_only_fields)
        .order_by("id")
    )
    if search:  # an annotation, as the search's count rides on its rows
        queryset = queryset.annotate(n=Count("*"), due=F("decision_due_at"))
    fast = queryset._chain()
    fast._iterable_class = PageRowsIterable
    stock, made = list(queryset), list(fast)
    assert [_state_of(row) for row in made] == [_state_of(row) for row in stock]
    assert made[1].assigned_officer is None and made[0].assigned_officer == officer
    # A column left out is read when asked, as on any deferred instance.
    assert made[0].need == stock[0].need


def test_the_page_rows_leave_a_model_with_init_signals_to_django(officer):
    from django.db.models.signals import post_init

    from config.admin_lists import PageRowsIterable
    from requests_app.models import SupportRequest

    SupportRequestFactory()
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(receiver, sender=SupportRequest)
    try:
        queryset = SupportRequest.objects.select_related("beneficiary")
        queryset._iterable_class = PageRowsIterable
        rows = list(queryset)
    finally:
        post_init.disconnect(receiver, sender=SupportRequest)
    assert seen == rows and rows[0].beneficiary.pk


def test_the_page_rows_leave_a_model_with_an_older_from_db_to_django(officer, monkeypatch):
    """A model's own from_db written before Django's fetch_mode argument (still accepted
    by Django, with a deprecation warning) gets the rows as ModelIterable gives them."""
    import warnings

    from config import admin_lists
    from config.admin_lists import PageRowsIterable
    from requests_app.models import SupportRequest

    SupportRequestFactory()
    made = []

    def from_db(cls, db, field_names, values):
        instance = super(SupportRequest, cls).from_db(db, field_names, values)
        made.append(instance)
        return instance

    monkeypatch.setattr(SupportRequest, "from_db", classmethod(from_db))
    monkeypatch.setattr(admin_lists, "_plain_models", {})  # models are judged once a process
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        queryset = SupportRequest.objects.select_related("beneficiary").order_by("id")
        stock = list(queryset)
        fast = queryset._chain()
        fast._iterable_class = PageRowsIterable
        rows = list(fast)
    assert [_state_of(row) for row in rows] == [_state_of(row) for row in stock]
    assert made == stock + rows


def test_the_request_list_draws_programs_and_channels_without_joining_them(
    client, officer, django_assert_max_num_queries
):
    """The program and channel cells come from the filters' query: the rows' query joins
    neither table, and a sort by program still sorts (by the program's own order)."""
    from requests_app.models import Program

    client.force_login(officer)
    first = SupportRequestFactory(program__name_ar="ب برنامج", program__sort_order=2)
    second = SupportRequestFactory(program__name_ar="أ برنامج", program__sort_order=1)
    with django_assert_max_num_queries(8) as captured:
        response = client.get(REQUESTS, {"state": "all"})
    rows = [q["sql"] for q in captured.captured_queries if "decision_due_at" in q["sql"]]
    assert rows and not any('JOIN "requests_app_program"' in sql for sql in rows)
    assert not any('JOIN "channels_app_channel"' in sql for sql in rows)
    page = response.content.decode()
    for request in (first, second):
        assert f'<td class="field-program nowrap">{html.escape(request.program.name)}</td>' in page
        assert f'<td class="field-channel nowrap">{html.escape(request.channel.name)}</td>' in page
    column = response.context["cl"].list_display.index("program")
    for order, expected in ((str(column), [second.pk, first.pk]), (f"-{column}", None)):
        response = client.get(REQUESTS, {"state": "all", "o": order})
        assert response.status_code == 200
        found = ids(response)
        assert found == (expected or [first.pk, second.pk])
    assert Program.objects.count() >= 2
