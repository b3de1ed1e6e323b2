"""Refusing outbound URLs that point into our own network (SSRF guard), for bidders, pixels and webhooks.

Rules:
- Only http and https.
- The host's addresses (every one DNS returns) must all be public: loopback, private, link-local,
  carrier-grade NAT, multicast, reserved and unspecified ranges are refused, for IPv4 and IPv6
  (including IPv4-mapped IPv6). Checking every address stops a name that resolves to a public and a
  private address from slipping through.
- ``ALLOW_PRIVATE_URLS`` (tests, on-premise installs) switches the address check off, not the scheme check.
- Callers check again at connection time (``resolve_public``) and never follow redirects blindly, because
  DNS can change between the check on save and the request (DNS rebinding).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from callcenter.kit.errors import FieldError

_EXTRA_BLOCKED = (ipaddress.ip_network("100.64.0.0/10"), ipaddress.ip_network("192.0.0.0/24"))


class UnsafeUrl(ValueError):
    """The URL may not be called from the platform; the message says why."""


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip in network for network in _EXTRA_BLOCKED if network.version == ip.version):
        return False
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def check_scheme(url: str) -> tuple[str, int]:
    """The URL's host and port; raises UnsafeUrl unless it is an absolute http(s) URL with a host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeUrl("only absolute http:// or https:// URLs are allowed")
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


async def resolve_public(url: str, *, allow_private: bool) -> list[str]:
    """The addresses the URL's host resolves to, all public (unless ``allow_private``); else UnsafeUrl."""
    host, port = check_scheme(url)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UnsafeUrl(f"the host {host!r} does not resolve") from exc
    addresses = sorted({str(info[4][0]) for info in infos})
    if not allow_private:
        blocked = [a for a in addresses if not is_public_address(a)]
        if blocked:
            raise UnsafeUrl(f"the host {host!r} resolves to a private or reserved address")
    return addresses


async def check_url_field(field: str, url: str, *, allow_private: bool) -> None:
    """For services validating a saved URL: an unsafe one is a 422 on ``field``."""
    try:
        await resolve_public(url, allow_private=allow_private)
    except UnsafeUrl as exc:
        raise FieldError(field, str(exc)) from exc
