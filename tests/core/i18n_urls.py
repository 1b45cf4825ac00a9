"""A URLconf with ``i18n_patterns`` (Mustafid has none), for the locale middleware's test."""

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.urls import path

urlpatterns = i18n_patterns(path("page/", lambda request: HttpResponse(b"page")))
