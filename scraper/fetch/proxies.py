"""Which proxy a request goes through: fetch.proxy, else HTTPS_PROXY/HTTP_PROXY, minus NO_PROXY."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from scraper.core.errors import ConfigError


def check_proxy_url(value: str, key: str) -> str:
    """A proxy address as `http://host:port` (or https); anything else names the key."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            key, f"expected a proxy URL like http://proxy.example:3128, got {value!r}"
        )
    return value


def _env(environ: Mapping[str, str], name: str) -> str:
    # curl's convention: the lower-case name first (only it, for http_proxy, in CGI settings).
    return (environ.get(name.lower()) or environ.get(name.upper()) or "").strip()


@dataclass(frozen=True, slots=True)
class ProxyRules:
    """The proxy per URL scheme and the hosts that bypass it (NO_PROXY's rules)."""

    by_scheme: Mapping[str, str]
    no_proxy: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, configured: str, environ: Mapping[str, str] | None = None) -> ProxyRules:
        """`configured` (fetch.proxy) for both schemes when set; else the environment's
        HTTPS_PROXY / HTTP_PROXY (ALL_PROXY for either); NO_PROXY applies to both."""
        env = os.environ if environ is None else environ
        fallback = _env(env, "all_proxy")
        if configured:
            by_scheme = {"http": configured, "https": configured}
        else:
            by_scheme = {
                scheme: proxy
                for scheme in ("http", "https")
                if (proxy := _env(env, f"{scheme}_proxy") or fallback)
            }
        for scheme, proxy in by_scheme.items():
            check_proxy_url(proxy, "fetch.proxy" if configured else f"{scheme.upper()}_PROXY")
        entries = tuple(
            entry.strip().lower() for entry in _env(env, "no_proxy").split(",") if entry.strip()
        )
        return cls(by_scheme, entries)

    def proxy_for(self, scheme: str, host: str, port: int) -> str | None:
        """The proxy URL for a request, or None to connect directly."""
        proxy = self.by_scheme.get(scheme)
        if proxy is None or self._bypassed(host.lower().strip("[]"), port):
            return None
        return proxy

    def _bypassed(self, host: str, port: int) -> bool:
        for entry in self.no_proxy:
            if entry == "*":
                return True
            name, _, wanted = entry.rpartition(":") if entry.count(":") == 1 else (entry, "", "")
            if wanted and wanted != str(port):
                continue
            name = name.strip("[]").lstrip(".")
            # "example.org" and ".example.org" both cover the domain and its subdomains.
            if host == name or host.endswith("." + name):
                return True
        return False
