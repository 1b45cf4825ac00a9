"""Writes with rules for the policies app."""

from .models import AssociationProfile
from .selectors import forget_association_profile


def association_profile_update(*, profile: AssociationProfile) -> AssociationProfile:
    """Save the single profile (pk 1) and let every page show the new identity."""
    profile.pk = 1
    profile.save()
    forget_association_profile()
    return profile
