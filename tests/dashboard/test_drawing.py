"""The dashboard drawn the quick way (issue 11) draws the very same markup: the data
tables' rows in Python, the filter form's widgets with config.fast_forms, each date once
per language; and the overdue count read without parallel workers on PostgreSQL."""

import datetime

import pytest
from django.db import connection
from django.template import Context, Template
from django.utils import timezone, translation

from config import fast_forms
from config.dashboard import selectors
from config.dashboard.forms import DashboardFilterForm
from config.dashboard.panels import DATE, DAYS, DECIMAL, INT, PERCENT, TEXT, Column, Table
from config.dashboard.selectors import DashboardFilters
from config.dashboard.templatetags.dashboard_tags import figure_value, table_rows
from config.hijri import dual_date_html
from tests.factories import SupportRequestFactory

# The loop _panel.html drew each table's rows with before table_rows.
TEMPLATE_ROWS = Template(
    "{% load dashboard_tags %}{% for row in table.rows %}\n"
    "              <tr>{% for value, kind in row|cells:table.columns %}{% if forloop.first %}"
    '<th scope="row">{% with link=table.links|link_at:forloop.parentloop.counter0 %}'
    '{% if link %}<a href="{{ link }}"><bdi>{{ value }}</bdi></a>{% else %}'
    "{{ value|figure_value:kind }}{% endif %}{% endwith %}</th>{% else %}"
    "<td>{{ value|figure_value:kind }}</td>{% endif %}{% endfor %}</tr>\n"
    "            {% endfor %}"
)


def _table(links):
    return Table(
        key="t",
        title="t",
        columns=[
            Column("a"),
            Column("b", INT),
            Column("c", DATE),
            Column("d", PERCENT),
            Column("e", DAYS),
            Column("f", DECIMAL),
            Column("g", TEXT),
        ],
        rows=[
            ["<b>ص & ق</b>", 1234567, datetime.date(2025, 3, 1), 0.25, 2.5, 1234.56, "x<y"],
            [12345, None, timezone.now(), None, 1, 3.0, True],
            [datetime.date(2025, 1, 2), "", "", 0.5, 0, 7, None, "an extra cell"],
            ["short row"],
            [],
        ],
        links=links,
    )


@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize(
    "links", [[], ["/admin/x/1/change/?a=1&b=<2>", "", "/admin/x/3/"], None], ids=str
)
def test_table_rows_draws_what_the_template_loop_drew(language, links):
    table = _table(links)
    with translation.override(language):
        assert str(table_rows(table)) == TEMPLATE_ROWS.render(Context({"table": table}))


def test_a_date_drawn_once_is_drawn_again_in_the_other_language():
    day = datetime.date(2025, 3, 1)
    with translation.override("ar"):
        arabic = figure_value(day, DATE)
        assert arabic == dual_date_html(day) and figure_value(day, DATE) == arabic
    with translation.override("en"):
        english = figure_value(day, DATE)
        assert english == dual_date_html(day) and english != arabic


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_filter_form_draws_the_stock_markup(monkeypatch, language):
    data = {"calendar": "hijri", "start": "1446-13", "program": "nope", "region": "riyadh"}

    def drawn():
        forms = [DashboardFilterForm({}), DashboardFilterForm(data)]
        return [
            [str(field.label_tag()) + str(field) + str(field.errors) for field in form]
            for form in forms
        ]

    with translation.override(language):
        monkeypatch.setattr(fast_forms, "ENABLED", False)
        stock = drawn()
        monkeypatch.setattr(fast_forms, "ENABLED", True)
        assert drawn() == stock


@pytest.mark.django_db
def test_the_filter_form_lists_choices_with_plain_queries(django_assert_num_queries):
    form = DashboardFilterForm({})
    with django_assert_num_queries(2) as captured:
        html = str(form["program"]) + str(form["channel"])
    assert "<select" in html
    assert not any("DECLARE" in q["sql"] for q in captured.captured_queries)


@pytest.mark.django_db
@pytest.mark.postgres
def test_the_overdue_count_runs_without_parallel_workers_and_puts_the_setting_back():
    def setting():
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('max_parallel_workers_per_gather')")
            return cursor.fetchone()[0]

    seen = []

    def while_counting(execute, sql, params, many, context):
        if "COUNT(*)" in sql:
            seen.append(setting())
        return execute(sql, params, many, context)

    for _i in range(2):
        SupportRequestFactory(submitted_at=timezone.now() - datetime.timedelta(days=30))
    with connection.cursor() as cursor:
        cursor.execute("SET max_parallel_workers_per_gather = 3")
    with connection.execute_wrapper(while_counting):
        data = selectors.overdue(DashboardFilters(period=_period()), limit=1)
    assert data["total"] == 2 and len(data["rows"]) == 1
    assert seen == ["0"]  # one statement: the list with its count
    assert setting() == "3"


def _period():
    form = DashboardFilterForm({})
    assert form.is_valid()
    return form.cleaned_data["period"]
