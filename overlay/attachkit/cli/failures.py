"""What a failed command tells its user: an exit code, one line on stderr, a JSON object.

The library speaks Python (``overwrite=True``, ``endpoint=``, parameter names such as
``project_id``); the command line speaks in flags. This module turns one into the other, keeps
every message on one line, and escapes whatever text the server contributed.
"""

from __future__ import annotations

import argparse
import re
from typing import Any

from attachkit import errors
from attachkit.cli.exit_codes import (
    EXIT_AUTH,
    EXIT_INTEGRITY,
    EXIT_NOT_FOUND,
    EXIT_SERVICE_ERROR,
    EXIT_TRANSPORT,
    EXIT_USAGE,
)
from attachkit.cli.terminal import safe_text

# The gateway's answer to a signature it cannot verify, and its lock-out (FACTS.md: "after 5
# failures in a row it locks that AK for 5 minutes").
BAD_SIGNATURE = "APIG.0301"
LOCKOUT_FAILURES = 5
LOCKOUT_MINUTES = 5

# What the mock service and `attachkit tour` need beyond the base install.
MOCK_EXTRA_MODULES = frozenset({"uvicorn", "jsonschema"})
MOCK_EXTRA_INSTALL = "pip install 'attachkit[mock]'"


class UsageError(Exception):
    """A mistake in the command line itself, found by argparse or by a handler."""

    def __init__(self, message: str, *, parameter: str | None = None) -> None:
        self.parameter = parameter
        super().__init__(message)


class MissingExtraError(Exception):
    """The command needs an optional dependency that is not installed."""

    def __init__(self, command: str, module: str) -> None:
        self.module = module
        super().__init__(
            f"{command} needs the 'mock' extra, which is not installed (no module named "
            f"{module!r}); install it with: {MOCK_EXTRA_INSTALL}"
        )


# Most specific first: the first class an error is an instance of decides the exit code.
_EXIT_FOR_ERROR: tuple[tuple[type[BaseException], int], ...] = (
    (UsageError, EXIT_USAGE),
    (MissingExtraError, EXIT_USAGE),
    (errors.CredentialsNotFoundError, EXIT_AUTH),
    (errors.AuthenticationError, EXIT_AUTH),
    (errors.PermissionDeniedError, EXIT_AUTH),
    (errors.NotFoundError, EXIT_NOT_FOUND),
    (errors.DestinationExistsError, EXIT_USAGE),
    (errors.LocalFileError, EXIT_USAGE),
    (errors.IntegrityError, EXIT_INTEGRITY),
    (errors.TransportError, EXIT_TRANSPORT),
    (errors.ValidationError, EXIT_USAGE),
    (errors.ConfigurationError, EXIT_USAGE),
    (errors.APIError, EXIT_SERVICE_ERROR),
    # A success status with an answer the spec does not document: the service did answer, so
    # this is not "no answer" (EXIT_TRANSPORT) but something about the service to look into.
    (errors.UnexpectedResponseError, EXIT_SERVICE_ERROR),
    # The local file system (no space, no permission, not a directory) that the library did
    # not already wrap in LocalFileError: the user's environment, not the service.
    (OSError, EXIT_USAGE),
)


def exit_code_for(error: BaseException) -> int | None:
    """The exit code for an expected failure; None for a bug in attachkit."""
    for error_type, code in _EXIT_FOR_ERROR:
        if isinstance(error, error_type):
            return code
    return None


# --- the library's words -> the command line's words -------------------------------------------

# Keyword arguments named in library messages, and the flag that does the same on the command
# line. Longest first, so "ak= and sk=" is replaced before a lone "sk=" could be.
_KEYWORD_TO_FLAG = (
    ("explicit arguments ak= and sk=", "--ak and --sk"),
    ("pass overwrite=True", "pass --overwrite"),
    ("overwrite=True", "--overwrite"),
    ("give endpoint=", "give --endpoint"),
    ("needs endpoint= or a region", "needs --endpoint or --region"),
    ("needs endpoint=", "needs --endpoint"),
    ("(pass endpoint=)", "(pass --endpoint)"),
    ("needs size= for", "needs --size for"),
    ("size=", "--size "),
)

# Spec parameter names (and the facades' argument names) -> flags.
_PARAMETER_FLAGS = {
    "project_id": "--project-id",
    "issue_id": "--issue-id",
    "attachment_id": "--attachment-id",
    "id": "--attachment-id",
    "source_project_id": "--source-project-id",
    "doc_id": "--doc-id",
    "attributeDefinitionId": "--attribute-definition-id",
    "resourceType": "--resource-type",
    "resourceId": "--resource-id",
    "attributeName": "--attribute-name",
    "downloadToken": "--download-token",
    "filename": "--filename",
}
_ERRNO_PREFIX = re.compile(r"^\[Errno -?\d+\]\s*")


def flag_for(parameter: str, args: argparse.Namespace | None) -> str:
    """The flag that set ``parameter`` in this command: an upload's name is ``--store-as`` when
    one was given, and its file (its size) is always the ``FILE`` argument."""
    if parameter in {"filename", "file"} and getattr(args, "upload", False):
        named = parameter == "filename" and getattr(args, "store_as", None)
        return "--store-as" if named else "FILE"
    return _PARAMETER_FLAGS.get(parameter, parameter)


def _validation_message(error: errors.ValidationError, args: argparse.Namespace | None) -> str:
    flag = flag_for(error.parameter, args)
    if flag == "FILE":
        # The file itself is refused (too large, a type not accepted): name it, not a flag.
        source = getattr(args, "file", None)
        where = "standard input: " if source == "-" else ""
        return f"{where}{error.problem} (rule: {error.rule})"
    return f"invalid {flag}: {error.problem} (rule: {error.rule})"


def in_cli_words(text: str) -> str:
    for keyword, flag in _KEYWORD_TO_FLAG:
        text = text.replace(keyword, flag)
    return text


def _endpoint_of(error: BaseException) -> tuple[str, int] | None:
    """Host and port of the request behind a transport error (httpx keeps it on the cause).

    Only those two: the URL's query may carry a WorldServer ``downloadToken``.
    """
    import httpx

    seen = error.__cause__ or error.__context__
    while seen is not None:
        if isinstance(seen, httpx.RequestError):
            try:
                url = seen.request.url
            except RuntimeError:  # raised without a request
                return None
            port = url.port or {"https": 443, "http": 80}.get(url.scheme)
            return (url.host, port) if port else None
        seen = seen.__cause__ or seen.__context__
    return None


def _transport_message(error: errors.TransportError) -> str:
    import httpx

    where = _endpoint_of(error)
    if where is None:
        return str(error)
    host, port = where
    address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    cause = error.__cause__
    if isinstance(cause, httpx.ConnectError):
        operation = str(error).split(": ", 1)[0] if ": " in str(error) else ""
        reason = _ERRNO_PREFIX.sub("", str(cause)) or "failed"
        prefix = f"{operation}: " if operation and " " not in operation else ""
        return f"{prefix}cannot connect to {address}: {reason} (check --endpoint or --region)"
    return f"{error} (talking to {address})"


def _api_message(error: errors.APIError, args: argparse.Namespace | None) -> str:
    message = str(error)
    download_token = getattr(args, "download_token", None)
    if (
        error.service == "worldserver"
        and error.status == 400
        and "not available for download" in (error.error_msg or "")
        and not download_token
    ):
        message += (
            "; a file not yet attached to a resource is fetched with --download-token "
            "(printed by the upload)"
        )
    source = getattr(args, "credentials_source", None)
    if isinstance(error, errors.AuthenticationError) and error.error_code == BAD_SIGNATURE:
        where = f"; the AK/SK came from {source}: check the SK there" if source else ""
        message += (
            f"{where} (after {LOCKOUT_FAILURES} failures in a row the gateway locks the AK for "
            f"{LOCKOUT_MINUTES} minutes, and then refuses even the right SK)"
        )
    return message


def message_for(error: BaseException, args: argparse.Namespace | None = None) -> str:
    """One line for the user, in flags, with server-supplied text escaped."""
    if isinstance(error, errors.CredentialsNotFoundError):
        message = "no Huawei Cloud AK/SK credentials found; looked in: " + "; ".join(error.searched)
    elif isinstance(error, errors.ValidationError):
        message = _validation_message(error, args)
    elif isinstance(error, errors.TransportError):
        message = _transport_message(error)
    elif isinstance(error, errors.APIError):
        message = _api_message(error, args)
    elif isinstance(error, OSError) and not isinstance(error, errors.AttachkitError):
        # Raised with a message only, strerror and filename are None: use the message.
        if error.strerror and error.filename is not None:
            message = f"{error.filename}: {error.strerror}"
        else:
            message = str(error) or type(error).__name__
    else:
        message = str(error) or type(error).__name__
    return safe_text(in_cli_words(message))


def error_object(
    error: BaseException, code: int, args: argparse.Namespace | None = None
) -> dict[str, Any]:
    """The ``--json`` form of a failure: the same keys for every error, null where unknown."""
    obj: dict[str, Any] = {
        "error": type(error).__name__,
        "message": message_for(error, args),
        "exit_code": code,
        "status": getattr(error, "status", None),
        "error_code": getattr(error, "error_code", None),
        "error_msg": getattr(error, "error_msg", None),
        "request_id": getattr(error, "request_id", None),
        "service": getattr(error, "service", None),
        "operation": getattr(error, "operation", None),
    }
    if isinstance(error, errors.ValidationError):
        obj["parameter"] = flag_for(error.parameter, args)
    elif isinstance(error, UsageError) and error.parameter:
        obj["parameter"] = error.parameter
    if isinstance(error, errors.LocalFileError):
        obj["path"] = error.path
    return obj


def missing_extra(error: ModuleNotFoundError, command: str) -> MissingExtraError | None:
    """A ``MissingExtraError`` when ``error`` is a module of the mock extra that is absent."""
    module = (error.name or "").partition(".")[0]
    if module in MOCK_EXTRA_MODULES:
        return MissingExtraError(command, module)
    return None
