"""The SSRF guard refuses URLs that reach into private networks."""

from __future__ import annotations

import pytest

from callcenter.kit.url_safety import UnsafeUrl, is_public_address, resolve_public


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "224.0.0.1",
    ],
)
def test_private_and_reserved_addresses_are_not_public(address: str) -> None:
    assert not is_public_address(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses_are_public(address: str) -> None:
    assert is_public_address(address)


@pytest.mark.parametrize("url", ["ftp://example.com/x", "file:///etc/passwd", "/relative", "http://"])
async def test_only_absolute_http_urls_are_allowed(url: str) -> None:
    with pytest.raises(UnsafeUrl):
        await resolve_public(url, allow_private=True)


async def test_loopback_url_is_refused_unless_private_urls_are_allowed() -> None:
    with pytest.raises(UnsafeUrl, match="private"):
        await resolve_public("http://127.0.0.1:8080/bid", allow_private=False)
    assert await resolve_public("http://127.0.0.1:8080/bid", allow_private=True) == ["127.0.0.1"]


async def test_name_resolving_to_loopback_is_refused() -> None:
    with pytest.raises(UnsafeUrl):
        await resolve_public("http://localhost/bid", allow_private=False)
