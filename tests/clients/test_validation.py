"""Parameters are checked against their spec rules before sending; the error names all three."""

from __future__ import annotations

import pytest

from attachkit.errors import ValidationError
from attachkit.validation import validate_filename, validate_parameters

SCRUM_PROJECT = "f7a67aee4c034fd6944fd5f769e89042"
GOOD_SCRUM = {"project_id": SCRUM_PROJECT, "issue_id": 5667740, "attachment_id": "72372"}


def scrum_download(**changes: object) -> None:
    validate_parameters("codearts-req", "downloadScrumAttachment", {**GOOD_SCRUM, **changes})


def test_valid_parameters_pass() -> None:
    scrum_download()
    scrum_download(issue_id="5667740")  # an integer id given as digits is the same id
    validate_parameters(
        "codearts-req",
        "listIpdAttachments",
        {"project_id": "gdbdf969b32694524a949b5ef6b3e124a", "issue_id": "956239067176935400"},
    )
    validate_parameters(
        "worldserver", "getAttributeFiles", {"filename": "a.txt", "resourceType": "PROJECT"}
    )


@pytest.mark.parametrize(
    ("changes", "parameter", "problem", "rule"),
    [
        ({"project_id": None}, "project_id", "a value is required", "required"),
        ({"project_id": ""}, "project_id", "empty", "minLength 32"),
        ({"project_id": "a" * 31}, "project_id", "31 characters is too short", "minLength 32"),
        ({"project_id": "a" * 33}, "project_id", "33 characters is too long", "maxLength 32"),
        (
            {"project_id": "f7a67aee4c034fd6944fd5f769e8904-"},
            "project_id",
            "does not match",
            "pattern ^[A-Za-z0-9]{32}$",
        ),
        ({"issue_id": "12ab"}, "issue_id", "'12ab' is not a whole number", "type integer"),
        ({"issue_id": 1.5}, "issue_id", "float 1.5", "type integer"),
        ({"issue_id": True}, "issue_id", "bool True", "type integer"),
        ({"issue_id": 0}, "issue_id", "0 is too small", "minimum 1"),
        ({"issue_id": 10**10}, "issue_id", "10000000000 is too large", "maximum 9999999999"),
        (
            {"attachment_id": "0123"},
            "attachment_id",
            "'0123' does not match",
            "pattern ^[1-9][0-9]{0,10}$",
        ),
        ({"attachment_id": "1\r\nX-Evil: 1"}, "attachment_id", "too long", "maxLength 11"),
        ({"attachment_id": "７２"}, "attachment_id", "does not match", "pattern"),
    ],
)
def test_each_rule_is_enforced_and_named(
    changes: dict[str, object], parameter: str, problem: str, rule: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        scrum_download(**changes)
    error = caught.value
    assert error.parameter == parameter
    assert problem in error.problem
    assert rule in error.rule
    assert parameter in str(error) and rule in str(error)


def test_enum_rule_lists_the_allowed_values() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_parameters(
            "worldserver", "getAttributeFiles", {"filename": "a", "resourceType": "USER"}
        )
    assert caught.value.rule == "one of TASK, PROJECT, PROJECT_GROUP"


def test_huge_values_are_shortened_in_the_message() -> None:
    with pytest.raises(ValidationError) as caught:
        scrum_download(attachment_id="9" * 100_000)
    assert len(str(caught.value)) < 200


def test_unknown_parameter_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="no parameter bogus"):
        scrum_download(bogus=1)


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("", "empty"),
        ("report\r\n.txt", "control character"),
        ("a\x00b", "control character"),
        ("../etc/passwd", "path separator"),
        ("dir\\file.txt", "path separator"),
        ("..", "names a directory"),
        ("é" * 200, "too long"),
    ],
)
def test_upload_file_names_are_checked(name: str, problem: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_filename(name)
    assert problem in caught.value.problem


def test_ordinary_and_unicode_file_names_pass() -> None:
    validate_filename("design review v2.pdf")
    validate_filename("需求说明.docx")
