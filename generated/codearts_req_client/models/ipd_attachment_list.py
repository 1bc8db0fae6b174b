from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.ipd_attachment_list_status import IpdAttachmentListStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.attachment_entity import AttachmentEntity


T = TypeVar("T", bound="IpdAttachmentList")


@_attrs_define
class IpdAttachmentList:
    """
    Attributes:
        status (IpdAttachmentListStatus):
        result (list[AttachmentEntity]):
        message (None | str | Unset):
    """

    status: IpdAttachmentListStatus
    result: list[AttachmentEntity]
    message: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status.value

        result = []
        for result_item_data in self.result:
            result_item = result_item_data.to_dict()
            result.append(result_item)

        message: None | str | Unset
        if isinstance(self.message, Unset):
            message = UNSET
        else:
            message = self.message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
                "result": result,
            }
        )
        if message is not UNSET:
            field_dict["message"] = message

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.attachment_entity import AttachmentEntity  # noqa: PLC0415

        d = dict(src_dict)
        status = IpdAttachmentListStatus(d.pop("status"))

        result = []
        _result = d.pop("result")
        for result_item_data in _result:
            result_item = AttachmentEntity.from_dict(result_item_data)

            result.append(result_item)

        def _parse_message(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        message = _parse_message(d.pop("message", UNSET))

        ipd_attachment_list = cls(
            status=status,
            result=result,
            message=message,
        )

        ipd_attachment_list.additional_properties = d
        return ipd_attachment_list

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
