"""One sink interface: chosen by what the destination is, asked nothing about its kind."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from attachkit.transfer.sinks import FileObjectSink, FileSink, Writer, make_sink


def test_the_sink_is_chosen_by_what_the_destination_accepts(tmp_path: Path) -> None:
    assert isinstance(make_sink(tmp_path / "a.bin", False, "f", False), FileSink)
    assert isinstance(make_sink(str(tmp_path) + "/", False, "f", False), FileSink)
    assert isinstance(make_sink(io.BytesIO(), False, "f", False), FileObjectSink)
    with pytest.raises(TypeError, match="a path or a binary file object"):
        make_sink(42, False, "f", False)  # type: ignore[arg-type]


def test_a_file_object_sink_answers_the_same_questions_as_a_file_sink() -> None:
    buffer = io.BytesIO(b"keep")
    buffer.seek(4)
    writer = Writer(make_sink(buffer, False, "f", False), "sha256")
    assert writer.resume_kept("http://example/x") is None  # nothing is kept in a file object
    assert writer.target is None
    writer.write(b"-new")
    assert writer.restart() and buffer.getvalue() == b"keep"  # back to where it started
    writer.write(b"+more")
    writer.commit()
    assert buffer.getvalue() == b"keep+more"
    writer.discard()  # a file object's bytes are the caller's: nothing removed
    assert buffer.getvalue() == b"keep+more"
