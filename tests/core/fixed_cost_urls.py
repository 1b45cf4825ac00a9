"""The site's URLs plus two probe pages that do nothing of their own: an admin page
(the back-office's base template) and a page on the site's base template (the committee's
and the public site's), so a test can count what every staff page pays before its work,
and a page that never asks who is signed in."""

from django.contrib import admin
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def _admin_probe(request):
    context = {**admin.site.each_context(request), "title": "probe"}
    return TemplateResponse(request, "admin/base_site.html", context)


def _lazy_probe(request):
    return HttpResponse(b"nobody asked")


def _site_probe(request):
    return TemplateResponse(request, "base.html", {"title": "probe"})


urlpatterns = [
    path("staff-probe/admin/", admin.site.admin_view(_admin_probe)),
    path("staff-probe/site/", _site_probe),
    # Under an open path (config/twofactor.OPEN_PATHS): no middleware asks who is signed in.
    path("apply/lazy-probe/", _lazy_probe),
    *site_urlpatterns,
]
