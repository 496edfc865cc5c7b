"""Benchmarks (`make bench`): production settings, served over plain HTTP on loopback.

`python -m bench` sets the production variables (a random secret key, loopback hosts,
no HTTPS redirect since no TLS proxy stands in front) and adds one route: the floor
view the mixed workload is compared against.
"""

from .production import *  # noqa: F403 (settings modules extend the base namespace)

ENVIRONMENT = "bench"
ROOT_URLCONF = "bench.urls"
