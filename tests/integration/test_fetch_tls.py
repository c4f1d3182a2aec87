"""HTTPS against a real TLS server on 127.0.0.1: certificates are verified."""

from __future__ import annotations

import asyncio
import json
import os
import ssl
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import trustme
from servers import FAST, LOCAL, MisbehavingServer, page

from scraper.core.models import FetchOutcome
from scraper.fetch.fetcher import Fetcher

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def server(authority: trustme.CA) -> Iterator[MisbehavingServer]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    with MisbehavingServer(tls=context) as running:
        running.routes["/post"] = page(b"<p>over TLS</p>")
        yield running


def _fetch(url: str, slept: list[float] | None = None) -> FetchOutcome:
    async def sleep(seconds: float) -> None:
        (slept if slept is not None else []).append(seconds)

    async def go() -> FetchOutcome:
        fetcher = Fetcher(
            replace(FAST, retries=3),
            allow_private_hosts=LOCAL,
            sleep=sleep,
        )
        async with fetcher:
            return await fetcher.fetch(url)

    return asyncio.run(go())


def test_a_certificate_from_an_unknown_authority_is_refused(server: MisbehavingServer) -> None:
    slept: list[float] = []
    outcome = _fetch(server.url("/post"), slept)
    assert outcome.status == "failed"
    # robots.txt is asked for first; the refusal is final at once, with no retries.
    assert outcome.reason == (
        "site unreachable (TLS certificate refused: unable to get local issuer certificate)"
    )
    assert server.hits == []
    assert slept == []  # no retry waits


def test_a_trusted_certificate_is_accepted_via_ssl_cert_file(
    server: MisbehavingServer, authority: trustme.CA, tmp_path: Path
) -> None:
    """SSL_CERT_FILE is how an operator adds their own authority; it is read at start-up,
    so the fetch runs in a fresh process."""
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    code = (
        "import asyncio, json, sys\n"
        "from test_fetch_tls import _fetch\n"
        "outcome = _fetch(sys.argv[1])\n"
        "print(json.dumps([outcome.status, outcome.reason]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, server.url("/post")],
        check=False,
        cwd=REPO,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join(
                str(REPO / d) for d in (".", "tests/support", "tests/integration")
            ),
            "SSL_CERT_FILE": str(bundle),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == ["ok", None]
    assert len(server.hits_for("/post")) == 1
