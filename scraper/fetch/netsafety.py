"""URL and address safety for the fetch layer: http(s) only, no private addresses unless allowed."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import SplitResult, urlsplit

from scraper.core.errors import UnsafeURLError

ALLOWED_SCHEMES = frozenset({"http", "https"})
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def split_http_url(url: str) -> SplitResult:
    """Split an absolute http(s) URL, or raise UnsafeURLError naming what is wrong with it."""
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
        _ = parts.port  # raises ValueError on a port that is not a number in range
    except ValueError as error:
        raise UnsafeURLError(f"invalid url: {error}") from None
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise UnsafeURLError(f"unsupported scheme {scheme or '(none)'}")
    if not hostname:
        raise UnsafeURLError("url has no host")
    if parts.username is not None or parts.password is not None:
        # Credentials in URLs end up in logs and the archive; a blog never needs them.
        raise UnsafeURLError("url carries credentials")
    return parts


def is_public_address(address: IPAddress) -> bool:
    """True for a globally routable unicast address (what a public blog resolves to)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def _literal_address(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


class AddressGuard:
    """Checks (and caches, per host) that a host resolves only to public addresses.

    Every resolved address must be public: a host with one private A record among public ones
    could be steered to it, so it is refused as a whole. Resolution runs in the event loop's
    executor (`loop.getaddrinfo`) so it never blocks other fetches.
    """

    def __init__(self, allow_private_hosts: frozenset[str] = frozenset()) -> None:
        self._allowed = frozenset(host.lower().strip("[]") for host in allow_private_hosts)
        self._verdicts: dict[str, str | None] = {}  # host -> refusal reason, None when safe

    def allowed_private(self, host: str) -> bool:
        return host.lower().strip("[]") in self._allowed

    async def check(self, url: str) -> SplitResult:
        """Return the URL's parts when it is safe to request; raise UnsafeURLError otherwise."""
        parts = split_http_url(url)
        host = (parts.hostname or "").lower()
        if self.allowed_private(host):
            return parts
        reason = await self._verdict(host, parts.port or (443 if parts.scheme == "https" else 80))
        if reason is not None:
            raise UnsafeURLError(reason)
        return parts

    async def _verdict(self, host: str, port: int) -> str | None:
        # Concurrent first requests to one host may resolve it twice; harmless, and simpler
        # than sharing a future across tasks that may be cancelled.
        if host not in self._verdicts:
            self._verdicts[host] = await self._resolve(host, port)
        return self._verdicts[host]

    async def _resolve(self, host: str, port: int) -> str | None:
        literal = _literal_address(host)
        if literal is not None:
            return None if is_public_address(literal) else f"unsafe address {literal}"
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM
            )
        except (socket.gaierror, UnicodeError) as error:
            return f"cannot resolve {host}: {getattr(error, 'strerror', None) or error}"
        for info in infos:
            address = _literal_address(str(info[4][0]).split("%", 1)[0])
            if address is not None and not is_public_address(address):
                return f"unsafe address {address} for {host}"
        if not infos:
            return f"cannot resolve {host}: no addresses"
        return None
