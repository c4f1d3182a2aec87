"""The Fetcher's httpx transport: httpcore's pool, connecting only to addresses just checked.

Why a transport of our own: the address guard must judge the address a connection really goes
to. Checking a name and then letting the transport resolve it again leaves a window in which
the answer can change (DNS rebinding). httpcore documents a pluggable network backend
(`AsyncConnectionPool(network_backend=...)`, `AsyncNetworkBackend.connect_tcp`); ours asks the
guard for the host's addresses (resolved and checked at that moment) and connects to one of
them. TLS still verifies the certificate against the URL's host name, because httpcore takes
the name for SNI and verification from the request, not from the socket.

httpx's own `AsyncHTTPTransport` offers no way to pass a network backend, so this is a small
`httpx.AsyncBaseTransport` over the pool, using only the public APIs of both libraries; the
httpcore → httpx exception mapping is written out here (httpx keeps its own private).
Rejected alternative: sending the request to the IP with a `Host` header and the documented
`sni_hostname` extension. It works for one request, but the pool would then share one TLS
connection among all host names on that IP (CDNs), and cookies would be filed under the IP.
"""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import cast

import httpcore
import httpx

from scraper.fetch.netsafety import AddressGuard, is_literal_address
from scraper.fetch.proxies import ProxyRules

# Most specific first: the first class an error is an instance of names its httpx twin.
_EXCEPTIONS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


@contextlib.contextmanager
def _httpx_errors(request: httpx.Request) -> Iterator[None]:
    """Re-raise httpcore's errors as httpx's, chained, so callers see one exception tree."""
    try:
        yield
    except Exception as error:
        for core, mapped in _EXCEPTIONS:
            if isinstance(error, core):
                raise mapped(str(error), request=request) from error
        raise


class CheckedBackend(httpcore.AsyncNetworkBackend):
    """Opens TCP connections only to addresses the guard has just resolved and accepted."""

    def __init__(self, guard: AddressGuard, inner: httpcore.AsyncNetworkBackend | None = None):
        self._guard = guard
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        # Raises UnsafeURLError (no connection at all) when any address is not allowed.
        addresses = await self._guard.addresses(host, port)
        failure: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for address in addresses:  # as the system's own connect would: the next on failure
            try:
                return await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
        assert failure is not None  # the guard never returns an empty list
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.UnsupportedProtocol("unix sockets are not used by blogarchive")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _ResponseStream(httpx.AsyncByteStream):
    def __init__(self, inner: AsyncIterable[bytes], request: httpx.Request) -> None:
        self._inner = inner
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _httpx_errors(self._request):
            async for part in self._inner:
                yield part

    async def aclose(self) -> None:
        close = getattr(self._inner, "aclose", None)
        if close is not None:
            with _httpx_errors(self._request):
                await close()


class CheckedTransport(httpx.AsyncBaseTransport):
    """httpcore's pool (HTTP/1.1, keep-alive within `limits`) over the CheckedBackend, and one
    httpcore proxy pool per proxy that `proxies` names (HTTP forwarding, CONNECT for https)."""

    def __init__(
        self, guard: AddressGuard, *, limits: httpx.Limits, proxies: ProxyRules | None = None
    ) -> None:
        # httpx's own default context: certifi's bundle, or SSL_CERT_FILE / SSL_CERT_DIR.
        self._context: ssl.SSLContext = httpx.create_ssl_context(trust_env=True)
        self._limits = limits
        self._guard = guard
        self._proxies = proxies or ProxyRules({})
        self._proxy_pools: dict[str, httpcore.AsyncHTTPProxy] = {}
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=self._context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=CheckedBackend(guard),
        )

    async def _pool_for(
        self, request: httpx.Request
    ) -> httpcore.AsyncConnectionPool | httpcore.AsyncHTTPProxy:
        url = request.url
        port = url.port or (443 if url.scheme == "https" else 80)
        proxy = self._proxies.proxy_for(url.scheme, url.host, port)
        if proxy is None:
            return self._pool
        # Through a proxy the proxy resolves the name and opens the connection: the guard
        # cannot see that address. What it can still refuse is an address written in the URL.
        if is_literal_address(url.host):
            await self._guard.addresses(url.host, port)
        pool = self._proxy_pools.get(proxy)
        if pool is None:
            pool = self._proxy_pools[proxy] = httpcore.AsyncHTTPProxy(
                proxy_url=proxy,
                ssl_context=self._context,
                max_connections=self._limits.max_connections,
                max_keepalive_connections=self._limits.max_keepalive_connections,
                keepalive_expiry=self._limits.keepalive_expiry,
            )
        return pool

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        pool = await self._pool_for(request)
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=cast(AsyncIterable[bytes], request.stream),
            extensions=request.extensions,
        )
        with _httpx_errors(request):
            response = await pool.handle_async_request(core_request)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseStream(cast(AsyncIterable[bytes], response.stream), request),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()
        for pool in self._proxy_pools.values():
            await pool.aclose()
