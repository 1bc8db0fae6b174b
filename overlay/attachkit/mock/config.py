"""What a mock service instance is configured with: accounts, limits, time-outs, storage.

Accounts come from (later wins for the same name) the development defaults, a config file
(TOML or JSON), the environment and command-line flags. The development account is used only
when nothing else names an account of that kind, so a user who configures their own AK does
not silently keep accepting the public development key.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from attachkit.mock.journal import DEFAULT_JOURNAL_SIZE, MAX_JOURNAL_SIZE

__all__ = [
    "DEV_AK",
    "DEV_SK",
    "DEV_WS_USER",
    "DEV_WS_PASSWORD",
    "ENV_CREDENTIALS",
    "ENV_WS_USERS",
    "ENV_CONFIG",
    "ENV_CONTROL_TOKEN",
    "CONTROL_TOKEN_HEADER",
    "MiB",
    "AkSkAccount",
    "Limits",
    "MockConfig",
    "check_control_token",
    "parse_credential",
    "parse_ws_user",
]

# The documented development account: public by design, printed at start-up, never valid
# anywhere but a mock service.
DEV_AK = "ATTACHKITDEVAK00000000"
DEV_SK = "attachkit-dev-secret"
DEV_WS_USER = "admin"
DEV_WS_PASSWORD = "attachkit"

ENV_CREDENTIALS = "ATTACHKIT_MOCK_CREDENTIALS"  # "AK:SK,AK2:SK2:TOKEN"
ENV_WS_USERS = "ATTACHKIT_MOCK_WS_USERS"  # "user:pw,user2:pw2"
ENV_CONFIG = "ATTACHKIT_MOCK_CONFIG"  # path of a TOML or JSON config file
ENV_CONTROL_TOKEN = "ATTACHKIT_MOCK_CONTROL_TOKEN"  # the /_mock/ token instead of a random one

# The header every /_mock/ request (but the health check) must carry the control token in.
CONTROL_TOKEN_HEADER = "X-Attachkit-Mock-Token"

MiB = 1024 * 1024


@dataclass(frozen=True, slots=True, repr=False)
class AkSkAccount:
    """An AK the mock accepts; a ``security_token`` makes it temporary (token required)."""

    ak: str
    sk: str
    security_token: str | None = None

    def __repr__(self) -> str:
        token = "'***'" if self.security_token else "None"
        return f"AkSkAccount(ak={self.ak!r}, sk='***', security_token={token})"


def _spec_max_bytes(service: str, operation_id: str) -> int:
    from attachkit.specs import upload_limits

    limit = upload_limits(service, operation_id).max_bytes
    assert limit is not None, f"{service} {operation_id} states no size limit"
    return limit


def _coc_extensions() -> tuple[str, ...]:
    from attachkit.specs import upload_limits

    return upload_limits("coc", "uploadAttachment").extensions


@dataclass(frozen=True, slots=True)
class Limits:
    """Upload limits: by default the specs' (``x-attachkit-upload-limits``, the limits the real
    services document); smaller values make limit tests cheap."""

    scrum_max_bytes: int = field(
        default_factory=lambda: _spec_max_bytes("codearts-req", "uploadScrumAttachment")
    )
    ipd_max_bytes: int = field(
        default_factory=lambda: _spec_max_bytes("codearts-req", "uploadIpdAttachment")
    )
    coc_max_bytes: int = field(default_factory=lambda: _spec_max_bytes("coc", "uploadAttachment"))
    coc_extensions: tuple[str, ...] = field(default_factory=_coc_extensions)
    # WorldServer documents no limit; this only keeps a runaway client from filling the disk.
    worldserver_max_bytes: int = 4 * 1024 * MiB
    # APIG refuses a body whose hash is signed (not UNSIGNED-PAYLOAD) beyond 12 MB.
    signed_body_max_bytes: int = 12 * MiB


@dataclass(slots=True)
class MockConfig:
    """Everything a mock service instance needs; ``MockConfig()`` is the development setup."""

    accounts: dict[str, AkSkAccount] = field(default_factory=dict)
    ws_users: dict[str, str] = field(default_factory=dict)
    data_dir: Path | None = None
    limits: Limits = field(default_factory=Limits)
    max_clock_skew_seconds: float = 15 * 60
    # The gateway's lock-out: APIG refuses an AK for lockout_seconds after lockout_failures
    # failed signatures in a row. Off unless asked for (`mock serve --lockout`): the
    # development AK is public, so in a local test double any process could lock every
    # other test out for five minutes with a few zero signatures.
    lockout: bool = False
    lockout_failures: int = 5
    lockout_seconds: float = 5 * 60
    ws_token_ttl_seconds: float = 30 * 60
    download_chunk_bytes: int = MiB
    # WorldServer attribute definitions: id -> attribute name. None means every id exists and
    # is named "attachment" (the mock cannot know a real server's definitions); a mapping
    # makes every other id answer 404 "Resource ATTRIBUTE_DEFINITION (id) not found".
    ws_attribute_definitions: dict[int, str] | None = None
    # Store the attachments the specs' examples name (attachkit.mock.seed), so every documented
    # example request succeeds. `attachkit mock serve` turns it on (--no-seed turns it off);
    # off in-process, where tests count what they upload.
    seed_examples: bool = False
    # The /_mock/ control API's token; None makes the app generate a random one at start.
    control_token: str | None = None
    # Slow clients: a request head must arrive within header_timeout_seconds of the
    # connection (or of its first byte on a kept-alive one); a body, or a response the client
    # stops reading, may stall for at most body_timeout_seconds between two reads/writes.
    header_timeout_seconds: float = 10.0
    body_timeout_seconds: float = 30.0
    # Open connections at once; None derives it from the process's descriptor limit.
    max_connections: int | None = None
    # Seeds every fault rule's draws (probability, cut range) so a chaos run repeats
    # (attachkit.mock.faults); None draws from the operating system's entropy.
    fault_seed: int | None = None
    # How many answered requests GET /_mock/requests keeps (attachkit.mock.journal); 0 none.
    journal_size: int = DEFAULT_JOURNAL_SIZE

    def __post_init__(self) -> None:
        if not self.accounts:
            self.accounts = {DEV_AK: AkSkAccount(DEV_AK, DEV_SK)}
        if not self.ws_users:
            self.ws_users = {DEV_WS_USER: DEV_WS_PASSWORD}
        if self.data_dir is not None:
            self.data_dir = Path(self.data_dir)
        if self.control_token is not None:
            check_control_token(self.control_token)
        for name in ("header_timeout_seconds", "body_timeout_seconds"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{name} must be a number of seconds")
            if not 0 < value < 86_400:  # also refuses NaN
                raise ValueError(f"{name} must be above 0 and below a day")
        if not isinstance(self.lockout, bool):
            raise ValueError("lockout must be true or false")
        if self.max_connections is not None and (
            isinstance(self.max_connections, bool)
            or not isinstance(self.max_connections, int)
            or self.max_connections < 1
        ):
            raise ValueError("max_connections must be a positive integer")
        if self.fault_seed is not None and (
            isinstance(self.fault_seed, bool)
            or not isinstance(self.fault_seed, int)
            or not 0 <= self.fault_seed < 2**64
        ):
            raise ValueError("fault_seed must be an integer from 0 to 2**64 - 1")
        if (
            isinstance(self.journal_size, bool)
            or not isinstance(self.journal_size, int)
            or not 0 <= self.journal_size <= MAX_JOURNAL_SIZE
        ):
            raise ValueError(f"journal_size must be an integer from 0 to {MAX_JOURNAL_SIZE}")

    def __repr__(self) -> str:
        return (
            f"MockConfig(accounts={sorted(self.accounts)!r}, ws_users={sorted(self.ws_users)!r}, "
            f"data_dir={self.data_dir!r}, limits={self.limits!r})"
        )

    @classmethod
    def load(
        cls,
        *,
        config_file: str | Path | None = None,
        credentials: Iterable[str] = (),
        ws_users: Iterable[str] = (),
        data_dir: str | Path | None = None,
        environ: Mapping[str, str] | None = None,
        **overrides: Any,
    ) -> MockConfig:
        """Merge config file, environment and explicit ``AK:SK[:TOKEN]`` / ``NAME:PW`` values."""
        env = os.environ if environ is None else environ
        accounts: dict[str, AkSkAccount] = {}
        users: dict[str, str] = {}
        settings: dict[str, Any] = {}
        limits: dict[str, Any] = {}

        path = config_file or env.get(ENV_CONFIG)
        if path:
            loaded = _read_config_file(Path(path))
            for entry in loaded.pop("credentials", []):
                account = (
                    parse_credential(entry)
                    if isinstance(entry, str)
                    else AkSkAccount(entry["ak"], entry["sk"], entry.get("security_token"))
                )
                accounts[account.ak] = account
            for entry in loaded.pop("ws_users", []):
                name, password = (
                    parse_ws_user(entry)
                    if isinstance(entry, str)
                    else (entry["username"], entry["password"])
                )
                users[name] = password
            limits.update(loaded.pop("limits", {}))
            settings.update(loaded)

        for text in _split_list(env.get(ENV_CREDENTIALS, "")):
            account = parse_credential(text)
            accounts[account.ak] = account
        for text in _split_list(env.get(ENV_WS_USERS, "")):
            name, password = parse_ws_user(text)
            users[name] = password
        for text in credentials:
            account = parse_credential(text)
            accounts[account.ak] = account
        for text in ws_users:
            name, password = parse_ws_user(text)
            users[name] = password

        if "control_token" not in overrides and env.get(ENV_CONTROL_TOKEN):
            settings["control_token"] = env[ENV_CONTROL_TOKEN]
        if "coc_extensions" in limits:
            limits["coc_extensions"] = tuple(str(e).lower() for e in limits["coc_extensions"])
        settings.update(overrides)
        if data_dir is not None:
            settings["data_dir"] = data_dir
        if "data_dir" in settings and settings["data_dir"] is not None:
            settings["data_dir"] = Path(settings["data_dir"])
        known = set(cls.__dataclass_fields__) - {"accounts", "ws_users", "limits"}
        unknown = set(settings) - known
        if unknown:
            raise ValueError(f"unknown mock settings: {', '.join(sorted(unknown))}")
        base_limits = settings.pop("limits", None) or Limits()
        return cls(
            accounts=accounts,
            ws_users=users,
            limits=replace(base_limits, **limits),
            **settings,
        )


def check_control_token(token: str) -> None:
    """A control token is sent as a header value: visible ASCII, no spaces, 8-256 characters."""
    if not isinstance(token, str) or not 8 <= len(token) <= 256:
        raise ValueError("the control token must be 8 to 256 characters long")
    if not all("!" <= ch <= "~" for ch in token):
        # The value is not echoed: it is a secret.
        raise ValueError("the control token may hold only visible ASCII characters")


def parse_credential(text: str) -> AkSkAccount:
    """``AK:SK`` or ``AK:SK:SECURITY_TOKEN`` (a temporary key)."""
    ak, sep, rest = text.strip().partition(":")
    sk, _, token = rest.partition(":")
    if not sep or not ak or not sk:
        # The value is not echoed: it holds a secret.
        raise ValueError("a credential must look like AK:SK or AK:SK:SECURITY_TOKEN")
    return AkSkAccount(ak, sk, token or None)


def parse_ws_user(text: str) -> tuple[str, str]:
    """``NAME:PASSWORD`` (the password may itself contain ``:``)."""
    name, sep, password = text.strip().partition(":")
    if not sep or not name:
        raise ValueError("a WorldServer user must look like NAME:PASSWORD")
    return name, password


def _split_list(text: str) -> list[str]:
    return [piece for piece in (p.strip() for p in text.split(",")) if piece]


def _read_config_file(path: Path) -> dict[str, Any]:
    raw = path.read_bytes()
    if path.suffix.lower() == ".json":
        loaded = json.loads(raw)
    else:
        loaded = tomllib.loads(raw.decode("utf-8"))
    if not isinstance(loaded, dict):
        raise ValueError(f"{path}: the mock config must be a table/object")
    return loaded
