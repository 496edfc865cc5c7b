"""common.client_address: X-Forwarded-For believed only from TRUSTED_PROXIES, read from the right."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from common.client_address import client_ip

PROXY = "10.0.0.2"
CASES = [
    # (why, trusted proxies, REMOTE_ADDR, X-Forwarded-For or None, the client)
    ("no proxy trusted: the header is ignored", [], "203.0.113.7", "198.51.100.1", "203.0.113.7"),
    ("a trusted proxy: the address it appended", [PROXY], PROXY, "198.51.100.1", "198.51.100.1"),
    ("what the client wrote left of it is never reached", [PROXY], PROXY, "192.0.2.66, 198.51.100.1", "198.51.100.1"),
    ("an untrusted sender's header is ignored", [PROXY], "203.0.113.7", "198.51.100.1", "203.0.113.7"),
    ("a chain of trusted proxies, as CIDR", ["10.0.0.0/24"], PROXY, "198.51.100.1, 10.0.0.9", "198.51.100.1"),
    ("a trusted proxy with no header is the client", [PROXY], PROXY, None, PROXY),
    ("a hop that is no address stops at the proxy", [PROXY], PROXY, "192.0.2.1, not-an-address", PROXY),
    ("an empty hop stops at the proxy", [PROXY], PROXY, "192.0.2.1, ", PROXY),
    ("spaces around hops", [PROXY], PROXY, " 198.51.100.1 ", "198.51.100.1"),
    ("IPv6 client behind an IPv6 proxy", ["2001:db8::/64"], "2001:db8::2", "2001:db8:1::5", "2001:db8:1::5"),
    ("IPv4 in IPv6 form is the IPv4 address", [PROXY], "::ffff:10.0.0.2", "::ffff:198.51.100.1", "198.51.100.1"),
    ("a bracketed IPv6 hop", ["127.0.0.1"], "127.0.0.1", "[2001:db8::5]", "2001:db8::5"),
    ("every hop trusted: the leftmost one", ["10.0.0.0/8"], PROXY, "10.1.1.1, 10.0.0.3", "10.1.1.1"),
]


@pytest.mark.parametrize(("why", "trusted", "remote", "forwarded", "expected"), CASES, ids=[c[0] for c in CASES])
def test_the_client_address(rf, settings, why, trusted, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = trusted
    headers = {"REMOTE_ADDR": remote} | ({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {})
    assert client_ip(rf.get("/", **headers)) == expected


@pytest.mark.parametrize("remote", ["", "unix:/run/gunicorn.sock", "999.1.1.1"])
def test_no_usable_connection_address_is_none(rf, remote):
    assert client_ip(rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR="198.51.100.1")) is None


def test_a_mistyped_trusted_proxy_is_a_configuration_error_naming_the_setting(rf, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.300"]
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        client_ip(rf.get("/", REMOTE_ADDR=PROXY))


def test_nobody_is_trusted_by_default():
    from config.settings import base

    assert base.TRUSTED_PROXIES == []
    assert base.AXES_CLIENT_IP_CALLABLE == "common.client_address.client_ip"
