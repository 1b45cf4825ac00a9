"""Deployment checks: an SMS gateway that is chosen but not configured is caught by
``manage.py check`` at start-up, not by the first applicant who is never told."""

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.utils.module_loading import import_string


@register()
def check_sms_backend(app_configs=None, **kwargs):
    from .sms import HttpGatewaySmsBackend, SmsBackend

    path = getattr(settings, "MUSTAFID_SMS_BACKEND", "")
    if not path:
        return []
    try:
        backend_class = import_string(path)
    except ImportError as exc:
        return [
            Error(
                f"MUSTAFID_SMS_BACKEND={path!r} cannot be imported: {exc}",
                hint="Use channels_app.sms.ConsoleSmsBackend or channels_app.sms.HttpGatewaySmsBackend.",
                id="channels_app.E001",
            )
        ]
    if not (isinstance(backend_class, type) and issubclass(backend_class, SmsBackend)):
        return [
            Error(
                f"MUSTAFID_SMS_BACKEND={path!r} is not an SmsBackend class.",
                id="channels_app.E002",
            )
        ]
    if issubclass(backend_class, HttpGatewaySmsBackend):
        problems = []
        url = getattr(settings, "MUSTAFID_SMS_GATEWAY_URL", "")
        if not url.startswith(("https://", "http://")):
            problems.append(
                Error(
                    "MUSTAFID_SMS_GATEWAY_URL must be the SMS gateway's https:// address.",
                    id="channels_app.E003",
                )
            )
        if not getattr(settings, "MUSTAFID_SMS_API_KEY", ""):
            problems.append(
                Warning(
                    "MUSTAFID_SMS_API_KEY is empty: most gateways refuse such requests.",
                    id="channels_app.W001",
                )
            )
        return problems
    return []
