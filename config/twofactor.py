"""Two-step sign-in for staff (issue #12): a code from an authenticator app (TOTP,
django-otp) after the password.

Optional for every staff member; required for those who may see sensitive data
(``beneficiaries.view_sensitive_data``) once the association turns it on in its profile.
A member who has set it up is always asked for a code. The check runs on the staff areas
(back-office, committee, dashboard) only: the public site is untouched."""

import io
from functools import partial

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.admin import site as admin_site
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.middleware import OTPMiddleware as DjangoOTPMiddleware
from django_otp.plugins.otp_totp.models import TOTPDevice

from beneficiaries.models import SENSITIVE_PERMISSION
from beneficiaries.validators import normalize_digits
from config.auth import prefetch_permissions
from config.sessions import CONFIRMED_TOTP

# Every page of a signed-in member asks for the code, except the public site and the
# sign-in pages themselves: private files (/beneficiaries/…/download/, /requests/…/proof/)
# and the satisfaction results are staff pages too.
OPEN_PATHS = (
    "/apply/",
    "/track/",
    "/survey/",
    "/feedback/",
    "/policies/",
    "/i18n/",
    "/static/",
    "/healthz",
    "/association/",
    "/account/two-step/",
    "/admin/login/",
    "/admin/logout/",
    "/committee/login/",
    "/committee/logout/",
)


def two_factor_required(user, request=None) -> bool:
    from policies.selectors import association_profile, request_association_profile

    profile = request_association_profile(request) if request else association_profile()
    return bool(profile.require_two_factor and user.has_perm(SENSITIVE_PERMISSION))


def has_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def _totp_pk(persistent_id) -> int | None:
    """The primary key in a session's ``otp_device_id`` when it names a TOTP device
    ("otp_totp.totpdevice/5"); None for anything else (django-otp then looks it up)."""
    if not isinstance(persistent_id, str):
        return None
    label, _, pk = persistent_id.rpartition("/")
    if label != TOTPDevice.model_label() or not pk.isdigit():
        return None
    return int(pk)


class OTPMiddleware(DjangoOTPMiddleware):
    """django-otp's middleware with its per-request device check folded into the query
    that reads the session and the member (config/sessions.py), or else the one that reads
    the member's permissions (config/auth.prefetch_permissions), which every staff page
    makes anyway: no query of its own for a member signed in with a code.

    The check is django-otp's, made on every request as before: the device named in the
    session must still exist, belong to this user and be confirmed, or the session forgets
    it and the member is asked for a code again (a removed or reset authenticator ends
    access at once). ``user.otp_device`` is the device, loaded only if something reads
    it. Any other kind of device, or a case the shared query does not cover, goes
    through django-otp's own lookup."""

    def _verify_user_sync(self, request, user):
        persistent_id = (
            request.session.get(DEVICE_ID_SESSION_KEY) if user.is_authenticated else None
        )
        pk = _totp_pk(persistent_id)
        if pk is None:
            found = None
        elif (confirmed := getattr(user, CONFIRMED_TOTP, None)) is not None:
            found = pk in confirmed  # read with the session (config/sessions.py)
        else:
            found = prefetch_permissions(user, totp_device_pk=pk)
        if found is None:
            return super()._verify_user_sync(request, user)
        self._init_user_fields(user)
        if found:
            user.otp_device = SimpleLazyObject(partial(TOTPDevice.objects.get, pk=pk))
        else:
            del request.session[DEVICE_ID_SESSION_KEY]
        return user


class TwoFactorMiddleware:
    """After django-otp's middleware: a staff member who must give a code and has not
    yet given one in this session goes to the code page (or to set-up, if required and
    not yet set up) before any staff page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        redirect_to = self._redirect(request)
        return redirect(redirect_to) if redirect_to else self.get_response(request)

    def _redirect(self, request) -> str | None:
        path = request.path
        if path == "/" or path.startswith(OPEN_PATHS):
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        session = request.session
        if "mustafid_2fa_device" not in session:
            # Asked once per session; setting a device up updates it.
            session["mustafid_2fa_device"] = has_device(user)
        if session["mustafid_2fa_device"]:
            return reverse("two-factor-verify") + _next_query(request)
        if two_factor_required(user, request):
            return reverse("two-factor-setup") + _next_query(request)
        return None


def _next_query(request) -> str:
    return "?" + urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, *args, device=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device
        self.user = user

    def clean_code(self):
        code = "".join(normalize_digits(self.cleaned_data["code"]).split())
        if not code.isdigit() or len(code) != 6:
            raise forms.ValidationError(_("Type the 6 digits the app shows."))
        devices = (
            [self.device]
            if self.device
            else TOTPDevice.objects.filter(user=self.user, confirmed=True)
        )
        for device in devices:
            if device.verify_is_allowed()[0] and device.verify_token(code):
                self.device = device
                return code
        raise forms.ValidationError(
            _(
                "That code is not right or has expired. Codes change every 30 seconds: try the one the app shows now."
            )
        )


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("admin:index")


def _context(request, **extra):
    return {**admin_site.each_context(request), "next": _next(request), **extra}


def _qr_svg(data: str) -> str:
    out = io.BytesIO()
    qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).save(out)
    svg = out.getvalue().decode()
    return svg[svg.index("<svg") :]


@sensitive_post_parameters("code")
@login_required
def two_factor_setup(request):
    """Show a new secret as a QR code and as text; it is kept once a code from it is typed.

    Replacing an authenticator needs a code from the current one first: a password
    alone must not be enough to swap in someone else's phone."""
    if not request.user.is_verified() and has_device(request.user):
        return redirect(reverse("two-factor-verify") + f"?next={request.get_full_path()}")
    TOTPDevice.objects.filter(user=request.user, confirmed=False).exclude(
        pk=request.session.get("mustafid_2fa_pending")
    ).delete()
    device = TOTPDevice.objects.filter(
        user=request.user, confirmed=False, pk=request.session.get("mustafid_2fa_pending")
    ).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=request.user, name=str(_("Authenticator app")), confirmed=False
        )
        request.session["mustafid_2fa_pending"] = device.pk
    form = CodeForm(request.POST or None, device=device, user=request.user)
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=request.user, confirmed=True).exclude(pk=device.pk).delete()
        request.session.pop("mustafid_2fa_pending", None)
        request.session["mustafid_2fa_device"] = True
        otp_login(request, device)
        messages.success(request, _("Two-step sign-in is on for your account."))
        return redirect(_next(request))
    secret = device.config_url.split("secret=")[1].split("&")[0]
    return TemplateResponse(
        request,
        "registration/two_factor_setup.html",
        _context(
            request,
            title=_("Set up two-step sign-in"),
            form=form,
            qr=mark_safe(_qr_svg(device.config_url)),  # noqa: S308 - made here, no input
            secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            required=two_factor_required(request.user, request),
        ),
    )


@sensitive_post_parameters("code")
@login_required
def two_factor_verify(request):
    if not has_device(request.user):
        return redirect(reverse("two-factor-setup") + f"?next={_next(request)}")
    form = CodeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        otp_login(request, form.device)
        return redirect(_next(request))
    return TemplateResponse(
        request,
        "registration/two_factor_verify.html",
        _context(request, title=_("Two-step sign-in"), form=form),
    )


def remember_device_at_login(sender, request, user, **kwargs):
    """Whether the member has an authenticator is read once, at sign-in, into the session
    that sign-in writes anyway: staff pages then cost no query and no session write."""
    if request is not None and hasattr(request, "session"):
        request.session["mustafid_2fa_device"] = has_device(user)
