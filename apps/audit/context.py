"""The request's client address, made available to services without threading it through every call.

The actor is always passed to services explicitly (`by=user`); only the network
address, which services cannot know, comes from the request being served.
"""

from contextvars import ContextVar

_client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)


def get_client_ip() -> str | None:
    return _client_ip.get()


def set_client_ip(ip: str | None):
    return _client_ip.set(ip)


def reset_client_ip(token) -> None:
    _client_ip.reset(token)
