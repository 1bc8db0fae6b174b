from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.user_common_vo_type_0 import UserCommonVOType0


T = TypeVar("T", bound="AttachmentVoExt")


@_attrs_define
class AttachmentVoExt:
    """An IPD attachment as the upload answers it; only `id` is required.

    Attributes:
        id (str): Attachment id, the `id` of the download.
        progress (int | None | Unset): Upload progress in percent.
        workitem_id (None | str | Unset): Work item id.
        store_filename (None | str | Unset): Name of the uploaded file.
        associate_type (None | str | Unset): Association type.
        disk_directory (None | str | Unset): Relative path of the stored file on the server.
        type_ (None | str | Unset): Always `attachment`.
        category (None | str | Unset): Always `Attachment`.
        issue_category (None | str | Unset): Work item type.
        status (None | str | Unset): Attachment status.
        description (None | str | Unset): Attachment description.
        modified_by (None | Unset | UserCommonVOType0): A user as the IPD upload answers it.
        created_by (None | Unset | UserCommonVOType0): A user as the IPD upload answers it.
        domain_id (None | str | Unset): Id of the domain the project belongs to.
        attachment_type (None | str | Unset): File type, the name's extension.
        created_date (None | str | Unset): Creation time in milliseconds since the epoch, sent as a string of digits.
        storage_service (None | str | Unset): Backend service that stores the attachment.
        storage_id (None | str | Unset): Storage id.
        delete_flag (bool | None | Unset): Whether the attachment is deleted.
        filesize (int | None | str | Unset): File size in bytes. Documented as Long, but the reference's own example
            sends the
            string `"36449"`, so both are accepted.
        title (None | str | Unset): Name of the stored file on the server.
    """

    id: str
    progress: int | None | Unset = UNSET
    workitem_id: None | str | Unset = UNSET
    store_filename: None | str | Unset = UNSET
    associate_type: None | str | Unset = UNSET
    disk_directory: None | str | Unset = UNSET
    type_: None | str | Unset = UNSET
    category: None | str | Unset = UNSET
    issue_category: None | str | Unset = UNSET
    status: None | str | Unset = UNSET
    description: None | str | Unset = UNSET
    modified_by: None | Unset | UserCommonVOType0 = UNSET
    created_by: None | Unset | UserCommonVOType0 = UNSET
    domain_id: None | str | Unset = UNSET
    attachment_type: None | str | Unset = UNSET
    created_date: None | str | Unset = UNSET
    storage_service: None | str | Unset = UNSET
    storage_id: None | str | Unset = UNSET
    delete_flag: bool | None | Unset = UNSET
    filesize: int | None | str | Unset = UNSET
    title: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __repr__(self) -> str:
        shown = []
        for name, value in (
            ("id", self.id),
            ("progress", self.progress),
            ("workitem_id", self.workitem_id),
            ("store_filename", self.store_filename),
            ("associate_type", self.associate_type),
            ("disk_directory", self.disk_directory),
            ("type_", self.type_),
            ("category", self.category),
            ("issue_category", self.issue_category),
            ("status", self.status),
            ("description", self.description),
            ("modified_by", self.modified_by),
            ("created_by", self.created_by),
            ("domain_id", self.domain_id),
            ("attachment_type", self.attachment_type),
            ("created_date", self.created_date),
            ("storage_service", self.storage_service),
            ("storage_id", self.storage_id),
            ("delete_flag", self.delete_flag),
            ("filesize", self.filesize),
            ("title", self.title),
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
        return f"AttachmentVoExt({', '.join(shown)})"

    def to_dict(self) -> dict[str, Any]:
        from ..models.user_common_vo_type_0 import UserCommonVOType0  # noqa: PLC0415

        id = self.id

        progress: int | None | Unset
        if isinstance(self.progress, Unset):
            progress = UNSET
        else:
            progress = self.progress

        workitem_id: None | str | Unset
        if isinstance(self.workitem_id, Unset):
            workitem_id = UNSET
        else:
            workitem_id = self.workitem_id

        store_filename: None | str | Unset
        if isinstance(self.store_filename, Unset):
            store_filename = UNSET
        else:
            store_filename = self.store_filename

        associate_type: None | str | Unset
        if isinstance(self.associate_type, Unset):
            associate_type = UNSET
        else:
            associate_type = self.associate_type

        disk_directory: None | str | Unset
        if isinstance(self.disk_directory, Unset):
            disk_directory = UNSET
        else:
            disk_directory = self.disk_directory

        type_: None | str | Unset
        if isinstance(self.type_, Unset):
            type_ = UNSET
        else:
            type_ = self.type_

        category: None | str | Unset
        if isinstance(self.category, Unset):
            category = UNSET
        else:
            category = self.category

        issue_category: None | str | Unset
        if isinstance(self.issue_category, Unset):
            issue_category = UNSET
        else:
            issue_category = self.issue_category

        status: None | str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        else:
            status = self.status

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        modified_by: dict[str, Any] | None | Unset
        if isinstance(self.modified_by, Unset):
            modified_by = UNSET
        elif isinstance(self.modified_by, UserCommonVOType0):
            modified_by = self.modified_by.to_dict()
        else:
            modified_by = self.modified_by

        created_by: dict[str, Any] | None | Unset
        if isinstance(self.created_by, Unset):
            created_by = UNSET
        elif isinstance(self.created_by, UserCommonVOType0):
            created_by = self.created_by.to_dict()
        else:
            created_by = self.created_by

        domain_id: None | str | Unset
        if isinstance(self.domain_id, Unset):
            domain_id = UNSET
        else:
            domain_id = self.domain_id

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

        storage_service: None | str | Unset
        if isinstance(self.storage_service, Unset):
            storage_service = UNSET
        else:
            storage_service = self.storage_service

        storage_id: None | str | Unset
        if isinstance(self.storage_id, Unset):
            storage_id = UNSET
        else:
            storage_id = self.storage_id

        delete_flag: bool | None | Unset
        if isinstance(self.delete_flag, Unset):
            delete_flag = UNSET
        else:
            delete_flag = self.delete_flag

        filesize: int | None | str | Unset
        if isinstance(self.filesize, Unset):
            filesize = UNSET
        else:
            filesize = self.filesize

        title: None | str | Unset
        if isinstance(self.title, Unset):
            title = UNSET
        else:
            title = self.title

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
            }
        )
        if progress is not UNSET:
            field_dict["progress"] = progress
        if workitem_id is not UNSET:
            field_dict["workitem_id"] = workitem_id
        if store_filename is not UNSET:
            field_dict["store_filename"] = store_filename
        if associate_type is not UNSET:
            field_dict["associate_type"] = associate_type
        if disk_directory is not UNSET:
            field_dict["disk_directory"] = disk_directory
        if type_ is not UNSET:
            field_dict["type"] = type_
        if category is not UNSET:
            field_dict["category"] = category
        if issue_category is not UNSET:
            field_dict["issue_category"] = issue_category
        if status is not UNSET:
            field_dict["status"] = status
        if description is not UNSET:
            field_dict["description"] = description
        if modified_by is not UNSET:
            field_dict["modified_by"] = modified_by
        if created_by is not UNSET:
            field_dict["created_by"] = created_by
        if domain_id is not UNSET:
            field_dict["domain_id"] = domain_id
        if attachment_type is not UNSET:
            field_dict["attachment_type"] = attachment_type
        if created_date is not UNSET:
            field_dict["created_date"] = created_date
        if storage_service is not UNSET:
            field_dict["storage_service"] = storage_service
        if storage_id is not UNSET:
            field_dict["storage_id"] = storage_id
        if delete_flag is not UNSET:
            field_dict["delete_flag"] = delete_flag
        if filesize is not UNSET:
            field_dict["filesize"] = filesize
        if title is not UNSET:
            field_dict["title"] = title

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.user_common_vo_type_0 import UserCommonVOType0  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        def _parse_progress(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        progress = _parse_progress(d.pop("progress", UNSET))

        def _parse_workitem_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        workitem_id = _parse_workitem_id(d.pop("workitem_id", UNSET))

        def _parse_store_filename(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        store_filename = _parse_store_filename(d.pop("store_filename", UNSET))

        def _parse_associate_type(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        associate_type = _parse_associate_type(d.pop("associate_type", UNSET))

        def _parse_disk_directory(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        disk_directory = _parse_disk_directory(d.pop("disk_directory", UNSET))

        def _parse_type_(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        type_ = _parse_type_(d.pop("type", UNSET))

        def _parse_category(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        category = _parse_category(d.pop("category", UNSET))

        def _parse_issue_category(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        issue_category = _parse_issue_category(d.pop("issue_category", UNSET))

        def _parse_status(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_modified_by(data: object) -> None | Unset | UserCommonVOType0:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_user_common_vo_type_0 = UserCommonVOType0.from_dict(
                    data
                )

                return componentsschemas_user_common_vo_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UserCommonVOType0, data)

        modified_by = _parse_modified_by(d.pop("modified_by", UNSET))

        def _parse_created_by(data: object) -> None | Unset | UserCommonVOType0:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_user_common_vo_type_0 = UserCommonVOType0.from_dict(
                    data
                )

                return componentsschemas_user_common_vo_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UserCommonVOType0, data)

        created_by = _parse_created_by(d.pop("created_by", UNSET))

        def _parse_domain_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        domain_id = _parse_domain_id(d.pop("domain_id", UNSET))

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

        def _parse_storage_service(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        storage_service = _parse_storage_service(d.pop("storage_service", UNSET))

        def _parse_storage_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        storage_id = _parse_storage_id(d.pop("storage_id", UNSET))

        def _parse_delete_flag(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        delete_flag = _parse_delete_flag(d.pop("delete_flag", UNSET))

        def _parse_filesize(data: object) -> int | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | str | Unset, data)

        filesize = _parse_filesize(d.pop("filesize", UNSET))

        def _parse_title(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        title = _parse_title(d.pop("title", UNSET))

        attachment_vo_ext = cls(
            id=id,
            progress=progress,
            workitem_id=workitem_id,
            store_filename=store_filename,
            associate_type=associate_type,
            disk_directory=disk_directory,
            type_=type_,
            category=category,
            issue_category=issue_category,
            status=status,
            description=description,
            modified_by=modified_by,
            created_by=created_by,
            domain_id=domain_id,
            attachment_type=attachment_type,
            created_date=created_date,
            storage_service=storage_service,
            storage_id=storage_id,
            delete_flag=delete_flag,
            filesize=filesize,
            title=title,
        )

        attachment_vo_ext.additional_properties = d
        return attachment_vo_ext

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
