"""The site's URLs plus the benchmark's two baselines: ``/__hello__`` (hello-world) and
``/__bare__``, the issue's "bare indexed page" — 50 people read from an index in its
order, without COUNT, drawn by a small template, with no session, sign-in or admin — so
every staff page's figure is also a ratio to the least a list page can cost on this
machine (issue #11: "within 2× of a bare indexed page")."""

from django.http import HttpResponse
from django.template import Context, Template
from django.urls import path

from .urls import urlpatterns as site_urlpatterns

BARE_TEMPLATE = Template(
    '<!doctype html><html lang="ar" dir="rtl"><title>bare</title><table>'
    "{% for b in rows %}<tr><td>{{ b.file_number }}</td><td>{{ b.name_ar }}</td>"
    "<td>{{ b.region }}</td><td>{{ b.created_at|date:'Y-m-d H:i' }}</td></tr>"
    "{% endfor %}</table></html>"
)


def hello(request):
    return HttpResponse(b"hello", content_type="text/plain")


def bare(request):
    from beneficiaries.models import Beneficiary

    rows = Beneficiary.objects.order_by("-created_at", "-id").only(
        "file_number", "name_ar", "region", "created_at"
    )[:50]
    return HttpResponse(BARE_TEMPLATE.render(Context({"rows": rows})))


urlpatterns = [
    path("__hello__", hello, name="bench-hello"),
    path("__bare__", bare, name="bench-bare"),
    *site_urlpatterns,
]
