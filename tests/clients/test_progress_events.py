"""Progress as events: a subscriber hears a transfer queued, moving, and done (or failed)."""

from __future__ import annotations

from pathlib import Path

import pytest

import attachkit
from attachkit.mock import MockServer
from tests.mock_helpers import ISSUE, PROJECT


class Recorder(attachkit.ProgressEvents):
    def __init__(self) -> None:
        self.events: list[tuple[str, object]] = []

    def on_queued(self, total: int | None) -> None:
        self.events.append(("queued", total))

    def on_progress(self, done: int, total: int | None) -> None:
        self.events.append(("progress", done))

    def on_done(self, error: BaseException | None) -> None:
        self.events.append(("done", type(error).__name__ if error else None))


def test_upload_and_download_tell_their_subscriber_each_step(
    mock: MockServer, tmp_path: Path
) -> None:
    up, down = Recorder(), Recorder()
    with attachkit.CodeArtsReq(endpoint=mock.base_url, credentials=mock.credentials) as req:
        made = req.scrum.upload(PROJECT, ISSUE, b"z" * 5000, filename="e.txt", progress=up)
        req.scrum.download(PROJECT, ISSUE, made.id, tmp_path, progress=down)
    assert up.events[0] == ("queued", 5000)
    assert up.events[-2:] == [("progress", 5000), ("done", None)]
    assert down.events[0][0] == "queued"
    assert down.events[-2:] == [("progress", 5000), ("done", None)]


def test_a_failed_download_tells_its_subscriber_why(mock: MockServer, tmp_path: Path) -> None:
    heard = Recorder()
    with (
        attachkit.CodeArtsReq(endpoint=mock.base_url, credentials=mock.credentials) as req,
        pytest.raises(attachkit.APIError),
    ):
        req.scrum.download(PROJECT, ISSUE, 99999, tmp_path, progress=heard, max_retries=0)
    assert heard.events[0][0] == "queued"
    assert heard.events[-1][0] == "done" and heard.events[-1][1] is not None


def test_a_plain_callback_still_hears_the_progress(mock: MockServer, tmp_path: Path) -> None:
    seen: list[int] = []
    with attachkit.CodeArtsReq(endpoint=mock.base_url, credentials=mock.credentials) as req:
        made = req.scrum.upload(PROJECT, ISSUE, b"q" * 10, filename="q.txt")
        req.scrum.download(
            PROJECT, ISSUE, made.id, tmp_path, progress=lambda done, total: seen.append(done)
        )
    assert seen[-1] == 10
