"""What each service is, for both twins of its facade: operations, endpoints, limits.

Every operation a facade calls is an ``Operation[T]`` here, once: the generated endpoint module,
the model its success answer parses into and the service's error parser. The limits come from
the specs (``attachkit.specs.upload_limits``) and are read at call time
(``catalog.SCRUM_MAX_BYTES``), so a benchmark against a mock with raised limits can raise the
client's too.
"""

from __future__ import annotations

from attachkit import regions, specs
from attachkit.operations import Operation
from attachkit.transfer import coc_error_parser, huawei_error_parser, text_error_parser
from coc_client.api.attachments import download_attachment as coc_download
from coc_client.api.attachments import upload_attachment as coc_upload
from coc_client.models import UploadResult
from coc_client.types import File as CocFile
from codearts_req_client.api.ipd import (
    download_ipd_attachment,
    list_ipd_attachments,
    upload_ipd_attachment,
)
from codearts_req_client.api.scrum import (
    delete_scrum_attachment,
    download_scrum_attachment,
    upload_scrum_attachment,
)
from codearts_req_client.models import IpdAttachmentList, IpdUploadResult, ScrumAttachment
from codearts_req_client.types import File as ReqFile
from worldserver_client.api.attachments import get_attribute_files, upload_attribute_file
from worldserver_client.models import AttributeFile
from worldserver_client.types import File as WsFile


def _max_bytes(service: str, operation_id: str) -> int:
    limit = specs.upload_limits(service, operation_id).max_bytes
    assert limit is not None, f"{service} {operation_id} states no size limit"
    return limit


# The upload limits are stated once, as x-attachkit-upload-limits in the specs.
SCRUM_MAX_BYTES = _max_bytes("codearts-req", "uploadScrumAttachment")
IPD_MAX_BYTES = _max_bytes("codearts-req", "uploadIpdAttachment")
COC_MAX_BYTES = _max_bytes("coc", "uploadAttachment")
COC_EXTENSIONS = specs.upload_limits("coc", "uploadAttachment").extensions
# The official SDK's CocRegion table (see attachkit.regions, where endpoints are resolved).
COC_ENDPOINTS = regions.SERVICES["coc"].regions

_REQ = "codearts-req"
UPLOAD_SCRUM = Operation(
    _REQ, "uploadScrumAttachment", upload_scrum_attachment, ScrumAttachment, huawei_error_parser
)
DOWNLOAD_SCRUM = Operation(
    _REQ, "downloadScrumAttachment", download_scrum_attachment, ReqFile, huawei_error_parser
)
DELETE_SCRUM = Operation(
    _REQ, "deleteScrumAttachment", delete_scrum_attachment, type(None), huawei_error_parser
)
UPLOAD_IPD = Operation(
    _REQ, "uploadIpdAttachment", upload_ipd_attachment, IpdUploadResult, huawei_error_parser
)
LIST_IPD = Operation(
    _REQ, "listIpdAttachments", list_ipd_attachments, IpdAttachmentList, huawei_error_parser
)
DOWNLOAD_IPD = Operation(
    _REQ, "downloadIpdAttachment", download_ipd_attachment, ReqFile, huawei_error_parser
)
UPLOAD_COC = Operation("coc", "uploadAttachment", coc_upload, UploadResult, coc_error_parser)
DOWNLOAD_COC = Operation("coc", "downloadAttachment", coc_download, CocFile, coc_error_parser)
UPLOAD_WS = Operation(
    "worldserver", "uploadAttributeFile", upload_attribute_file, AttributeFile, text_error_parser
)
GET_WS_FILES = Operation(
    "worldserver", "getAttributeFiles", get_attribute_files, WsFile, text_error_parser
)

OPERATIONS = (
    UPLOAD_SCRUM,
    DOWNLOAD_SCRUM,
    DELETE_SCRUM,
    UPLOAD_IPD,
    LIST_IPD,
    DOWNLOAD_IPD,
    UPLOAD_COC,
    DOWNLOAD_COC,
    UPLOAD_WS,
    GET_WS_FILES,
)


def codearts_base_url(region: str | None, endpoint: str | None) -> str:
    return regions.endpoint_for("codearts-req", region=region, endpoint=endpoint)


def coc_base_url(region: str | None, endpoint: str | None) -> str:
    return regions.endpoint_for("coc", region=region, endpoint=endpoint)
