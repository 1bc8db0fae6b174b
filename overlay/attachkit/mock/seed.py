"""The attachments the specs' examples name, stored so every documented example request works.

A documented example such as ``GET /v4/projects/f7a67aee…/issues/5667740/attachments/72372``
or WorldServer's ``filename=attr1113-8493849188859715237_ws_api.txt&resourceType=PROJECT&
resourceId=3486&attributeName=attachment`` names an attachment that an empty mock does not
have, so stock schemathesis (which sends each example first) would get 400/404. ``seed`` stores
one small attachment under each id the examples name, read from the specs themselves, so a
changed example moves the seeded id with it. ``attachkit mock serve`` seeds unless
``--no-seed``; ``MockConfig(seed_examples=True)`` seeds an in-process mock; ``/_mock/reset``
seeds again after clearing. The login example's user (``translator``) is added to the
WorldServer users too, so the documented login succeeds.
"""

from __future__ import annotations

from typing import Any

from attachkit import specs
from attachkit.mock.storage import Attachment, Storage

__all__ = ["example_attachments", "example_ws_user", "seed"]


def _example(service: str, operation_id: str, name: str) -> Any:
    spec = specs.load_spec(service)
    for parameter in specs.parameters(service, operation_id):
        if parameter["name"] == name:
            schema = specs.resolve_ref(spec, parameter["schema"])
            return schema["examples"][0]
    raise KeyError(f"{service} {operation_id} has no parameter {name!r}")


def _ws_resource_type() -> str:
    for parameter in specs.parameters("worldserver", "getAttributeFiles"):
        if parameter["name"] == "resourceType":
            return str(parameter["schema"].get("examples", [parameter["schema"]["default"]])[0])
    raise KeyError("getAttributeFiles has no resourceType")


def example_attachments() -> list[dict[str, Any]]:
    """kind, public id, file name and fields of each attachment the examples name."""
    ws_name = str(_example("worldserver", "getAttributeFiles", "filename"))
    return [
        {
            "kind": "scrum",
            "public_id": str(_example("codearts-req", "downloadScrumAttachment", "attachment_id")),
            "file_name": "design.pdf",
            "project_id": _example("codearts-req", "downloadScrumAttachment", "project_id"),
            "issue_id": str(_example("codearts-req", "downloadScrumAttachment", "issue_id")),
        },
        {
            "kind": "ipd",
            "public_id": str(_example("codearts-req", "downloadIpdAttachment", "id")),
            "file_name": "TTT.xlsx",
            "project_id": _example("codearts-req", "downloadIpdAttachment", "project_id"),
            "issue_id": str(_example("codearts-req", "listIpdAttachments", "issue_id")),
        },
        {
            "kind": "coc",
            "public_id": str(_example("coc", "downloadAttachment", "doc_id")),
            "file_name": "incident-report.txt",
        },
        {
            "kind": "ws",
            "public_id": ws_name,
            "file_name": ws_name.partition("_")[2] or ws_name,
            "attribute_definition_id": int(ws_name.removeprefix("attr").partition("-")[0]),
            "attribute_name": _example("worldserver", "getAttributeFiles", "attributeName"),
            "resource_type": _ws_resource_type(),
            "resource_id": int(_example("worldserver", "getAttributeFiles", "resourceId")),
        },
    ]


def example_ws_user() -> tuple[str, str]:
    """The username and password of the spec's login example (an account the seeded mock has)."""
    _method, _path, operation = specs.operations("worldserver")["login"]
    media = operation["requestBody"]["content"]["application/json"]
    value = next(iter(media["examples"].values()))["value"]
    return str(value["username"]), str(value["password"])


def seed(storage: Storage) -> list[Attachment]:
    """Store each example attachment that is not stored yet; returns all of them."""
    seeded = []
    for entry in example_attachments():
        fields = dict(entry)
        kind, public_id, file_name = (
            fields.pop("kind"),
            fields.pop("public_id"),
            fields.pop("file_name"),
        )
        found = storage.get(kind, public_id)
        if found is None:
            content = f"attachkit mock: the example {kind} attachment {public_id}\n".encode()
            incoming = storage.incoming(len(content))
            incoming.write(content)
            found = storage.commit(incoming, kind, file_name, public_id=public_id, **fields)
        seeded.append(found)
    return seeded
