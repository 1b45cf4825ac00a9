"""Arabic first: the language is the one the person chose (the language cookie set by
/i18n/setlang/), else Arabic. The browser's Accept-Language is ignored on purpose: a
Saudi applicant on an English-language phone still lands on the Arabic site."""

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers


class ArabicFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        supported = {code for code, _ in settings.LANGUAGES}
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        """Django's answer. Without ``i18n_patterns`` (Mustafid has none) it does not
        depend on a language in the path, which Django reads on every response anyway
        (a regular expression and a failed language lookup, issue 11): skipped."""
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        if is_language_prefix_patterns_used(urlconf)[0]:
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class PermissionsPolicyMiddleware:
    """Sends ``Permissions-Policy`` (Django has no setting for it): camera, microphone,
    location and the rest are off on every page, so injected content cannot ask for them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "MUSTAFID_PERMISSIONS_POLICY", "")
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        return response
