"""Carrying out a parsed command: build the facade, run the call, print, map errors to exits."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from attachkit import errors
from attachkit.cli.exit_codes import (
    EXIT_AUTH,
    EXIT_INTEGRITY,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_SERVICE_ERROR,
    EXIT_TRANSPORT,
    EXIT_USAGE,
)
from attachkit.cli.services import SK_ON_COMMAND_LINE_WARNING

# Most specific first: the first class an error is an instance of decides the exit code.
_EXIT_FOR_ERROR: tuple[tuple[type[BaseException], int], ...] = (
    (errors.CredentialsNotFoundError, EXIT_AUTH),
    (errors.AuthenticationError, EXIT_AUTH),
    (errors.PermissionDeniedError, EXIT_AUTH),
    (errors.NotFoundError, EXIT_NOT_FOUND),
    (errors.DestinationExistsError, EXIT_USAGE),
    (errors.IntegrityError, EXIT_INTEGRITY),
    (errors.TransportError, EXIT_TRANSPORT),
    (errors.ValidationError, EXIT_USAGE),
    (errors.ConfigurationError, EXIT_USAGE),
    (errors.APIError, EXIT_SERVICE_ERROR),
    # A success status with an answer the spec does not document: the service did answer, so
    # this is not "no answer" (EXIT_TRANSPORT) but something about the service to look into.
    (errors.UnexpectedResponseError, EXIT_SERVICE_ERROR),
    (FileNotFoundError, EXIT_USAGE),
    (IsADirectoryError, EXIT_USAGE),
    (PermissionError, EXIT_USAGE),
)


def exit_code_for(error: BaseException) -> int | None:
    for error_type, code in _EXIT_FOR_ERROR:
        if isinstance(error, error_type):
            return code
    return None


def run_command(args: argparse.Namespace) -> int:
    """Run the handler the parser chose; a user's mistake ends in a message, not a traceback."""
    handler: Callable[[argparse.Namespace], int]
    if hasattr(args, "func"):  # `attachkit mock serve` brings its own function
        handler = args.func
    else:
        module_name, function_name = args.handler.split(":")
        handler = getattr(importlib.import_module(module_name), function_name)
    try:
        return handler(args)
    except Exception as error:
        code = exit_code_for(error)
        if code is None:
            raise
        if isinstance(error, OSError) and not isinstance(error, errors.AttachkitError):
            message = f"{error.strerror}: {error.filename}"
        else:
            message = str(error)
        if args.json:
            print(
                json.dumps({"error": type(error).__name__, "message": message, "exit_code": code})
            )
        print(f"attachkit: error: {message}", file=sys.stderr)
        return code


# --- building facades from flags ---------------------------------------------------------------


def _credentials(args: argparse.Namespace) -> Any:
    from attachkit.credentials import Credentials

    if args.sk:
        print(SK_ON_COMMAND_LINE_WARNING, file=sys.stderr)
    return Credentials.resolve(
        ak=args.ak,
        sk=args.sk,
        security_token=args.security_token,
        project_id=args.header_project_id,
        domain_id=args.domain_id,
    )


def _codearts(args: argparse.Namespace) -> Any:
    from attachkit.clients import CodeArtsReq

    return CodeArtsReq(region=args.region, endpoint=args.endpoint, credentials=_credentials(args))


def _coc(args: argparse.Namespace) -> Any:
    from attachkit.clients import Coc

    return Coc(region=args.region, endpoint=args.endpoint, credentials=_credentials(args))


def _worldserver(args: argparse.Namespace) -> Any:
    from attachkit.clients import WorldServer

    password = os.environ.get(args.password_env)
    if password is None:
        if not sys.stdin.isatty():
            raise errors.ConfigurationError(
                f"worldserver: set the password in ${args.password_env} (it is never a flag)"
            )
        import getpass

        password = getpass.getpass(f"WorldServer password for {args.username}: ")
    return WorldServer(args.endpoint, args.username, password)


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
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(value))


def _is_unset(value: Any) -> bool:
    from coc_client.types import Unset as CocUnset
    from codearts_req_client.types import Unset as ReqUnset
    from worldserver_client.types import Unset as WsUnset

    return isinstance(value, ReqUnset | CocUnset | WsUnset)


def _print(args: argparse.Namespace, value: Any, summary: str) -> int:
    if args.json:
        print(json.dumps(_as_data(value), ensure_ascii=False, indent=2))
    else:
        print(summary)
    return EXIT_OK


@contextlib.contextmanager
def progress_bar(args: argparse.Namespace, label: str) -> Iterator[Any]:
    """A rich progress bar on a terminal; nothing with --quiet, --json or a redirected stderr."""
    if args.quiet or args.json or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        transient=True,
        console=None,
    ) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _transfer(args: argparse.Namespace) -> dict[str, Any]:
    return {"max_retries": args.max_retries, "timeout": args.timeout}


def _download(args: argparse.Namespace, label: str, call: Callable[..., Any]) -> int:
    with progress_bar(args, label) as progress:
        result = call(
            args.output,
            overwrite=args.overwrite,
            progress=progress,
            durable=args.fsync,
            checksum="sha256" if args.sha256 else None,
            resume=args.resume,
            **_transfer(args),
        )
    digest = f"  sha256 {result.sha256}" if result.sha256 else ""
    return _print(args, result, f"{result.path}  {result.size} bytes{digest}")


def _upload(args: argparse.Namespace, call: Callable[..., Any]) -> Any:
    with progress_bar(args, f"upload {Path(args.file).name}") as progress:
        return call(args.file, filename=args.filename, progress=progress, **_transfer(args))


# --- handlers, one per leaf command ------------------------------------------------------------


def scrum_upload(args: argparse.Namespace) -> int:
    with _codearts(args) as req:
        result = _upload(
            args, lambda *a, **k: req.scrum.upload(args.project_id, args.issue_id, *a, **k)
        )
    summary = f"uploaded attachment id {_shown(result.id)} ({_shown(result.file_name)})"
    return _print(args, result, summary)


def scrum_download(args: argparse.Namespace) -> int:
    with _codearts(args) as req:
        return _download(
            args,
            f"attachment {args.attachment_id}",
            lambda dest, **k: req.scrum.download(
                args.project_id, args.issue_id, args.attachment_id, dest, **k
            ),
        )


def scrum_delete(args: argparse.Namespace) -> int:
    with _codearts(args) as req:
        req.scrum.delete(args.project_id, args.issue_id, args.attachment_id, **_transfer(args))
    return _print(args, {"deleted": args.attachment_id}, f"deleted attachment {args.attachment_id}")


def ipd_upload(args: argparse.Namespace) -> int:
    with _codearts(args) as req:
        result = _upload(
            args, lambda *a, **k: req.ipd.upload(args.project_id, args.issue_id, *a, **k)
        )
    ids = ", ".join(_shown(item.id) for item in (result.result or [])) or "(none reported)"
    return _print(args, result, f"uploaded attachment id {ids}")


def ipd_list(args: argparse.Namespace) -> int:
    with _codearts(args) as req:
        result = req.ipd.list(
            args.project_id, args.issue_id, source_project_id=args.source_project_id,
            **_transfer(args),
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
            f"attachment {args.attachment_id}",
            lambda dest, **k: req.ipd.download(args.project_id, args.attachment_id, dest, **k),
        )


def coc_upload(args: argparse.Namespace) -> int:
    with _coc(args) as coc:
        result = _upload(args, coc.upload)
    return _print(args, result, f"uploaded doc_id {_shown(result.data.doc_id)}")


def coc_download(args: argparse.Namespace) -> int:
    with _coc(args) as coc:
        return _download(
            args, f"doc {args.doc_id}", lambda dest, **k: coc.download(args.doc_id, dest, **k)
        )


def ws_upload(args: argparse.Namespace) -> int:
    with _worldserver(args) as ws:
        result = _upload(args, lambda *a, **k: ws.upload(args.attribute_definition_id, *a, **k))
    token = f" download token {_shown(result.download_token)}" if result.download_token else ""
    return _print(args, result, f"uploaded as {_shown(result.internal_name)}{token}")


def ws_download(args: argparse.Namespace) -> int:
    with _worldserver(args) as ws:
        return _download(
            args,
            args.filename,
            lambda dest, **k: ws.download(
                args.filename,
                dest,
                resource_type=args.resource_type,
                resource_id=args.resource_id,
                attribute_name=args.attribute_name,
                download_token=args.download_token,
                **k,
            ),
        )
