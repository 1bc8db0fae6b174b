"""scripts/validate-specs accepts the committed specs and catches what OpenAPI validation misses."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.scripts_loader import ROOT, load_script

validate_specs = load_script("validate-specs")


def test_committed_specs_are_valid() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "validate-specs")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 specs valid" in result.stdout


Mutation = Callable[[dict[str, Any]], object]


def broken_copy(tmp_path: Path, service: str, mutate: Mutation) -> Path:
    spec = yaml.safe_load((ROOT / "specs" / f"{service}.yaml").read_text(encoding="utf-8"))
    mutate(spec)
    path = tmp_path / f"{service}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


SCRUM_UPLOAD = "/v4/projects/{project_id}/issues/{issue_id}/attachments/upload"
SCRUM_ITEM = "/v4/projects/{project_id}/issues/{issue_id}/attachments/{attachment_id}"


def scrum_download(spec: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = spec["paths"][SCRUM_ITEM]["get"]
    return operation


def delete_link(spec: dict[str, Any]) -> dict[str, Any]:
    link: dict[str, Any] = spec["paths"][SCRUM_UPLOAD]["post"]["responses"]["200"]["links"][
        "DeleteUploadedAttachment"
    ]
    return link


def drop_4xx(spec: dict[str, Any]) -> None:
    responses = scrum_download(spec)["responses"]
    del responses["400"], responses["401"]


def break_media_example(spec: dict[str, Any]) -> None:
    media = spec["components"]["responses"]["BadRequest"]["content"]["application/json"]
    del media["examples"]["noPermission"]["value"]["error_code"]


def break_schema_example(spec: dict[str, Any]) -> None:
    spec["components"]["parameters"]["ScrumProjectId"]["schema"]["examples"] = ["short"]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda s: scrum_download(s).pop("operationId"), "missing operationId"),
        (lambda s: scrum_download(s).pop("summary"), "missing summary"),
        (drop_4xx, "no 4xx response documented"),
        (break_media_example, "example does not match its schema"),
        (break_schema_example, "example does not match its schema"),
        (lambda s: delete_link(s).update(operationId="nope"), "no operation 'nope'"),
        (
            lambda s: delete_link(s)["parameters"].update(bogus="$response.body#/id"),
            "has no parameter 'bogus'",
        ),
        (lambda s: s.pop("info"), "not valid OpenAPI"),
    ],
    ids=[
        "operationId", "summary", "4xx", "media-example", "schema-example", "link-op",
        "link-param", "openapi",
    ],
)  # fmt: skip
def test_validator_reports_each_broken_rule(
    tmp_path: Path, mutate: Mutation, expected: str
) -> None:
    problems = validate_specs.check_spec(broken_copy(tmp_path, "codearts-req", mutate))
    assert any(expected in problem for problem in problems), problems
