"""Test run: fast hashing, no manifest for static files, same database rules as production."""

from .base import *  # noqa: F403 (settings modules extend the base namespace)

ENVIRONMENT = "test"

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105 (test-only key)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405 (STORAGES comes from base)
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DEMO_MODE = False
# Static files come from the finders; no collectstatic before tests.
WHITENOISE_AUTOREFRESH = True
