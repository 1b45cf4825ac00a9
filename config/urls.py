"""The site's URLs. Public contracts (DESIGN.md) keep their paths in every language."""

from django.contrib import admin
from django.urls import include, path

from satisfaction import views as satisfaction_views

from . import twofactor, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("association/logo", views.association_logo, name="association-logo"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("account/two-step/", twofactor.two_factor_verify, name="two-factor-verify"),
    path("account/two-step/setup/", twofactor.two_factor_setup, name="two-factor-setup"),
    path("admin/", admin.site.urls),
    path("beneficiaries/", include("beneficiaries.urls")),
    path("policies/", include("policies.urls")),
    path("dashboard/", include("config.dashboard.urls")),
    path("", include("requests_app.portal.urls")),
    path("committee/", include("requests_app.committee_urls")),
    path("requests/", include("requests_app.urls")),
    # The home page links to the un-namespaced "feedback" (DESIGN.md's public contract).
    path("feedback/", satisfaction_views.feedback, name="feedback"),
    path("", include("satisfaction.urls")),
]
