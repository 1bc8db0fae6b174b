"""One handler per spec operation (registered by ``operationId``): the services' behaviour.

Parameters arrive validated and typed (``ctx.params``); a handler only implements what the
service does with them. Choices the documents leave open, made simple and stated once:

- The mock has no work items, projects or tickets: any well-formed project/issue id exists.
- A Scrum or IPD attachment belongs to the (project, issue) it was uploaded to; a download or
  delete naming another project or issue does not find it (400 with a ``PM.*`` code, like the
  service's answer for an id the caller may not see).
- WorldServer: an upload creates a file not yet attached to any resource, fetched with its
  ``downloadToken``. ``POST /_mock/worldserver/attach`` attaches it to a TASK, PROJECT or
  PROJECT_GROUP id (what a WorldServer user does in the UI); from then on ``resourceType`` /
  ``resourceId`` find it. The attribute name is the definition's name (see MockConfig).
"""

from __future__ import annotations

import time
from typing import Any

from attachkit.mock.context import RequestContext, Upload, handler
from attachkit.mock.responses import EmptyResponse, FileDownload, JSONResponse, Response
from attachkit.mock.routing import ParameterError
from attachkit.mock.storage import Attachment

# CodeArts Req codes: PM.02174103 and PM.02175145 are documented; the others are the mock's
# own, in the same family, so a client can tell the cases apart.
PM_INVALID_PARAMETER = "PM.02170001"
PM_NO_PERMISSION = "PM.02174103"
PM_ATTACHMENT_NOT_FOUND = "PM.02174104"
PM_FILE_TOO_LARGE = "PM.02175146"
COC_INVALID_PARAMETER = "GOM.00007256"

_MOCK_USER_ID = "fcb28511450247ffbf78071035f9543c"
_MOCK_USER_NAME = "attachkit-mock"


def _download(ctx: RequestContext, attachment: Attachment) -> FileDownload:
    return FileDownload(
        path=ctx.storage.path_of(attachment),
        size=attachment.size,
        etag=attachment.etag,
        filename=attachment.file_name,
        created_ms=attachment.created_ms,
        range_header=ctx.headers.get("range"),
        if_range=ctx.headers.get("if-range"),
        chunk_bytes=ctx.config.download_chunk_bytes,
    )


def _upload_problem(
    ctx: RequestContext, upload: Upload, limit: int, code: str | None
) -> Response | None:
    if upload.problem is not None:
        return ctx.errors.bad_request(upload.problem)
    if upload.too_large:
        upload.discard()
        return ctx.errors.error(
            400, f"The file is larger than the {_size_text(limit)} an attachment may have.", code
        )
    return None


def _size_text(limit: int) -> str:
    mib = limit / (1024 * 1024)
    return f"{mib:g} MB" if mib >= 1 else f"{limit} bytes"


def _extension(name: str) -> str:
    return name[name.rfind(".") :].lower() if "." in name else ""


# -- CodeArts Req, Scrum -------------------------------------------------------------------------


@handler("codearts-req", "uploadScrumAttachment")
async def upload_scrum(ctx: RequestContext) -> Response:
    limit = ctx.config.limits.scrum_max_bytes
    upload = await ctx.read_upload(limit)
    problem = _upload_problem(ctx, upload, limit, PM_FILE_TOO_LARGE)
    if problem is not None:
        return problem
    assert upload.incoming is not None and upload.filename is not None
    stored = ctx.storage.commit(
        upload.incoming,
        "scrum",
        upload.filename,
        project_id=ctx.params["project_id"],
        issue_id=str(ctx.params["issue_id"]),
    )
    stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(stored.created_ms / 1000))
    return JSONResponse(
        200,
        {
            "id": int(stored.public_id),
            "issue_id": ctx.params["issue_id"],
            "project_id": stored.project_id,
            "disk_filename": f"{stamp}_{stored.file_name}",
            "file_name": stored.file_name,
            "size": str(stored.size),
        },
    )


def _scrum_attachment(ctx: RequestContext) -> Attachment | None:
    found = ctx.storage.get("scrum", ctx.params["attachment_id"])
    if (
        found is None
        or found.project_id != ctx.params["project_id"]
        or found.issue_id != str(ctx.params["issue_id"])
    ):
        return None
    return found


def _no_attachment(ctx: RequestContext) -> Response:
    return ctx.errors.error(
        400, "The attachment does not exist or you have no permission.", PM_ATTACHMENT_NOT_FOUND
    )


@handler("codearts-req", "downloadScrumAttachment")
async def download_scrum(ctx: RequestContext) -> Response:
    found = _scrum_attachment(ctx)
    return _no_attachment(ctx) if found is None else _download(ctx, found)


@handler("codearts-req", "deleteScrumAttachment")
async def delete_scrum(ctx: RequestContext) -> Response:
    found = _scrum_attachment(ctx)
    if found is None:
        return _no_attachment(ctx)
    ctx.storage.delete(found)
    return EmptyResponse(200)


# -- CodeArts Req, IPD ---------------------------------------------------------------------------


def _ipd_user() -> dict[str, Any]:
    return {"id": _MOCK_USER_ID, "name": _MOCK_USER_NAME, "nick_name": _MOCK_USER_NAME}


def _ipd_upload_user() -> dict[str, Any]:
    return {
        "user_id": _MOCK_USER_ID,
        "user_num_id": 1,
        "user_name": _MOCK_USER_NAME,
        "nick_name": _MOCK_USER_NAME,
        "status": 1,
    }


def _disk_directory(a: Attachment) -> str:
    return f"/projects/{a.project_id}/attachments/{a.key}{_extension(a.file_name)}"


@handler("codearts-req", "uploadIpdAttachment")
async def upload_ipd(ctx: RequestContext) -> Response:
    limit = ctx.config.limits.ipd_max_bytes
    upload = await ctx.read_upload(limit)
    problem = _upload_problem(ctx, upload, limit, PM_FILE_TOO_LARGE)
    if problem is not None:
        return problem
    assert upload.incoming is not None and upload.filename is not None
    a = ctx.storage.commit(
        upload.incoming,
        "ipd",
        upload.filename,
        project_id=ctx.params["project_id"],
        issue_id=ctx.params["issue_id"],
    )
    entry = {
        "progress": 100,
        "id": a.public_id,
        "workitem_id": a.issue_id,
        "associate_type": None,
        "disk_directory": _disk_directory(a),
        "filesize": str(a.size),
        "store_filename": a.file_name,
        "title": a.key + _extension(a.file_name),
        "type": "attachment",
        "category": "Attachment",
        "issue_category": None,
        "status": None,
        "description": None,
        "modified_by": _ipd_upload_user(),
        "created_by": _ipd_upload_user(),
        "domain_id": None,
        "attachment_type": _extension(a.file_name).lstrip(".") or None,
        "created_date": str(a.created_ms),
        "storage_service": "IPDProjectService",
        "storage_id": a.key,
        "delete_flag": False,
    }
    return JSONResponse(200, {"status": "success", "message": "", "result": [entry]})


@handler("codearts-req", "listIpdAttachments")
async def list_ipd(ctx: RequestContext) -> Response:
    project = ctx.params.get("source_project_id") or ctx.params["project_id"]
    found = ctx.storage.list("ipd", project_id=project, issue_id=ctx.params["issue_id"])
    result = [
        {
            "id": a.public_id,
            "issue_id": a.issue_id,
            "disk_directory": _disk_directory(a),
            "file_size": str(a.size),
            "store_filename": a.file_name,
            "title": a.key + _extension(a.file_name),
            "modified_by": _ipd_user(),
            "created_by": _ipd_user(),
            "attachment_type": _extension(a.file_name).lstrip(".") or None,
            "created_date": str(a.created_ms),
        }
        for a in found
    ]
    return JSONResponse(200, {"status": "success", "message": "", "result": result})


@handler("codearts-req", "downloadIpdAttachment")
async def download_ipd(ctx: RequestContext) -> Response:
    found = ctx.storage.get("ipd", ctx.params["id"])
    if found is None or found.project_id != ctx.params["project_id"]:
        return _no_attachment(ctx)
    return _download(ctx, found)


# -- COC -----------------------------------------------------------------------------------------


@handler("coc", "uploadAttachment")
async def upload_coc(ctx: RequestContext) -> Response:
    limits = ctx.config.limits
    upload = await ctx.read_upload(limits.coc_max_bytes)
    problem = _upload_problem(ctx, upload, limits.coc_max_bytes, COC_INVALID_PARAMETER)
    if problem is not None:
        return problem
    assert upload.incoming is not None and upload.filename is not None
    if _extension(upload.filename) not in limits.coc_extensions:
        upload.discard()
        return ctx.errors.bad_request(
            f"file type not accepted; COC accepts {' '.join(limits.coc_extensions)}"
        )
    a = ctx.storage.commit(upload.incoming, "coc", upload.filename)
    return JSONResponse(
        200,
        {
            "code": "0",
            "provider_code": "049",
            "msg": "",
            "data": {"doc_id": a.public_id, "doc_name": a.file_name},
            "name": a.file_name,
            "id": a.public_id,
        },
    )


@handler("coc", "downloadAttachment")
async def download_coc(ctx: RequestContext) -> Response:
    found = ctx.storage.get("coc", ctx.params["doc_id"])
    if found is None:
        return ctx.errors.bad_request("no attachment has this doc_id")
    return _download(ctx, found)


# -- WorldServer ---------------------------------------------------------------------------------


@handler("worldserver", "login")
async def ws_login(ctx: RequestContext) -> Response:
    body = ctx.json_body
    if not isinstance(body, dict):
        return ctx.errors.bad_request("Required request body is missing")
    token = ctx.sessions.login(str(body["username"]), str(body["password"]))
    if token is None:
        return ctx.errors.error(401, "Bad credentials", "BAD_CREDENTIALS")
    return JSONResponse(200, {"sessionId": token})


@handler("worldserver", "uploadAttributeFile")
async def ws_upload(ctx: RequestContext) -> Response:
    definition_id: int = ctx.params["attributeDefinitionId"]
    definitions = ctx.config.ws_attribute_definitions
    if definitions is not None and definition_id not in definitions:
        return ctx.errors.error(404, f"Resource ATTRIBUTE_DEFINITION ({definition_id}) not found")
    attribute_name = "attachment" if definitions is None else definitions[definition_id]
    limit = ctx.config.limits.worldserver_max_bytes
    upload = await ctx.read_upload(limit)
    problem = _upload_problem(ctx, upload, limit, None)
    if problem is not None:
        return problem
    assert upload.incoming is not None and upload.filename is not None
    a = ctx.storage.commit(
        upload.incoming,
        "ws",
        upload.filename,
        attribute_definition_id=definition_id,
        attribute_name=attribute_name,
    )
    return JSONResponse(
        200, {"internalName": a.public_id, "name": a.file_name, "downloadToken": a.download_token}
    )


def _ws_parameter_error(ctx: RequestContext, error: ParameterError) -> Response | None:
    """WorldServer documents 500 for a non-numeric resourceId and an unknown resourceType."""
    if error.missing:
        return None
    raw = ctx.query.get(error.name, ctx.headers.get(error.name.lower(), ""))
    if error.name == "resourceType" or (
        error.name == "resourceId" and not raw.strip().lstrip("-").isdigit()
    ):
        return ctx.errors.error(500, "Internal Server Error")
    return None


@handler(
    "worldserver",
    "getAttributeFiles",
    query_from_headers=True,
    on_parameter_error=_ws_parameter_error,
)
async def ws_download(ctx: RequestContext) -> Response:
    params = ctx.params
    filename: str = params["filename"]
    found = ctx.storage.get("ws", filename)
    not_found = ctx.errors.error(404, f"File {filename} not found")
    explicit_type = "resourceType" in ctx.query or "resourcetype" in ctx.headers
    resource_type: str = params.get("resourceType", "TASK")
    resource_id: int | None = params.get("resourceId")
    if resource_id is not None:
        known = ctx.storage.list("ws", resource_type=resource_type, resource_id=resource_id)
        if not known:
            if resource_type == "TASK":
                return ctx.errors.error(400, "Source asset is not available for download")
            return ctx.errors.error(404, f"Resource {resource_type} ({resource_id}) not found")
    if found is None:
        return not_found
    if resource_id is not None and (
        found.resource_type != resource_type or found.resource_id != resource_id
    ):
        return not_found
    if explicit_type and found.resource_type is not None and found.resource_type != resource_type:
        return not_found
    attribute_name = params.get("attributeName")
    if attribute_name is not None and attribute_name != found.attribute_name:
        return not_found
    token = params.get("downloadToken")
    if token is not None and token != found.download_token:
        return not_found
    if found.resource_id is None and token is None:
        # A file not attached to a resource is reachable only through its download token.
        return ctx.errors.error(400, "Source asset is not available for download")
    return _download(ctx, found)
