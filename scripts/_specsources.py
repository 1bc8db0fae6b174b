"""Where each statement of a spec comes from: its ``x-attachkit-source`` extensions.

Every constraint, documented status code, header, link and upload limit in specs/ names what
backs it, so a reader can tell what the services document from what attachkit assumes:

    x-attachkit-source: seed-000                  # one of the source documents (seeds/000_*.txt)
    x-attachkit-source: [seed-001, sdk-3.1.219]   # several
    x-attachkit-source:                           # nothing backs it: attachkit assumes it
      assumption: Downloads send an ETag that If-Range can name.

Tokens: ``seed-000`` to ``seed-004`` (the source documents), ``sdk-3.1.219`` (the official
Huawei Python SDK's models and ``_http_info``), ``facts`` (FACTS.md: the services' public
documentation). Where the extension goes:

- a schema with a constraint keyword (pattern, lengths, bounds, enum, const, default,
  required, ...): on that schema;
- a status code: in the operation's ``x-attachkit-status-sources`` map, status -> source (the
  Responses Object cannot carry it: generators read every key there as a status);
- a header (a response header, a parameter ``in: header``, a fixed request header in the
  operation's ``x-attachkit-request-headers``): on the header or parameter;
- a link: on the link;
- an upload limit: the ``source`` of the operation's ``x-attachkit-upload-limits``.

scripts/validate-specs reports every one without a valid source; scripts/assumptions writes
the "What attachkit assumes" table of docs/assumptions.md from the assumptions.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

TOKENS = frozenset(
    {"seed-000", "seed-001", "seed-002", "seed-003", "seed-004", "sdk-3.1.219", "facts"}
)
SOURCE = "x-attachkit-source"
STATUS_SOURCES = "x-attachkit-status-sources"
UPLOAD_LIMITS = "x-attachkit-upload-limits"
REQUEST_HEADERS = "x-attachkit-request-headers"
CONSTRAINT_KEYWORDS = (
    "pattern", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "multipleOf", "enum", "const", "default", "required", "minItems",
    "maxItems", "uniqueItems", "minProperties", "maxProperties",
)  # fmt: skip
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
_MISSING = object()


@dataclass(frozen=True)
class Statement:
    """One statement that needs a source: where it is, what kind, and its source (or missing)."""

    where: str
    kind: str  # "constraint", "status", "header", "link" or "limit"
    source: Any


def source_problems(source: Any) -> list[str]:
    """What is wrong with one ``x-attachkit-source`` value; empty when it is well formed."""
    if source is _MISSING or source is None:
        return ["no x-attachkit-source"]
    items = source if isinstance(source, list) else [source]
    if not items:
        return ["an empty x-attachkit-source"]
    problems = []
    for item in items:
        if isinstance(item, str):
            if item not in TOKENS:
                problems.append(
                    f"unknown source {item!r} (expected one of {', '.join(sorted(TOKENS))} "
                    "or {assumption: text})"
                )
        elif isinstance(item, dict):
            text = item.get("assumption")
            if set(item) != {"assumption"} or not isinstance(text, str) or not text.strip():
                problems.append("an assumption is written {assumption: <what is assumed>}")
        else:
            problems.append(f"a source is a token or {{assumption: text}}, not {item!r}")
    return problems


def assumptions_of(source: Any) -> list[str]:
    items = source if isinstance(source, list) else [source]
    return [item["assumption"].strip() for item in items if isinstance(item, dict)]


def resolve(spec: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def statements(spec: dict[str, Any]) -> Iterator[Statement]:
    """Every statement of ``spec`` that needs a source, each found once."""
    components = spec.get("components", {})
    for name, schema in components.get("schemas", {}).items():
        yield from _schema_statements(schema, f"schema {name}")
    for name, parameter in components.get("parameters", {}).items():
        yield from _parameter_statements(parameter, f"parameter {name}")
    for name, header in components.get("headers", {}).items():
        yield from _header_statements(header, f"header {name}")
    for name, response in components.get("responses", {}).items():
        yield from _response_statements(response, f"response {name}")
    for name, scheme in components.get("securitySchemes", {}).items():
        if scheme.get("in") == "header":
            yield Statement(f"security scheme {name}", "header", scheme.get(SOURCE, _MISSING))

    for _path, item, method, operation in _operations(spec):
        op = operation.get("operationId", f"{method.upper()} {_path}")
        for parameter in item.get("parameters", []) + operation.get("parameters", []):
            if "$ref" not in parameter:
                yield from _parameter_statements(parameter, f"{op} parameter {parameter['name']}")
        body = operation.get("requestBody", {})
        for media_type, media in body.get("content", {}).items():
            yield from _schema_statements(media.get("schema", {}), f"{op} {media_type} body")
        status_sources = operation.get(STATUS_SOURCES, {})
        responses = operation.get("responses", {})
        for status, response in responses.items():
            source = status_sources.get(str(status), _MISSING)
            yield Statement(f"{op} answers {status}", "status", source)
            if "$ref" not in response:
                yield from _response_statements(response, f"{op} {status}")
        for status in status_sources:
            if str(status) not in {str(s) for s in responses}:
                yield Statement(f"{op} status {status}", "status", "not a documented status")
        for name, header in operation.get(REQUEST_HEADERS, {}).items():
            yield Statement(f"{op} request header {name}", "header", header.get(SOURCE, _MISSING))
        limits = operation.get(UPLOAD_LIMITS)
        if limits is not None:
            yield Statement(f"{op} upload limits", "limit", limits.get("source", _MISSING))


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], str, Any]]:
    for path, item in spec.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method in item:
                yield path, item, method, item[method]


def _parameter_statements(parameter: dict[str, Any], where: str) -> Iterator[Statement]:
    if parameter.get("in") == "header":
        yield Statement(where, "header", parameter.get(SOURCE, _MISSING))
    yield from _schema_statements(parameter.get("schema", {}), where)


def _header_statements(header: dict[str, Any], where: str) -> Iterator[Statement]:
    if "$ref" in header:
        return
    yield Statement(where, "header", header.get(SOURCE, _MISSING))
    yield from _schema_statements(header.get("schema", {}), where)


def _response_statements(response: dict[str, Any], where: str) -> Iterator[Statement]:
    for name, header in response.get("headers", {}).items():
        yield from _header_statements(header, f"{where} header {name}")
    for media_type, media in response.get("content", {}).items():
        yield from _schema_statements(media.get("schema", {}), f"{where} {media_type}")
    for name, link in response.get("links", {}).items():
        yield Statement(f"{where} link {name}", "link", link.get(SOURCE, _MISSING))


def _schema_statements(schema: Any, where: str) -> Iterator[Statement]:
    if not isinstance(schema, dict) or "$ref" in schema:
        return
    constraints = [k for k in CONSTRAINT_KEYWORDS if k in schema]
    if "required" in constraints and not schema["required"]:
        constraints.remove("required")
    if constraints:
        yield Statement(f"{where} ({', '.join(constraints)})", "constraint",
                        schema.get(SOURCE, _MISSING))  # fmt: skip
    for name, sub in schema.get("properties", {}).items():
        yield from _schema_statements(sub, f"{where}.{name}")
    if isinstance(schema.get("items"), dict):
        yield from _schema_statements(schema["items"], f"{where}[]")
    if isinstance(schema.get("additionalProperties"), dict):
        yield from _schema_statements(schema["additionalProperties"], f"{where}.*")
    for keyword in ("anyOf", "oneOf", "allOf"):
        for index, sub in enumerate(schema.get(keyword, [])):
            yield from _schema_statements(sub, f"{where} {keyword}[{index}]")
