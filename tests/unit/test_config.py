"""Config loading: defaults, partial overrides, and errors that name the offending key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from scraper.core.config import Config, config_from_dict, load_config, parse_duration
from scraper.core.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]


def test_example_config_in_repo_is_valid_and_documented() -> None:
    config = load_config(REPO / "config.toml")
    assert config.sites[0].name == "example"
    assert config.sites[0].every == timedelta(hours=6)
    assert config.sites[0].since == datetime(2014, 1, 1, tzinfo=UTC)
    text = (REPO / "config.toml").read_text()
    # every key of the example carries a comment explaining it
    for line in text.splitlines():
        if "=" in line and not line.lstrip().startswith("#") and not line.startswith("["):
            assert "#" in line, f"undocumented key: {line}"


def test_file_overrides_only_what_it_sets() -> None:
    config = config_from_dict({"fetch": {"delay": 2}})
    assert config.fetch.delay == 2.0
    assert config.fetch.retries == Config().fetch.retries
    assert config.archive.path == "archive.db"


@pytest.mark.parametrize(
    ("data", "key", "phrase"),
    [
        (
            {
                "sites": [
                    {"name": "a", "url": "http://a/"},
                    {"name": "b", "url": "http://b/", "every": 6},
                ]
            },
            "sites[1].every",
            'expected a duration like "6h", got 6',
        ),
        ({"fetch": {"retries": "3"}}, "fetch.retries", "expected a whole number"),
        ({"fetch": {"respect_robots": "yes"}}, "fetch.respect_robots", "true or false"),
        ({"fetch": {"concurrency": True}}, "fetch.concurrency", "expected a whole number"),
        ({"fetch": {"delay": -1}}, "fetch.delay", "at least 0"),
        ({"fetch": {"concurrency": 0}}, "fetch.concurrency", "at least 1"),
        ({"fetch": {"colour": "blue"}}, "fetch.colour", "unknown key"),
        ({"bogus": {}}, "bogus", "unknown key"),
        ({"sites": [{"url": "http://a/"}]}, "sites[0].name", "is required"),
        ({"sites": [{"name": "a", "url": "ftp://a/"}]}, "sites[0].url", "http(s) URL"),
        (
            {"sites": [{"name": "a", "url": "http://a/", "platform": "myspace"}]},
            "sites[0].platform",
            "expected one of",
        ),
        (
            {"sites": [{"name": "a", "url": "http://a/", "include": ["("]}]},
            "sites[0].include[0]",
            "invalid regular expression",
        ),
        (
            {"sites": [{"name": "a", "url": "http://a/", "since": "last year"}]},
            "sites[0].since",
            "expected a date",
        ),
        (
            {"sites": [{"name": "a", "url": "http://a/"}, {"name": "a", "url": "http://b/"}]},
            "sites[1].name",
            "duplicate",
        ),
        ({"sites": {"name": "a"}}, "sites", "array"),
        ({"revisit": {"old_every": "monthly"}}, "revisit.old_every", "duration"),
        ({"fetch": {"transport": "aiohttp"}}, "fetch.transport", "no longer a setting"),
        ({"run": {"parse_time_limit": "soon"}}, "run.parse_time_limit", "duration"),
        ({"run": {"parse_memory_limit_mb": 0}}, "run.parse_memory_limit_mb", "at least 1"),
        ({"run": {"parse_memory_limit_mb": "4G"}}, "run.parse_memory_limit_mb", "whole number"),
    ],
)
def test_each_kind_of_error_names_its_key(data: dict[str, object], key: str, phrase: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config_from_dict(data)  # type: ignore[arg-type]
    assert caught.value.key == key
    assert phrase in str(caught.value)
    assert str(caught.value).startswith(key)


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "missing.toml")
    assert load_config(tmp_path / "missing.toml", required=False) == Config()
    broken = tmp_path / "broken.toml"
    broken.write_text("[fetch\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(broken)
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b'[archive]\npath = "caf\xe9.db"\n')
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(latin)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30s", 30), ("15m", 900), ("6h", 21600), ("1d", 86400), ("2w", 1209600), ("1.5h", 5400)],
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text, "k") == timedelta(seconds=seconds)
