"""Fixtures the admin list tests share."""

import pytest


@pytest.fixture
def small_pages(monkeypatch):
    """Five rows a page on the people and requests lists, so a few rows make deep pages."""
    from beneficiaries.admin import BeneficiaryAdmin
    from requests_app.admin import SupportRequestAdmin

    monkeypatch.setattr(BeneficiaryAdmin, "list_per_page", 5)
    monkeypatch.setattr(SupportRequestAdmin, "list_per_page", 5)
