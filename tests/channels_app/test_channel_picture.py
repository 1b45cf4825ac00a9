"""The channel picture: contacts per channel and direction, inquiries answered on time,
the channels requests arrive through, and indirect beneficiaries reached (POL-3.2)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Beneficiary
from channels_app import selectors
from channels_app.models import Channel
from tests.factories import (
    BeneficiaryFactory,
    InteractionFactory,
    OutreachItemFactory,
    OutreachReachFactory,
    SupportRequestFactory,
)

pytestmark = pytest.mark.django_db

PICTURE = "/admin/channels_app/interaction/picture/"


@pytest.fixture
def period():
    today = timezone.localdate()
    return today - datetime.timedelta(days=30), today


def _channel(code):
    return Channel.objects.get(code=code)


def test_channel_mix_counts_each_channel_and_direction(period):
    InteractionFactory.create_batch(3)
    InteractionFactory(outgoing=True)
    InteractionFactory(channel=_channel("email"))
    InteractionFactory(occurred_at=timezone.now() - datetime.timedelta(days=90))  # outside
    rows = {row["channel"].code: row for row in selectors.channel_mix(*period)}
    assert (rows["phone"]["incoming"], rows["phone"]["outgoing"], rows["phone"]["total"]) == (
        3,
        1,
        4,
    )
    assert rows["email"]["total"] == 1
    assert len(rows) == 10  # every policy channel, even those without contacts


def test_inquiries_answered_on_time_late_open_and_median(period):
    now = timezone.now()
    start = now - datetime.timedelta(days=5)
    InteractionFactory(occurred_at=start, answered_at=start + datetime.timedelta(hours=2))
    InteractionFactory(occurred_at=start, answered_at=start + datetime.timedelta(hours=4))
    InteractionFactory(occurred_at=start, answered_at=start + datetime.timedelta(hours=72))  # late
    InteractionFactory(occurred_at=start)  # open, overdue
    InteractionFactory(occurred_at=now)  # open, not yet due
    InteractionFactory(outgoing=True)  # no answer due: not counted
    stats = selectors.inquiries_answer_stats(*period, now=now)
    assert stats["total"] == 5
    assert (stats["answered"], stats["on_time"], stats["late"]) == (3, 2, 1)
    assert (stats["open"], stats["overdue"]) == (2, 1)
    assert stats["on_time_rate"] == 67
    assert stats["median_hours"] == 4.0


def test_reach_totals_per_channel_without_personal_data(period):
    start, _end = period
    post = OutreachItemFactory()
    OutreachReachFactory(item=post, period_start=start, views=100, reach=60)
    OutreachReachFactory(
        item=post, period_start=start + datetime.timedelta(days=7), views=50, reach=40
    )
    page = OutreachItemFactory(channel=_channel("website"), url="https://example.org/guide")
    OutreachReachFactory(item=page, period_start=start, views=10, reach=5, downloads=3)
    OutreachReachFactory(period_start=start - datetime.timedelta(days=60))  # outside
    BeneficiaryFactory(kind=Beneficiary.Kind.INDIRECT, id_number="", birth_date=None)
    reach = selectors.indirect_reach(*period)
    by_channel = {row["channel"].code: row for row in reach["channels"]}
    assert (by_channel["social_media"]["views"], by_channel["social_media"]["reach"]) == (150, 100)
    assert by_channel["social_media"]["items"] == 1
    assert by_channel["website"]["downloads"] == 3
    assert reach["totals"]["reach"] == 105
    assert reach["registered_indirect"] == 1


def test_request_channels_counts_arrivals(period):
    SupportRequestFactory.create_batch(2)
    rows = {row["channel"].code: row["requests"] for row in selectors.request_channels(*period)}
    assert rows == {"website": 2}


def test_monthly_contacts_groups_by_month():
    today = timezone.localdate()
    InteractionFactory.create_batch(2)
    months = selectors.monthly_contacts(today - datetime.timedelta(days=3), today)
    assert sum(month["total"] for month in months) == 2


def test_the_picture_page_in_arabic_and_english(client, manager, django_assert_max_num_queries):
    InteractionFactory.create_batch(3, answered=True)
    OutreachReachFactory()
    client.force_login(manager)
    with django_assert_max_num_queries(20):
        response = client.get(PICTURE)
    body = response.content.decode()
    assert response.status_code == 200
    assert "صورة قنوات التواصل" in body and "الاتصالات الهاتفية" in body and 'dir="rtl"' in body
    client.cookies["django_language"] = "en"
    body = client.get(PICTURE).content.decode()
    assert "The channel picture" in body and "Phone calls" in body and 'dir="ltr"' in body


def test_the_picture_page_takes_a_period_and_survives_bad_dates(client, manager):
    client.force_login(manager)
    assert client.get(PICTURE + "?start=2026-01-01&end=2026-02-01").status_code == 200
    assert client.get(PICTURE + "?start=غلط&end=").status_code == 200


def test_the_picture_page_is_for_staff_with_the_contact_log(client, committee_member, outsider):
    client.force_login(committee_member)
    assert client.get(PICTURE).status_code == 403
    client.force_login(outsider)
    assert client.get(PICTURE).status_code == 302


def test_the_outreach_list_stays_flat(client, manager, django_assert_max_num_queries):
    for _ in range(6):
        OutreachReachFactory()
    client.force_login(manager)
    with django_assert_max_num_queries(10):
        assert client.get("/admin/channels_app/outreachitem/").status_code == 200


def test_reach_entered_by_hand_refuses_a_period_twice(client, manager):
    figures = OutreachReachFactory()
    client.force_login(manager)
    url = reverse("admin:channels_app_outreachitem_change", args=[figures.item.pk])
    item = figures.item
    data = {
        "kind": item.kind,
        "channel": item.channel_id,
        "title": item.title,
        "url": item.url,
        "published_on": item.published_on.isoformat(),
        "reach-TOTAL_FORMS": "2",
        "reach-INITIAL_FORMS": "1",
        "reach-MIN_NUM_FORMS": "0",
        "reach-MAX_NUM_FORMS": "1000",
        "reach-0-id": figures.pk,
        "reach-0-item": item.pk,
        "reach-0-period_start": figures.period_start.isoformat(),
        "reach-0-period_end": figures.period_end.isoformat(),
        "reach-0-views": "1",
        "reach-0-reach": "1",
        "reach-0-engagements": "0",
        "reach-0-downloads": "0",
        "reach-1-item": item.pk,
        "reach-1-period_start": figures.period_start.isoformat(),
        "reach-1-period_end": figures.period_end.isoformat(),
        "reach-1-views": "5",
        "reach-1-reach": "5",
        "reach-1-engagements": "0",
        "reach-1-downloads": "0",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert item.reach.count() == 1


def test_monthly_reach_sums_each_month():
    today = timezone.localdate()
    first = today.replace(day=1)
    OutreachReachFactory(period_start=first, views=10, reach=7)
    OutreachReachFactory(period_start=first, views=5, reach=3)
    rows = selectors.monthly_reach(first, today)
    assert [(row["month"], row["views"], row["reach"]) for row in rows] == [(first, 15, 10)]
