"""/policies/: the policies in force, one page each, and their print view."""

from django.urls import path

from . import views

app_name = "policies"

urlpatterns = [
    path("", views.policy_list, name="list"),
    path("<slug:slug>/", views.policy_detail, name="detail"),
    path("<slug:slug>/print/", views.policy_print, name="print"),
    path("<slug:slug>/versions/<int:number>/print/", views.version_print, name="version_print"),
]
