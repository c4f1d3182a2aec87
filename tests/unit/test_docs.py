"""The docs stay honest: every command and every config key is documented."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import click
import pytest

from scraper.cli import cli
from scraper.core.config import (
    ArchiveConfig,
    DistributedConfig,
    FetchConfig,
    RevisitConfig,
    RunConfig,
    SiteConfig,
)

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLE = (ROOT / "config.toml").read_text(encoding="utf-8")
SECTIONS = {
    "archive": ArchiveConfig,
    "fetch": FetchConfig,
    "revisit": RevisitConfig,
    "run": RunConfig,
    "distributed": DistributedConfig,
    "sites": SiteConfig,
}


_CONTEXT = click.Context(cli)


@pytest.mark.parametrize("name", cli.list_commands(_CONTEXT))
def test_every_command_has_help_and_is_in_the_readme(name: str) -> None:
    command = cli.get_command(_CONTEXT, name)
    assert command is not None
    assert (command.help or "").strip(), f"{name} has no help text"
    assert re.search(rf"blogarchive {re.escape(name)}\b", README), f"{name} not in README"


@pytest.mark.parametrize(
    ("section", "key"),
    [(section, item.name) for section, cls in SECTIONS.items() for item in fields(cls)],
)
def test_every_config_key_is_in_the_reference_and_the_example(section: str, key: str) -> None:
    assert f"`{key}`" in README, f"[{section}] {key} missing from the README's reference"
    assert re.search(rf"^{key}\s*=", EXAMPLE, re.MULTILINE), f"{key} missing from config.toml"
