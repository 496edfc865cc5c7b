"""Usernames get their normalised key (what log-in, lockout and uniqueness compare) and users a session generation.

Existing usernames keep working as they are: only new ones are held to the safe alphabet. Two
accounts whose usernames are one key (say "ſam" and "sam", once allowed side by side) cannot both
keep their names: the migration stops and names them, so an operator renames one first.
"""

from collections import defaultdict

from django.db import migrations, models

from apps.accounts.usernames import MAX_LENGTH, SafeUsernameValidator, username_key


def fill_username_keys(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    by_key = defaultdict(list)
    for pk, username in User.objects.values_list("pk", "username").order_by("pk"):
        by_key[username_key(username)].append((pk, username))
    clashes = [users for key, users in by_key.items() if len(users) > 1 or len(key) > MAX_LENGTH]
    if clashes:
        listed = "; ".join(", ".join(f"#{pk} {username!r}" for pk, username in users) for users in clashes)
        raise RuntimeError(
            "These usernames are the same once normalised (NFKC + casefold), or too long when normalised: "
            f"{listed}. Rename all but one of each group, then migrate again."
        )
    for key, ((pk, _username),) in by_key.items():
        User.objects.filter(pk=pk).update(username_key=key)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_api_tokens"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="username_key",
            field=models.CharField(editable=False, max_length=150, null=True),
        ),
        migrations.RunPython(fill_username_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="username_key",
            field=models.CharField(editable=False, max_length=150, unique=True),
        ),
        # The key's uniqueness is the case-insensitive uniqueness now, for every alphabet.
        migrations.RemoveConstraint(
            model_name="user",
            name="user_username_unique_ci",
        ),
        migrations.AlterField(
            model_name="user",
            name="username",
            field=models.CharField(
                error_messages={"unique": "A user with that username already exists."},
                help_text="Use only letters a–z, digits and . _ - @ (no spaces, accents or other symbols).",
                max_length=150,
                unique=True,
                validators=[SafeUsernameValidator()],
                verbose_name="username",
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="session_generation",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
    ]
