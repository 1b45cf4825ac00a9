"""Reads of the association's profile and policies shared by many pages."""

from django.core.cache import cache

from .models import AssociationProfile

_PROFILE_CACHE_KEY = "mustafid:association-profile"
# Every page shows the profile; a minute of staleness after an edit is acceptable and
# spares each page a query.
_PROFILE_CACHE_SECONDS = 60


def association_profile() -> AssociationProfile:
    """The association's profile; an unsaved default until someone edits it."""
    profile = cache.get(_PROFILE_CACHE_KEY)
    if profile is None:
        profile = AssociationProfile.objects.filter(pk=1).first() or AssociationProfile(pk=1)
        cache.set(_PROFILE_CACHE_KEY, profile, _PROFILE_CACHE_SECONDS)
    return profile


def forget_association_profile() -> None:
    cache.delete(_PROFILE_CACHE_KEY)
