"""The ``attachkit_mock`` pytest fixtures, met the way a user meets them: a test file of theirs,
run by a separate ``pytest`` process that finds the fixture through the ``pytest11`` entry point.

Where attachkit is installed (CI's editable install), the entry point is registered and the
inner run is plain ``pytest``. A checkout run from ``PYTHONPATH`` has no entry point; the inner
run then names the plugin with ``-p``, which is what the entry point does.
"""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = "attachkit.mock.pytest_plugin"

USER_TEST = """
import json

import pytest

import attachkit

PROJECT, ISSUE = "gdbdf969b32694524a949b5ef6b3e124a", "956239067176935400"


def test_upload_to_ipd_and_read_it_back(attachkit_mock, tmp_path):
    source = tmp_path / "notes.txt"
    source.write_bytes(b"written by a user's test\\n")
    with attachkit.CodeArtsReq(
        endpoint=attachkit_mock.url, credentials=attachkit_mock.credentials
    ) as req:
        req.ipd.upload(PROJECT, ISSUE, source)
        (item,) = req.ipd.list(PROJECT, ISSUE).result
        req.ipd.download(PROJECT, item.id, tmp_path / "copy.txt")
    assert (tmp_path / "copy.txt").read_bytes() == b"written by a user's test\\n"

    journal = attachkit_mock.requests
    upload = [e for e in journal if e["operation_id"] == "uploadIpdAttachment"]
    assert len(upload) == 1 and upload[0]["status"] == 200 and upload[0].method == "POST"
    assert upload[0]["request_bytes"] > len(b"written by a user's test\\n")
    text = json.dumps(journal)
    assert attachkit_mock.credentials.sk not in text and "SDK-HMAC" not in text


def test_each_test_gets_fresh_data(attachkit_mock):
    assert attachkit_mock.requests == []
    with attachkit.CodeArtsReq(
        endpoint=attachkit_mock.url, credentials=attachkit_mock.credentials
    ) as req:
        assert not req.ipd.list(PROJECT, ISSUE).result


def test_worldserver_account_and_faults(attachkit_mock, tmp_path):
    source = tmp_path / "a.txt"
    source.write_bytes(b"x")
    attachkit_mock.faults.status("POST", "/ws-api/v1/files/attachments/*", 503, times=1)
    with attachkit.WorldServer(
        attachkit_mock.url, attachkit_mock.ws_username, attachkit_mock.ws_password
    ) as ws:
        uploaded = ws.upload(1113, source)  # the 503 is retried
    assert uploaded.internal_name.endswith("a.txt")
    journal = attachkit_mock.requests
    statuses = [e.status for e in journal if e.operation_id == "uploadAttributeFile"]
    assert statuses == [503, 200]


@pytest.mark.attachkit_mock(seed_examples=True)
def test_a_marker_passes_mock_config_fields(attachkit_mock):
    with attachkit.CodeArtsReq(
        endpoint=attachkit_mock.url, credentials=attachkit_mock.credentials
    ) as req:
        assert req.ipd.list(PROJECT, ISSUE).result  # the spec example's attachment


def test_the_session_mock_is_one_server(attachkit_mock_session, request):
    other = request.getfixturevalue("attachkit_mock_session")
    assert other is attachkit_mock_session and attachkit_mock_session.url.startswith(
        "http://127.0.0.1:"
    )
"""


def _plugin_registered() -> bool:
    return any(entry.value == PLUGIN for entry in importlib.metadata.entry_points(group="pytest11"))


def _run_user_tests(pytester: pytest.Pytester, source: str) -> pytest.RunResult:
    pytester.makepyfile(test_user=source)
    extra = [] if _plugin_registered() else ["-p", PLUGIN]
    return pytester.runpytest_subprocess(*extra, "-p", "no:cacheprovider", "-q")


def test_a_users_test_file_gets_the_fixture_from_plain_pytest(pytester: pytest.Pytester) -> None:
    result = _run_user_tests(pytester, USER_TEST)
    result.assert_outcomes(passed=5)


def test_the_fixture_stops_its_mock_after_the_test(pytester: pytest.Pytester) -> None:
    source = """
import httpx
import pytest

seen = []


def test_one(attachkit_mock):
    seen.append(attachkit_mock.url)
    assert httpx.get(attachkit_mock.url + "/_mock/health").status_code == 200


def test_two():
    with pytest.raises(httpx.ConnectError):
        httpx.get(seen[0] + "/_mock/health")
"""
    _run_user_tests(pytester, source).assert_outcomes(passed=2)


def test_the_entry_point_names_the_plugin_module() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["entry-points"]["pytest11"] == {"attachkit": PLUGIN}


def test_loading_the_plugin_imports_no_server_stack() -> None:
    # pytest imports every installed plugin in every run of every project: it must cost nothing.
    code = (
        f"import sys, {PLUGIN}\n"
        "heavy = sorted(m for m in ('uvicorn', 'httpx', 'jsonschema', 'attachkit.mock.server',"
        " 'attachkit.mock.app', 'yaml') if m in sys.modules)\n"
        "print(heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"
