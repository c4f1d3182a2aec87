"""`blogarchive parse`: one saved file or URL to one C3 JSON object, and clear failures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from scraper.cli import cli

C3_KEYS = {"url", "platform", "post", "comment_count_shown", "comments", "more_comments"}
POST_KEYS = {"title", "author", "published", "updated", "labels", "text", "html"}
COMMENT_KEYS = {
    "id",
    "parent_id",
    "depth",
    "kind",
    "author",
    "author_url",
    "published",
    "text",
    "html",
    "deleted",
    "by_post_author",
    "permalink",
}

PAGE = """<!DOCTYPE html><html><head><title>Plain page</title></head>
<body><article><h1>On keeping notebooks</h1><p>I keep three notebooks and lose two.</p></article>
</body></html>"""


def _parse(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["parse", *args])
    return result.exit_code, result.stdout, result.stderr


def test_saved_file_gives_exactly_one_c3_object(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    code, out, _ = _parse(str(page), "--url", "https://example.org/notebooks", "--json")
    assert code == 0
    data = json.loads(out)  # one object, nothing else on stdout
    assert set(data) >= C3_KEYS
    assert set(data["post"]) == POST_KEYS | {"sources"}  # C3's, and which cue read each
    assert data["post"]["sources"]["text"] == "trafilatura"  # no platform container held it
    assert data["url"] == "https://example.org/notebooks"
    assert data["comments"] == []
    for comment in data["comments"]:
        assert set(comment) == COMMENT_KEYS


def test_human_output_without_json(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    code, out, _ = _parse(str(page))
    assert code == 0
    assert "0 comments parsed" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        (b"just some words, no markup at all", "does not look like HTML"),
    ],
)
def test_unreadable_input_exits_1_with_a_clear_message(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "input.html"
    if content is not None:
        path.write_bytes(content)
    code, out, err = _parse(str(path), "--json")
    assert code == 1
    assert out == ""
    assert message in err


def test_directory_is_refused(tmp_path: Path) -> None:
    code, _, err = _parse(str(tmp_path))
    assert code == 1
    assert "directory" in err


def test_url_is_fetched_from_a_real_local_server(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    httpserver.expect_request("/notes").respond_with_data(
        PAGE, content_type="text/html; charset=utf-8"
    )
    code, out, err = _parse(httpserver.url_for("/notes"), "--json")
    assert code == 0, err
    assert json.loads(out)["url"] == httpserver.url_for("/notes")


def test_url_disallowed_by_robots_is_not_fetched(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /\n")
    code, _, err = _parse(httpserver.url_for("/private"), "--json")
    assert code == 1
    assert "robots.txt" in err
    assert all(req.path != "/private" for req, _ in httpserver.log)


def test_python_dash_m_scraper_is_the_same_command(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "scraper", "parse", str(page), "--json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["platform"] == "generic"
