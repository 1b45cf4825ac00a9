"""Back-office pages of the registry outside the admin: the private document download."""

from django.urls import path

from . import views

app_name = "beneficiaries"

urlpatterns = [
    path("documents/<int:pk>/download/", views.document_download, name="document-download"),
]
