"""scripts/validate-specs accepts the committed specs and catches what OpenAPI validation misses."""

from __future__ import annotations

import shutil
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


def unsourced_constraint(spec: dict[str, Any]) -> None:
    del spec["components"]["parameters"]["ScrumProjectId"]["schema"]["x-attachkit-source"]


def unsourced_status(spec: dict[str, Any]) -> None:
    del scrum_download(spec)["x-attachkit-status-sources"]["400"]


def unsourced_header(spec: dict[str, Any]) -> None:
    del spec["components"]["responses"]["AttachmentBytes"]["headers"]["ETag"]["x-attachkit-source"]


def unsourced_link(spec: dict[str, Any]) -> None:
    del delete_link(spec)["x-attachkit-source"]


def unknown_source(spec: dict[str, Any]) -> None:
    scrum_download(spec)["x-attachkit-status-sources"]["200"] = "a blog post"


def unsourced_request_header(spec: dict[str, Any]) -> None:
    operation = spec["paths"]["/ws-api/v1/files/attachments"]["get"]
    del operation["x-attachkit-request-headers"]["Content-Type"]["x-attachkit-source"]


def empty_assumption(spec: dict[str, Any]) -> None:
    scrum_download(spec)["x-attachkit-status-sources"]["200"] = {"assumption": " "}


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
        (unsourced_constraint, "parameter ScrumProjectId (pattern, minLength, maxLength): "
                               "constraint with no x-attachkit-source"),
        (unsourced_status, "downloadScrumAttachment answers 400: status with no "
                           "x-attachkit-source"),
        (unsourced_header, "AttachmentBytes header ETag: header with no x-attachkit-source"),
        (unsourced_link, "DeleteUploadedAttachment: link with no x-attachkit-source"),
        (unknown_source, "unknown source 'a blog post'"),
        (empty_assumption, "an assumption is written {assumption: <what is assumed>}"),
    ],
    ids=[
        "operationId", "summary", "4xx", "media-example", "schema-example", "link-op",
        "link-param", "openapi", "unsourced-constraint", "unsourced-status", "unsourced-header",
        "unsourced-link", "unknown-source", "empty-assumption",
    ],
)  # fmt: skip
def test_validator_reports_each_broken_rule(
    tmp_path: Path, mutate: Mutation, expected: str
) -> None:
    problems = validate_specs.check_spec(broken_copy(tmp_path, "codearts-req", mutate))
    assert any(expected in problem for problem in problems), problems


def test_every_statement_of_the_committed_specs_names_a_source() -> None:
    sources = validate_specs._specsources
    for service in ("codearts-req", "coc", "worldserver"):
        spec = yaml.safe_load((ROOT / "specs" / f"{service}.yaml").read_text(encoding="utf-8"))
        found = list(sources.statements(spec))
        # Each kind is present, so a walker that skipped one would not pass unnoticed.
        assert {s.kind for s in found} >= {"constraint", "status", "header", "link"}, service
        assert [s for s in found if sources.source_problems(s.source)] == [], service


def test_the_scrum_upload_id_link_is_marked_as_an_assumption() -> None:
    spec = yaml.safe_load((ROOT / "specs" / "codearts-req.yaml").read_text(encoding="utf-8"))
    links = spec["paths"][SCRUM_UPLOAD]["post"]["responses"]["200"]["links"]
    assert links
    for link in links.values():
        assert "assumption" in link["x-attachkit-source"]


def test_readme_assumptions_table_is_current(tmp_path: Path) -> None:
    command = [sys.executable, str(ROOT / "scripts" / "assumptions"), "--check"]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr

    # A copy whose spec gains an assumption: the check notices, the script fixes it.
    for part in ("scripts", "specs"):
        shutil.copytree(ROOT / part, tmp_path / part)
    (tmp_path / "docs").mkdir()
    shutil.copy(ROOT / "docs" / "assumptions.md", tmp_path / "docs" / "assumptions.md")
    spec_file = tmp_path / "specs" / "coc.yaml"
    spec_file.write_text(
        spec_file.read_text(encoding="utf-8").replace(
            '"401": facts', '"401":\n          assumption: A brand-new guess.', 1
        ),
        encoding="utf-8",
    )
    copy = [sys.executable, str(tmp_path / "scripts" / "assumptions")]
    stale = subprocess.run([*copy, "--check"], capture_output=True, text=True)
    assert stale.returncode == 1 and "stale" in stale.stdout
    assert subprocess.run(copy, capture_output=True, text=True).returncode == 0
    assert "| coc | uploadAttachment answers 401 | A brand-new guess. |" in (
        tmp_path / "docs" / "assumptions.md"
    ).read_text(encoding="utf-8")


def test_a_fixed_request_header_needs_a_source(tmp_path: Path) -> None:
    path = broken_copy(tmp_path, "worldserver", unsourced_request_header)
    problems = validate_specs.check_spec(path)
    assert any(
        "getAttributeFiles request header Content-Type: header with no x-attachkit-source" in p
        for p in problems
    ), problems
