"""The fast lists draw the page around their rows in Python (config/admin_lists.py):
the filters, the search bar, the actions bar, the column headers and the dates. Each
must be the markup Django's own admin templates draw, so the admin's JavaScript and CSS
(select all, the actions counter, sorting, filters.js) and every link keep working."""

import datetime
import re

import pytest
from django.contrib.admin.templatetags.admin_list import admin_list_filter, search_form
from django.template import Context, Template
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format
from django.utils.timezone import template_localtime

from config import admin_lists
from config.admin_lists import datetime_formatter
from requests_app.admin import SupportRequestAdmin
from tests.factories import BeneficiaryFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db

BENEFICIARIES = reverse("admin:beneficiaries_beneficiary_changelist")
REQUESTS = reverse("admin:requests_app_supportrequest_changelist")

# The header loop the list template drew before the headers moved to Python.
HEADERS_TEMPLATE = """{% load i18n %}{% for header in cl.fast_headers %}
<th scope="col"{{ header.class_attrib }}>
   {% if header.sortable and header.sort_priority > 0 %}
       <div class="sortoptions">
         <a class="sortremove" href="{{ header.url_remove }}" title="{% translate "Remove from sorting" %}"></a>
         {% if cl.num_sorted_fields > 1 %}<span class="sortpriority" title="{% blocktranslate with priority_number=header.sort_priority %}Sorting priority: {{ priority_number }}{% endblocktranslate %}">{{ header.sort_priority }}</span>{% endif %}
         <a href="{{ header.url_toggle }}" class="toggle {{ header.ascending|yesno:'ascending,descending' }}" title="{% translate "Toggle sorting" %}"></a>
       </div>
   {% endif %}
   <div class="text">{% if header.sortable %}<a role="button" href="{{ header.url_primary }}">{{ header.text|capfirst }}</a>{% else %}<span>{{ header.text|capfirst }}</span>{% endif %}</div>
   <div class="clear"></div>
</th>{% endfor %}"""  # noqa: E501


def squeeze(markup) -> str:
    """The markup without the whitespace between tags (templates indent, Python not)."""
    markup = re.sub(r">\s+", ">", str(markup))
    markup = re.sub(r"\s+<", "<", markup)
    return re.sub(r"\s+", " ", markup).strip()


def page_context(response) -> dict:
    """The change-list template's own context (the response also lists its includes')."""
    contexts = getattr(response.context, "dicts", None) and [response.context]
    for context in contexts or response.context:
        if "action_form" in context:
            return context.flatten()
    raise AssertionError("no change-list context")


def stock_chrome(response) -> dict[str, str]:
    """Each piece as Django's templates draw it, for the list the response shows."""
    cl = response.context["cl"]
    context = page_context(response)
    return {
        "filters": "".join(admin_list_filter(cl, spec) for spec in cl.filter_specs),
        "search": get_template("admin/search_form.html").render(search_form(cl)),
        "actions": Template("{% load admin_list %}{% admin_actions %}").render(Context(context)),
        "headers": Template(HEADERS_TEMPLATE).render(Context(context)),
    }


def fast_chrome(response) -> dict[str, str]:
    cl = response.context["cl"]
    return {
        "filters": cl.fast_filter_specs,
        "search": cl.fast_search_form,
        "actions": cl.fast_actions(Context(page_context(response))),
        "headers": cl.fast_header_row,
    }


@pytest.fixture
def lists_with_rows(officer):
    late = timezone.now() - datetime.timedelta(days=20)
    SupportRequestFactory.create_batch(4, beneficiary__name_ar="أحمد علي", submitted_at=late)
    SupportRequestFactory.create_batch(3, beneficiary__name_ar="سعيد", assigned_officer=officer)
    BeneficiaryFactory.create_batch(3, name_ar="أحمد سالم", name_en="Ahmad", region="riyadh")


@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize(
    ("url", "params"),
    [
        (BENEFICIARIES, {}),
        (BENEFICIARIES, {"region": "riyadh", "kind": "direct", "o": "2.-9"}),
        (BENEFICIARIES, {"q": "احمد"}),
        (REQUESTS, {}),
        (REQUESTS, {"due": "overdue", "assigned": "me"}),
        (REQUESTS, {"q": "احمد", "state": "all", "o": "-5.1"}),
        (REQUESTS, {"state": "final", "program": "1", "_facets": "True"}),
    ],
)
def test_the_chrome_drawn_in_python_is_the_admin_templates_markup(
    client, officer, small_pages, lists_with_rows, language, url, params
):
    client.force_login(officer)
    with translation.override(language):
        response = client.get(url, params, headers={"accept-language": language})
        assert response.status_code == 200
        stock, fast = stock_chrome(response), fast_chrome(response)
    for piece in ("filters", "search", "actions", "headers"):
        assert squeeze(fast[piece]) == squeeze(stock[piece]), piece
    page = response.content.decode()
    assert squeeze(fast["filters"]) in squeeze(page)
    if response.context["cl"].result_list:  # no rows, no table
        assert squeeze(fast["headers"]) in squeeze(page)


def test_an_overridden_template_draws_its_piece(client, officer, lists_with_rows, monkeypatch):
    """A project or model override of filter.html, search_form.html or actions.html is
    drawn by that template: the page is then what the templates draw."""
    client.force_login(officer)
    fast_page = client.get(REQUESTS, {"state": "all"}).content.decode()
    monkeypatch.setattr(admin_lists, "is_stock_template", lambda names: False)
    stock_page = client.get(REQUESTS, {"state": "all"}).content.decode()
    token = re.compile(r'(name="csrfmiddlewaretoken" value|nonce)="[^"]*"')
    assert squeeze(token.sub("", fast_page)) == squeeze(token.sub("", stock_page))


def test_only_djangos_own_admin_templates_count_as_stock():
    assert admin_lists.is_stock_template(["admin/filter.html"])
    assert admin_lists.is_stock_template(
        ["admin/requests_app/supportrequest/actions.html", "admin/actions.html"]
    )
    # The project's own list template is not Django's.
    assert not admin_lists.is_stock_template(["admin/fast_change_list.html"])


@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize(
    "fmt", ["DATETIME_FORMAT", "DATE_FORMAT", "SHORT_DATETIME_FORMAT", r"j \d\e N E b M y G:i:s"]
)
def test_dates_are_drawn_as_django_draws_them(language, fmt):
    values = [
        timezone.now(),
        datetime.datetime(2026, 1, 5, 3, 4, 5, tzinfo=datetime.UTC),
        datetime.datetime(2025, 12, 31, 22, 30, tzinfo=datetime.UTC),  # another day in Riyadh
        datetime.datetime(2026, 9, 25, 23, 59),  # noqa: DTZ001 (naive, drawn as it is)
    ]
    with translation.override(language):
        format_string = get_format(fmt) if fmt.isupper() else fmt
        draw = datetime_formatter(format_string)
        for value in values:
            assert draw(value) == date_format(template_localtime(value), format_string)


def test_a_format_with_other_specifiers_is_left_to_django():
    draw = datetime_formatter("l jS F Y")
    value = datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC)
    assert draw(value) == date_format(template_localtime(value), "l jS F Y")


def test_a_search_counts_its_matches_in_the_query_that_sorts_them(
    client, officer, small_pages, django_assert_max_num_queries
):
    """No COUNT(*) scan beside the search: the statement that sorts the matches counts
    them (config.pagination.counted_offset_rows), and the pager shows the exact number."""
    client.force_login(officer)
    BeneficiaryFactory.create_batch(7, name_ar="أحمد سالم")
    BeneficiaryFactory.create_batch(2, name_ar="سعيد")
    with django_assert_max_num_queries(20) as queries:
        response = client.get(BENEFICIARIES, {"q": "احمد"})
    sql = [query["sql"] for query in queries.captured_queries]
    assert not any(s.startswith('SELECT COUNT(*) AS "__count"') for s in sql)
    assert sum("search_matches" in s for s in sql) == 1
    cl = response.context["cl"]
    assert cl.result_count == 7 and len(cl.result_list) == 5 and cl.has_next
    # The second page (?p=2) counts the same way; a page past the end is refused.
    second = client.get(BENEFICIARIES, {"q": "احمد", "p": 2})
    assert second.context["cl"].result_count == 7
    assert len(second.context["cl"].result_list) == 2
    assert client.get(BENEFICIARIES, {"q": "احمد", "p": 3}).status_code == 302


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_due_column_is_what_due_html_draws_for_every_kind_of_row(language):
    """The request list draws each due cell once per (language, zone, day, today,
    paused) and reuses it: every kind of row still reads as due_html draws it."""
    from requests_app.presentation import due_html

    now = timezone.now()
    rows = [
        SupportRequestFactory.build(status="verification", decision_due_at=now + delta)
        for delta in (
            datetime.timedelta(days=-9),
            datetime.timedelta(hours=1),
            datetime.timedelta(days=2),
            datetime.timedelta(days=30),
        )
    ]
    rows.append(
        SupportRequestFactory.build(
            status="needs_info",
            decision_due_at=now + datetime.timedelta(days=3),
            clock_paused_at=now - datetime.timedelta(days=2),
        )
    )
    rows.append(SupportRequestFactory.build(status="closed", decision_due_at=now))
    column = SupportRequestAdmin.due
    with translation.override(language):
        for _ in range(2):  # drawn, then read back from the cells already drawn
            for row in rows:
                assert column(None, row) == due_html(row), row.status


def test_the_lists_scripts_carry_each_responses_own_nonce(client, officer, lists_with_rows):
    """The list's media tags are drawn once per process; the CSP nonce is still this
    response's own, on every script and stylesheet of the list's media."""
    client.force_login(officer)
    seen = set()
    for _ in range(2):
        response = client.get(REQUESTS)
        page = response.content.decode()
        policy = response.headers.get("Content-Security-Policy", "")
        match = re.search(r"'nonce-([^']+)'", policy)
        if match is None:
            pytest.skip("no CSP nonce in this configuration")
        nonce = match.group(1)
        seen.add(nonce)
        for script in ("jquery.min.js", "actions.js", "jquery.init.js"):
            tag = re.search(rf'<script src="[^"]*{re.escape(script)}"[^>]*>', page).group(0)
            assert f'nonce="{nonce}"' in tag, script
    assert len(seen) == 2
