from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ExternalAttachment")


@_attrs_define
class ExternalAttachment:
    """The stored file (the SDK's `ExternalAttachment`); only `doc_id` is required.

    Attributes:
        doc_id (str): Unique id of the attachment, the `doc_id` of the download.
        doc_name (None | str | Unset): File name of the attachment.
    """

    doc_id: str
    doc_name: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __repr__(self) -> str:
        shown = []
        for name, value in (
            ("doc_id", self.doc_id),
            ("doc_name", self.doc_name),
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
        return f"ExternalAttachment({', '.join(shown)})"

    def to_dict(self) -> dict[str, Any]:
        doc_id = self.doc_id

        doc_name: None | str | Unset
        if isinstance(self.doc_name, Unset):
            doc_name = UNSET
        else:
            doc_name = self.doc_name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "doc_id": doc_id,
            }
        )
        if doc_name is not UNSET:
            field_dict["doc_name"] = doc_name

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        doc_id = d.pop("doc_id")

        def _parse_doc_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        doc_name = _parse_doc_name(d.pop("doc_name", UNSET))

        external_attachment = cls(
            doc_id=doc_id,
            doc_name=doc_name,
        )

        external_attachment.additional_properties = d
        return external_attachment

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
