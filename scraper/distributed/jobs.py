"""What travels through the engine: one host group's job, and what its worker hands back."""

from __future__ import annotations

import base64
import hashlib
import hmac
import pickle
import zlib
from dataclasses import dataclass
from datetime import datetime

from scraper.core.config import Config
from scraper.core.errors import EngineError
from scraper.core.models import SiteReport
from scraper.distributed.journal import Call

TASK_NAME = "blogarchive.run_host_group"


@dataclass(frozen=True, slots=True)
class GroupJob:
    """The sites of one host, in one run: everything a worker needs, it has no archive."""

    run_id: int
    host: str  # the `host:port` the group shares
    config: Config  # the run's settings with only this group's sites
    snapshot: bytes  # the group's slice of the archive (a small SQLite file)
    now: datetime  # the scheduler's clock: the same due-ness on every machine
    deadline: datetime  # the run's time budget ends here (UTC), wherever the group runs
    run_token: str = ""  # names the run across archives: "<run id>@<start time>"


@dataclass(frozen=True, slots=True)
class GroupResult:
    """A finished group: its sites' reports and the archive writes to replay, in order."""

    run_id: int
    host: str
    worker: str
    reports: tuple[SiteReport, ...]
    calls: tuple[Call, ...]
    stopped: bool


def seal(value: GroupJob | GroupResult, secret: str) -> str:
    """A job or result as text for a JSON message, signed with the fleet's shared secret.

    Jobs carry frozen dataclasses (config, pages, parsed posts), which only pickle carries
    whole; pickle runs code when read, so nothing is unpickled unless its signature proves it
    came from a machine holding the secret (whoever can write to the broker cannot forge one).
    """
    body = zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 6)
    mac = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(mac + body).decode("ascii")


def unseal(text: str, secret: str) -> object:
    """What `seal` made, once its signature checks; EngineError otherwise."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError) as error:
        raise EngineError(f"a message is not a blogarchive job or result: {error}") from None
    mac, body = raw[:32], raw[32:]
    wanted = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    if not hmac.compare_digest(mac, wanted):
        raise EngineError(
            "a message's signature does not match: it was not sealed with this machine's"
            " [distributed] secret (the same secret must be on every machine)"
        )
    return pickle.loads(zlib.decompress(body))  # signed by one of ours: safe to read
