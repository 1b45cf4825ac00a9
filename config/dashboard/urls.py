from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="index"),
    path("refresh/", views.refresh, name="refresh"),
    path("report/", views.report, name="report"),
    path("report.xlsx", views.report_xlsx, name="report-xlsx"),
    path(
        "export/<slug:panel>/<slug:table>.<str:fmt>",
        views.table_export,
        name="table-export",
    ),
]
