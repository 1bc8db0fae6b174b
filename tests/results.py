"""Small typed helpers for reading facade results in tests."""

from __future__ import annotations

from typing import TypeVar

from codearts_req_client.models import AttachmentVoExt, IpdUploadResult
from codearts_req_client.types import Unset

_Item = TypeVar("_Item")


def present(items: list[_Item] | Unset | None) -> list[_Item]:
    """A list the spec lets the service leave out or send as null, which this test expects."""
    assert isinstance(items, list), items
    return items


def ipd_uploaded(result: IpdUploadResult) -> AttachmentVoExt:
    """The one attachment an IPD upload reports (its ``result`` may be null by the spec)."""
    [uploaded] = present(result.result)
    return uploaded
