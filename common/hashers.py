"""Password hashing cost, chosen for a clinic's app servers."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class ClinicArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id at the first cost OWASP's Password Storage Cheat Sheet recommends: 46 MiB, 1 pass, 1 lane.

    Django's default (100 MiB, 2 passes, 8 lanes) took about 170 ms of both cores per log-in on
    the benchmark machine and lifted a worker's peak memory by 100 MiB, past the 150 MB a worker
    may use (docs/benchmarks.md); this takes about 55 ms and 46 MiB, a cost OWASP rates as equal.
    The algorithm name is unchanged, so existing hashes still verify and are re-hashed at this
    cost on the user's next log-in.
    """

    time_cost = 1
    memory_cost = 47104  # KiB
    parallelism = 1
