"""Check a JSON answer against the schema its operation's spec documents, field by field.

The generated models' ``from_dict`` trust their input: given ``"result": "x"`` where the spec
documents a list of attachments, they build a model holding a string, and the caller fails far
away with an ``AttributeError``. ``answer_problem`` reads the schema of an answer from the same
spec files the clients were generated from and says, before any model is built, which field
breaks it and how (``result[0].id: expected string, got integer``), in the spec's words only:
the answer's values are never quoted, since a success answer can carry tokens.

The checker knows the part of JSON Schema the answer schemas use (``KEYWORDS``, ``ANNOTATIONS``);
a test keeps every answer schema inside it, so no constraint a spec states is silently skipped.
"""

from __future__ import annotations

import functools
from typing import Any

from attachkit import specs

__all__ = ["ANNOTATIONS", "KEYWORDS", "answer_problem", "answer_schema"]

KEYWORDS = frozenset(
    {"$ref", "type", "properties", "required", "items", "anyOf", "enum", "additionalProperties"}
)
# Keywords that document and constrain nothing a checker could check.
ANNOTATIONS = frozenset(
    {"description", "title", "examples", "example", "format", "x-attachkit-source", "assumption"}
)
_JSON_NAMES = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array",
               dict: "object", type(None): "null"}  # fmt: skip


@functools.cache
def answer_schema(service: str, operation_id: str, status: int) -> dict[str, Any] | None:
    """The JSON schema the spec documents for a ``status`` answer; None if it documents no JSON."""
    spec = specs.load_spec(service)
    _method, _path, operation = specs.operations(service)[operation_id]
    documented = operation.get("responses", {}).get(str(status))
    if documented is None:
        return None
    content = specs.resolve_ref(spec, documented).get("content", {})
    media = content.get("application/json")
    return None if media is None or "schema" not in media else media["schema"]


def answer_problem(service: str, schema: dict[str, Any], document: Any) -> str | None:
    """What in ``document`` breaks ``schema`` (of ``service``'s spec), or None when nothing does."""
    return _problem(specs.load_spec(service), schema, document, "")


def _problem(spec: dict[str, Any], schema: Any, value: Any, path: str) -> str | None:
    schema = specs.resolve_ref(spec, schema)
    where = path or "the answer"
    if "anyOf" in schema:
        options = [specs.resolve_ref(spec, option) for option in schema["anyOf"]]
        fitting = [option for option in options if _kind_fits(option, value)]
        if not fitting:
            kinds = [kind for option in options for kind in _kinds(option) or ["any"]]
            return f"{where}: expected {' or '.join(kinds)}, got {_json_name(value)}"
        problems = [_problem(spec, option, value, path) for option in fitting]
        if all(problems):
            return problems[0]
    if not _kind_fits(schema, value):
        return f"{where}: expected {' or '.join(_kinds(schema))}, got {_json_name(value)}"
    if "enum" in schema and value not in schema["enum"]:
        return f"{where}: not one of the documented values"
    if isinstance(value, dict):
        return _object_problem(spec, schema, value, path)
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            problem = _problem(spec, schema["items"], item, f"{path}[{index}]")
            if problem:
                return problem
    return None


def _object_problem(
    spec: dict[str, Any], schema: dict[str, Any], value: dict[str, Any], path: str
) -> str | None:
    for name in schema.get("required", ()):
        if name not in value:
            return f"no {name!r} field" + (f" in {path}" if path else "")
    properties = schema.get("properties", {})
    for name, sub in properties.items():
        if name in value:
            problem = _problem(spec, sub, value[name], f"{path}.{name}" if path else name)
            if problem:
                return problem
    if schema.get("additionalProperties") is False and not set(value) <= set(properties):
        return f"{path or 'the answer'}: has fields the spec does not document"
    return None


def _kinds(schema: dict[str, Any]) -> list[str]:
    kinds = schema.get("type", [])
    return [kinds] if isinstance(kinds, str) else list(kinds)


def _kind_fits(schema: dict[str, Any], value: Any) -> bool:
    kinds = _kinds(schema)
    if not kinds:
        return True
    name = _json_name(value)
    # JSON Schema: an integer is also a number.
    return name in kinds or (name == "integer" and "number" in kinds)


def _json_name(value: Any) -> str:
    return _JSON_NAMES.get(type(value), type(value).__name__)
