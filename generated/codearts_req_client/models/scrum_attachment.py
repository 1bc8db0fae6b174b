from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ScrumAttachment")


@_attrs_define
class ScrumAttachment:
    """A Scrum attachment as the upload answers it (the official SDK's
    `UploadAttachmentsResponse`). Only `id` is required: the SDK makes every field optional,
    and a caller needs nothing else. Other fields may be missing or null, and fields this
    spec does not name are kept, never an error.

        Attributes:
            id (int): The id of the upload. The SDK calls it the "association id"; attachkit passes it as
                the `attachment_id` of download and delete (see the links of the upload answer).
            issue_id (int | None | Unset): Work item id.
            project_id (None | str | Unset): Project id.
            disk_filename (None | str | Unset): Name of the stored file on the server.
            file_name (None | str | Unset): Name of the uploaded file.
            size (None | str | Unset): Size in bytes, sent as a string of digits.
    """

    id: int
    issue_id: int | None | Unset = UNSET
    project_id: None | str | Unset = UNSET
    disk_filename: None | str | Unset = UNSET
    file_name: None | str | Unset = UNSET
    size: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __repr__(self) -> str:
        shown = []
        for name, value in (
            ("id", self.id),
            ("issue_id", self.issue_id),
            ("project_id", self.project_id),
            ("disk_filename", self.disk_filename),
            ("file_name", self.file_name),
            ("size", self.size),
        ):
            if isinstance(value, Unset):
                continue
            shown.append(
                f"{name}='***'"
                if name in ("password", "session_id")
                else f"{name}={value!r}"
            )
        if self.additional_properties:
            shown.append(f"additional_properties={self.additional_properties!r}")
        return f"ScrumAttachment({', '.join(shown)})"

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        issue_id: int | None | Unset
        if isinstance(self.issue_id, Unset):
            issue_id = UNSET
        else:
            issue_id = self.issue_id

        project_id: None | str | Unset
        if isinstance(self.project_id, Unset):
            project_id = UNSET
        else:
            project_id = self.project_id

        disk_filename: None | str | Unset
        if isinstance(self.disk_filename, Unset):
            disk_filename = UNSET
        else:
            disk_filename = self.disk_filename

        file_name: None | str | Unset
        if isinstance(self.file_name, Unset):
            file_name = UNSET
        else:
            file_name = self.file_name

        size: None | str | Unset
        if isinstance(self.size, Unset):
            size = UNSET
        else:
            size = self.size

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
            }
        )
        if issue_id is not UNSET:
            field_dict["issue_id"] = issue_id
        if project_id is not UNSET:
            field_dict["project_id"] = project_id
        if disk_filename is not UNSET:
            field_dict["disk_filename"] = disk_filename
        if file_name is not UNSET:
            field_dict["file_name"] = file_name
        if size is not UNSET:
            field_dict["size"] = size

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        def _parse_issue_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        issue_id = _parse_issue_id(d.pop("issue_id", UNSET))

        def _parse_project_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        project_id = _parse_project_id(d.pop("project_id", UNSET))

        def _parse_disk_filename(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        disk_filename = _parse_disk_filename(d.pop("disk_filename", UNSET))

        def _parse_file_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        file_name = _parse_file_name(d.pop("file_name", UNSET))

        def _parse_size(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        size = _parse_size(d.pop("size", UNSET))

        scrum_attachment = cls(
            id=id,
            issue_id=issue_id,
            project_id=project_id,
            disk_filename=disk_filename,
            file_name=file_name,
            size=size,
        )

        scrum_attachment.additional_properties = d
        return scrum_attachment

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
