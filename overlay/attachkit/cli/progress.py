"""The progress bar: on stderr, labelled with the local path, in binary units, one line.

The services' limits are binary (COC's 10 MiB is 10,485,760 bytes), so the bar counts in KiB,
MiB and GiB as well: what it shows can be compared with a limit directly. The line is sized to
the terminal (80 columns at least) so that it never wraps: the label is shortened from the left,
keeping the file name, which is the part that tells two transfers apart.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from attachkit.cli.terminal import safe_text

if TYPE_CHECKING:
    from rich.progress import Task
    from rich.text import Text

Update = Callable[[int, int | None], None]

_UNITS = ("B", "KiB", "MiB", "GiB", "TiB")
# Columns besides the label: bar, "1023.9/1023.9 MiB", "1023.9 MiB/s", "0:00:00", and spaces.
_BAR_WIDTH = 12
_SIZE_WIDTH = 17
_SPEED_WIDTH = 11
_ETA_WIDTH = 7
_FIXED_WIDTH = _BAR_WIDTH + _SIZE_WIDTH + _SPEED_WIDTH + _ETA_WIDTH + 4


def binary_size(count: float, unit_of: float | None = None) -> str:
    """``count`` bytes in the binary unit that fits ``unit_of`` (default: ``count`` itself)."""
    reference = count if unit_of is None else unit_of
    exponent = 0
    while reference >= 1024 and exponent < len(_UNITS) - 1:
        reference /= 1024
        exponent += 1
    if exponent == 0:
        return f"{int(count)} B"
    return f"{count / 1024**exponent:.1f} {_UNITS[exponent]}"


def size_text(done: int, total: int | None) -> str:
    """``12.0/40.0 MiB`` (both in the total's unit); ``12.0 MiB`` while the total is unknown."""
    if total is None:
        return binary_size(done)
    amount, _, unit = binary_size(total).partition(" ")
    done_text = binary_size(done, unit_of=total).partition(" ")[0]
    return f"{done_text}/{amount} {unit}"


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


def _columns() -> list[object]:
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

    return [BarColumn(bar_width=_BAR_WIDTH), SizeColumn(), SpeedColumn(), TimeRemainingColumn()]


def wants_progress(args: argparse.Namespace) -> bool:
    return not (args.quiet or args.json) and sys.stderr.isatty()


@contextlib.contextmanager
def progress_bar(args: argparse.Namespace, local_path: str) -> Iterator[Update | None]:
    """A bar for the transfer of ``local_path``; None with --quiet, --json or no terminal."""
    if not wants_progress(args):
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress, TextColumn

    console = Console(stderr=True)
    label_width = max(8, console.width - _FIXED_WIDTH - 1)
    label = shorten(safe_text(local_path), label_width)
    with Progress(
        TextColumn("{task.description}", markup=False),
        *_columns(),  # type: ignore[arg-type]
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(label.ljust(label_width), total=None)

        def update(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        yield update
