"""What a transfer shows while it runs: the progress bar, and the notes a download makes.

The bar is on stderr, labelled with the file's name (for a directory destination, the name the
answer gave, once known), in binary units: the services' limits are binary (COC's 10 MiB is
10,485,760 bytes), so what it shows can be compared with a limit directly. The line is sized to
the terminal so that it never wraps: the label takes the room its name needs (a long one is
shortened from the left, keeping the file name) and the bar takes the rest.

``TransferEvents`` is the CLI's ``ProgressEvents`` subscriber: it moves the bar, says when a
download resumes what an earlier run kept, and remembers the download's local file, so that an
interrupted run can name the partial it kept.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from attachkit.cli.terminal import safe_text
from attachkit.transfer.types import ProgressEvents
from attachkit.units import binary_size, size_text

if TYPE_CHECKING:
    from rich.progress import Task
    from rich.text import Text

# Columns besides the label and the bar: "1023.9/1023.9 MiB", "1023.9 MiB/s", "0:00:00".
_SIZE_WIDTH = 17
_SPEED_WIDTH = 11
_ETA_WIDTH = 7
_SPACES = 4  # between the five columns
_MIN_BAR = 10
_MIN_LABEL = 8


def shorten(label: str, width: int) -> str:
    """``label`` in at most ``width`` characters: ``…/q3-report.pdf``, else cut from the left."""
    if len(label) <= width:
        return label
    if width <= 1:
        return label[-width:] if width else ""
    name = label.replace("\\", "/").rpartition("/")[2]
    if 0 < len(name) <= width - 2:
        return "…/" + name
    return "…" + label[len(label) - width + 1 :]


def _columns(bar_width: int) -> list[object]:
    from rich.progress import BarColumn, ProgressColumn, TimeRemainingColumn
    from rich.text import Text

    class SizeColumn(ProgressColumn):
        def render(self, task: Task) -> Text:
            if task.completed == 0 and task.total is None:
                return Text("starting".rjust(_SIZE_WIDTH), style="progress.download")
            text = size_text(int(task.completed), None if task.total is None else int(task.total))
            return Text(text.rjust(_SIZE_WIDTH), style="progress.download")

    class SpeedColumn(ProgressColumn):
        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            text = "" if speed is None else f"{binary_size(speed)}/s"
            return Text(text.rjust(_SPEED_WIDTH), style="progress.data.speed")

    return [BarColumn(bar_width=bar_width), SizeColumn(), SpeedColumn(), TimeRemainingColumn()]


def layout(columns: int, label: str) -> tuple[int, int]:
    """``(label width, bar width)`` on a line of ``columns``: the label what its text needs, up
    to a third of the line; the bar the rest, so that the line is full and never wraps."""
    rest = columns - 1 - _SIZE_WIDTH - _SPEED_WIDTH - _ETA_WIDTH - _SPACES
    label_width = max(_MIN_LABEL, min(len(label), columns // 3, rest - _MIN_BAR))
    return label_width, max(_MIN_BAR, rest - label_width)


def wants_progress(args: argparse.Namespace) -> bool:
    return not (args.quiet or args.json) and sys.stderr.isatty()


class TransferEvents(ProgressEvents):
    """The command's subscriber to one transfer: its bar (if any), its notes, its file."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.target: Path | None = None  # the download's local file, once known
        self.done = 0
        self.total: int | None = None
        self._bar: Any = None
        self._task: Any = None
        self._label_width = 0

    def attach(self, bar: Any, task: Any, label_width: int) -> None:
        self._bar, self._task, self._label_width = bar, task, label_width

    def on_progress(self, done: int, total: int | None) -> None:
        self.done, self.total = done, total
        if self._bar is not None:
            self._bar.update(self._task, completed=done, total=total)

    def on_target(self, path: Path) -> None:
        self.target = path
        if self._bar is not None:
            label = shorten(safe_text(path.name), self._label_width)
            self._bar.update(self._task, description=label.ljust(self._label_width))

    def on_resumed(self, offset: int, total: int | None) -> None:
        name = self.target.name if self.target is not None else "the download"
        of = "" if total is None else f" of {binary_size(total)}"
        self.note(f"resuming {name} at {binary_size(offset, unit_of=total)}{of}")

    def note(self, text: str) -> None:
        """A line on stderr, above the bar when one is drawn; none with --quiet."""
        if self.args.quiet:
            return
        line = f"attachkit: {safe_text(text)}"
        if self._bar is not None:
            self._bar.console.print(line, markup=False, highlight=False)
        else:
            print(line, file=sys.stderr)


@contextlib.contextmanager
def progress_bar(args: argparse.Namespace, label: str) -> Iterator[TransferEvents]:
    """The events of one transfer, drawn as a bar labelled ``label`` (a path: its file name is
    shown) on a terminal; no bar with --quiet, --json or no terminal."""
    events = TransferEvents(args)
    if not wants_progress(args):
        yield events
        return
    from rich.console import Console
    from rich.progress import Progress, TextColumn

    console = Console(stderr=True)
    shown = safe_text(label.replace("\\", "/").rstrip("/").rpartition("/")[2] or label)
    label_width, bar_width = layout(console.width, shown)
    with Progress(
        TextColumn("{task.description}", markup=False),
        *_columns(bar_width),  # type: ignore[arg-type]
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(shorten(shown, label_width).ljust(label_width), total=None)
        events.attach(bar, task, label_width)
        yield events
