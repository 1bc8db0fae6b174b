from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.user_entity_type_0 import UserEntityType0


T = TypeVar("T", bound="AttachmentEntity")


@_attrs_define
class AttachmentEntity:
    """An IPD attachment as the list answers it; only `id` is required.

    Attributes:
        id (str): Attachment id.
        issue_id (None | str | Unset): Work item id.
        disk_directory (None | str | Unset): Relative path of the stored file.
        file_size (None | str | Unset): Size in bytes as a string of digits.
        store_filename (None | str | Unset): Name of the uploaded file.
        title (None | str | Unset): Name of the stored file.
        modified_by (None | Unset | UserEntityType0):
        created_by (None | Unset | UserEntityType0):
        attachment_type (None | str | Unset): File type.
        created_date (None | str | Unset): Epoch milliseconds as a string.
    """

    id: str
    issue_id: None | str | Unset = UNSET
    disk_directory: None | str | Unset = UNSET
    file_size: None | str | Unset = UNSET
    store_filename: None | str | Unset = UNSET
    title: None | str | Unset = UNSET
    modified_by: None | Unset | UserEntityType0 = UNSET
    created_by: None | Unset | UserEntityType0 = UNSET
    attachment_type: None | str | Unset = UNSET
    created_date: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __repr__(self) -> str:
        shown = []
        for name, value in (
            ("id", self.id),
            ("issue_id", self.issue_id),
            ("disk_directory", self.disk_directory),
            ("file_size", self.file_size),
            ("store_filename", self.store_filename),
            ("title", self.title),
            ("modified_by", self.modified_by),
            ("created_by", self.created_by),
            ("attachment_type", self.attachment_type),
            ("created_date", self.created_date),
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
        return f"AttachmentEntity({', '.join(shown)})"

    def to_dict(self) -> dict[str, Any]:
        from ..models.user_entity_type_0 import UserEntityType0  # noqa: PLC0415

        id = self.id

        issue_id: None | str | Unset
        if isinstance(self.issue_id, Unset):
            issue_id = UNSET
        else:
            issue_id = self.issue_id

        disk_directory: None | str | Unset
        if isinstance(self.disk_directory, Unset):
            disk_directory = UNSET
        else:
            disk_directory = self.disk_directory

        file_size: None | str | Unset
        if isinstance(self.file_size, Unset):
            file_size = UNSET
        else:
            file_size = self.file_size

        store_filename: None | str | Unset
        if isinstance(self.store_filename, Unset):
            store_filename = UNSET
        else:
            store_filename = self.store_filename

        title: None | str | Unset
        if isinstance(self.title, Unset):
            title = UNSET
        else:
            title = self.title

        modified_by: dict[str, Any] | None | Unset
        if isinstance(self.modified_by, Unset):
            modified_by = UNSET
        elif isinstance(self.modified_by, UserEntityType0):
            modified_by = self.modified_by.to_dict()
        else:
            modified_by = self.modified_by

        created_by: dict[str, Any] | None | Unset
        if isinstance(self.created_by, Unset):
            created_by = UNSET
        elif isinstance(self.created_by, UserEntityType0):
            created_by = self.created_by.to_dict()
        else:
            created_by = self.created_by

        attachment_type: None | str | Unset
        if isinstance(self.attachment_type, Unset):
            attachment_type = UNSET
        else:
            attachment_type = self.attachment_type

        created_date: None | str | Unset
        if isinstance(self.created_date, Unset):
            created_date = UNSET
        else:
            created_date = self.created_date

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
            }
        )
        if issue_id is not UNSET:
            field_dict["issue_id"] = issue_id
        if disk_directory is not UNSET:
            field_dict["disk_directory"] = disk_directory
        if file_size is not UNSET:
            field_dict["file_size"] = file_size
        if store_filename is not UNSET:
            field_dict["store_filename"] = store_filename
        if title is not UNSET:
            field_dict["title"] = title
        if modified_by is not UNSET:
            field_dict["modified_by"] = modified_by
        if created_by is not UNSET:
            field_dict["created_by"] = created_by
        if attachment_type is not UNSET:
            field_dict["attachment_type"] = attachment_type
        if created_date is not UNSET:
            field_dict["created_date"] = created_date

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.user_entity_type_0 import UserEntityType0  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        def _parse_issue_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        issue_id = _parse_issue_id(d.pop("issue_id", UNSET))

        def _parse_disk_directory(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        disk_directory = _parse_disk_directory(d.pop("disk_directory", UNSET))

        def _parse_file_size(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        file_size = _parse_file_size(d.pop("file_size", UNSET))

        def _parse_store_filename(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        store_filename = _parse_store_filename(d.pop("store_filename", UNSET))

        def _parse_title(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        title = _parse_title(d.pop("title", UNSET))

        def _parse_modified_by(data: object) -> None | Unset | UserEntityType0:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_user_entity_type_0 = UserEntityType0.from_dict(data)

                return componentsschemas_user_entity_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UserEntityType0, data)

        modified_by = _parse_modified_by(d.pop("modified_by", UNSET))

        def _parse_created_by(data: object) -> None | Unset | UserEntityType0:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_user_entity_type_0 = UserEntityType0.from_dict(data)

                return componentsschemas_user_entity_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UserEntityType0, data)

        created_by = _parse_created_by(d.pop("created_by", UNSET))

        def _parse_attachment_type(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        attachment_type = _parse_attachment_type(d.pop("attachment_type", UNSET))

        def _parse_created_date(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        created_date = _parse_created_date(d.pop("created_date", UNSET))

        attachment_entity = cls(
            id=id,
            issue_id=issue_id,
            disk_directory=disk_directory,
            file_size=file_size,
            store_filename=store_filename,
            title=title,
            modified_by=modified_by,
            created_by=created_by,
            attachment_type=attachment_type,
            created_date=created_date,
        )

        attachment_entity.additional_properties = d
        return attachment_entity

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
