"""scripts/validate-specs accepts the committed specs and catches what OpenAPI validation misses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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


def broken_copy(tmp_path: Path, service: str, mutate) -> Path:  # type: ignore[no-untyped-def]
    spec = yaml.safe_load((ROOT / "specs" / f"{service}.yaml").read_text(encoding="utf-8"))
    mutate(spec)
    path = tmp_path / f"{service}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def scrum_download(spec: dict) -> dict:  # type: ignore[type-arg]
    return spec["paths"]["/v4/projects/{project_id}/issues/{issue_id}/attachments/{attachment_id}"]["get"]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda s: scrum_download(s).pop("operationId"), "missing operationId"),
        (lambda s: scrum_download(s).pop("summary"), "missing summary"),
        (lambda s: scrum_download(s)["responses"].pop("400") and scrum_download(s)["responses"].pop("401"),
         "no 4xx response documented"),
        (lambda s: s["components"]["responses"]["BadRequest"]["content"]["application/json"]["examples"]
         ["noPermission"]["value"].pop("error_code"), "example does not match its schema"),
        (lambda s: s["components"]["parameters"]["ScrumProjectId"]["schema"].update(examples=["short"]),
         "example does not match its schema"),
        (lambda s: s["paths"]["/v4/projects/{project_id}/issues/{issue_id}/attachments/upload"]["post"]
         ["responses"]["200"]["links"]["DeleteUploadedAttachment"].update(operationId="nope"),
         "no operation 'nope'"),
        (lambda s: s["paths"]["/v4/projects/{project_id}/issues/{issue_id}/attachments/upload"]["post"]
         ["responses"]["200"]["links"]["DeleteUploadedAttachment"]["parameters"].update(bogus="$response.body#/id"),
         "has no parameter 'bogus'"),
        (lambda s: s.pop("info"), "not valid OpenAPI"),
    ],
    ids=["operationId", "summary", "4xx", "media-example", "schema-example", "link-op", "link-param", "openapi"],
)
def test_validator_reports_each_broken_rule(tmp_path: Path, mutate, expected: str) -> None:  # type: ignore[no-untyped-def]
    problems = validate_specs.check_spec(broken_copy(tmp_path, "codearts-req", mutate))
    assert any(expected in problem for problem in problems), problems
