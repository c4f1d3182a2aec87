"""A tiny HTTP forward proxy on 127.0.0.1: relays plain-http GETs and CONNECT tunnels, records each.

A stand-in (no proxy package is installed here): it speaks the part of HTTP a forward proxy
speaks to its clients (absolute-form request targets, RFC 9112 §3.2.2) and asks the origin
with the standard library, so a test can see which requests went through a proxy.
"""

from __future__ import annotations

import http.client
import select
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

_HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "proxy-authorization",
               "transfer-encoding", "te", "trailer", "upgrade", "content-length"}  # fmt: skip


class _Relay(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the relayed requests are recorded in `relayed` instead."""

    def do_GET(self) -> None:
        target = urlsplit(self.path)
        self.server.relayed.append(self.path)  # type: ignore[attr-defined]
        if target.scheme != "http" or not target.hostname:
            self.send_error(400, "absolute http URL expected")
            return
        origin = http.client.HTTPConnection(target.hostname, target.port or 80, timeout=10)
        path = target.path or "/"
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        origin.request("GET", path + (f"?{target.query}" if target.query else ""), headers=headers)
        answer = origin.getresponse()
        body = answer.read()
        origin.close()
        self.send_response(answer.status, answer.reason)
        for name, value in answer.getheaders():
            if name.lower() not in _HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Via", "1.1 test-proxy")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_CONNECT(self) -> None:
        """A tunnel for https (RFC 9110 §9.3.6): bytes both ways until either side closes."""
        self.server.relayed.append(f"CONNECT {self.path}")  # type: ignore[attr-defined]
        host, _, port = self.path.rpartition(":")
        try:
            upstream = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
        except OSError:
            self.send_error(502, "cannot reach the origin")
            return
        self.send_response(200, "Connection established")
        self.end_headers()
        self.wfile.flush()
        sockets = [self.connection, upstream]
        try:
            while True:
                ready, _, _ = select.select(sockets, [], [], 10)
                if not ready:
                    break
                for side in ready:
                    data = side.recv(65536)
                    if not data:
                        return
                    (upstream if side is self.connection else self.connection).sendall(data)
        except OSError:
            return
        finally:
            upstream.close()
            self.close_connection = True


@contextmanager
def forward_proxy() -> Iterator[tuple[str, list[str]]]:
    """Yield the proxy's URL and the list of absolute URLs it relayed (appended live)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Relay)
    server.daemon_threads = True
    relayed: list[str] = []
    server.relayed = relayed  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True, name="test-proxy")
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", relayed
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
