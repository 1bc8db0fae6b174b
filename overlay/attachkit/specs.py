"""The OpenAPI specs the clients were generated from, as data.

The same YAML files drive client-side parameter validation and the mock service's routing and
request validation, so the three can never disagree. In a wheel they live inside the package
(``attachkit/specs/``); in a source checkout they are the repository's ``specs/``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SERVICES = ("codearts-req", "coc", "worldserver")


def specs_dir() -> Path:
    packaged = Path(__file__).resolve().parent / "specs"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "specs"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError("attachkit's OpenAPI specs are missing from this installation")


def spec_path(service: str) -> Path:
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}; expected one of {', '.join(SERVICES)}")
    return specs_dir() / f"{service}.yaml"


@functools.cache
def load_spec(service: str) -> dict[str, Any]:
    """The parsed spec of ``service``. Parsed once per process; treat the result as read-only."""
    import yaml  # only needed on first use: keeps `import attachkit` and the CLI fast

    # libyaml's loader, where PyYAML was built with it, parses the specs about ten times faster.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with spec_path(service).open(encoding="utf-8") as f:
        loaded: dict[str, Any] = yaml.load(f, Loader=loader)  # noqa: S506 - a safe loader
    return loaded


def resolve_ref(spec: dict[str, Any], node: Any) -> Any:
    """Follow local ``$ref`` pointers (``#/components/...``) until a non-reference node."""
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            raise ValueError(f"only local references are supported, got {ref!r}")
        node = spec
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def operations(service: str) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """operationId -> (HTTP method in upper case, path template, operation object)."""
    spec = load_spec(service)
    found: dict[str, tuple[str, str, dict[str, Any]]] = {}
    for path, item in spec.get("paths", {}).items():
        for method, operation in item.items():
            if method in {"get", "put", "post", "delete", "patch", "head", "options"}:
                found[operation["operationId"]] = (method.upper(), path, operation)
    return found


def parameters(service: str, operation_id: str) -> list[dict[str, Any]]:
    """The operation's parameters, path-level ones included, with references resolved."""
    spec = load_spec(service)
    method, path, operation = operations(service)[operation_id]
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for raw in spec["paths"][path].get("parameters", []) + operation.get("parameters", []):
        parameter = resolve_ref(spec, raw)
        merged[(parameter["in"], parameter["name"])] = parameter
    return list(merged.values())


@functools.cache
def compile_pattern(pattern: str) -> re.Pattern[str]:
    r"""A spec's ``pattern`` compiled with JSON Schema's (ECMA-262) meaning of ``$``.

    In a Python regex ``$`` also matches just before a final newline, so ``^[0-9]{18,19}$``
    would accept ``"956239067176935400\n"``; in a JSON Schema pattern ``$`` is the end of the
    input. Every ``$`` outside a character class becomes ``\Z``; use the result with ``search``.
    """
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "$":
            ch = r"\Z"
        out.append(ch)
        i += 1
    return re.compile("".join(out))


@dataclass(frozen=True, slots=True)
class UploadLimits:
    """What an upload operation accepts: its ``x-attachkit-upload-limits`` extension.

    ``max_bytes`` is None and ``extensions`` empty when the spec states no limit.
    """

    max_bytes: int | None = None
    extensions: tuple[str, ...] = ()


@functools.cache
def upload_limits(service: str, operation_id: str) -> UploadLimits:
    """The size limit and accepted file extensions the spec states for an upload operation.

    Stated once, in the spec; the clients check uploads against them before sending and the
    mock service refuses what breaks them.
    """
    _method, _path, operation = operations(service)[operation_id]
    declared = operation.get("x-attachkit-upload-limits") or {}
    max_bytes = declared.get("max-bytes")
    return UploadLimits(
        max_bytes=int(max_bytes) if max_bytes is not None else None,
        extensions=tuple(str(e).lower() for e in declared.get("extensions", ())),
    )


@functools.cache
def request_headers(service: str, operation_id: str) -> dict[str, str]:
    """Fixed headers the operation's documentation sends (``x-attachkit-request-headers``)."""
    _method, _path, operation = operations(service)[operation_id]
    declared = operation.get("x-attachkit-request-headers") or {}
    return {name: str(header["value"]) for name, header in declared.items()}
