"""Routes and request validation built from the OpenAPI specs, nothing hand-listed.

Every operation of every spec becomes a route; its parameters are checked against their
schemas (after the wire-string-to-type coercion OpenAPI implies) with jsonschema, and a JSON
request body against its schema. Adding an operation to a spec therefore needs only a handler
registered under its ``operationId``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from jsonschema import Draft202012Validator, ValidationError, validators

from attachkit import specs

__all__ = [
    "Route",
    "Parameter",
    "ParameterError",
    "SimpleSchema",
    "Router",
    "RouteMatch",
    "MethodNotAllowed",
    "schema_validator",
]

_INTEGER = re.compile(r"-?[0-9]+")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?")


class ParameterError(ValueError):
    """A parameter is missing or breaks its schema; ``message`` names the field and the rule."""

    def __init__(self, name: str, location: str, message: str, *, missing: bool = False) -> None:
        self.name = name
        self.location = location
        self.message = message
        self.missing = missing
        super().__init__(message)


@dataclass(slots=True)
class Parameter:
    name: str
    location: str  # path | query | header
    required: bool
    schema: dict[str, Any]
    validator: Draft202012Validator
    types: frozenset[str]
    # A plain-Python check of the schema when it is simple enough (see SimpleSchema): a value
    # it accepts skips jsonschema, which costs tens of microseconds per parameter per request.
    fast: SimpleSchema | None = None

    def coerce(self, raw: str) -> Any:
        """The typed value of a wire string, or the string itself when it does not parse."""
        # int() refuses thousands of digits (ValueError, a 500); such a value stays a string
        # and fails the type check like any other non-integer.
        if "integer" in self.types and len(raw) <= 40 and _INTEGER.fullmatch(raw):
            return int(raw)
        if "number" in self.types and _NUMBER.fullmatch(raw):
            return float(raw)
        if "boolean" in self.types and raw in ("true", "false"):
            return raw == "true"
        return raw

    def check(self, raw: str) -> Any:
        value = self.coerce(raw)
        if self.fast is not None and self.fast.accepts(value):
            return value
        # jsonschema is the authority: it words every refusal, and decides whatever the fast
        # check turned down (it may only be unsure, never more lenient).
        error = next(iter(self.validator.iter_errors(value)), None)
        if error is not None:
            raise ParameterError(
                self.name,
                self.location,
                f"{self.location} parameter '{self.name}': {_rule_text(error, value)}",
            )
        return value


# Keywords that never change whether a value is valid.
_ANNOTATIONS = frozenset({"description", "examples", "example", "default", "title", "deprecated"})
_STRING_KEYWORDS = frozenset({"type", "pattern", "minLength", "maxLength", "enum"})
_INTEGER_KEYWORDS = frozenset({"type", "minimum", "maximum"})


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True, slots=True)
class SimpleSchema:
    """A parameter schema of only ``type`` (string or integer) and the plain keywords of that
    type, checked without jsonschema. ``accepts`` is True only for a value the spec's
    validator accepts too; ``of`` gives None for any schema it cannot judge exactly.
    """

    type: str
    pattern: re.Pattern[str] | None = None
    min_length: int | None = None
    max_length: int | None = None
    enum: frozenset[str] | None = None
    minimum: int | float | None = None
    maximum: int | float | None = None

    @classmethod
    def of(cls, schema: dict[str, Any]) -> SimpleSchema | None:
        keywords = {k for k in schema if k not in _ANNOTATIONS and not k.startswith("x-")}
        kind = schema.get("type")
        if kind == "string" and keywords <= _STRING_KEYWORDS:
            pattern, enum = schema.get("pattern"), schema.get("enum")
            lengths = [schema.get("minLength"), schema.get("maxLength")]
            if not all(n is None or _is_count(n) for n in lengths):
                return None
            if pattern is not None and not isinstance(pattern, str):
                return None
            if enum is not None and not (
                isinstance(enum, list) and all(isinstance(e, str) for e in enum)
            ):
                return None
            return cls(
                "string",
                # The pattern keyword's own meaning here (see _pattern below).
                specs.compile_pattern(pattern) if pattern is not None else None,
                lengths[0],
                lengths[1],
                frozenset(enum) if enum is not None else None,
            )
        if kind == "integer" and keywords <= _INTEGER_KEYWORDS:
            bounds = [schema.get("minimum"), schema.get("maximum")]
            if not all(b is None or _is_count(b) or isinstance(b, float) for b in bounds):
                return None
            return cls("integer", minimum=bounds[0], maximum=bounds[1])
        return None

    def accepts(self, value: Any) -> bool:
        if self.type == "integer":
            if not _is_count(value):
                return False
            return (self.minimum is None or value >= self.minimum) and (
                self.maximum is None or value <= self.maximum
            )
        if not isinstance(value, str):
            return False
        # JSON Schema counts code points, as len() does.
        if self.min_length is not None and len(value) < self.min_length:
            return False
        if self.max_length is not None and len(value) > self.max_length:
            return False
        if self.enum is not None and value not in self.enum:
            return False
        return self.pattern is None or self.pattern.search(value) is not None


@dataclass(slots=True)
class Route:
    """A spec operation as the mock serves it: path template, parameter validators, body rules.

    Not ``attachkit.operations.Operation``, the client's view of the same spec operation (its
    generated endpoint module and success model): the two share the spec's
    ``(service, operation_id)`` and nothing else, so each side keeps only what it uses.
    """

    service: str
    operation_id: str
    method: str
    template: str
    segments: tuple[str | None, ...]  # a literal, or None for a path parameter
    param_names: tuple[str | None, ...]
    parameters: list[Parameter]
    requires_auth: bool
    body_media_type: str | None = None  # "application/json" | "multipart/form-data"
    body_required: bool = False
    body_validator: Draft202012Validator | None = None
    file_field: str | None = None
    spec: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def literal_count(self) -> int:
        return sum(1 for s in self.segments if s is not None)

    def validate_parameters(
        self,
        path_params: Mapping[str, str],
        query: Mapping[str, str],
        headers: Mapping[str, str],
        *,
        query_from_headers: bool = False,
    ) -> dict[str, Any]:
        """Typed values of every parameter present (defaults filled in), or ParameterError.

        ``query_from_headers`` lets a query parameter come as a header of the same name, as
        WorldServer allows for its filters; the query wins when both are given.
        """
        values: dict[str, Any] = {}
        for parameter in self.parameters:
            raw: str | None
            if parameter.location == "path":
                raw = path_params.get(parameter.name)
            elif parameter.location == "query":
                raw = query.get(parameter.name)
                if raw is None and query_from_headers:
                    raw = headers.get(parameter.name.lower())
            elif parameter.location == "header":
                if query_from_headers and parameter.name in values:
                    continue  # read with the query parameter of the same name: the query wins
                raw = headers.get(parameter.name.lower())
            else:
                continue
            if raw is None:
                if parameter.required:
                    raise ParameterError(
                        parameter.name,
                        parameter.location,
                        f"{parameter.location} parameter '{parameter.name}' is required",
                        missing=True,
                    )
                if "default" in parameter.schema:
                    values[parameter.name] = parameter.schema["default"]
                continue
            values[parameter.name] = parameter.check(raw)
        return values

    def validate_json_body(self, body: Any) -> str | None:
        """None when the body matches its schema, else a message naming the field and rule."""
        if self.body_validator is None:
            return None
        error = next(iter(self.body_validator.iter_errors(body)), None)
        if error is None:
            return None
        where = "/".join(str(p) for p in error.absolute_path) or "(body)"
        return f"body field '{where}': {error.message}"


@dataclass(frozen=True, slots=True)
class RouteMatch:
    operation: Route
    path_params: dict[str, str]


@dataclass(frozen=True, slots=True)
class MethodNotAllowed:
    service: str
    allowed: tuple[str, ...]


class Router:
    """Matches a raw request path against every spec's path templates."""

    def __init__(self, services: tuple[str, ...] = specs.SERVICES) -> None:
        self.operations: dict[tuple[str, str], Route] = {}
        # Templates grouped by segment count; within a group the most literal one wins, so a
        # fixed path like /v1/ipdprojectservice/... beats COC's /v1/{ticket_type}/... .
        self._by_length: dict[int, list[tuple[str, tuple[str | None, ...], dict[str, Route]]]] = {}
        for service in services:
            for operation in _build_operations(service):
                self.operations[(service, operation.operation_id)] = operation
                group = self._by_length.setdefault(len(operation.segments), [])
                for template, _segments, by_method in group:
                    if template == operation.template:
                        by_method[operation.method] = operation
                        break
                else:
                    group.append(
                        (operation.template, operation.segments, {operation.method: operation})
                    )
        for group in self._by_length.values():
            group.sort(key=lambda entry: -sum(1 for s in entry[1] if s is not None))

    def match(self, method: str, raw_path: str) -> RouteMatch | MethodNotAllowed | None:
        """The operation for a request, or MethodNotAllowed, or None for an unknown path.

        ``raw_path`` is still percent-encoded, so an encoded ``/`` stays inside its segment;
        each parameter segment is decoded on its own (a segment that is not UTF-8 makes the
        path unknown).
        """
        pieces = raw_path.split("/")
        by_method = self._operations_at(pieces)
        if by_method is None:
            return None
        operation = by_method.get(method)
        if operation is None:
            any_op = next(iter(by_method.values()))
            return MethodNotAllowed(any_op.service, tuple(sorted(by_method)))
        try:
            params = {
                name: unquote(got, errors="strict")
                for name, got in zip(operation.param_names, pieces, strict=True)
                if name is not None
            }
        except UnicodeDecodeError:
            return None
        return RouteMatch(operation, params)

    def _operations_at(self, pieces: list[str]) -> dict[str, Route] | None:
        """The operations (by method) of the first template the path's segments fit."""
        for _template, segments, by_method in self._by_length.get(len(pieces), []):
            # Plain loops, not all()/any() over generators: this runs for every request.
            for literal, got in zip(segments, pieces, strict=True):
                if got != literal if literal is not None else not got:
                    break  # a literal differs, or a parameter segment is empty
            else:
                return by_method
        return None


def _build_operations(service: str) -> list[Route]:
    spec = specs.load_spec(service)
    components = spec.get("components", {})
    global_security = spec.get("security", [])
    built: list[Route] = []
    for operation_id, (method, template, raw) in specs.operations(service).items():
        segments: list[str | None] = []
        names: list[str | None] = []
        for piece in template.split("/"):
            if piece.startswith("{") and piece.endswith("}"):
                segments.append(None)
                names.append(piece[1:-1])
            else:
                segments.append(piece)
                names.append(None)
        parameters = []
        for p in specs.parameters(service, operation_id):
            schema = specs.resolve_ref(spec, p.get("schema", {}))
            parameters.append(
                Parameter(
                    name=p["name"],
                    location=p["in"],
                    required=bool(p.get("required", p["in"] == "path")),
                    schema=schema,
                    validator=_validator(schema, components),
                    types=_types(spec, schema),
                    fast=SimpleSchema.of(schema),
                )
            )
        security = raw.get("security", global_security)
        operation = Route(
            service=service,
            operation_id=operation_id,
            method=method,
            template=template,
            segments=tuple(segments),
            param_names=tuple(names),
            parameters=parameters,
            requires_auth=bool(security),
            spec=raw,
        )
        body = specs.resolve_ref(spec, raw.get("requestBody"))
        if body:
            content = body.get("content", {})
            operation.body_required = bool(body.get("required", False))
            if "application/json" in content:
                operation.body_media_type = "application/json"
                schema = content["application/json"].get("schema", {})
                operation.body_validator = _validator(schema, components)
            elif "multipart/form-data" in content:
                operation.body_media_type = "multipart/form-data"
                schema = specs.resolve_ref(spec, content["multipart/form-data"].get("schema", {}))
                for name, prop in schema.get("properties", {}).items():
                    prop = specs.resolve_ref(spec, prop)
                    if prop.get("format") == "binary" or "contentMediaType" in prop:
                        operation.file_field = name
                        break
        built.append(operation)
    return built


def _pattern(validator: Any, pattern: str, instance: Any, schema: dict[str, Any]) -> Any:
    # jsonschema's own keyword uses re.search, whose "$" also matches before a final newline.
    if validator.is_type(instance, "string") and not specs.compile_pattern(pattern).search(
        instance
    ):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


# types-jsonschema leaves extend() unannotated.
_SpecValidator = validators.extend(Draft202012Validator, {"pattern": _pattern})  # type: ignore[no-untyped-call]


def _validator(schema: dict[str, Any], components: dict[str, Any]) -> Any:
    # Embedding the spec's components lets "#/components/..." references resolve in place.
    return _SpecValidator({**schema, "components": components})


def schema_validator(schema: dict[str, Any], components: dict[str, Any]) -> Any:
    """A jsonschema validator of a spec schema, as the mock checks request bodies with (the
    spec's own ``pattern`` meaning, its components resolvable); the proxy checks answers."""
    return _validator(schema, components)


def _types(spec: dict[str, Any], schema: dict[str, Any]) -> frozenset[str]:
    found: set[str] = set()
    stack = [schema]
    while stack:
        node = specs.resolve_ref(spec, stack.pop())
        declared = node.get("type")
        if isinstance(declared, str):
            found.add(declared)
        elif isinstance(declared, list):
            found.update(declared)
        for key in ("anyOf", "oneOf", "allOf"):
            stack.extend(node.get(key, []))
    return frozenset(found)


def _rule_text(error: Any, value: Any) -> str:
    validator = error.validator
    rule = error.validator_value
    if validator == "pattern":
        return f"must match the pattern {rule}"
    if validator == "type":
        return f"must be of type {rule}"
    if validator == "enum":
        return f"must be one of {', '.join(map(str, rule))}"
    if validator in ("minLength", "maxLength"):
        return f"length must be {'at least' if validator == 'minLength' else 'at most'} {rule}"
    if validator in ("minimum", "maximum"):
        return f"must be {'at least' if validator == 'minimum' else 'at most'} {rule}"
    return str(error.message)
