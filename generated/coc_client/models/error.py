from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Error")


@_attrs_define
class Error:
    """COC's error body. `provider_code` is documented as a string, but the reference's own
    example sends the number `4`, so both are accepted; the body also carries `"data": null`.

        Attributes:
            error_code (str): Response code, `GOM.00000000` to `GOM.00009999999`, or `APIG.*` from the gateway.
            error_msg (str): Response description.
            provider_code (int | None | str | Unset): Service id.
            data (None | Unset): Always null in an error.
    """

    error_code: str
    error_msg: str
    provider_code: int | None | str | Unset = UNSET
    data: None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __repr__(self) -> str:
        shown = []
        for name, value in (
            ("error_code", self.error_code),
            ("error_msg", self.error_msg),
            ("provider_code", self.provider_code),
            ("data", self.data),
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
        return f"Error({', '.join(shown)})"

    def to_dict(self) -> dict[str, Any]:
        error_code = self.error_code

        error_msg = self.error_msg

        provider_code: int | None | str | Unset
        if isinstance(self.provider_code, Unset):
            provider_code = UNSET
        else:
            provider_code = self.provider_code

        data = self.data

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "error_code": error_code,
                "error_msg": error_msg,
            }
        )
        if provider_code is not UNSET:
            field_dict["provider_code"] = provider_code
        if data is not UNSET:
            field_dict["data"] = data

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        error_code = d.pop("error_code")

        error_msg = d.pop("error_msg")

        def _parse_provider_code(data: object) -> int | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | str | Unset, data)

        provider_code = _parse_provider_code(d.pop("provider_code", UNSET))

        data = d.pop("data", UNSET)

        error = cls(
            error_code=error_code,
            error_msg=error_msg,
            provider_code=provider_code,
            data=data,
        )

        error.additional_properties = d
        return error

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
