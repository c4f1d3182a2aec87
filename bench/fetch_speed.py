"""Fetch-layer speed: our Fetcher vs a bare httpx loop (and the aiohttp transport) on a local site.

Run: python bench/fetch_speed.py [--pages 2000] [--concurrency 16] [--rounds 3] [--server asyncio]

A static site of N pages is served from a separate process (so server and client do not share
one GIL); the asyncio server answers from memory with keep-alive, the threaded one is
http.server, kept to show whether the server is the bottleneck. Each client variant fetches
every page once per round; the best round counts. The Fetcher runs with robots.txt, pacing
(delay 0), retries and conditional GET headers all on, and no parsing.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import sys
import time
from collections.abc import Awaitable, Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scraper.config import FetchConfig
from scraper.errors import ConfigError
from scraper.fetch import Fetcher
from scraper.transports import make_transport

PAGE = (b"<html><head><title>Post</title></head><body>" + b"<p>Some words here.</p>" * 600) + (
    b"</body></html>"
)
ROBOTS = b"User-agent: *\nDisallow: /private/\n"


def _response(path: bytes) -> bytes:
    if path == b"/robots.txt":
        body, kind = ROBOTS, b"text/plain"
    elif path.startswith(b"/p/"):
        body, kind = PAGE, b"text/html; charset=utf-8"
    else:
        return b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
    return (
        b"HTTP/1.1 200 OK\r\nContent-Type: " + kind + b"\r\nContent-Length: "
        + str(len(body)).encode() + b'\r\nETag: "v1"\r\n\r\n' + body
    )  # fmt: skip


class _Protocol(asyncio.Protocol):
    """Minimal keep-alive HTTP/1.1 GET server: enough for a benchmark, not for the world."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            path = head.split(b" ", 2)[1]
            self.transport.write(_response(path))  # type: ignore[attr-defined]


def _serve_asyncio(port_out: multiprocessing.connection.Connection) -> None:
    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(_Protocol, "127.0.0.1", 0)
        port_out.send(server.sockets[0].getsockname()[1])
        await server.serve_forever()

    asyncio.run(main())


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self.wfile.write(_response(self.path.encode()))

    def log_message(self, format: str, *args: object) -> None:
        pass


def _serve_threaded(port_out: multiprocessing.connection.Connection) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    port_out.send(server.server_address[1])
    server.serve_forever()


async def bare_httpx(
    urls: list[str], concurrency: int, transport: httpx.AsyncBaseTransport | None
) -> int:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    gate = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(limits=limits, transport=transport) as client:

        async def one(url: str) -> int:
            async with gate:
                response = await client.get(url)
                return len(response.content) if response.status_code == 200 else 0

        sizes = await asyncio.gather(*(one(url) for url in urls))
    return sum(1 for size in sizes if size)


async def our_fetcher(
    urls: list[str], concurrency: int, transport: httpx.AsyncBaseTransport | None
) -> int:
    # No transport given means httpx's own, as in the bare loop it is compared with.
    config = FetchConfig(
        concurrency=concurrency,
        per_host_concurrency=concurrency,
        delay=0.0,
        retries=3,
        transport="httpx" if transport is None else "aiohttp",
    )
    async with Fetcher(
        config, allow_private_hosts=frozenset({"127.0.0.1"}), transport=transport
    ) as fetcher:
        outcomes = await asyncio.gather(*(fetcher.fetch(url, etag='"stale"') for url in urls))
    return sum(1 for outcome in outcomes if outcome.status == "ok")


def _aiohttp_transport(concurrency: int) -> httpx.AsyncBaseTransport | None:
    try:
        return make_transport("aiohttp", concurrency)
    except ConfigError:  # httpx-aiohttp is not installed: measure httpx alone
        return None


Runner = Callable[[list[str], int, httpx.AsyncBaseTransport | None], Awaitable[int]]


def measure(runner: Runner, urls: list[str], concurrency: int, aiohttp: bool) -> float:
    async def go() -> tuple[int, float]:
        transport = _aiohttp_transport(concurrency) if aiohttp else None
        started = time.perf_counter()
        fetched = await runner(urls, concurrency, transport)
        elapsed = time.perf_counter() - started
        if transport is not None:
            await transport.aclose()
        return fetched, elapsed

    fetched, elapsed = asyncio.run(go())
    if fetched != len(urls):
        raise SystemExit(f"{runner.__name__}: only {fetched} of {len(urls)} pages fetched")
    return len(urls) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--server", choices=("asyncio", "threaded"), default="asyncio")
    args = parser.parse_args()
    receive, send = multiprocessing.Pipe(duplex=False)
    target = _serve_asyncio if args.server == "asyncio" else _serve_threaded
    server = multiprocessing.Process(target=target, args=(send,), daemon=True)
    server.start()
    try:
        port = receive.recv()
        urls = [f"http://127.0.0.1:{port}/p/{n}" for n in range(args.pages)]
        variants: list[tuple[str, Runner, bool]] = [
            ("bare httpx", bare_httpx, False),
            ("Fetcher (httpx)", our_fetcher, False),
        ]
        if _aiohttp_transport(1) is not None:
            variants += [
                ("bare httpx + aiohttp transport", bare_httpx, True),
                ("Fetcher + aiohttp transport", our_fetcher, True),
            ]
        best: dict[str, float] = {}
        for _ in range(args.rounds):  # interleaved, so drift hits every variant alike
            for name, runner, aiohttp in variants:
                best[name] = max(
                    best.get(name, 0.0), measure(runner, urls, args.concurrency, aiohttp)
                )
    finally:
        server.terminate()
        server.join()
    print(f"{args.pages} pages of {len(PAGE)} bytes, concurrency {args.concurrency}, "
          f"{args.server} server, best of {args.rounds}")  # fmt: skip
    print("| variant | pages/s | vs bare httpx |\n|---|---:|---:|")
    base = best["bare httpx"]
    for name, rate in best.items():
        print(f"| {name} | {rate:,.0f} | {rate / base:.0%} |")
    if "Fetcher + aiohttp transport" in best:
        ratio = best["Fetcher + aiohttp transport"] / best["bare httpx + aiohttp transport"]
        print(f"Fetcher vs bare, both on the aiohttp transport: {ratio:.0%}")


if __name__ == "__main__":
    main()
