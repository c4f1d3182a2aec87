"""Read a streamed response body under a size cap, decompressing gzip/deflate incrementally."""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator

from scraper.core.errors import BodyError, TooLargeError

# The only codings we advertise in Accept-Encoding, so the only ones we must undo ourselves.
ACCEPT_ENCODING = "gzip, deflate"


class _Inflater:
    """One content-coding layer; `feed` returns at most `limit` bytes, keeping the rest pending."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self._first = True
        # 16 + MAX_WBITS: gzip header expected; for deflate we sniff zlib vs raw on the first byte.
        wbits = 16 + zlib.MAX_WBITS if coding == "gzip" else zlib.MAX_WBITS
        self._obj = zlib.decompressobj(wbits)

    def feed(self, data: bytes, limit: int) -> bytes:
        if self._first and self.coding == "deflate" and data:
            self._first = False
            # RFC 9110 says deflate is zlib-wrapped, but many servers send raw deflate.
            if data[0] & 0x0F != 8:
                self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            return self._obj.decompress(data, limit)
        except zlib.error as error:
            raise BodyError(f"bad {self.coding} data: {error}") from None

    def pending(self) -> bytes:
        tail: bytes = self._obj.unconsumed_tail
        return tail

    def finished(self) -> bool:
        return bool(self._obj.eof)


def content_codings(header: str | None) -> list[str]:
    """The Content-Encoding layers in the order they were applied, identity dropped."""
    if not header:
        return []
    codings = [part.strip().lower() for part in header.split(",")]
    codings = ["gzip" if c == "x-gzip" else c for c in codings if c and c != "identity"]
    for coding in codings:
        if coding not in ("gzip", "deflate"):
            raise BodyError(f"unsupported content-encoding {coding}")
    return codings


class CappedReader:
    """Collects one decoded body, failing with TooLargeError as soon as it passes `max_bytes`.

    The cap is checked on the wire bytes and again on each decompressed piece, and every
    decompression step is asked for at most the room left (plus one byte to detect overflow),
    so a gzip bomb never expands beyond the cap in memory. `raw_bytes` counts the bytes that
    came off the wire, also when reading fails part way.
    """

    def __init__(self, content_encoding: str | None, max_bytes: int) -> None:
        # Layers are undone in reverse order of application.
        self._layers = [_Inflater(c) for c in reversed(content_codings(content_encoding))]
        self._max = max_bytes
        self.raw_bytes = 0

    async def read(self, chunks: AsyncIterator[bytes]) -> bytes:
        parts: list[bytes] = []
        size = 0
        async for chunk in chunks:
            self.raw_bytes += len(chunk)
            if self.raw_bytes > self._max:
                raise TooLargeError(f"body over {self._max} bytes")
            size = _push(self._layers, chunk, parts, size, self._max)
        for layer in self._layers:
            if not layer.finished():
                raise BodyError(f"truncated {layer.coding}")
        return b"".join(parts)


def _push(layers: list[_Inflater], data: bytes, parts: list[bytes], size: int, cap: int) -> int:
    """Run `data` through the decoding layers, appending output; returns the new decoded size."""
    if not layers:
        if size + len(data) > cap:
            raise TooLargeError(f"body over {cap} bytes")
        parts.append(data)
        return size + len(data)
    head, rest = layers[0], layers[1:]
    out = head.feed(data, cap - size + 1)
    while True:
        size = _push(rest, out, parts, size, cap)
        tail = head.pending()
        if not tail:
            return size
        out = head.feed(tail, cap - size + 1)
