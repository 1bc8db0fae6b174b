"""Check parameters against their spec constraints before anything is sent.

The generated clients do not check ``pattern``, ``minLength`` or ``maxLength``; this module reads
the rules from the same spec files the clients were generated from, so a constraint added to a
spec is enforced here without further code. A broken rule raises ``ValidationError`` naming the
parameter, what is wrong with the value, and the rule.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

from attachkit import specs
from attachkit.errors import ValidationError

_SHOWN_VALUE_LIMIT = 40
_MAX_DIGITS = 40


def _describe(value: Any) -> str:
    text = repr(value)
    if len(text) > _SHOWN_VALUE_LIMIT:
        text = text[: _SHOWN_VALUE_LIMIT - 5] + "…" + text[-4:]
    return text


class ParameterRule:
    """The constraints of one parameter, compiled once."""

    def __init__(self, name: str, required: bool, schema: Mapping[str, Any]) -> None:
        self.name = name
        self.required = required
        types = schema.get("type", "string")
        self.types = set(types) if isinstance(types, list) else {types}
        self.pattern_text: str | None = schema.get("pattern")
        self.pattern = specs.compile_pattern(self.pattern_text) if self.pattern_text else None
        self.min_length = schema.get("minLength")
        self.max_length = schema.get("maxLength")
        self.minimum = schema.get("minimum")
        self.maximum = schema.get("maximum")
        self.enum = list(schema["enum"]) if "enum" in schema else None

    def check(self, value: Any) -> None:
        if value is None:
            if self.required:
                raise ValidationError(self.name, "a value is required", "required")
            return
        value = getattr(value, "value", value)  # generated enums carry the wire value
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValidationError(
                self.name, f"{type(value).__name__} {_describe(value)}", f"type {self._type_rule()}"
            )
        if isinstance(value, int):
            self._check_integer(value)
        else:
            self._check_string(value)

    def _type_rule(self) -> str:
        return " or ".join(sorted(self.types - {"null"}))

    def _check_integer(self, value: int) -> None:
        if "integer" not in self.types:
            if "string" in self.types:
                # An integer for a string parameter is sent as its digits: check those.
                self._check_string(str(value))
                return
            raise ValidationError(self.name, f"integer {value}", f"type {self._type_rule()}")
        if self.minimum is not None and value < self.minimum:
            raise ValidationError(self.name, f"{value} is too small", f"minimum {self.minimum}")
        if self.maximum is not None and value > self.maximum:
            raise ValidationError(self.name, f"{value} is too large", f"maximum {self.maximum}")

    def _check_string(self, value: str) -> None:
        if "string" not in self.types:
            # Integer parameters also accept a string of digits, the form ids often arrive in.
            if re.fullmatch(r"-?[0-9]+", value):
                if len(value) > _MAX_DIGITS:
                    # int() refuses thousands of digits (ValueError); no bound is that long.
                    negative = value.startswith("-")
                    bound = self.minimum if negative else self.maximum
                    rule = f"{'minimum' if negative else 'maximum'} {bound}"
                    raise ValidationError(
                        self.name,
                        f"a {len(value)}-digit number is out of range",
                        rule if bound is not None else f"at most {_MAX_DIGITS} digits",
                    )
                self._check_integer(int(value))
                return
            raise ValidationError(
                self.name, f"{_describe(value)} is not a whole number", f"type {self._type_rule()}"
            )
        if self.enum is not None and value not in self.enum:
            raise ValidationError(
                self.name,
                f"{_describe(value)} is not allowed",
                "one of " + ", ".join(map(str, self.enum)),
            )
        if self.min_length is not None and len(value) < self.min_length:
            problem = "empty" if not value else f"{len(value)} characters is too short"
            raise ValidationError(self.name, problem, f"minLength {self.min_length}")
        if self.max_length is not None and len(value) > self.max_length:
            raise ValidationError(
                self.name, f"{len(value)} characters is too long", f"maxLength {self.max_length}"
            )
        if self.pattern is not None and not self.pattern.search(value):
            raise ValidationError(
                self.name, f"{_describe(value)} does not match", f"pattern {self.pattern_text}"
            )


@functools.cache
def _rules(service: str, operation_id: str) -> dict[str, ParameterRule]:
    spec = specs.load_spec(service)
    rules = {}
    for parameter in specs.parameters(service, operation_id):
        schema = specs.resolve_ref(spec, parameter.get("schema", {}))
        rules[parameter["name"]] = ParameterRule(
            parameter["name"], bool(parameter.get("required")), schema
        )
    return rules


def validate_parameters(service: str, operation_id: str, values: Mapping[str, Any]) -> None:
    """Raise ``ValidationError`` for the first value that breaks its spec rule.

    ``values`` maps the spec's parameter names (``project_id``, ``resourceType``…) to the values
    the caller gave; a parameter left out counts as not given.
    """
    rules = _rules(service, operation_id)
    unknown = set(values) - set(rules)
    if unknown:
        raise ValueError(f"{operation_id} has no parameter {', '.join(sorted(unknown))}")
    for name, rule in rules.items():
        rule.check(values.get(name))


_FILENAME_LIMIT_BYTES = 255


def validate_filename(name: str, parameter: str = "filename") -> None:
    """An upload's file name: what every service stores as a name, so no path and no controls."""
    if not name:
        raise ValidationError(parameter, "empty", "a non-empty file name")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in name):
        raise ValidationError(
            parameter,
            f"{_describe(name)} contains a control character",
            "no control characters (CR, LF, NUL…)",
        )
    if "/" in name or "\\" in name:
        raise ValidationError(
            parameter,
            f"{_describe(name)} contains a path separator",
            "a bare file name, no / or \\",
        )
    if name in {".", ".."}:
        raise ValidationError(parameter, f"{name!r} names a directory", "a file name")
    if len(name.encode("utf-8")) > _FILENAME_LIMIT_BYTES:
        raise ValidationError(
            parameter,
            f"{len(name.encode('utf-8'))} bytes is too long",
            f"at most {_FILENAME_LIMIT_BYTES} bytes in UTF-8",
        )
