from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.external_attachment import ExternalAttachment


T = TypeVar("T", bound="UploadResult")


@_attrs_define
class UploadResult:
    """The upload answer (the SDK's `CreateAttachmentResponse`). Only `data.doc_id`, the id the
    download takes, is required; every other field may be missing or null, and fields this
    spec does not name are kept, never an error.

        Attributes:
            data (ExternalAttachment): The stored file (the SDK's `ExternalAttachment`); only `doc_id` is required.
            code (None | str | Unset): Business code. The SDK documents `"0"` for success (any other value names an error);
                the GOM form of COC's error codes, `GOM.00000000`, is accepted too.
            provider_code (int | None | str | Unset): Service id, `049` for COC.
            msg (None | str | Unset): Error message; the SDK documents it empty when `code` is `"0"`.
            name (None | str | Unset): Name of the stored file.
            id (None | str | Unset): Id of the stored file.
    """

    data: ExternalAttachment
    code: None | str | Unset = UNSET
    provider_code: int | None | str | Unset = UNSET
    msg: None | str | Unset = UNSET
    name: None | str | Unset = UNSET
    id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __repr__(self) -> str:
        shown = []
        for name, value in (
            ("data", self.data),
            ("code", self.code),
            ("provider_code", self.provider_code),
            ("msg", self.msg),
            ("name", self.name),
            ("id", self.id),
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
        return f"UploadResult({', '.join(shown)})"

    def to_dict(self) -> dict[str, Any]:
        data = self.data.to_dict()

        code: None | str | Unset
        if isinstance(self.code, Unset):
            code = UNSET
        else:
            code = self.code

        provider_code: int | None | str | Unset
        if isinstance(self.provider_code, Unset):
            provider_code = UNSET
        else:
            provider_code = self.provider_code

        msg: None | str | Unset
        if isinstance(self.msg, Unset):
            msg = UNSET
        else:
            msg = self.msg

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        id: None | str | Unset
        if isinstance(self.id, Unset):
            id = UNSET
        else:
            id = self.id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "data": data,
            }
        )
        if code is not UNSET:
            field_dict["code"] = code
        if provider_code is not UNSET:
            field_dict["provider_code"] = provider_code
        if msg is not UNSET:
            field_dict["msg"] = msg
        if name is not UNSET:
            field_dict["name"] = name
        if id is not UNSET:
            field_dict["id"] = id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.external_attachment import ExternalAttachment  # noqa: PLC0415

        d = dict(src_dict)
        data = ExternalAttachment.from_dict(d.pop("data"))

        def _parse_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        code = _parse_code(d.pop("code", UNSET))

        def _parse_provider_code(data: object) -> int | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | str | Unset, data)

        provider_code = _parse_provider_code(d.pop("provider_code", UNSET))

        def _parse_msg(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        msg = _parse_msg(d.pop("msg", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        id = _parse_id(d.pop("id", UNSET))

        upload_result = cls(
            data=data,
            code=code,
            provider_code=provider_code,
            msg=msg,
            name=name,
            id=id,
        )

        upload_result.additional_properties = d
        return upload_result

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
