"""Fixtures of the project-wide tests."""

import importlib

import pytest
from django.conf import settings as django_settings
from django.urls import clear_url_caches

from apps.accounts import services as accounts
from tests.api_world import build_world


def _reload_urlconf() -> None:
    importlib.reload(importlib.import_module(django_settings.ROOT_URLCONF))
    clear_url_caches()


@pytest.fixture
def admin_enabled(settings):
    """/admin/ served, as with DJANGO_ADMIN_ENABLED=true (the URLs are read once, so they are reloaded)."""
    was = settings.DJANGO_ADMIN_ENABLED
    settings.DJANGO_ADMIN_ENABLED = True
    _reload_urlconf()
    yield
    settings.DJANGO_ADMIN_ENABLED = was
    _reload_urlconf()


@pytest.fixture
def world(hospital, other_hospital, super_admin):
    """Two hospitals' mornings (tests/api_world.py), the super admin as `root`, and a receptionist's API token."""
    world = build_world(hospital, "")
    world.other = build_world(other_hospital, "x_")
    world.root = super_admin
    world.token, _ = accounts.issue_api_token(user=world.receptionist)
    return world
