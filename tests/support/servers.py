"""A threaded HTTP/1.1 server on 127.0.0.1 whose routes misbehave on purpose, for fetch tests."""

from __future__ import annotations

import gzip
import socket
import ssl
import struct
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

from scraper.core.config import FetchConfig


@dataclass(frozen=True, slots=True)
class Hit:
    """One request as the server saw it."""

    path: str
    headers: dict[str, str]  # lower-cased names
    started: float  # time.monotonic() when the request line was read
    number: int  # 1 for the first request to this path, 2 for the second…


Behaviour = Callable[["Handler", Hit], None]


@dataclass
class _Shared:
    routes: dict[str, Behaviour] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    in_flight: int = 0
    max_in_flight: int = 0
    stop: threading.Event = field(default_factory=threading.Event)


class ConcurrencyGauge:
    """Counts requests in flight across several servers (for the global concurrency limit)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.current = 0
        self.peak = 0

    def enter(self) -> None:
        with self._lock:
            self.current += 1
            self.peak = max(self.peak, self.current)

    def leave(self) -> None:
        with self._lock:
            self.current -= 1


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        shared = self.server.shared
        path = self.path
        with shared.lock:
            number = 1 + sum(1 for hit in shared.hits if hit.path == path)
            hit = Hit(
                path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic(), number
            )
            shared.hits.append(hit)
            shared.in_flight += 1
            shared.max_in_flight = max(shared.max_in_flight, shared.in_flight)
        gauge = self.server.gauge
        if gauge is not None:
            gauge.enter()
        self._in_flight = True
        try:
            behaviour = shared.routes.get(path.split("?", 1)[0])
            if behaviour is None:
                self.send(404, b"not found", "text/plain")
            else:
                behaviour(self, hit)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            self._leave()

    def _leave(self) -> None:
        """End this request's in-flight count (once). Called before the last write of a
        response too: once the client has the whole body it may start its next request, and
        counting until this thread gets round to it would show overlap that never was."""
        if not getattr(self, "_in_flight", False):
            return
        self._in_flight = False
        if self.server.gauge is not None:
            self.server.gauge.leave()
        with self.server.shared.lock:
            self.server.shared.in_flight -= 1

    # -- building blocks for behaviours -----------------------------------------------------

    def send(
        self,
        status: int,
        body: bytes = b"",
        content_type: str | None = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self._leave()
        self.wfile.write(body)

    def send_chunked(self, chunks: Iterator[bytes], headers: dict[str, str] | None = None) -> None:
        """A body of unknown length, streamed as HTTP/1.1 chunks until `chunks` ends or we stop."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for chunk in chunks:
            if self.server.shared.stop.is_set():
                break
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        else:
            self.wfile.write(b"0\r\n\r\n")
            return
        self.close_connection = True

    def reset(self) -> None:
        """Abort the connection with a TCP RST (SO_LINGER 0) instead of a clean close."""
        self.wfile.flush()
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True

    def pause(self, seconds: float) -> None:
        self.server.shared.stop.wait(seconds)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    shared: _Shared
    gauge: ConcurrencyGauge | None

    def handle_error(self, request: object, client_address: object) -> None:
        # Clients that hang up on us (timeouts, caps) are the point of these tests, not errors.
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError | TimeoutError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class MisbehavingServer:
    """Start with `with MisbehavingServer() as server:`; set `server.routes[path] = behaviour`."""

    def __init__(
        self, gauge: ConcurrencyGauge | None = None, tls: ssl.SSLContext | None = None
    ) -> None:
        self._server = _Server(("127.0.0.1", 0), Handler)
        self._scheme = "http"
        if tls is not None:  # HTTPS: the handshake happens as each connection is accepted
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
            self._scheme = "https"
        self._server.shared = _Shared()
        self._server.gauge = gauge
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def routes(self) -> dict[str, Behaviour]:
        return self._server.shared.routes

    @property
    def hits(self) -> list[Hit]:
        with self._server.shared.lock:
            return list(self._server.shared.hits)

    @property
    def max_in_flight(self) -> int:
        return self._server.shared.max_in_flight

    def hits_for(self, path: str) -> list[Hit]:
        return [hit for hit in self.hits if hit.path == path]

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"{self._scheme}://{host}:{self.port}{path}"

    def __enter__(self) -> MisbehavingServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.shared.stop.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


# The fetch settings the fault and limit tests use: loopback allowed, no delay, fast timeouts.
LOCAL = frozenset({"127.0.0.1"})
FAST = FetchConfig(
    user_agent="blogarchive/0.1 (+https://example.org/contact)",
    concurrency=8,
    per_host_concurrency=2,
    delay=0.0,
    timeout=2.0,
    retries=0,
)


# -- ready-made behaviours ------------------------------------------------------------------


def page(
    body: bytes, content_type: str | None = "text/html; charset=utf-8", **headers: str
) -> Behaviour:
    def behaviour(handler: Handler, hit: Hit) -> None:
        handler.send(200, body, content_type, {k.replace("_", "-"): v for k, v in headers.items()})

    return behaviour


def status(code: int, body: bytes = b"", **headers: str) -> Behaviour:
    def behaviour(handler: Handler, hit: Hit) -> None:
        handler.send(code, body, "text/plain", {k.replace("_", "-"): v for k, v in headers.items()})

    return behaviour


def drip_forever(behaviour_pause: float = 0.05) -> Behaviour:
    """A chunked body that never ends: one byte every `behaviour_pause` seconds."""

    def behaviour(handler: Handler, hit: Hit) -> None:
        def chunks() -> Iterator[bytes]:
            while True:
                handler.pause(behaviour_pause)
                yield b"x"

        handler.send_chunked(chunks())

    return behaviour


def redirect(location: str, code: int = 301) -> Behaviour:
    return status(code, b"moved", Location=location)


def first_then(first: Behaviour, times: int, then: Behaviour) -> Behaviour:
    """Behave as `first` for the first `times` requests to the path, as `then` afterwards."""

    def behaviour(handler: Handler, hit: Hit) -> None:
        (first if hit.number <= times else then)(handler, hit)

    return behaviour


def gzip_bytes(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6, mtime=0)
