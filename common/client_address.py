"""The client's network address, decided in one place for the lockout (django-axes), the API's
throttles and the audit log, so that they can never disagree about who a client is.

`X-Forwarded-For` is written by whoever sends the request, so it is believed only when the
request comes from a proxy listed in `TRUSTED_PROXIES` (addresses or CIDR ranges; empty, the
default, trusts nobody). Each trusted proxy appends the address it received the request from,
so the header is read from the right: the first address that is not a trusted proxy is the
client. Whatever a client wrote further left is never reached. This is nginx's
`real_ip_recursive on` and what gunicorn, uvicorn and Werkzeug's ProxyFix do with a proxy count.
"""

from functools import lru_cache
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Address = IPv4Address | IPv6Address


def trusted_proxies() -> tuple[IPv4Network | IPv6Network, ...]:
    return _networks(tuple(settings.TRUSTED_PROXIES))


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[IPv4Network | IPv6Network, ...]:
    try:
        return tuple(ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())
    except ValueError as error:
        message = f"TRUSTED_PROXIES: {error} (give addresses or CIDR ranges, comma-separated)"
        raise ImproperlyConfigured(message) from None


def _address(value: str | None) -> Address | None:
    """An address as a proxy or server reports it; an IPv4 address in IPv6 form counts as itself."""
    try:
        address = ip_address((value or "").strip().removeprefix("[").removesuffix("]"))
    except ValueError:
        return None
    return (address.ipv4_mapped or address) if isinstance(address, IPv6Address) else address


def client_ip(request) -> str | None:
    """The address of the client that made `request`, as django-axes' AXES_CLIENT_IP_CALLABLE wants it.

    The connection's own address (REMOTE_ADDR) unless it is a trusted proxy; then the hops of
    X-Forwarded-For from the right, while they are trusted proxies too. A hop that is not an
    address stops the walk at the proxy that sent it (its address is the best known).
    """
    client = _address(request.META.get("REMOTE_ADDR"))
    if client is None:
        return None
    proxies = trusted_proxies()
    hops = request.headers.get("x-forwarded-for", "").split(",")
    while hops and any(client in network for network in proxies):
        hop = _address(hops.pop())
        if hop is None:
            break
        client = hop
    return str(client)
