"""Proxies (issue 14): `fetch.proxy` and HTTP_PROXY/HTTPS_PROXY route requests through a proxy,
NO_PROXY's hosts connect directly; all through `blogarchive run` against the demo blogs."""

from __future__ import annotations

import os
import sqlite3
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
from click.testing import CliRunner
from forward_proxy import forward_proxy
from servers import MisbehavingServer, page

from scraper.cli import cli
from scraper.demo import DemoServer, expected_totals

pytestmark = pytest.mark.integration

NO_ENV_PROXY = dict.fromkeys(("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "all_proxy", "no_proxy"), "")  # fmt: skip


@pytest.fixture
def server() -> Iterator[DemoServer]:
    with DemoServer() as running:
        yield running


def _config(server: DemoServer, folder: Path, proxy: str | None = None) -> Path:
    lines = ["[fetch]", 'user_agent = "blogarchive-tests/0.1"', "delay = 0"]
    if proxy is not None:
        lines.append(f'proxy = "{proxy}"')
    site = server.sites[1]
    lines += ["[[sites]]", f'name = "{site.name}"', f'url = "{site.base_url}"']
    path = folder / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run(config: Path, db: Path, env: dict[str, str]) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli, ["run", "--config", str(config), "--db", str(db)], env={**NO_ENV_PROXY, **env}
    )
    return result.exit_code, result.output


def _posts(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM posts").fetchone()[0])


def test_environment_proxy_carries_every_request(server: DemoServer, tmp_path: Path) -> None:
    base = server.sites[1].base_url
    with forward_proxy() as (proxy, relayed):
        code, output = _run(_config(server, tmp_path), tmp_path / "a.db", {"HTTP_PROXY": proxy})
    assert code == 0, output
    assert _posts(tmp_path / "a.db") == expected_totals()["posts_wordpress"]
    assert relayed, "nothing went through the proxy"
    assert all(url.startswith(base) for url in relayed)  # absolute-form: a proxy's request
    assert len(relayed) == server.request_count()  # and nothing went around it
    with sqlite3.connect(tmp_path / "a.db") as conn:
        headers = conn.execute(
            "SELECT response_headers FROM fetches WHERE response_headers IS NOT NULL LIMIT 1"
        ).fetchone()[0]
    assert '"Via", "1.1 test-proxy"' in headers


def test_no_proxy_host_connects_directly(server: DemoServer, tmp_path: Path) -> None:
    with forward_proxy() as (proxy, relayed):
        code, output = _run(
            _config(server, tmp_path),
            tmp_path / "b.db",
            {"http_proxy": proxy, "NO_PROXY": "example.org,127.0.0.1"},
        )
    assert code == 0, output
    assert _posts(tmp_path / "b.db") == expected_totals()["posts_wordpress"]
    assert relayed == []
    assert server.request_count() > 0


def test_config_proxy_key_wins_over_the_environment(server: DemoServer, tmp_path: Path) -> None:
    with forward_proxy() as (proxy, relayed), forward_proxy() as (other, elsewhere):
        code, output = _run(
            _config(server, tmp_path, proxy), tmp_path / "c.db", {"HTTP_PROXY": other}
        )
    assert code == 0, output
    assert relayed
    assert elsewhere == []


def test_a_proxy_that_is_no_url_is_a_config_error(server: DemoServer, tmp_path: Path) -> None:
    code, output = _run(_config(server, tmp_path, "proxy.example:3128"), tmp_path / "d.db", {})
    assert code == 2
    assert "fetch.proxy" in output
    code, output = _run(_config(server, tmp_path), tmp_path / "e.db", {"HTTP_PROXY": "nonsense"})
    assert code == 2, output
    assert "HTTP_PROXY" in output


def test_an_unreachable_proxy_fails_the_pages_with_the_reason(
    server: DemoServer, tmp_path: Path
) -> None:
    with forward_proxy() as (proxy, _):
        pass  # closed: its port now refuses connections
    code, output = _run(_config(server, tmp_path, proxy), tmp_path / "f.db", {})
    assert code == 1, output
    assert server.request_count() == 0


def test_https_goes_through_a_connect_tunnel(tmp_path: Path) -> None:
    """HTTPS_PROXY: the proxy sees only `CONNECT host:port`; TLS (and its certificate check)
    runs end to end. SSL_CERT_FILE is read at start-up, so the CLI runs in its own process."""
    authority = trustme.CA()
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    with MisbehavingServer(tls=context) as origin, forward_proxy() as (proxy, relayed):
        origin.routes["/post"] = page(
            b"<html><head><title>Through the tunnel</title></head><body><article><h1>Through the tunnel</h1><p>Words.</p></article></body></html>"
        )
        env = {**os.environ, **NO_ENV_PROXY, "HTTPS_PROXY": proxy, "SSL_CERT_FILE": str(bundle)}
        result = subprocess.run(
            [sys.executable, "-m", "scraper", "parse", origin.url("/post"), "--json"],
            capture_output=True, text=True, env=env, timeout=60, check=False,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Through the tunnel" in result.stdout
    port = origin.url("/post").split(":")[2].split("/")[0]
    assert relayed == [f"CONNECT 127.0.0.1:{port}"]
    assert [hit for hit in origin.hits if "/post" in str(hit)]
