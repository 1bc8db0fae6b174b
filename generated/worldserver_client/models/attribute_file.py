from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AttributeFile")


@_attrs_define
class AttributeFile:
    """The upload answer. Only `internalName`, the download's `filename`, is required; other
    fields may be missing or null, and fields this spec does not name are kept.

        Attributes:
            internal_name (str): Stored name, `attr{definitionId}-{digits}_{filename}`; the download's `filename`.
            name (None | str | Unset): The uploaded file's name. No document names this field; the mock sends it and
                attachkit reads nothing from it.
            download_token (None | str | Unset): Token that fetches the file while it is not attached to a resource.
    """

    internal_name: str
    name: None | str | Unset = UNSET
    download_token: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __repr__(self) -> str:
        shown = []
        for name, value in (
            ("internal_name", self.internal_name),
            ("name", self.name),
            ("download_token", self.download_token),
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
        return f"AttributeFile({', '.join(shown)})"

    def to_dict(self) -> dict[str, Any]:
        internal_name = self.internal_name

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        download_token: None | str | Unset
        if isinstance(self.download_token, Unset):
            download_token = UNSET
        else:
            download_token = self.download_token

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "internalName": internal_name,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if download_token is not UNSET:
            field_dict["downloadToken"] = download_token

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        internal_name = d.pop("internalName")

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_download_token(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        download_token = _parse_download_token(d.pop("downloadToken", UNSET))

        attribute_file = cls(
            internal_name=internal_name,
            name=name,
            download_token=download_token,
        )

        attribute_file.additional_properties = d
        return attribute_file

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
