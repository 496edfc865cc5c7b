"""accounts 0003: existing users get the key of their username; two usernames that are one key stop the migration."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0002_api_tokens")]
AFTER = [("accounts", "0003_username_key_and_session_generation")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def before_the_key(transactional_db):
    """The user table as it was before the key; the latest schema again afterwards."""
    old_apps = migrate(BEFORE)
    try:
        yield old_apps.get_model("accounts", "User")
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def make(User, username):
    return User.objects.create(username=username, role="SUPER_ADMIN", hospital=None, password="!")


def test_existing_usernames_keep_working_under_their_key(before_the_key):
    for username in ("Desk.Head", "ｆｕｌｌ", "Ravi"):
        make(before_the_key, username)
    new_apps = migrate(AFTER)
    keys = dict(new_apps.get_model("accounts", "User").objects.values_list("username", "username_key"))
    assert keys == {"Desk.Head": "desk.head", "ｆｕｌｌ": "full", "Ravi": "ravi"}


def test_two_usernames_with_one_key_stop_the_migration_naming_both(before_the_key):
    first, second = make(before_the_key, "sam"), make(before_the_key, "\u017fam")  # ſam: a long s
    with pytest.raises(RuntimeError, match=rf"#{first.pk} 'sam', #{second.pk} 'ſam'.*Rename all but one"):
        migrate(AFTER)
    before_the_key.objects.filter(pk=second.pk).update(username="sam2")
    migrate(AFTER)
