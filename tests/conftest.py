"""Fixtures of the project-wide tests."""

import pytest

from apps.accounts import services as accounts
from tests.api_world import build_world


@pytest.fixture
def world(hospital, other_hospital, super_admin):
    """Two hospitals' mornings (tests/api_world.py), the super admin as `root`, and a receptionist's API token."""
    world = build_world(hospital, "")
    world.other = build_world(other_hospital, "x_")
    world.root = super_admin
    world.token, _ = accounts.issue_api_token(user=world.receptionist)
    return world
