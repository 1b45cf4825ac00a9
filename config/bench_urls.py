"""The site's URLs plus ``/__hello__``, the benchmark's hello-world baseline."""

from django.http import HttpResponse
from django.urls import path

from .urls import urlpatterns as site_urlpatterns


def hello(request):
    return HttpResponse(b"hello", content_type="text/plain")


urlpatterns = [path("__hello__", hello, name="bench-hello"), *site_urlpatterns]
