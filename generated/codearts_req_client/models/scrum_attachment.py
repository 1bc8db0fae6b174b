from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ScrumAttachment")


@_attrs_define
class ScrumAttachment:
    """A Scrum attachment as the upload answers it.

    Attributes:
        id (int): Attachment id, the `attachment_id` of download and delete.
        file_name (str): Name of the uploaded file.
        issue_id (int | Unset): Work item id.
        project_id (str | Unset): Project id.
        disk_filename (str | Unset): Name of the stored file on the server.
        size (str | Unset): Size in bytes, sent as a string of digits.
    """

    id: int
    file_name: str
    issue_id: int | Unset = UNSET
    project_id: str | Unset = UNSET
    disk_filename: str | Unset = UNSET
    size: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        file_name = self.file_name

        issue_id = self.issue_id

        project_id = self.project_id

        disk_filename = self.disk_filename

        size = self.size

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "file_name": file_name,
            }
        )
        if issue_id is not UNSET:
            field_dict["issue_id"] = issue_id
        if project_id is not UNSET:
            field_dict["project_id"] = project_id
        if disk_filename is not UNSET:
            field_dict["disk_filename"] = disk_filename
        if size is not UNSET:
            field_dict["size"] = size

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        file_name = d.pop("file_name")

        issue_id = d.pop("issue_id", UNSET)

        project_id = d.pop("project_id", UNSET)

        disk_filename = d.pop("disk_filename", UNSET)

        size = d.pop("size", UNSET)

        scrum_attachment = cls(
            id=id,
            file_name=file_name,
            issue_id=issue_id,
            project_id=project_id,
            disk_filename=disk_filename,
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
