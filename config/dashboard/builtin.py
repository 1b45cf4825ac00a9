"""The panels built on what Mustafid records today, and the places kept for the parts
built separately (satisfaction, complaints and suggestions, contacts, indirect reach)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, get_language_bidi, gettext
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Gender, Region
from requests_app.workflow import Status

from . import selectors
from .charts import bar_chart, line_chart
from .panels import (
    DATE,
    DAYS,
    INT,
    PERCENT,
    Column,
    Figure,
    PanelResult,
    Table,
    declare_panel,
)
from .templatetags.dashboard_tags import figure_value

REQUESTS_PERMISSION = "requests_app.view_supportrequest"
BENEFICIARIES_PERMISSION = "beneficiaries.view_beneficiary"


def chart_for(table: Table) -> Table:
    rtl = get_language_bidi()
    if table.chart == "bars":
        table.chart_svg = bar_chart(
            [(str(row[0]), row[1] or 0) for row in table.rows], title=str(table.title), rtl=rtl
        )
    elif table.chart == "lines":
        table.chart_svg = line_chart(
            [str(row[0]) for row in table.rows],
            [(str(name), values) for name, values in table.series],
            title=str(table.title),
            rtl=rtl,
        )
    return table


def _lang() -> str:
    return "ar" if (get_language() or "ar").startswith("ar") else "en"


def build_volumes(panel, filters, data) -> PanelResult:
    received, decided, delivered = data
    labels = filters.period.labels(_lang())
    series = [
        (_("Received"), received),
        (_("Decided"), decided),
        (_("Delivered"), delivered["per_month"]),
    ]
    table = Table(
        key="volumes",
        title=_("Requests per month"),
        columns=[Column(_("month")), *[Column(name, INT) for name, _v in series]],
        rows=[
            [label, received[i], decided[i], delivered["per_month"][i]]
            for i, label in enumerate(labels)
        ],
        chart="lines",
        series=series,
    )
    return PanelResult(
        panel=panel,
        available=True,
        figures=[
            Figure(_("Requests received"), sum(received)),
            Figure(_("Requests decided"), sum(decided)),
            Figure(_("Services delivered"), sum(delivered["per_month"])),
        ],
        tables=[chart_for(table)],
    )


def fetch_volumes(filters):
    return (
        selectors.received_per_month(filters),
        selectors.decided_per_month(filters),
        selectors.delivered_per_month(filters),
    )


def build_timeliness(panel, filters, data) -> PanelResult:
    days = filters.program.decision_days if filters.program is not None else 14
    share = data["on_time_share"]

    def to_days(h):
        return None if h is None else h / 24

    figures = [
        Figure(_("Decided in the period"), data["decided"]),
        Figure(
            _("Decided within the promised days"),
            share,
            PERCENT,
            note=_("Promise: a decision within %(days)s days (POL-7.7).") % {"days": days},
            state="" if share is None else ("good" if share >= 0.9 else "bad"),
        ),
        Figure(_("Median time to decision"), to_days(data["median_hours"]), DAYS),
        Figure(_("90th percentile time to decision"), to_days(data["p90_hours"]), DAYS),
    ]
    table = Table(
        key="timeliness",
        title=_("Time from submission to decision"),
        columns=[Column(_("measure")), Column(_("value"))],
        # Each value as the figure above shows it (a share as a percentage, days as days).
        rows=[[str(f.label), str(figure_value(f.value, f.kind))] for f in figures],
    )
    result = PanelResult(panel=panel, available=True, figures=figures, tables=[table])
    result.timeliness = data
    return result


def build_backlog(panel, filters, data) -> PanelResult:
    rows = [[str(Status(status).label), n] for status, n in data]
    table = Table(
        key="backlog",
        title=_("Open requests by stage (now)"),
        columns=[Column(_("stage")), Column(_("requests"), INT)],
        rows=rows,
        chart="bars",
    )
    return PanelResult(
        panel=panel,
        available=True,
        figures=[Figure(_("Open requests"), sum(n for _s, n in data))],
        tables=[chart_for(table)],
        note=_("A snapshot of today: the period does not apply."),
    )


# A placeholder primary key: the admin's change URL is reversed once per list, not per row.
_PK = "9876543210"


def build_overdue(panel, filters, data) -> PanelResult:
    today = timezone.localdate()
    rows, links = [], []
    change_url = reverse("admin:requests_app_supportrequest_change", args=[_PK])
    for item in data["rows"]:
        due = timezone.localdate(item.decision_due_at)
        rows.append(
            [
                item.display_reference,
                item.program.name,
                item.channel.name,
                timezone.localdate(item.submitted_at),
                due,
                (today - due).days,
            ]
        )
        links.append(change_url.replace(_PK, str(item.pk), 1))
    table = Table(
        key="overdue",
        title=_("Overdue requests, most overdue first"),
        columns=[
            Column(_("reference")),
            Column(_("program")),
            Column(_("channel")),
            Column(_("submitted"), DATE),
            Column(_("decision due"), DATE),
            Column(_("days overdue"), INT),
        ],
        rows=rows,
        links=links,
    )
    return PanelResult(
        panel=panel,
        available=True,
        figures=[
            Figure(
                _("Overdue requests"),
                data["total"],
                state="bad" if data["total"] else "good",
            )
        ],
        tables=[table],
        note=_(
            "Awaiting a decision past the due day; paused clocks are left out. Now, not the period."
        ),
    )


def build_channel_mix(panel, filters, data) -> PanelResult:
    lang = _lang()
    rows = [
        [
            (
                r["channel__name_en"]
                if lang == "en" and r["channel__name_en"]
                else r["channel__name_ar"]
            ),
            r["n"],
        ]
        for r in data
    ]
    table = Table(
        key="channels",
        title=_("Requests by channel"),
        columns=[Column(_("channel")), Column(_("requests"), INT)],
        rows=rows,
        chart="bars",
    )
    return PanelResult(panel=panel, available=True, tables=[chart_for(table)])


def build_reach(panel, filters, data) -> PanelResult:
    delivered, indirect = data
    return PanelResult(
        panel=panel,
        available=True,
        figures=[
            Figure(
                _("Direct beneficiaries served"),
                delivered["served"],
                note=_("Distinct direct beneficiaries with a service delivered in the period."),
            ),
            Figure(
                _("Indirect beneficiaries registered"),
                indirect,
                note=_("Recorded in the registry in the period."),
            ),
        ],
    )


def fetch_reach(filters):
    return selectors.delivered_per_month(filters), selectors.indirect_registered(filters)


def build_beneficiaries(panel, filters, data) -> PanelResult:
    unknown = gettext("Not recorded")
    region_rows = [[str(label), data[f"region_{value}"]] for value, label in Region.choices]
    region_rows = [r for r in region_rows if r[1]] + [[unknown, data["region__"]]]
    gender_rows = [[str(label), data[f"gender_{value}"]] for value, label in Gender.choices]
    gender_rows.append([unknown, data["gender__"]])
    age_rows = []
    for low, high in selectors.AGE_BANDS:
        label = f"{low}–{high - 1}" if high else f"{low}+"
        age_rows.append([label, data[f"age_{low}"]])
    age_rows.append([unknown, data["age__"]])

    def table(key, title, first, rows):
        return chart_for(
            Table(
                key=key,
                title=title,
                columns=[Column(first), Column(_("beneficiaries"), INT)],
                rows=rows,
                chart="bars",
            )
        )

    return PanelResult(
        panel=panel,
        available=True,
        figures=[Figure(_("Direct beneficiaries who applied"), data["direct"])],
        tables=[
            table("regions", _("By region"), _("region"), region_rows),
            table("genders", _("By gender"), _("gender"), gender_rows),
            table("ages", _("By age band (years)"), _("age band"), age_rows),
        ],
        note=_(
            "Direct beneficiaries with a request submitted in the period; age on the period's last day."
        ),
    )


declare_panel(
    "volumes",
    title=_("Requests received, decided and delivered"),
    order=10,
    source=fetch_volumes,
    takes_filters=True,
    builder=build_volumes,
    permission=REQUESTS_PERMISSION,
)
declare_panel(
    "timeliness",
    title=_("Time to decision and the two-week promise"),
    order=20,
    source=selectors.time_to_decision,
    takes_filters=True,
    builder=build_timeliness,
    permission=REQUESTS_PERMISSION,
)
declare_panel(
    "backlog",
    title=_("Backlog by stage"),
    order=30,
    source=selectors.backlog_by_stage,
    takes_filters=True,
    builder=build_backlog,
    permission=REQUESTS_PERMISSION,
)
declare_panel(
    "overdue",
    title=_("Overdue requests"),
    order=40,
    source=selectors.overdue,
    takes_filters=True,
    builder=build_overdue,
    permission=REQUESTS_PERMISSION,
    live=True,  # people waiting: always as of now (two indexed queries)
)
declare_panel(
    "channels",
    title=_("Channel mix of requests"),
    order=50,
    source=selectors.channel_mix,
    takes_filters=True,
    builder=build_channel_mix,
    permission=REQUESTS_PERMISSION,
)
declare_panel(
    "satisfaction",
    title=_("Satisfaction: CSAT, NPS and response rate"),
    order=60,
    description=_("From the satisfaction surveys."),
)
declare_panel(
    "feedback",
    title=_("Complaints and suggestions"),
    order=70,
    description=_("Open, answered and the median time to answer."),
)
declare_panel(
    "reach",
    title=_("Beneficiaries served"),
    order=80,
    source=fetch_reach,
    takes_filters=True,
    builder=build_reach,
    permission=REQUESTS_PERMISSION,
)
declare_panel(
    "indirect_reach",
    title=_("Indirect reach"),
    order=85,
    description=_("People reached through publications and content (POL-3.2)."),
)
declare_panel(
    "contacts",
    title=_("Contacts by channel"),
    order=90,
    description=_("The contact log's channel mix."),
)
declare_panel(
    "beneficiaries",
    title=_("Beneficiaries by region, gender and age"),
    order=100,
    source=selectors.beneficiaries_profile,
    takes_filters=True,
    builder=build_beneficiaries,
    permission=BENEFICIARIES_PERMISSION,
)
