"""The middleware of every page answer as Django's would, with less work (issue 11)."""

import pytest
from django.http import HttpResponse, HttpResponseNotFound
from django.middleware.locale import LocaleMiddleware
from django.test import RequestFactory
from django.utils import translation

from config.middleware import ArabicFirstLocaleMiddleware


@pytest.mark.parametrize("urlconf", [None, "tests.core.i18n_urls"])
@pytest.mark.parametrize("path", ["/", "/admin/", "/en/admin/", "/ar/", "/page/", "/en/page/"])
@pytest.mark.parametrize("status", [200, 404])
@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_locale_headers_are_djangos(urlconf, path, status, language):
    def answer(middleware_class):
        request = RequestFactory().get(path)
        if urlconf:
            request.urlconf = urlconf
        response = HttpResponse() if status == 200 else HttpResponseNotFound()
        with translation.override(language):
            response = middleware_class(lambda r: response).process_response(request, response)
        return response.status_code, response.get("Location"), dict(response.headers)

    assert answer(ArabicFirstLocaleMiddleware) == answer(LocaleMiddleware)
