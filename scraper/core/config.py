"""Configuration: `config.toml` read with tomllib into frozen dataclasses, defaults in code."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scraper.core.errors import ConfigError

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


@dataclass(frozen=True, slots=True)
class ArchiveConfig:
    path: str = "archive.db"


@dataclass(frozen=True, slots=True)
class FetchConfig:
    user_agent: str = "blogarchive/0.1 (+https://example.org/contact)"
    concurrency: int = 8  # requests in flight, all hosts together
    per_host_concurrency: int = 2
    delay: float = 1.0  # seconds between requests to one host; robots Crawl-delay wins if larger
    timeout: float = 30.0  # seconds per attempt (connect, headers and body)
    # One URL's whole allowance: every redirect hop, retry, backoff wait and body read. Waiting
    # for a turn (per-host pacing, concurrency slots, robots.txt) does not count against it.
    url_deadline: float = 90.0
    retries: int = 3
    max_bytes: int = 10_000_000
    respect_robots: bool = True
    max_redirects: int = 10
    # "http://host:port": every request through this proxy; empty: HTTPS_PROXY / HTTP_PROXY
    # from the environment, if set. NO_PROXY's hosts connect directly either way.
    proxy: str = ""


@dataclass(frozen=True, slots=True)
class RevisitConfig:
    """How often a post's page is fetched again for new comments, by the post's age."""

    recent_days: int = 7  # younger posts: every run
    recent_every: timedelta = timedelta(0)
    middle_days: int = 90  # younger posts: `middle_every`
    middle_every: timedelta = timedelta(days=1)
    old_every: timedelta = timedelta(days=30)
    # Between full listings, a run stops paging a feed at the first page of known posts.
    rediscover_every: timedelta = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class SiteConfig:
    name: str = ""
    url: str = ""
    platform: str = "auto"
    every: timedelta = timedelta(hours=6)
    since: datetime | None = None
    max_pages: int = 1000
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    subdomains: bool = False
    # The zone the blog shows its times in (an IANA name, "Europe/Berlin"), when the pages do not
    # say: it wins over what a page reveals, and follows daylight saving.
    timezone: str | None = None


def site_zone(site: SiteConfig) -> tzinfo | None:
    """The configured zone of a site's shown times, or None (checked when the config loads)."""
    return ZoneInfo(site.timezone) if site.timezone else None


@dataclass(frozen=True, slots=True)
class RunConfig:
    """Limits of one scheduled run."""

    time_budget: timedelta = timedelta(hours=1)
    max_failures_per_site: int = 20
    # One page's parse: past this it is recorded failed with its raw body kept (`reparse` can
    # try again), and the run goes on. Memory is the parse worker's address space.
    parse_time_limit: timedelta = timedelta(seconds=60)
    parse_memory_limit_mb: int = 4096


@dataclass(frozen=True, slots=True)
class DistributedConfig:
    """`run --distributed` and `worker`: the Celery broker and how workers take sites."""

    broker_url: str = "redis://127.0.0.1:6379/0"
    # Signs every job and result (HMAC-SHA256): the same long random text on every machine.
    # Required: a worker reads only what a holder of the secret sent.
    secret: str = ""
    # Results (each site's archive writes) come back here; empty: the broker's URL.
    result_backend: str = ""
    concurrency: int = 8  # sites (host groups) one worker runs at once
    queues: int = 16  # host groups are spread over this many queues by a stable hash of the host
    # A site whose worker died is handed to another worker after this long: it must exceed the
    # longest a site can take (run.time_budget + fetch.url_deadline), else a live site is redone.
    visibility_timeout: timedelta = timedelta(hours=2)


@dataclass(frozen=True, slots=True)
class Config:
    archive: ArchiveConfig = field(default_factory=ArchiveConfig)
    fetch: FetchConfig = field(default_factory=FetchConfig)
    revisit: RevisitConfig = field(default_factory=RevisitConfig)
    run: RunConfig = field(default_factory=RunConfig)
    distributed: DistributedConfig = field(default_factory=DistributedConfig)
    sites: tuple[SiteConfig, ...] = ()
    source: Path | None = None  # the file it was read from

    def site(self, name: str) -> SiteConfig:
        for site in self.sites:
            if site.name == name:
                return site
        raise ConfigError("--site", f"no site named {name!r} in the config")


def parse_duration(value: object, key: str) -> timedelta:
    """Read "30s", "15m", "6h", "1d", "2w" (or a number of seconds) as a timedelta."""
    if isinstance(value, bool):
        raise ConfigError(key, f'expected a duration like "6h", got {value!r}')
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match:
            return timedelta(seconds=float(match.group(1)) * _UNIT_SECONDS[match.group(2)])
    raise ConfigError(key, f'expected a duration like "6h", got {value!r}')


def _parse_since(value: object, key: str) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise ConfigError(key, f'expected a date like "2014-01-01", got {value!r}')


def _expect(value: object, kind: type | tuple[type, ...], key: str, what: str) -> Any:
    # bool is an int subclass in Python; a TOML `true` is never a number here.
    if isinstance(value, bool) and kind is not bool:
        raise ConfigError(key, f"expected {what}, got {value!r}")
    if not isinstance(value, kind):
        raise ConfigError(key, f"expected {what}, got {value!r}")
    return value


def _check_keys(table: dict[str, Any], allowed: set[str], prefix: str) -> None:
    for key in table:
        if key not in allowed:
            where = f"{prefix}.{key}" if prefix else key
            raise ConfigError(where, f"unknown key (allowed: {', '.join(sorted(allowed))})")


def _scalar_table(raw: object, cls: type, prefix: str, converters: dict[str, Any]) -> Any:
    """Build a flat dataclass from a TOML table, checking every key's type against the default."""
    table: dict[str, Any] = _expect(raw, dict, prefix, "a table")
    allowed = {f.name for f in fields(cls)}
    _check_keys(table, allowed, prefix)
    default = cls()
    values: dict[str, Any] = {}
    for key, value in table.items():
        where = f"{prefix}.{key}"
        if key in converters:
            values[key] = converters[key](value, where)
            continue
        current = getattr(default, key)
        if isinstance(current, bool):
            values[key] = _expect(value, bool, where, "true or false")
        elif isinstance(current, float):
            values[key] = float(_expect(value, (int, float), where, "a number"))
        elif isinstance(current, int):
            values[key] = _expect(value, int, where, "a whole number")
        else:
            values[key] = _expect(value, str, where, "a string")
    built = replace(default, **values)
    _check_ranges(built, prefix)
    return built


def _check_ranges(section: object, prefix: str) -> None:
    for item in fields(section):  # type: ignore[arg-type]
        value = getattr(section, item.name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        minimum = 0 if item.name in {"delay", "retries", "recent_days", "middle_days"} else 1
        if value < minimum:
            raise ConfigError(f"{prefix}.{item.name}", f"must be at least {minimum}, got {value!r}")


def _regex_list(value: object, key: str) -> tuple[str, ...]:
    items = _expect(value, list, key, "a list of regular expressions")
    for index, pattern in enumerate(items):
        where = f"{key}[{index}]"
        _expect(pattern, str, where, "a regular expression string")
        try:
            re.compile(pattern)
        except re.error as error:
            raise ConfigError(where, f"invalid regular expression: {error}") from None
    return tuple(items)


def _site(raw: object, index: int) -> SiteConfig:
    prefix = f"sites[{index}]"
    table = _expect(raw, dict, prefix, "a table")
    for required in ("name", "url"):
        if required not in table:
            raise ConfigError(f"{prefix}.{required}", "is required")
    site = _scalar_table(
        table,
        SiteConfig,
        prefix,
        {
            "name": lambda v, k: _expect(v, str, k, "a string"),
            "url": _site_url,
            "platform": _platform,
            "every": parse_duration,
            "since": _parse_since,
            "include": _regex_list,
            "exclude": _regex_list,
            "timezone": _zone_name,
        },
    )
    if not site.name.strip():
        raise ConfigError(f"{prefix}.name", "must not be empty")
    return site  # type: ignore[no-any-return]


def _zone_name(value: object, key: str) -> str:
    name: str = _expect(value, str, key, 'a time zone name like "Europe/Berlin"')
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            key, f'expected a time zone name like "Europe/Berlin", got {name!r}'
        ) from None
    return name


def _proxy_url(value: object, key: str) -> str:
    text = _expect(value, str, key, "a proxy URL like http://proxy.example:3128")
    parts = urlsplit(text)
    if text and (parts.scheme not in ("http", "https") or not parts.hostname):
        raise ConfigError(key, f"expected a proxy URL like http://proxy.example:3128, got {text!r}")
    return str(text)


def _site_url(value: object, key: str) -> str:
    url: str = _expect(value, str, key, "an http(s) URL")
    if not re.match(r"^https?://[^/\s]+", url):
        raise ConfigError(key, f"expected an http(s) URL, got {url!r}")
    return url


def platform_names() -> tuple[str, ...]:
    """What `platform` accepts: "auto" and every parser in the registry, which is the source."""
    from scraper.parse.platforms import PARSERS  # loaded only when a site names its platform

    return ("auto", *(parser.name for parser in PARSERS))


def _platform(value: object, key: str) -> str:
    name: str = _expect(value, str, key, "a platform name")
    names = platform_names()
    if name not in names:
        raise ConfigError(key, f"expected one of {', '.join(names)}, got {name!r}")
    return name


_REVISIT_DURATIONS = {"recent_every", "middle_every", "old_every", "rediscover_every"}


def config_from_dict(data: dict[str, Any], source: Path | None = None) -> Config:
    """Validate a parsed TOML document; every error names the offending key path."""
    _check_keys(data, {"archive", "fetch", "revisit", "run", "distributed", "sites"}, "")
    config = Config(source=source)
    if "archive" in data:
        config = replace(
            config, archive=_scalar_table(data["archive"], ArchiveConfig, "archive", {})
        )
    if "fetch" in data:
        fetch = _expect(data["fetch"], dict, "fetch", "a table")
        if "transport" in fetch:
            raise ConfigError(
                "fetch.transport",
                "no longer a setting: blogarchive always uses httpx's own transport; "
                "delete this line",
            )
        config = replace(
            config, fetch=_scalar_table(fetch, FetchConfig, "fetch", {"proxy": _proxy_url})
        )
    if "revisit" in data:
        converters = dict.fromkeys(_REVISIT_DURATIONS, parse_duration)
        config = replace(
            config, revisit=_scalar_table(data["revisit"], RevisitConfig, "revisit", converters)
        )
    if "run" in data:
        converters = {"time_budget": parse_duration, "parse_time_limit": parse_duration}
        config = replace(config, run=_scalar_table(data["run"], RunConfig, "run", converters))
    if "distributed" in data:
        converters = {"visibility_timeout": parse_duration}
        distributed = _scalar_table(
            data["distributed"], DistributedConfig, "distributed", converters
        )
        config = replace(config, distributed=distributed)
    if "sites" in data:
        raw_sites = _expect(data["sites"], list, "sites", "an array of [[sites]] tables")
        sites = tuple(_site(raw, index) for index, raw in enumerate(raw_sites))
        seen: set[str] = set()
        for index, site in enumerate(sites):
            if site.name in seen:
                raise ConfigError(f"sites[{index}].name", f"duplicate site name {site.name!r}")
            seen.add(site.name)
        config = replace(config, sites=sites)
    return config


def load_config(path: Path | str, *, required: bool = True) -> Config:
    """Read and validate a config file; a missing optional file gives the defaults."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if required:
            raise ConfigError("--config", f"config file not found: {path}") from None
        return Config()
    except OSError as error:
        raise ConfigError("--config", f"cannot read {path}: {error.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError("--config", f"{path} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError("--config", f"{path} is not valid TOML: {error}") from None
    return config_from_dict(data, source=path)
