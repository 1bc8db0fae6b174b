"""Where a Huawei Cloud service answers: endpoints resolved the way Huawei users set them.

The facades only call ``endpoint_for``. In order:

1. ``endpoint=`` given: that URL, as is (the mock service, a proxy, a private deployment).
2. The region: ``region=``, else ``HUAWEICLOUD_SDK_REGION``. There is no default: a missing
   region is an error that lists the service's regions, never a silent choice.
3. ``HUAWEICLOUD_SDK_REGION_<SERVICE>_<REGION>`` (for example
   ``HUAWEICLOUD_SDK_REGION_PROJECTMAN_CN_NORTH_4`` or ``HUAWEICLOUD_SDK_REGION_COC_CN_NORTH_4``)
   overrides that region's endpoint, as the official SDK's ``EnvRegionProvider`` does; a
   comma-separated list means its first URL. It also names an endpoint for a region the table
   below does not know.
4. The region's endpoint from the table, the official SDK's ``ProjectManRegion`` /
   ``CocRegion`` (huaweicloudsdkprojectman / huaweicloudsdkcoc 3.1.219; a test compares them
   entry by entry).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from attachkit.errors import ConfigurationError

__all__ = ["ENV_REGION", "SERVICES", "Service", "endpoint_for", "override_variable"]

ENV_REGION = "HUAWEICLOUD_SDK_REGION"


@dataclass(frozen=True)
class Service:
    label: str  # as users know it
    sdk_name: str  # the official SDK's service name, as in HUAWEICLOUD_SDK_REGION_<NAME>_...
    regions: Mapping[str, str]  # region id -> endpoint, in the official SDK's order


SERVICES: Mapping[str, Service] = {
    "codearts-req": Service(
        "CodeArts Req",
        "PROJECTMAN",
        {
            "cn-north-4": "https://projectman-ext.cn-north-4.myhuaweicloud.com",
            "cn-north-1": "https://projectman-ext.cn-north-1.myhuaweicloud.com",
            "cn-east-2": "https://projectman-ext.cn-east-2.myhuaweicloud.com",
            "cn-south-1": "https://projectman-ext.cn-south-1.myhuaweicloud.com",
            "cn-southwest-2": "https://projectman-ext.cn-southwest-2.myhuaweicloud.com",
            "cn-east-3": "https://projectman-ext.cn-east-3.myhuaweicloud.com",
            "ap-southeast-3": "https://projectman-ext.ap-southeast-3.myhuaweicloud.com",
            "la-north-2": "https://projectman-ext.la-north-2.myhuaweicloud.com",
            "sa-brazil-1": "https://projectman-ext.sa-brazil-1.myhuaweicloud.com",
        },
    ),
    "coc": Service(
        "COC",
        "COC",
        {
            "cn-north-4": "https://coc.myhuaweicloud.com",
            "ap-southeast-3": "https://coc-intl.myhuaweicloud.com",
            "eu-west-101": "https://coc-eu-west-101-open-api.myhuaweicloud.eu",
        },
    ),
}


def override_variable(service: str, region: str) -> str:
    """``HUAWEICLOUD_SDK_REGION_<SERVICE>_<REGION>``, named as the official SDK names it."""
    name = SERVICES[service].sdk_name
    return f"{ENV_REGION}_{name}_{region.replace('-', '_').upper()}"


def endpoint_for(
    service: str,
    *,
    region: str | None = None,
    endpoint: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> str:
    """The base URL of ``service`` ("codearts-req" or "coc"); see the module docstring."""
    if endpoint:
        return endpoint
    env = os.environ if environ is None else environ
    known = SERVICES[service]
    region = (region or env.get(ENV_REGION, "")).strip()
    if not region:
        raise ConfigurationError(
            f"{known.label} needs endpoint= or a region (or ${ENV_REGION}); "
            f"its regions: {', '.join(known.regions)}"
        )
    override = env.get(override_variable(service, region), "").split(",")[0].strip()
    if override:
        if not override.startswith(("https://", "http://")):
            raise ConfigurationError(
                f"${override_variable(service, region)} must be an http(s) URL"
            )
        return override
    if region not in known.regions:
        raise ConfigurationError(
            f"{known.label} has no region {region!r}; its regions: {', '.join(known.regions)}; "
            f"${override_variable(service, region)} can name its endpoint (pass endpoint=)"
        )
    return known.regions[region]
