"""Every error attachkit raises, in one place.

``AttachkitError`` is the root; callers who want one ``except`` clause use it. ``APIError`` and
its subclasses carry what the service said (status, ``error_code``, ``error_msg``, request id);
the others describe failures on our side of the wire. No message ever contains a secret: the
constructors take only the fields below, never credentials or raw request headers.
"""

from __future__ import annotations

import builtins

__all__ = [
    "AttachkitError",
    "ConfigurationError",
    "CredentialsNotFoundError",
    "InsecureCredentialsFileWarning",
    "ValidationError",
    "TransportError",
    "TimeoutError",
    "BodyNotReplayableError",
    "IntegrityError",
    "DestinationExistsError",
    "LocalFileError",
    "PartialInUseError",
    "ResponseTooLargeError",
    "UnexpectedResponseError",
    "APIError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "RateLimitedError",
    "ServerError",
    "api_error_class_for",
]


class AttachkitError(Exception):
    """Root of every error raised by attachkit."""


class ConfigurationError(AttachkitError):
    """The client was set up wrongly (unknown region, no endpoint, conflicting options)."""


class CredentialsNotFoundError(ConfigurationError):
    """No AK/SK was found; ``searched`` lists every place that was looked at, in order."""

    def __init__(self, searched: list[str]) -> None:
        self.searched = list(searched)
        places = "\n".join(f"  - {place}" for place in self.searched)
        super().__init__(f"no Huawei Cloud AK/SK credentials found; looked in:\n{places}")


class InsecureCredentialsFileWarning(UserWarning):
    """The credentials file in use can be read or changed by users other than its owner.

    A warning, not an error (as ssh warns about its configuration): the file is still used.
    The message names the file and the fix, ``chmod 600 FILE``.
    """


class ValidationError(AttachkitError, ValueError):
    """A parameter breaks its spec constraint; raised before anything is sent."""

    def __init__(self, parameter: str, problem: str, rule: str) -> None:
        self.parameter = parameter
        self.problem = problem
        self.rule = rule
        super().__init__(f"invalid {parameter}: {problem} (rule: {rule})")


class TransportError(AttachkitError):
    """The request did not get an HTTP answer: connection refused, reset, cut mid-body."""


class TimeoutError(TransportError, builtins.TimeoutError):  # noqa: A001 - the public name
    """A connect, read, write or pool timeout expired."""


class BodyNotReplayableError(TransportError):
    """The request had to be sent again, but its body came from a one-shot stream (a pipe).

    A WorldServer re-login after 401 repeats the request; an upload read from a non-seekable
    file object has already been consumed by then. Upload from a path, bytes or a seekable file
    when the request may need to be sent twice.
    """


class IntegrityError(AttachkitError):
    """The bytes received do not match what the server promised (size or checksum)."""


class DestinationExistsError(AttachkitError, FileExistsError):
    """A download would overwrite an existing file and ``overwrite=True`` was not given."""


class LocalFileError(AttachkitError):
    """A local file could not be read or written.

    ``path`` is the file (or directory) involved and ``reason`` the operating system's words for
    what went wrong (its ``strerror``: "No space left on device", "Permission denied", …).
    """

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class PartialInUseError(LocalFileError):
    """Another attachkit run is writing this partial download (it holds the file's lock).

    A partial download is written by one run at a time; a second run stops here, before it
    touched the file, and ``attachkit clean`` leaves such a file alone.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.reason = "another attachkit run is writing it"
        AttachkitError.__init__(
            self, f"another attachkit run is writing {path}; let it finish, or stop it, first"
        )


class ResponseTooLargeError(AttachkitError):
    """The server sent, or announced, more than the limit allows.

    The limits: a download's ``max_bytes`` (by default the service's documented maximum where
    there is one) and the cap on a JSON answer (``max_answer_bytes``).
    """


class UnexpectedResponseError(AttachkitError):
    """The service answered with success (2xx), but not in a way its spec documents.

    Either the status is not one the operation documents, or the body does not parse into the
    documented model. ``problem`` says which, in our words: the body itself is never quoted,
    since a success answer can carry tokens (a WorldServer ``downloadToken``, say).
    """

    def __init__(
        self,
        status: int,
        problem: str,
        *,
        service: str | None = None,
        operation: str | None = None,
    ) -> None:
        self.status = status
        self.problem = problem
        self.service = service
        self.operation = operation
        where = f"{service}.{operation}: " if service and operation else ""
        super().__init__(f"{where}HTTP {status} answer does not match the spec: {problem}")


class APIError(AttachkitError):
    """The service answered with an error status."""

    def __init__(
        self,
        status: int,
        error_code: str | None = None,
        error_msg: str | None = None,
        *,
        request_id: str | None = None,
        service: str | None = None,
        operation: str | None = None,
    ) -> None:
        self.status = status
        self.error_code = error_code
        self.error_msg = error_msg
        self.request_id = request_id
        self.service = service
        self.operation = operation
        where = f"{service}.{operation}" if service and operation else (service or operation or "")
        parts = [f"HTTP {status}"]
        if error_code:
            parts.append(error_code)
        if error_msg:
            parts.append(error_msg)
        text = ": ".join(parts)
        if where:
            text = f"{where}: {text}"
        if request_id:
            text += f" (request id {request_id})"
        super().__init__(text)


class BadRequestError(APIError):
    """HTTP 400."""


class AuthenticationError(APIError):
    """HTTP 401: bad signature, stale date, locked AK, wrong password or expired token."""


class PermissionDeniedError(APIError):
    """HTTP 403."""


class NotFoundError(APIError):
    """HTTP 404."""


class ConflictError(APIError):
    """HTTP 409."""


class RateLimitedError(APIError):
    """HTTP 429."""


class ServerError(APIError):
    """HTTP 5xx."""


_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitedError,
}


def api_error_class_for(status: int) -> type[APIError]:
    """The most specific ``APIError`` subclass for an HTTP status."""
    if status >= 500:
        return ServerError
    return _BY_STATUS.get(status, APIError)
