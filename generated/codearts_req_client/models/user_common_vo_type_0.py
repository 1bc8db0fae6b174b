from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="UserCommonVOType0")


@_attrs_define
class UserCommonVOType0:
    """A user as the IPD upload answers it.

    Attributes:
        user_id (None | str | Unset):
        user_num_id (int | None | Unset):
        user_name (None | str | Unset):
        domain_id (None | str | Unset):
        domain_name (None | str | Unset):
        nick_name (None | str | Unset):
        role_id (None | str | Unset):
        role_name (None | str | Unset):
        image_id (None | str | Unset):
        region (None | str | Unset):
        watcher (int | None | Unset):
        opinion (None | str | Unset):
        description (None | str | Unset):
        owner (None | str | Unset):
        ccb_id (None | str | Unset):
        status (int | None | Unset):
        has_removed (None | str | Unset):
    """

    user_id: None | str | Unset = UNSET
    user_num_id: int | None | Unset = UNSET
    user_name: None | str | Unset = UNSET
    domain_id: None | str | Unset = UNSET
    domain_name: None | str | Unset = UNSET
    nick_name: None | str | Unset = UNSET
    role_id: None | str | Unset = UNSET
    role_name: None | str | Unset = UNSET
    image_id: None | str | Unset = UNSET
    region: None | str | Unset = UNSET
    watcher: int | None | Unset = UNSET
    opinion: None | str | Unset = UNSET
    description: None | str | Unset = UNSET
    owner: None | str | Unset = UNSET
    ccb_id: None | str | Unset = UNSET
    status: int | None | Unset = UNSET
    has_removed: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __repr__(self) -> str:
        shown = []
        for name, value in (
            ("user_id", self.user_id),
            ("user_num_id", self.user_num_id),
            ("user_name", self.user_name),
            ("domain_id", self.domain_id),
            ("domain_name", self.domain_name),
            ("nick_name", self.nick_name),
            ("role_id", self.role_id),
            ("role_name", self.role_name),
            ("image_id", self.image_id),
            ("region", self.region),
            ("watcher", self.watcher),
            ("opinion", self.opinion),
            ("description", self.description),
            ("owner", self.owner),
            ("ccb_id", self.ccb_id),
            ("status", self.status),
            ("has_removed", self.has_removed),
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
        return f"UserCommonVOType0({', '.join(shown)})"

    def to_dict(self) -> dict[str, Any]:
        user_id: None | str | Unset
        if isinstance(self.user_id, Unset):
            user_id = UNSET
        else:
            user_id = self.user_id

        user_num_id: int | None | Unset
        if isinstance(self.user_num_id, Unset):
            user_num_id = UNSET
        else:
            user_num_id = self.user_num_id

        user_name: None | str | Unset
        if isinstance(self.user_name, Unset):
            user_name = UNSET
        else:
            user_name = self.user_name

        domain_id: None | str | Unset
        if isinstance(self.domain_id, Unset):
            domain_id = UNSET
        else:
            domain_id = self.domain_id

        domain_name: None | str | Unset
        if isinstance(self.domain_name, Unset):
            domain_name = UNSET
        else:
            domain_name = self.domain_name

        nick_name: None | str | Unset
        if isinstance(self.nick_name, Unset):
            nick_name = UNSET
        else:
            nick_name = self.nick_name

        role_id: None | str | Unset
        if isinstance(self.role_id, Unset):
            role_id = UNSET
        else:
            role_id = self.role_id

        role_name: None | str | Unset
        if isinstance(self.role_name, Unset):
            role_name = UNSET
        else:
            role_name = self.role_name

        image_id: None | str | Unset
        if isinstance(self.image_id, Unset):
            image_id = UNSET
        else:
            image_id = self.image_id

        region: None | str | Unset
        if isinstance(self.region, Unset):
            region = UNSET
        else:
            region = self.region

        watcher: int | None | Unset
        if isinstance(self.watcher, Unset):
            watcher = UNSET
        else:
            watcher = self.watcher

        opinion: None | str | Unset
        if isinstance(self.opinion, Unset):
            opinion = UNSET
        else:
            opinion = self.opinion

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        owner: None | str | Unset
        if isinstance(self.owner, Unset):
            owner = UNSET
        else:
            owner = self.owner

        ccb_id: None | str | Unset
        if isinstance(self.ccb_id, Unset):
            ccb_id = UNSET
        else:
            ccb_id = self.ccb_id

        status: int | None | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        else:
            status = self.status

        has_removed: None | str | Unset
        if isinstance(self.has_removed, Unset):
            has_removed = UNSET
        else:
            has_removed = self.has_removed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if user_id is not UNSET:
            field_dict["user_id"] = user_id
        if user_num_id is not UNSET:
            field_dict["user_num_id"] = user_num_id
        if user_name is not UNSET:
            field_dict["user_name"] = user_name
        if domain_id is not UNSET:
            field_dict["domain_id"] = domain_id
        if domain_name is not UNSET:
            field_dict["domain_name"] = domain_name
        if nick_name is not UNSET:
            field_dict["nick_name"] = nick_name
        if role_id is not UNSET:
            field_dict["role_id"] = role_id
        if role_name is not UNSET:
            field_dict["role_name"] = role_name
        if image_id is not UNSET:
            field_dict["image_id"] = image_id
        if region is not UNSET:
            field_dict["region"] = region
        if watcher is not UNSET:
            field_dict["watcher"] = watcher
        if opinion is not UNSET:
            field_dict["opinion"] = opinion
        if description is not UNSET:
            field_dict["description"] = description
        if owner is not UNSET:
            field_dict["owner"] = owner
        if ccb_id is not UNSET:
            field_dict["ccbId"] = ccb_id
        if status is not UNSET:
            field_dict["status"] = status
        if has_removed is not UNSET:
            field_dict["has_removed"] = has_removed

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_user_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        user_id = _parse_user_id(d.pop("user_id", UNSET))

        def _parse_user_num_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        user_num_id = _parse_user_num_id(d.pop("user_num_id", UNSET))

        def _parse_user_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        user_name = _parse_user_name(d.pop("user_name", UNSET))

        def _parse_domain_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        domain_id = _parse_domain_id(d.pop("domain_id", UNSET))

        def _parse_domain_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        domain_name = _parse_domain_name(d.pop("domain_name", UNSET))

        def _parse_nick_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        nick_name = _parse_nick_name(d.pop("nick_name", UNSET))

        def _parse_role_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        role_id = _parse_role_id(d.pop("role_id", UNSET))

        def _parse_role_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        role_name = _parse_role_name(d.pop("role_name", UNSET))

        def _parse_image_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        image_id = _parse_image_id(d.pop("image_id", UNSET))

        def _parse_region(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        region = _parse_region(d.pop("region", UNSET))

        def _parse_watcher(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        watcher = _parse_watcher(d.pop("watcher", UNSET))

        def _parse_opinion(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        opinion = _parse_opinion(d.pop("opinion", UNSET))

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_owner(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        owner = _parse_owner(d.pop("owner", UNSET))

        def _parse_ccb_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        ccb_id = _parse_ccb_id(d.pop("ccbId", UNSET))

        def _parse_status(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

        def _parse_has_removed(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        has_removed = _parse_has_removed(d.pop("has_removed", UNSET))

        user_common_vo_type_0 = cls(
            user_id=user_id,
            user_num_id=user_num_id,
            user_name=user_name,
            domain_id=domain_id,
            domain_name=domain_name,
            nick_name=nick_name,
            role_id=role_id,
            role_name=role_name,
            image_id=image_id,
            region=region,
            watcher=watcher,
            opinion=opinion,
            description=description,
            owner=owner,
            ccb_id=ccb_id,
            status=status,
            has_removed=has_removed,
        )

        user_common_vo_type_0.additional_properties = d
        return user_common_vo_type_0

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
