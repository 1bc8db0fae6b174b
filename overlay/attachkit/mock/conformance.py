"""Judging a service's answer against the specs: what the validating proxy reports.

For an answer to a spec operation it checks that the status is documented (exactly, as
``2XX``, or by ``default``), that ``Content-Type`` names a media type documented for that
status, that each header the spec marks ``required`` there is present, and, for a JSON answer,
that the body fits the response schema and names no field the schema does not describe. The
last is stricter than the schemas (most let a client keep unknown fields): a service that adds
or renames a field has drifted from what the specs say, and that is what the proxy is for.
Each departure is a ``Violation``: the operation, the status, the field or header, what the
spec says and what came.

What came is described, never repeated: a string is "a string of N characters", an object
"an object with keys ...", since answers carry download tokens and session ids and departures
go to the log. Field names taken from an answer are escaped (no control characters reach a
terminal) and cut short.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from attachkit import specs
from attachkit.mock.routing import Route, RouteMatch, Router, schema_validator

__all__ = ["Conformance", "ResponseSpec", "Violation", "describe", "MAX_CHECKED_BODY"]

# A JSON answer longer than this is passed on unchecked: the proxy holds what it checks.
MAX_CHECKED_BODY = 1024 * 1024
_MAX_ERRORS = 20  # departures reported from one body
_MAX_ITEMS = 100  # array items walked for undocumented fields
_MAX_NAME = 80  # characters of a field name taken from an answer


@dataclass(frozen=True, slots=True)
class Violation:
    """One departure of an answer from its spec."""

    service: str
    operation_id: str
    status: int
    field: str  # "status", "header Content-Type", or a body pointer such as "body:/result/*/id"
    expected: str  # what the spec says
    got: str  # what came, described

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class ResponseSpec:
    """What one operation documents for one status."""

    media_types: tuple[str, ...]
    required_headers: tuple[str, ...]
    schema: dict[str, Any] | None  # the JSON schema, when a JSON body is documented
    validator: Any = field(default=None, repr=False)

    @property
    def json(self) -> bool:
        return self.schema is not None


def escape(text: str, limit: int = _MAX_NAME) -> str:
    """Printable text only (others as ``\\xNN``/``\\uNNNN``), at most ``limit`` characters."""
    shown = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text[: limit + 1])
    return shown if len(shown) <= limit else shown[:limit] + "..."


def describe(value: Any) -> str:
    """What a JSON value is, without repeating any string in it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {value!r}"[:60]
    if isinstance(value, str):
        return f"a string of {len(value)} characters"
    if isinstance(value, list):
        return f"an array of {len(value)} items"
    if isinstance(value, dict):
        keys = sorted(escape(str(k), 30) for k in value)
        more = f" and {len(keys) - 10} more" if len(keys) > 10 else ""
        return f"an object with keys {', '.join(keys[:10])}{more}" if keys else "an empty object"
    return type(value).__name__


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or media_type.endswith("+json")


def _media_matches(documented: str, actual: str) -> bool:
    documented = documented.lower()
    if documented in ("*/*", actual):
        return True
    if documented.endswith("/*"):
        return actual.startswith(documented[:-1])
    return False


def _pointer_part(part: Any) -> str:
    if isinstance(part, int):
        return "*"  # one departure per field, whichever item shows it
    return escape(str(part)).replace("~", "~0").replace("/", "~1")


def _pointer(parts: Any) -> str:
    return "body:/" + "/".join(_pointer_part(p) for p in parts) if parts else "body"


def _rule_text(validator: str, rule: Any) -> str:
    if validator == "type":
        kinds = rule if isinstance(rule, list) else [rule]
        return "of type " + " or ".join(str(k) for k in kinds)
    if validator == "enum":
        return "one of " + ", ".join(json.dumps(v) for v in rule)[:200]
    if validator == "pattern":
        return f"a string matching {rule}"
    return f"{validator} {json.dumps(rule, default=str)}"[:200]


class Conformance:
    """Checks answers against the specs; one instance per proxy (it caches compiled schemas)."""

    def __init__(self, router: Router | None = None) -> None:
        self.router = router or Router()
        self._responses: dict[tuple[str, str, int], ResponseSpec | None] = {}

    def route(self, method: str, raw_path: str) -> Route | None:
        found = self.router.match(method, raw_path)
        return found.operation if isinstance(found, RouteMatch) else None

    def response_spec(self, route: Route, status: int) -> ResponseSpec | None:
        """What ``route`` documents for ``status``; None when the status is undocumented."""
        key = (route.service, route.operation_id, status)
        if key not in self._responses:
            self._responses[key] = self._build(route, status)
        return self._responses[key]

    def _build(self, route: Route, status: int) -> ResponseSpec | None:
        spec = specs.load_spec(route.service)
        responses = route.spec.get("responses", {})
        raw = None
        for candidate in (str(status), f"{status // 100}XX", f"{status // 100}xx", "default"):
            if candidate in responses:
                raw = specs.resolve_ref(spec, responses[candidate])
                break
        if raw is None:
            return None
        content = raw.get("content", {}) or {}
        required = tuple(
            name
            for name, header in (raw.get("headers", {}) or {}).items()
            if specs.resolve_ref(spec, header).get("required") is True
        )
        schema = None
        for media_type, media in content.items():
            if _is_json(media_type.lower()) and "schema" in media:
                schema = media["schema"]
                break
        validator = None
        if schema is not None:
            validator = schema_validator(schema, spec.get("components", {}))
        return ResponseSpec(tuple(content), required, schema, validator)

    # -- the checks --------------------------------------------------------------------------

    def check_head(
        self, route: Route, method: str, status: int, headers: Mapping[str, str]
    ) -> list[Violation]:
        """Status, Content-Type and required headers. ``headers`` have lower-case names."""

        def violation(field_name: str, expected: str, got: str) -> Violation:
            return Violation(route.service, route.operation_id, status, field_name, expected, got)

        documented = self.response_spec(route, status)
        if documented is None:
            codes = ", ".join(sorted(route.spec.get("responses", {})))
            return [violation("status", f"one of {codes}", str(status))]
        found: list[Violation] = []
        for name in documented.required_headers:
            if name.lower() not in headers:
                found.append(violation(f"header {name}", "present (required)", "absent"))
        if documented.media_types and method != "HEAD" and status not in (204, 304):
            content_type = headers.get("content-type")
            wanted = " or ".join(documented.media_types)
            if content_type is None:
                found.append(violation("header Content-Type", wanted, "absent"))
            else:
                actual = _media_type(content_type)
                if not any(_media_matches(m, actual) for m in documented.media_types):
                    found.append(violation("header Content-Type", wanted, escape(actual)))
        return found

    def wants_body(
        self, route: Route, method: str, status: int, headers: Mapping[str, str]
    ) -> bool:
        """Whether the body is worth holding for ``check_body``: a JSON answer where the spec
        documents a JSON schema."""
        documented = self.response_spec(route, status)
        if documented is None or not documented.json or method == "HEAD":
            return False
        return _is_json(_media_type(headers.get("content-type", "")))

    def check_body(self, route: Route, status: int, body: bytes) -> list[Violation]:
        """The JSON body against the documented schema, and fields the schema does not name."""
        documented = self.response_spec(route, status)
        if documented is None or documented.schema is None:
            return []

        def violation(field_name: str, expected: str, got: str) -> Violation:
            return Violation(route.service, route.operation_id, status, field_name, expected, got)

        if not body.strip():
            return [violation("body", "a JSON body", "an empty body")]
        try:
            value = json.loads(body, parse_constant=_reject_constant)
        except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
            return [violation("body", "JSON", "a body that is not JSON")]
        found: dict[str, Violation] = {}  # one per field: array items share theirs ("*")

        def add(field_name: str, expected: str, got: str) -> None:
            if field_name not in found and len(found) < _MAX_ERRORS:
                found[field_name] = violation(field_name, expected, got)

        for error in documented.validator.iter_errors(value):
            if len(found) >= _MAX_ERRORS:
                break
            path = list(error.absolute_path)
            if error.validator == "required" and isinstance(error.instance, dict):
                for name in error.validator_value:
                    if name not in error.instance:
                        add(_pointer([*path, name]), "present (required)", "absent")
                continue
            add(
                _pointer(path),
                _rule_text(str(error.validator), error.validator_value),
                describe(error.instance),
            )
        spec = specs.load_spec(route.service)
        for parts, names, extra in _undocumented(spec, documented.schema, value):
            expected = "only the documented fields " + ", ".join(sorted(names))
            add(_pointer(parts), expected[:300], describe(extra))
        return list(found.values())


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _undocumented(
    spec: dict[str, Any], schema: Any, value: Any
) -> list[tuple[list[Any], list[str], Any]]:
    """(path, the documented names, the value) of each object member the schema does not
    describe, walking the body and its schema together (``properties``, ``allOf``, ``items``;
    a ``anyOf``/``oneOf`` or ``patternProperties`` object is not judged)."""
    found: list[tuple[list[Any], list[str], Any]] = []
    seen: set[str] = set()  # array items share a pointer: one report per field
    stack: list[tuple[Any, Any, list[Any]]] = [(schema, value, [])]
    while stack and len(found) < _MAX_ERRORS:
        node, instance, path = stack.pop()
        node = specs.resolve_ref(spec, node)
        if not isinstance(node, dict):
            continue
        if isinstance(instance, dict):
            properties: dict[str, Any] = {}
            for part in [node, *node.get("allOf", [])]:
                properties.update(specs.resolve_ref(spec, part).get("properties", {}))
            judged = bool(properties) and not ({"anyOf", "oneOf", "patternProperties"} & set(node))
            for key, member in instance.items():
                if key in properties:
                    stack.append((properties[key], member, [*path, key]))
                elif judged and _pointer([*path, key]) not in seen:
                    seen.add(_pointer([*path, key]))
                    found.append(([*path, key], list(properties), member))
        elif isinstance(instance, list) and "items" in node:
            for index, item in enumerate(instance[:_MAX_ITEMS]):
                stack.append((node["items"], item, [*path, index]))
    return found
