"""`show` marks edited comments and shows what deleted and removed ones said before; `--json`
carries the earlier texts; `--versions` shows every earlier text of edited ones."""

from __future__ import annotations

import json
from pathlib import Path

from archive_builders import URL, at, comment, open_archive, parsed, store
from click.testing import CliRunner

from scraper.cli import cli

DELETED = "This comment has been removed by the author."


def _archive(tmp_path: Path) -> Path:
    with open_archive(tmp_path) as archive:
        store(archive, parsed((comment("1", "First words."), comment("2", "Kind words."),
                               comment("3", "Soon gone."))), at(0))  # fmt: skip
        store(archive, parsed((comment("1", "Second words."), comment("2", "Kind words."),
                               comment("3", "Soon gone."))), at(1))  # fmt: skip
        store(archive, parsed((comment("1", "Third words."),
                               comment("2", DELETED, deleted=True))), at(2))  # fmt: skip
    return tmp_path / "archive.db"


def _show(db: Path, *extra: str) -> str:
    result = CliRunner().invoke(cli, ["show", URL, "--db", str(db), *extra], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    return result.output


def test_show_marks_edits_and_keeps_what_deleted_and_removed_comments_said(tmp_path: Path) -> None:
    out = _show(_archive(tmp_path))
    edited, kind, gone = (
        out.split("reader 1")[1],
        out.split("reader 2")[1],
        out.split("reader 3")[1],
    )
    assert "[edited]" in edited.split("\n")[0]
    assert "Third words." in edited
    assert "Second words." not in edited.split("reader 2")[0]
    assert "[deleted]" in kind.split("\n")[0]
    assert "before it was deleted:" in kind
    assert "Kind words." in kind
    assert "[removed from the page" in gone.split("\n")[0]
    assert "Soon gone." in gone


def test_versions_flag_shows_every_earlier_text(tmp_path: Path) -> None:
    out = _show(_archive(tmp_path), "--versions")
    edited = out.split("reader 1")[1].split("reader 2")[0]
    assert (
        edited.index("Third words.") < edited.index("First words.") < edited.index("Second words.")
    )


def test_json_carries_the_edit_mark_and_the_earlier_texts(tmp_path: Path) -> None:
    data = json.loads(_show(_archive(tmp_path), "--json"))
    by_id = {c["id"]: c for c in data["comments"]}
    assert len(by_id) == 3
    first = next(c for c in by_id.values() if c["text"] == "Third words.")
    assert first["edited"] is True
    assert first["earlier_texts"] == ["First words.", "Second words."]
    deleted = next(c for c in by_id.values() if c["deleted"])
    assert deleted["edited"] is False
    assert deleted["earlier_texts"] == ["Kind words."]


def test_export_with_versions_carries_every_version(tmp_path: Path) -> None:
    db = _archive(tmp_path)
    for fmt in ("jsonl", "json"):
        result = CliRunner().invoke(
            cli, ["export", "--db", str(db), "--format", fmt, "--with-versions"]
        )
        assert result.exit_code == 0, result.output
        post = (
            json.loads(result.output.splitlines()[0])
            if fmt == "jsonl"
            else json.loads(result.output)[0]
        )
        assert [v["title"] for v in post["versions"]] == ["A first post"]
        texts = {c["id"]: [v["text"] for v in c["versions"]] for c in post["comments"]}
        assert sorted(texts.values()) == [
            ["First words.", "Second words.", "Third words."],
            ["Kind words.", DELETED],
            ["Soon gone."],
        ]
        assert all("observed_at" in v for c in post["comments"] for v in c["versions"])


def test_export_without_the_flag_is_unchanged_and_csv_refuses_it(tmp_path: Path) -> None:
    db = _archive(tmp_path)
    plain = CliRunner().invoke(cli, ["export", "--db", str(db), "--format", "jsonl"])
    assert "versions" not in json.loads(plain.output.splitlines()[0])
    existing = tmp_path / "out.csv"
    existing.write_text("keep me")
    refused = CliRunner().invoke(
        cli,
        [
            "export",
            "--db",
            str(db),
            "--format",
            "csv",
            "--with-versions",
            "--output",
            str(existing),
        ],
    )
    assert refused.exit_code == 2
    assert "--with-versions needs --format jsonl or json" in refused.output
    assert existing.read_text() == "keep me"
