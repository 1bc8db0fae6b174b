"""Carrying out a parsed command: build the facade, run the call, print, map errors to exits."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
import traceback
import warnings
from collections.abc import Callable, Iterator
from typing import Any

from attachkit import errors
from attachkit.cli.commands import SK_ON_COMMAND_LINE_WARNING
from attachkit.cli.exit_codes import EXIT_OK, EXIT_SERVICE_ERROR
from attachkit.cli.failures import (
    UsageError,
    error_object,
    exit_code_for,
    message_for,
    missing_extra,
)
from attachkit.cli.progress import TransferEvents, progress_bar
from attachkit.cli.streams import STDIO, download_target, result_stream, upload_source
from attachkit.cli.terminal import safe_json, safe_text
from attachkit.options import CallOptions, DownloadOptions, UploadOptions
from attachkit.transfer.types import Progress
from attachkit.units import binary_size


def run_command(args: argparse.Namespace) -> int:
    """Run the handler the parser chose; an expected failure ends in one line, not a traceback.

    A bug in attachkit ends in one line too, unless ``--debug`` asks for the traceback.
    """
    handler: Callable[[argparse.Namespace], int]
    try:
        if hasattr(args, "func"):  # `attachkit mock serve` brings its own function
            handler = args.func
        else:
            module_name, function_name = args.handler.split(":")
            handler = getattr(importlib.import_module(module_name), function_name)
        return handler(args)
    except BrokenPipeError:
        raise  # the reader left (`| head`): main() ends quietly
    except ModuleNotFoundError as error:
        missing = missing_extra(error, _command_name(args))
        if missing is None:
            return _report_bug(args, error)
        return report_failure(args, missing)
    except Exception as error:
        if exit_code_for(error) is None:
            return _report_bug(args, error)
        return report_failure(args, error)


def _command_name(args: argparse.Namespace) -> str:
    parts = ["attachkit", args.command]
    if getattr(args, "mock_command", None):
        parts.append(args.mock_command)
    return " ".join(parts)


def report_failure(args: argparse.Namespace | None, error: BaseException) -> int:
    """Print ``error`` as one line on stderr (and as a JSON object on stdout with --json)."""
    code = exit_code_for(error)
    assert code is not None
    if args is not None and args.debug:
        traceback.print_exception(error, file=sys.stderr)
    if args is not None and args.json:
        print(safe_json(error_object(error, code, args)), file=result_stream(args))
    print(f"attachkit: error: {message_for(error, args)}", file=sys.stderr)
    return code


def _report_bug(args: argparse.Namespace, error: BaseException) -> int:
    if args.debug:
        traceback.print_exception(error, file=sys.stderr)
    what = safe_text(f"{type(error).__name__}: {error}")
    print(
        f"attachkit: internal error: {what} (a bug in attachkit: run again with --debug for "
        "the traceback and report it)",
        file=sys.stderr,
    )
    return EXIT_SERVICE_ERROR


# --- building facades from flags ---------------------------------------------------------------


def credentials_from(args: argparse.Namespace) -> Any:
    """The AK/SK the flags, the environment or the profile file give (every Huawei command)."""
    from attachkit.credentials import Credentials
    from attachkit.errors import InsecureCredentialsFileWarning

    if args.sk:
        print(SK_ON_COMMAND_LINE_WARNING, file=sys.stderr)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InsecureCredentialsFileWarning)
        credentials = Credentials.resolve(
            ak=args.ak,
            sk=args.sk,
            security_token=args.security_token,
            project_id=args.header_project_id,
            domain_id=args.domain_id,
        )
    # A profile file others can read: one line, as every other message (Python's own warning
    # format would add a source line); any other warning goes on as it came.
    for warning in caught:
        if issubclass(warning.category, InsecureCredentialsFileWarning):
            print(f"attachkit: warning: {safe_text(str(warning.message))}", file=sys.stderr)
        else:
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
    args.credentials_source = credentials.source  # named when the gateway refuses the SK
    return credentials


def _codearts(args: argparse.Namespace) -> Any:
    from attachkit.facades import CodeArtsReq

    return CodeArtsReq(
        region=args.region, endpoint=args.endpoint, credentials=credentials_from(args)
    )


def _coc(args: argparse.Namespace) -> Any:
    from attachkit.facades import Coc

    return Coc(region=args.region, endpoint=args.endpoint, credentials=credentials_from(args))


def ws_password(variable: str, username: str) -> str:
    """The WorldServer password: from ``$variable``, else a prompt (never a flag)."""
    password = os.environ.get(variable)
    if password is None:
        if not sys.stdin.isatty():
            raise errors.ConfigurationError(
                f"worldserver: set the password in ${variable} (it is never a flag)"
            )
        import getpass

        password = getpass.getpass(f"WorldServer password for {username}: ")
    return password


def _worldserver(args: argparse.Namespace) -> Any:
    from attachkit.environment import WS_USERNAME_ENV, ws_username
    from attachkit.facades import WorldServer

    username: str | None = args.username or ws_username()
    missing = [
        flag
        for flag, value in (
            ("--endpoint", args.endpoint),
            (f"--username (or ${WS_USERNAME_ENV})", username),
        )
        if not value
    ]
    if missing or username is None:
        raise UsageError(
            f"{args.help_parser.prog} {args.operation}: the following arguments are required: "
            f"{', '.join(missing)} (see {args.help_parser.prog} {args.operation} --help)"
        )
    return WorldServer(args.endpoint, username, ws_password(args.password_env, username))


# --- output ------------------------------------------------------------------------------------


def _as_data(value: Any) -> Any:
    if value is None:
        return None
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if hasattr(value, "sha256"):  # DownloadResult
        return {"path": str(value.path) if value.path else None, "size": value.size,
                "sha256": value.sha256}  # fmt: skip
    return value


def _shown(value: Any, missing: str = "?") -> str:
    """A field of a service's answer as one line of text for the terminal.

    The specs make every field but the ids optional and nullable, so a field may be absent
    (the generated models' ``Unset``) or null: both show as ``missing``, never as a Python
    object's repr. Control characters a server sent are escaped, not sent to the terminal.
    """
    if value is None or _is_unset(value):
        return missing
    return safe_text(value)


def _is_unset(value: Any) -> bool:
    from coc_client.types import Unset as CocUnset
    from codearts_req_client.types import Unset as ReqUnset
    from worldserver_client.types import Unset as WsUnset

    return isinstance(value, ReqUnset | CocUnset | WsUnset)


def _print(args: argparse.Namespace, value: Any, summary: str) -> int:
    """The result: JSON or a summary, with whatever the server named escaped, line by line."""
    if args.json:
        text = safe_json(_as_data(value))
    else:
        text = "\n".join(safe_text(line) for line in summary.split("\n"))
    print(text, file=result_stream(args))
    return EXIT_OK


# --- options, built once from the flags ---------------------------------------------------------


def call_options(args: argparse.Namespace) -> CallOptions:
    return CallOptions(timeout=args.timeout, max_retries=args.max_retries)


def download_options(args: argparse.Namespace, progress: Progress | None) -> DownloadOptions:
    return DownloadOptions(
        timeout=args.timeout,
        max_retries=args.max_retries,
        progress=progress,
        overwrite=args.overwrite,
        durable=args.fsync,
        checksum="sha256" if args.sha256 else None,
        resume=args.resume,
    )


def upload_options(
    args: argparse.Namespace, size: int | None, progress: Progress | None
) -> UploadOptions:
    return UploadOptions(
        timeout=args.timeout,
        max_retries=args.max_retries,
        progress=progress,
        filename=args.store_as,
        size=size,
    )


@contextlib.contextmanager
def _local_file(path: str) -> Iterator[None]:
    """A file-system failure the library left bare (a full disk mid-write has no file name on
    it) becomes a ``LocalFileError`` naming the path the user gave."""
    try:
        yield
    except OSError as error:
        if isinstance(error, errors.AttachkitError | BrokenPipeError) or not error.strerror:
            raise
        raise errors.LocalFileError(error.filename or path, error.strerror) from error


def _download(args: argparse.Namespace, call: Callable[..., Any]) -> int:
    dest = download_target(args)
    label = "standard output" if args.output == STDIO else str(args.output)
    with progress_bar(args, label) as events, _local_file(label):
        try:
            result = call(dest, download_options(args, events))
        except KeyboardInterrupt:
            raise KeyboardInterrupt(_after_interrupt(args, events)) from None
    where = result.path if result.path is not None else "standard output"
    digest = f"  sha256 {result.sha256}" if result.sha256 else ""
    return _print(args, result, f"{where}  {_size(result.size)}{digest}")


def _size(count: int) -> str:
    """A size as the command prints it: binary units, and the exact count beside them."""
    shown = binary_size(count)
    return shown if shown.endswith(" B") else f"{shown} ({count} bytes)"


def _after_interrupt(args: argparse.Namespace, events: TransferEvents) -> str:
    """What an interrupted download leaves, and the flag that continues it."""
    from attachkit.transfer.partials import part_path

    if args.output == STDIO:
        return "the bytes written to standard output are all there is"
    if not args.resume:
        return (
            "nothing was kept; with --continue a download keeps what arrived and the next run "
            "with --continue picks it up"
        )
    part = None if events.target is None else part_path(events.target)
    if part is None or not part.is_file():
        return "nothing had arrived yet; run the same command again"
    held = part.stat().st_size
    of = "" if events.total is None else f" of {binary_size(events.total)}"
    return (
        f"kept {binary_size(held, unit_of=events.total)}{of} in {part}; run the same "
        "command with --continue to pick it up"
    )


def _upload(args: argparse.Namespace, call: Callable[..., Any]) -> Any:
    with upload_source(args) as (source, size):
        label = "standard input" if args.file == STDIO else args.file
        with progress_bar(args, label) as events, _local_file(label):
            return call(source, upload_options(args, size, events))


# --- handlers, one per leaf command ------------------------------------------------------------


def scrum_upload(args: argparse.Namespace) -> int:
    with _codearts(args) as req:
        result = _upload(args, lambda *a: req.scrum.upload(args.project_id, args.issue_id, *a))
    summary = f"uploaded attachment id {_shown(result.id)} ({_shown(result.file_name)})"
    return _print(args, result, summary)


def scrum_download(args: argparse.Namespace) -> int:
    with _codearts(args) as req:
        return _download(
            args,
            lambda dest, options: req.scrum.download(
                args.project_id, args.issue_id, args.attachment_id, dest, options
            ),
        )


def scrum_delete(args: argparse.Namespace) -> int:
    with _codearts(args) as req:
        req.scrum.delete(args.project_id, args.issue_id, args.attachment_id, call_options(args))
    return _print(args, {"deleted": args.attachment_id}, f"deleted attachment {args.attachment_id}")


def ipd_upload(args: argparse.Namespace) -> int:
    with _codearts(args) as req:
        result = _upload(args, lambda *a: req.ipd.upload(args.project_id, args.issue_id, *a))
    ids = ", ".join(_shown(item.id) for item in (result.result or [])) or "(none reported)"
    return _print(args, result, f"uploaded attachment id {ids}")


def ipd_list(args: argparse.Namespace) -> int:
    with _codearts(args) as req:
        result = req.ipd.list(
            args.project_id, args.issue_id, call_options(args),
            source_project_id=args.source_project_id,
        )  # fmt: skip
    lines = [
        f"{_shown(item.id)}  {_shown(item.file_size):>10}  {_shown(item.store_filename)}"
        for item in (result.result or [])
    ]
    return _print(args, result, "\n".join(lines) or "no attachments")


def ipd_download(args: argparse.Namespace) -> int:
    with _codearts(args) as req:
        return _download(
            args,
            lambda dest, options: req.ipd.download(
                args.project_id, args.attachment_id, dest, options
            ),
        )


def coc_upload(args: argparse.Namespace) -> int:
    with _coc(args) as coc:
        result = _upload(args, coc.upload)
    return _print(args, result, f"uploaded doc_id {_shown(result.data.doc_id)}")


def coc_download(args: argparse.Namespace) -> int:
    with _coc(args) as coc:
        return _download(args, lambda dest, options: coc.download(args.doc_id, dest, options))


def ws_upload(args: argparse.Namespace) -> int:
    with _worldserver(args) as ws:
        result = _upload(args, lambda *a: ws.upload(args.attribute_definition_id, *a))
    token = f" download token {_shown(result.download_token)}" if result.download_token else ""
    return _print(args, result, f"uploaded as {_shown(result.internal_name)}{token}")


def ws_download(args: argparse.Namespace) -> int:
    with _worldserver(args) as ws:
        return _download(
            args,
            lambda dest, options: ws.download(
                args.filename,
                dest,
                options,
                resource_type=args.resource_type,
                resource_id=args.resource_id,
                attribute_name=args.attribute_name,
                download_token=args.download_token,
            ),
        )
