"""The Fetcher's HTTP transports, behind httpx's API: aiohttp's (the default) or httpx's own."""

from __future__ import annotations

import importlib
import os
import ssl
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

import httpx

from scraper.errors import ConfigError

if TYPE_CHECKING:
    from aiohttp import ClientSession

TransportName = Literal["httpx", "aiohttp"]
TRANSPORTS: tuple[TransportName, ...] = ("httpx", "aiohttp")


def make_transport(name: str, concurrency: int) -> httpx.AsyncBaseTransport:
    """The transport the Fetcher sends on (it closes it), pooling `concurrency` connections.

    "aiohttp" (package `httpx-aiohttp`) costs far less CPU per request; it passes the same
    fault tests as httpx's own (CI runs them both ways). Its session is created lazily,
    inside the event loop, on first use.
    """
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    if name == "httpx":
        return httpx.AsyncHTTPTransport(limits=limits)
    if name != "aiohttp":
        raise ConfigError(
            "fetch.transport", f"expected one of {', '.join(TRANSPORTS)}, got {name!r}"
        )
    try:
        module = importlib.import_module("httpx_aiohttp")
    except ImportError:
        raise ConfigError(
            "fetch.transport", "the aiohttp transport needs `pip install httpx-aiohttp`"
        ) from None
    transport: httpx.AsyncBaseTransport = module.AiohttpTransport(
        # Never used (our session factory brings its own); given so that the transport does
        # not build a certificate store of its own, and fails closed if it ever were used.
        verify=ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT),
        limits=limits,
        client=_session_factory(limits),
    )
    return transport


def _session_factory(limits: httpx.Limits) -> Callable[[], ClientSession]:
    def make_session() -> ClientSession:
        import aiohttp

        connector = aiohttp.TCPConnector(
            limit=limits.max_connections or 0,
            keepalive_timeout=limits.keepalive_expiry,
            ssl=tls_verification(),
        )
        # The Fetcher keeps cookies itself (one jar for both transports): aiohttp's own jar
        # would only send them twice and cost a lookup per request.
        return aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar())

    return make_session


def tls_verification() -> ssl.SSLContext | bool:
    """How the aiohttp transport verifies certificates: always, against the system's store.

    aiohttp builds a context from the system store when it is imported; using it saves
    building another from certifi's bundle (~30 ms, a twentieth of an hourly run of 304s).
    The system store honours SSL_CERT_FILE and SSL_CERT_DIR. A machine without one (a bare
    container) verifies against certifi's bundle instead, as httpx does.
    """
    paths = ssl.get_default_verify_paths()  # cafile and capath are None when missing
    has_store = paths.cafile is not None or (
        paths.capath is not None and any(os.scandir(paths.capath))
    )
    if has_store:
        return True  # aiohttp's own verified context, built from the system store
    import certifi

    return ssl.create_default_context(cafile=certifi.where())
