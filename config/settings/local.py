"""Developer machine: `make run`. Debug on, demo accounts listed on the login page."""

from .base import *  # noqa: F403 (settings modules extend the base namespace)
from .base import env

ENVIRONMENT = "local"

DEBUG = env.bool("DJANGO_DEBUG", default=True)
DEMO_MODE = env.bool("DEMO_MODE", default=True)
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405 (STORAGES comes from base)
