"""Upload limits are stated once, in the specs, and both the clients and the mock read them."""

from __future__ import annotations

import httpx
import pytest

import attachkit
from attachkit import errors, specs
from attachkit.mock.config import Limits, MiB

MB = 1024 * 1024


def test_the_specs_state_the_documented_limits() -> None:
    assert specs.upload_limits("codearts-req", "uploadScrumAttachment") == specs.UploadLimits(
        50 * MB
    )
    assert specs.upload_limits("codearts-req", "uploadIpdAttachment").max_bytes == 200 * MB
    assert specs.upload_limits("coc", "uploadAttachment") == specs.UploadLimits(
        10 * MB, (".jpg", ".png", ".docx", ".txt", ".pdf")
    )
    assert specs.upload_limits("worldserver", "uploadAttributeFile") == specs.UploadLimits()


def test_the_mock_defaults_are_the_specs_limits() -> None:
    limits = Limits()
    assert limits.scrum_max_bytes == 50 * MiB and limits.ipd_max_bytes == 200 * MiB
    assert limits.coc_max_bytes == 10 * MiB
    assert limits.coc_extensions == specs.upload_limits("coc", "uploadAttachment").extensions


def test_the_clients_check_uploads_against_the_spec(monkeypatch: pytest.MonkeyPatch) -> None:
    from attachkit import catalog

    assert (
        specs.upload_limits("codearts-req", "uploadScrumAttachment").max_bytes
        == catalog.SCRUM_MAX_BYTES
    )
    assert (
        specs.upload_limits("codearts-req", "uploadIpdAttachment").max_bytes
        == catalog.IPD_MAX_BYTES
    )
    assert specs.upload_limits("coc", "uploadAttachment").max_bytes == catalog.COC_MAX_BYTES
    assert specs.upload_limits("coc", "uploadAttachment").extensions == catalog.COC_EXTENSIONS

    # And the facades refuse, before sending, what breaks them.
    monkeypatch.setattr(catalog, "COC_MAX_BYTES", 4)
    monkeypatch.setattr(catalog, "SCRUM_MAX_BYTES", 3)
    sent: list[httpx.Request] = []
    creds = attachkit.Credentials(ak="AK", sk="SK")

    def refuse(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(500)

    transport = httpx.MockTransport(refuse)
    coc = attachkit.Coc(endpoint="https://coc.example.test", credentials=creds, transport=transport)
    with coc:
        with pytest.raises(errors.ValidationError, match=r"\.pdf"):
            coc.upload(b"abc", filename="a.exe")
        with pytest.raises(errors.ValidationError):
            coc.upload(b"abcde", filename="a.txt")
    req = attachkit.CodeArtsReq(
        endpoint="https://req.example.test", credentials=creds, transport=transport
    )
    with req, pytest.raises(errors.ValidationError):
        req.scrum.upload("f7a67aee4c034fd6944fd5f769e89042", 1, b"abcd", filename="a.txt")
    assert sent == []  # refused before sending
