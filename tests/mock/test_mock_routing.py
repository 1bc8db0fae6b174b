"""Parameter checks of the mock's routes: the plain-Python fast path answers exactly as the
spec's jsonschema validator does, for every parameter of every spec."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attachkit.mock.routing import Parameter, ParameterError, Router, SimpleSchema

ROUTER = Router()
PARAMETERS = [p for route in ROUTER.operations.values() for p in route.parameters]


def _answer(parameter: Parameter, raw: str) -> tuple[str, Any]:
    try:
        return "value", parameter.check(raw)
    except ParameterError as error:
        return "error", error.message


def _raw_values(parameter: Parameter) -> st.SearchStrategy[str]:
    schema = parameter.schema
    choices: list[st.SearchStrategy[str]] = [
        st.text(max_size=40),
        st.text(alphabet="0123456789-+.eE \n", max_size=22),
        st.integers(min_value=-(2**40), max_value=2**40).map(str),
    ]
    if "pattern" in schema:
        choices.append(st.from_regex(schema["pattern"]))
        choices.append(st.from_regex(schema["pattern"]).map(lambda s: s + "\n"))
    for listed in ("enum", "examples"):
        if listed in schema:
            choices.append(st.sampled_from([str(v) for v in schema[listed]]))
    return st.one_of(choices)


@st.composite
def _parameter_and_raw(draw: st.DrawFn) -> tuple[Parameter, str]:
    parameter = draw(st.sampled_from(PARAMETERS))
    return parameter, draw(_raw_values(parameter))


@settings(
    max_examples=600,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(_parameter_and_raw())
def test_the_fast_check_answers_like_jsonschema(case: tuple[Parameter, str]) -> None:
    parameter, raw = case
    jsonschema_only = dataclasses.replace(parameter, fast=None)
    assert _answer(parameter, raw) == _answer(jsonschema_only, raw)
    if parameter.fast is not None and parameter.fast.accepts(parameter.coerce(raw)):
        assert next(iter(parameter.validator.iter_errors(parameter.coerce(raw))), None) is None


def test_every_parameter_of_the_specs_has_a_fast_check() -> None:
    # What makes a request cheap: no parameter of today's specs needs jsonschema to pass.
    assert [p.name for p in PARAMETERS if p.fast is None] == []


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "string", "format": "uuid"},
        {"type": ["string", "null"]},
        {"type": "integer", "exclusiveMinimum": 0},
        {"type": "integer", "minimum": True},
        {"type": "string", "enum": ["a", 1]},
        {"anyOf": [{"type": "string"}]},
        {"$ref": "#/components/schemas/Id"},
        {"type": "number"},
    ],
)
def test_a_schema_the_fast_check_cannot_judge_is_left_to_jsonschema(
    schema: dict[str, Any],
) -> None:
    assert SimpleSchema.of(schema) is None


def test_the_fast_check_reads_the_plain_keywords() -> None:
    ids = SimpleSchema.of({"type": "string", "pattern": "^[0-9]+$", "maxLength": 3, "x-a": 1})
    assert ids is not None
    assert ids.accepts("123") and not ids.accepts("1234") and not ids.accepts("12\n")
    assert not ids.accepts(12)
    count = SimpleSchema.of({"type": "integer", "minimum": 1, "maximum": 9, "default": 1})
    assert count is not None
    assert count.accepts(9) and not count.accepts(10) and not count.accepts(0)
    assert not count.accepts(True) and not count.accepts("5")
