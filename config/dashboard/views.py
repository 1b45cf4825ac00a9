"""The dashboard, its table downloads and the governance report. Staff only; each
panel shows to those with its permission. The dashboard's figures are kept for ten
minutes (config/dashboard/cache.py; the page says when they were computed, and a manager
may refresh them); the overdue list, the downloads and the report are computed live."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from policies.selectors import version_in_force

from .cache import CACHE_SECONDS, forget, rendered_panels
from .exports import export_response
from .forms import DashboardFilterForm
from .panels import DATE, get_panel, panels_for

VIEW_PERMISSION = "dashboard.view_dashboard"
EXPORT_PERMISSION = "dashboard.export_data"
REFRESH_PERMISSION = "dashboard.refresh_dashboard"


def staff_permission(permission: str):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("admin:login"))
            if not (request.user.is_staff and request.user.has_perm(permission)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _form(request) -> DashboardFilterForm:
    return DashboardFilterForm(request.GET or None) if request.GET else DashboardFilterForm({})


def _results(request, form, keys=None):
    if not form.is_valid():
        return None, []
    filters = form.filters()
    panels = [p for p in panels_for(request.user) if keys is None or p.key in keys]
    return filters, [panel.build(filters) for panel in panels]


@staff_permission(VIEW_PERMISSION)
def dashboard(request):
    form = _form(request)
    filters, panels_html, as_of = None, [], None
    can_export = request.user.has_perm(EXPORT_PERMISSION)
    query = ""
    if form.is_valid():
        filters = form.filters()
        query = urlencode(filters.as_dict())
        panels_html, as_of = rendered_panels(
            filters,
            panels_for(request.user),
            {"can_export": can_export, "query": query},
        )
    return render(
        request,
        "dashboard/index.html",
        {
            "form": form,
            "filters": filters,
            "panels_html": panels_html,
            "query": query,
            "can_export": can_export,
            "can_refresh": request.user.has_perm(REFRESH_PERMISSION),
            "as_of": as_of,
            "refresh_minutes": CACHE_SECONDS // 60,
            "now": timezone.now(),
        },
    )


@staff_permission(VIEW_PERMISSION)
@require_POST
def refresh(request):
    """Forget the kept figures of the panels this user sees, for the filters posted, so
    the dashboard computes them again now. CSRF-protected like every POST."""
    if not request.user.has_perm(REFRESH_PERMISSION):
        raise PermissionDenied
    form = DashboardFilterForm(request.POST)
    target = reverse("dashboard:index")
    if form.is_valid():
        filters = form.filters()
        forget(request.user, filters)
        target += "?" + urlencode(filters.as_dict())
    return redirect(target)


@staff_permission(EXPORT_PERMISSION)
def table_export(request, panel, table, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    found = get_panel(panel)
    if found is None or not found.available:
        raise Http404
    if found.permission and not request.user.has_perm(found.permission):
        raise PermissionDenied
    form = _form(request)
    if not form.is_valid():
        raise Http404
    filters = form.filters()
    result = found.build(filters)
    chosen = next((t for t in result.tables if t.key == table), None)
    if chosen is None:
        raise Http404
    return export_response(
        request=request,
        what=f"dashboard.{panel}.{table}",
        fmt=fmt,
        headers=[str(c.label) for c in chosen.columns],
        rows=chosen.rows,
        date_columns={i for i, c in enumerate(chosen.columns) if c.kind == DATE},
        filters=filters.as_dict(),
        sheet_title=str(chosen.title),
    )


REPORT_PANELS = {
    "volumes",
    "timeliness",
    "backlog",
    "channels",
    "satisfaction",
    "feedback",
    "reach",
    "indirect_reach",
    "contacts",
    "beneficiaries",
}


def _report_context(request):
    form = _form(request)
    filters, results = _results(request, form, keys=REPORT_PANELS)
    policy = version_in_force("beneficiary_relations")
    return {
        "form": form,
        "filters": filters,
        "results": results,
        "policy": policy,
        "today": timezone.localdate(),
        "query": urlencode(filters.as_dict()) if filters else "",
    }


@staff_permission(VIEW_PERMISSION)
def report(request):
    return render(request, "dashboard/report.html", _report_context(request))


@staff_permission(EXPORT_PERMISSION)
def report_xlsx(request):
    context = _report_context(request)
    if context["filters"] is None:
        raise Http404
    rows = []
    period = context["filters"].period
    rows.append([gettext("Period"), period.first_day, period.last_day])
    for result in context["results"]:
        rows.append([str(result.panel.title)])
        if not result.available:
            rows.append(["", gettext("Not yet available")])
            continue
        for figure in result.figures:
            rows.append(["", str(figure.label), figure.value])
        for table in result.tables:
            rows.append(["", str(table.title)])
            for row in table.rows:
                rows.append(["", *row])
    return export_response(
        request=request,
        what="dashboard.governance-report",
        fmt="xlsx",
        headers=[gettext("Section"), gettext("Item"), gettext("Value")],
        rows=rows,
        filters=context["filters"].as_dict(),
        sheet_title=gettext("Governance report"),
    )
