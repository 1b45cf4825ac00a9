"""/committee/: the research committee's pages."""

from django.contrib.auth.views import LogoutView
from django.urls import path

from . import committee_views as views

app_name = "committee"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("login/", views.CommitteeLoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(next_page="committee:login"), name="logout"),
    path("requests/<int:pk>/", views.case_file, name="case"),
    path(
        "requests/<int:pk>/documents/<int:document_pk>/",
        views.case_document,
        name="case-document",
    ),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/minutes/", views.meeting_minutes, name="minutes"),
]
