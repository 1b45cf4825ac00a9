"""The queue's rows are drawn in Python (committee_views._queue_rows_html) and the due
badges once per date (presentation.DueBadges), for speed (issue 11): the markup must stay
the one the template drew, in both languages."""

import datetime

import pytest
from django.template import engines
from django.utils import timezone, translation

from requests_app.committee_views import _queue_rows_html
from requests_app.filters import CommitteeQueueFilter
from requests_app.models import CommitteeVote, SupportRequest, Vote
from requests_app.presentation import DueBadges, due_html
from tests.factories import SupportRequestFactory

pytestmark = pytest.mark.django_db

# The row of queue.html before the rows were drawn in Python.
TEMPLATE_ROWS = """{% load i18n requests_tags %}{% for row in rows %}
  <tr class="{% if row.is_overdue %}queue__row--overdue{% endif %}">
    <td><a href="{% url 'committee:case' row.pk %}"><bdi dir="ltr">{{ row.display_reference }}</bdi></a></td>
    <td>{{ row.beneficiary.name }}</td>
    <td>{{ row.program.name }}</td>
    <td>{{ row.channel.name }}</td>
    <td>{{ row|due_badge }}</td>
    <td>{% if row.my_vote %}{{ row.my_vote_label }}{% else %}<span class="muted">{% translate "Not voted yet" %}</span>{% endif %}</td>
  </tr>
  {% endfor %}"""


@pytest.fixture
def queue_rows(program, members):
    now = timezone.now()
    day = datetime.timedelta(days=1)
    made = [
        SupportRequestFactory(program=program, in_committee=True, decision_due_at=now - 3 * day),
        SupportRequestFactory(program=program, in_committee=True, decision_due_at=now - 3 * day),
        SupportRequestFactory(program=program, in_committee=True, decision_due_at=now + 2 * day),
        SupportRequestFactory(program=program, in_committee=True, decision_due_at=now + 9 * day),
        SupportRequestFactory(
            program=program,
            in_committee=True,
            decision_due_at=now - day,
            clock_paused_at=now - 2 * day,
        ),
    ]
    made[0].beneficiary.name_en = "A <b>name</b> & more"
    made[0].beneficiary.save()
    CommitteeVote.objects.create(
        support_request=made[2], member=members[1], vote=Vote.REJECT, reason="x"
    )
    return made


def _rows(members):
    from django.db.models import OuterRef, Subquery

    mine = CommitteeVote.objects.filter(support_request=OuterRef("pk"), member=members[1])
    return list(
        SupportRequest.objects.filter(status="committee_review")
        .select_related("beneficiary", "program", "channel")
        .annotate(my_vote=Subquery(mine.values("vote")[:1]))
        .order_by("decision_due_at", "id")
    )


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_rows_are_the_templates_rows(queue_rows, members, committee, language):
    with translation.override(language):
        rows = _rows(members)
        labels = dict(CommitteeVote.Vote.choices)
        for row in rows:
            row.my_vote_label = labels.get(row.my_vote, "")
        expected = engines["django"].from_string(TEMPLATE_ROWS).render({"rows": rows})
        filterset = CommitteeQueueFilter(
            None, queryset=SupportRequest.objects.none(), user=members[1], committees=[committee]
        )
        assert str(_queue_rows_html(rows, filterset)) == expected
    assert "queue__row--overdue" in expected and "&lt;b&gt;" in expected or language == "ar"


def test_due_badges_draw_what_due_html_draws(queue_rows):
    now = timezone.now()
    decided = SupportRequestFactory(status="approved")
    for language in ("ar", "en"):
        with translation.override(language):
            badges = DueBadges(now)
            for row in [*SupportRequest.objects.all(), decided] * 2:
                assert badges.html(row) == due_html(row, now)


@pytest.mark.parametrize("value", [None, "", "reject", 'a"<b>'])
@pytest.mark.parametrize("attrs", [None, {"class": "votes", "id": "id_x"}, {"required": False}])
def test_the_fast_radio_draws_what_djangos_radio_draws(value, attrs):
    from django import forms

    from requests_app.forms import FastRadioSelect

    choices = [("approve", "موافقة"), ("reject", "رفض & <نعم>"), ('a"<b>', "x")]
    stock = forms.RadioSelect(choices=choices, attrs={"required": True})
    fast = FastRadioSelect(choices=choices, attrs={"required": True})
    assert fast.render("vote", value, attrs) == stock.render("vote", value, attrs)


def test_the_case_files_vote_form_is_the_stock_markup(member_client, case):
    from django import forms

    from requests_app.forms import CommitteeVoteForm

    html = member_client.get(f"/committee/requests/{case.pk}/").content.decode()
    with translation.override("ar"):
        form = CommitteeVoteForm(meetings=None)
        stock = forms.RadioSelect(choices=form.fields["vote"].choices)
        assert 'type="radio"' in str(form["vote"])
        assert str(form["vote"].as_widget(widget=stock)) in html


@pytest.fixture
def member_client(client, members):
    client.force_login(members[1])
    return client
