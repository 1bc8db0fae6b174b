"""The operating system's refusals on local files, as attachkit errors."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from attachkit.errors import DestinationExistsError, LocalFileError

__all__ = ["local_file_errors"]


@contextlib.contextmanager
def local_file_errors(path: str | os.PathLike[str]) -> Iterator[None]:
    """Turn the operating system's refusal (no space, permission, not a directory...) into
    ``LocalFileError(path, strerror)``. ``DestinationExistsError`` passes as it is, and so does
    ``BrokenPipeError``: a reader at the other end of a pipe that stopped early (``| head``)
    is its choice, which the command line ends quietly, not a local file failing."""
    try:
        yield
    except (DestinationExistsError, BrokenPipeError):
        raise
    except OSError as exc:
        raise LocalFileError(os.fspath(path), exc.strerror or type(exc).__name__) from exc
