"""Options are built once at the edge and passed whole: a value, keywords, or both."""

from __future__ import annotations

import typing
from pathlib import Path

import attrs
import pytest

import attachkit
from attachkit import options as opts
from attachkit.mock import MockServer
from tests.mock_helpers import ISSUE, PROJECT


@pytest.mark.parametrize(
    ("value", "keywords"),
    [
        (opts.CallOptions, opts.CallKeywords),
        (opts.StreamOptions, opts.StreamKeywords),
        (opts.DownloadOptions, opts.DownloadKeywords),
        (opts.UploadOptions, opts.UploadKeywords),
    ],
)
def test_the_keywords_a_type_checker_sees_are_the_value_fields(value: type, keywords: type) -> None:
    fields = {field.name for field in attrs.fields(value)}
    assert set(typing.get_type_hints(keywords)) == fields


def test_keywords_replace_the_fields_of_a_given_value() -> None:
    base = opts.DownloadOptions(checksum="sha256", overwrite=False)
    built = opts.DownloadOptions.build(base, {"overwrite": True})
    assert built == opts.DownloadOptions(checksum="sha256", overwrite=True)
    assert opts.DownloadOptions.build(base, {}) is base
    with pytest.raises(TypeError):
        opts.DownloadOptions.build(base, {"overwrit": True})


def test_the_service_limit_is_applied_only_when_none_was_chosen() -> None:
    assert opts.StreamOptions().limited_to(10).byte_limit == 10
    assert opts.StreamOptions(max_bytes=5).limited_to(10).byte_limit == 5
    assert opts.StreamOptions(max_bytes=None).limited_to(10).byte_limit is None
    assert opts.StreamOptions().byte_limit is None  # no service, no bound
    assert repr(opts.SERVICE_LIMIT) == "SERVICE_LIMIT"


def test_a_facade_takes_an_options_value_and_keywords_together(
    mock: MockServer, tmp_path: Path
) -> None:
    seen: list[int] = []
    with attachkit.CodeArtsReq(endpoint=mock.base_url, credentials=mock.credentials) as req:
        uploaded = req.scrum.upload(
            PROJECT, ISSUE, b"x" * 100, attachkit.UploadOptions(filename="a.txt")
        )
        wanted = attachkit.DownloadOptions(checksum="sha256")
        got = req.scrum.download(
            PROJECT, ISSUE, uploaded.id, tmp_path, wanted,
            progress=lambda done, total: seen.append(done),
        )  # fmt: skip
        assert got.sha256 is not None and got.path == tmp_path / "a.txt"
        assert seen and seen[-1] == 100
        # The value is the caller's: the keyword replaced a field of a copy.
        assert wanted.progress is None
        with pytest.raises(attachkit.ResponseTooLargeError):
            req.scrum.download(PROJECT, ISSUE, uploaded.id, tmp_path / "b", wanted, max_bytes=10)


def test_a_stream_tells_the_name_and_size_before_its_body_is_read(mock: MockServer) -> None:
    seen: list[int] = []
    with attachkit.CodeArtsReq(endpoint=mock.base_url, credentials=mock.credentials) as req:
        uploaded = req.scrum.upload(PROJECT, ISSUE, b"y" * 3000, filename="report.txt")
        with req.scrum.stream(
            PROJECT, ISSUE, uploaded.id, progress=lambda done, total: seen.append(done)
        ) as stream:
            assert stream.info is None  # nothing sent yet
            info = stream.start()
            assert (info.filename, info.size) == ("report.txt", 3000)
            assert seen == [0]  # the head only: no byte of the body yet
            assert b"".join(stream) == b"y" * 3000
        assert seen[-1] == 3000
