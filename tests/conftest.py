import importlib

import pytest
from django.conf import settings as django_settings
from django.urls import clear_url_caches


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
