"""A spec operation as the client calls it, typed by the model its success answer parses into.

``Operation[T]`` names the service and operationId (for errors and validation), the generated
endpoint module that speaks the wire format (its ``_get_kwargs`` builds the request, method
included; its ``_parse_response`` reads the answer) and ``returns``, the generated attrs model
of the documented success answer. The executors' ``run(operation, ...) -> T`` are therefore
typed end to end, and ``returns`` is checked at run time as well: a 2xx answer that parses
into anything else is an ``UnexpectedResponseError``, never a silently wrong type.

The mock service has its own concept, ``attachkit.mock.routing.Route``: what a server needs to
match and validate a request (path template, parameter validators, body schema), read from the
spec. The two share the spec's ``(service, operation_id)`` and nothing else, which is why they
are two classes rather than one with half its fields unused on either side.
"""

from __future__ import annotations

import json
import types
from typing import Any, Generic, TypeVar

import attrs
import httpx

from attachkit import shapes
from attachkit.errors import UnexpectedResponseError
from attachkit.transfer import ErrorParser
from attachkit.untrusted import UntrustedJSONError, load_json

T = TypeVar("T")

# Safe to send again after any failure (the retry policy decides the rest).
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})


@attrs.frozen
class Operation(Generic[T]):
    """One spec operation: service, operationId, generated endpoint module, success model."""

    service: str
    operation_id: str
    endpoint: types.ModuleType = attrs.field(repr=lambda module: module.__name__)
    # The success model; ``type(None)`` for an operation whose success answer has no body.
    returns: type[T]
    error_parser: ErrorParser

    def parse(self, response: httpx.Response) -> T:
        """The success answer as ``returns``, or ``UnexpectedResponseError``.

        An answer is unexpected when its status is not one the operation documents (an empty
        one is accepted only by an operation that returns nothing), or when its body does not
        parse into ``returns`` (an empty body included). A JSON body is read by the bounded
        loader (``attachkit.untrusted``) and checked against the answer schema of the spec
        (``attachkit.shapes``) before a model is built from it, so a model never holds a field
        of an undocumented type. The error never quotes the body.
        """
        unexpected_status = self.endpoint.errors.UnexpectedStatus
        schema = shapes.answer_schema(self.service, self.operation_id, response.status_code)
        answer: Any = response
        if schema is not None:
            try:
                document = load_json(response.content)
            except UntrustedJSONError as exc:
                raise self._unexpected(
                    response, f"the body does not parse ({exc.reason})"
                ) from None
            problem = shapes.answer_problem(self.service, schema, document)
            if problem is not None:
                raise self._unexpected(response, problem)
            answer = _CheckedAnswer(response, document)
        try:
            parsed = self.endpoint._parse_response(client=_PARSE_ONLY, response=answer)
        except unexpected_status:
            if not response.content and self.returns is type(None):
                return None  # ``returns is type(None)`` narrowed T to None
            # ``from None``: the generated exception's text quotes the whole body.
            raise self._unexpected(response, "not a status the operation documents") from None
        except (ValueError, KeyError, TypeError) as exc:
            problem = f"the body does not parse ({_parse_failure(exc)})"
            raise self._unexpected(response, problem) from exc
        if not isinstance(parsed, self.returns):
            problem = f"the body is not a {self.returns.__name__}"
            raise self._unexpected(response, problem)
        return parsed

    def _unexpected(self, response: httpx.Response, problem: str) -> UnexpectedResponseError:
        return UnexpectedResponseError(
            response.status_code, problem, service=self.service, operation=self.operation_id
        )


def is_idempotent(request_kwargs: dict[str, Any]) -> bool:
    """Whether the request a generated ``_get_kwargs`` described may be sent again."""
    return str(request_kwargs["method"]).upper() in IDEMPOTENT_METHODS


def _parse_failure(exc: Exception) -> str:
    """What went wrong, without the exception's text: a ValueError can quote the body."""
    if isinstance(exc, KeyError) and exc.args:  # the key is a field name from the spec
        return f"no {str(exc.args[0])[:64]!r} field"
    if isinstance(exc, json.JSONDecodeError):
        return "not JSON"
    return type(exc).__name__


class _CheckedAnswer:
    """What a generated ``_parse_response`` reads of an answer, with the body parsed already.

    ``json()`` returns the document the bounded loader read and the shape check passed, so the
    generated code neither parses the body a second time nor without bounds.
    """

    def __init__(self, response: httpx.Response, document: Any) -> None:
        self.status_code = response.status_code
        self.headers = response.headers
        self.content = response.content
        self._document = document

    def json(self) -> Any:
        return self._document


class _ParseOnlyClient:
    """Stands in for a generated client inside ``_parse_response``, which only reads this flag.

    True: an undocumented status raises the generated ``UnexpectedStatus`` instead of quietly
    returning None, so ``parse`` can tell it from a documented answer without a body.
    """

    raise_on_unexpected_status = True


_PARSE_ONLY: Any = _ParseOnlyClient()
