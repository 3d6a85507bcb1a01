"""The client's address, trusting X-Forwarded-For only from the proxies we run.

Anyone can send an X-Forwarded-For header; only the entries that our own proxies appended are true.
Counted from the right, each trusted proxy appended the address it received the request from, so the
client is the first address after the last trusted proxy. With no TRUSTED_PROXIES, or when the request
did not come from one, the header is ignored and REMOTE_ADDR is the client. Used by the fast-track
rate limit and by the login lock-out (AXES_CLIENT_IP_CALLABLE).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in proxies)


def _parse(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    address = address.strip()
    if address.startswith("[") and "]" in address:  # [v6]:port
        address = address[1:address.index("]")]
    elif address.count(":") == 1:  # v4:port
        address = address.split(":", 1)[0]
    try:
        return ipaddress.ip_address(address)
    except ValueError:
        return None


def is_trusted_proxy(address: str) -> bool:
    ip = _parse(address)
    return ip is not None and any(ip in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if not is_trusted_proxy(remote):
        return remote or "unknown"
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not is_trusted_proxy(hop):
            ip = _parse(hop)
            # A garbled entry is where the trustworthy chain ends: whoever wrote it is the client side.
            return str(ip) if ip is not None else "invalid"
    # Every hop is one of ours (a health check from inside): the leftmost is the origin.
    return hops[0] if hops else remote


def client_ip_for_axes(request) -> str | None:
    """For the login lock-out (AXES_CLIENT_IP_CALLABLE): a valid address or None, since axes stores it
    in an inet column on PostgreSQL."""
    if request is None or not hasattr(request, "META"):
        return None
    address = client_ip(request)
    return address if _parse(address) is not None else None
