"""A site's scope for requests: its host (www. or not, subdomains if configured) on its own port."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from scraper.fetch.netsafety import DEFAULT_PORTS


def _bare(host: str) -> str:
    return host.lower().rstrip(".").removeprefix("www.")


@dataclass(frozen=True, slots=True)
class SiteScope:
    """Where one site's requests may go: scheme, host and port of its configured URL.

    The port is part of the site: a redirect to the same host's port 18081 is another service,
    not the blog. Default ports are normalised, and http on 80 and https on 443 of one host
    count as one site: sites move to https (and old posts still link http), and the pair is
    the same server by convention. Any other scheme or port must match exactly.
    """

    host: str  # lower case, without "www."
    scheme: str
    port: int
    subdomains: bool = False

    @classmethod
    def of(cls, site_url: str, *, subdomains: bool = False) -> SiteScope:
        parts = urlsplit(site_url)
        scheme = parts.scheme.lower()
        port = parts.port or DEFAULT_PORTS.get(scheme, 80)
        return cls(_bare(parts.hostname or ""), scheme, port, subdomains)

    def refusal(self, url: str) -> str | None:
        """Why `url` is outside the site, or None when it may be requested for it."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            return f"out of scope: {url} is not a valid URL"
        scheme = parts.scheme.lower()
        host = _bare(parts.hostname or "")
        if host != self.host and not (self.subdomains and host.endswith("." + self.host)):
            return f"out of scope: {url} is not on {self.host}"
        port = port or DEFAULT_PORTS.get(scheme, 0)
        if (scheme, port) == (self.scheme, self.port) or self._standard(scheme, port):
            return None
        return f"out of scope: {url} is not on port {self.port} of {self.host}"

    def _standard(self, scheme: str, port: int) -> bool:
        return DEFAULT_PORTS.get(scheme) == port and DEFAULT_PORTS.get(self.scheme) == self.port


def private_allowances(site_url: str) -> frozenset[str]:
    """`host:port` entries for the address guard: a configured site's host on its own port(s)
    (both standard ports when it is on one, as for the scope)."""
    parts = urlsplit(site_url)
    host = (parts.hostname or "").lower()
    if not host:
        return frozenset()
    scheme = parts.scheme.lower()
    port = parts.port or DEFAULT_PORTS.get(scheme, 80)
    ports = set(DEFAULT_PORTS.values()) if DEFAULT_PORTS.get(scheme) == port else {port}
    name = f"[{host}]" if ":" in host else host
    return frozenset(f"{name}:{number}" for number in ports)
