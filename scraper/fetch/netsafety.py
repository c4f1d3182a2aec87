"""URL and address safety for the fetch layer: http(s) only, no private addresses unless allowed."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable, Sequence
from urllib.parse import SplitResult, urlsplit

from scraper.core.errors import UnsafeURLError

ALLOWED_SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": 80, "https": 443}
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# (host, port) -> the addresses it resolves to now; raises OSError when it does not resolve.
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]


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


def effective_port(parts: SplitResult) -> int:
    """The port a request to these URL parts goes to (the scheme's default when none is given)."""
    return parts.port or DEFAULT_PORTS.get(parts.scheme.lower(), 80)


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
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def is_literal_address(host: str) -> bool:
    """Whether a URL's host is an IP address rather than a name."""
    return _literal_address(host) is not None


async def system_resolver(host: str, port: int) -> list[str]:
    """The system's answer (`loop.getaddrinfo`, in the executor: it never blocks other fetches)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def _allow_entry(entry: str) -> tuple[str, int | None]:
    """'host' (any port), 'host:port', '[v6]:port' or a bare IPv6 literal, lower-cased."""
    text = entry.strip().lower()
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") else None
    if text.count(":") == 1:
        host, port = text.split(":")
        return host, int(port)
    return text, None


class AddressGuard:
    """Decides whether a host may be requested, and resolves it for the connection itself.

    `check` is the early test every hop passes (scheme, credentials, and whether the host
    resolves only to public addresses; its verdict is cached for the run). It is advisory:
    `addresses` is what the transport calls when it opens a connection, resolving afresh and
    checking every address it returns, and the connection goes to one of exactly those
    addresses. A name that answered "public" to the early test and "127.0.0.2" a moment later
    (DNS rebinding) is refused at connect time.

    Every resolved address must be public: a host with one private A record among public ones
    could be steered to it, so it is refused as a whole. Hosts on the allow list (the configured
    sites, which may live on a local network) may resolve to private addresses, but only on
    the port the entry names: `host:port`. A bare `host` entry allows every port; only callers
    that were handed that host by the user (a single URL, the demo) use that form.
    """

    def __init__(
        self,
        allow_private_hosts: Iterable[str] = frozenset(),
        *,
        resolver: Resolver = system_resolver,
    ) -> None:
        self._allowed = frozenset(_allow_entry(entry) for entry in allow_private_hosts)
        self._resolver = resolver
        self._verdicts: dict[str, str | None] = {}  # host -> refusal reason, None when safe

    def allowed_private(self, host: str, port: int | None = None) -> bool:
        name = host.lower().strip("[]")
        return (name, None) in self._allowed or (port is not None and (name, port) in self._allowed)

    async def check(self, url: str) -> SplitResult:
        """Return the URL's parts when it is safe to request; raise UnsafeURLError otherwise."""
        parts = split_http_url(url)
        host = (parts.hostname or "").lower()
        port = effective_port(parts)
        if self.allowed_private(host, port):
            return parts
        # Concurrent first requests to one host may resolve it twice; harmless, and simpler
        # than sharing a future across tasks that may be cancelled.
        if host not in self._verdicts:
            try:
                await self._public_addresses(host, port)
            except UnsafeURLError as error:
                self._verdicts[host] = str(error)
            else:
                self._verdicts[host] = None
        reason = self._verdicts[host]
        if reason is not None:
            raise UnsafeURLError(reason)
        return parts

    async def addresses(self, host: str, port: int) -> list[str]:
        """Resolve now and return the addresses a connection may use; raise UnsafeURLError
        when one of them is not public (unless the host and port are allowed) or none exist."""
        name = host.lower().strip("[]")
        if self.allowed_private(name, port):
            literal = _literal_address(name)
            return [str(literal)] if literal is not None else await self._resolve(name, port)
        return [str(address) for address in await self._public_addresses(name, port)]

    async def _public_addresses(self, host: str, port: int) -> list[IPAddress]:
        literal = _literal_address(host)
        if literal is not None:
            if not is_public_address(literal):
                raise UnsafeURLError(f"unsafe address {literal}")
            return [literal]
        found = []
        for text in await self._resolve(host, port):
            address = _literal_address(text)
            if address is None or not is_public_address(address):
                raise UnsafeURLError(f"unsafe address {address or text} for {host}")
            found.append(address)
        return found

    async def _resolve(self, host: str, port: int) -> list[str]:
        try:
            answers = list(await self._resolver(host, port))
        except (OSError, UnicodeError) as error:
            reason = getattr(error, "strerror", None) or error
            raise UnsafeURLError(f"cannot resolve {host}: {reason}") from None
        if not answers:
            raise UnsafeURLError(f"cannot resolve {host}: no addresses")
        return answers
