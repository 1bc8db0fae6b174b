"""The schemathesis hooks read the environment names the command line and the library read, and
a ``token`` the user gives on ``st run``'s command line wins over the one the hooks log in for.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from attachkit.mock import MockConfig, MockServer

ROOT = Path(__file__).resolve().parents[2]
ST = Path(sys.executable).parent / "st"


def st_run(url: str, env: dict[str, str], *options: str) -> subprocess.CompletedProcess[str]:
    command = [str(ST), "run", str(ROOT / "specs" / "worldserver.yaml"), "--url", url,
               "--phases", "examples", *options]  # fmt: skip
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


def clean_env(**names: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATTACHKIT_")}
    return {**env, **names}


def translator_mock(mock_factory: Callable[..., MockServer]) -> MockServer:
    """A seeded mock whose WorldServer users are the login example's and ``translator``: not
    the development user the hooks fall back on."""
    return mock_factory(MockConfig(seed_examples=True, ws_users={"translator": "s3cret-words"}))


def test_st_run_logs_in_as_attachkit_ws_username(
    mock_factory: Callable[..., MockServer],
) -> None:
    mock = translator_mock(mock_factory)
    env = clean_env(ATTACHKIT_WS_USERNAME="translator", ATTACHKIT_WS_PASSWORD="s3cret-words")
    result = st_run(mock.base_url, env)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_the_old_name_still_works_with_a_deprecation_warning(
    mock_factory: Callable[..., MockServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    from attachkit.mock import schemathesis_hooks

    mock = translator_mock(mock_factory)
    monkeypatch.delenv("ATTACHKIT_WS_USERNAME", raising=False)
    monkeypatch.setenv("ATTACHKIT_WS_USER", "translator")
    monkeypatch.setenv("ATTACHKIT_WS_PASSWORD", "s3cret-words")
    with pytest.warns(DeprecationWarning, match="ATTACHKIT_WS_USERNAME"):
        token = schemathesis_hooks.worldserver_token(mock.base_url)
    assert token


def test_a_token_given_on_the_command_line_wins_over_the_hooks(
    mock_factory: Callable[..., MockServer],
) -> None:
    # The hooks can log in (the development user); the user's own token is what is sent, and
    # the mock refuses it: every token-secured example fails authentication.
    mock = mock_factory(MockConfig(seed_examples=True))
    result = st_run(mock.base_url, clean_env(), "-H", "token: the-users-own-token")
    assert result.returncode != 0
    assert "Authentication failed" in result.stdout or "401" in result.stdout, result.stdout
