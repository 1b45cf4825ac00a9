"""Fixtures the admin list tests share."""

import pytest


@pytest.fixture
def small_pages(monkeypatch):
    """Five rows a page on the people and requests lists, so a few rows make deep pages."""
    from beneficiaries.admin import BeneficiaryAdmin
    from requests_app.admin import SupportRequestAdmin

    monkeypatch.setattr(BeneficiaryAdmin, "list_per_page", 5)
    monkeypatch.setattr(SupportRequestAdmin, "list_per_page", 5)


@pytest.fixture
def prepared():
    """A second PostgreSQL connection with server-side binding that prepares every statement
    at once (DATABASE_PREPARE_THRESHOLD=1); closed after the test."""
    import copy

    from django.db import connection
    from django.db.backends.postgresql.base import DatabaseWrapper

    settings = copy.deepcopy(connection.settings_dict)
    settings["OPTIONS"] = {
        **settings["OPTIONS"],
        "server_side_binding": True,
        "prepare_threshold": 1,
    }
    wrapper = DatabaseWrapper(settings, alias="prepared")
    yield wrapper
    wrapper.close()
