"""Small typed helpers for reading facade results in tests."""

from __future__ import annotations

from codearts_req_client.models import AttachmentVoExt, IpdUploadResult


def ipd_uploaded(result: IpdUploadResult) -> AttachmentVoExt:
    """The one attachment an IPD upload reports (its ``result`` may be null by the spec)."""
    assert isinstance(result.result, list), result
    [uploaded] = result.result
    return uploaded
