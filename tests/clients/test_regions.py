"""Endpoints resolved as Huawei users set them, with the official SDK's region tables."""

from __future__ import annotations

import pytest
from huaweicloudsdkcoc.v1.region.coc_region import CocRegion
from huaweicloudsdkprojectman.v4.region.projectman_region import ProjectManRegion

import attachkit
from attachkit import errors, regions, specs
from attachkit.cli import main

CREDS = attachkit.Credentials(ak="AK", sk="SK")


@pytest.fixture(autouse=True)
def no_region_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("HUAWEICLOUD_SDK_REGION"):
            monkeypatch.delenv(name)


@pytest.mark.parametrize(
    ("service", "official"), [("codearts-req", ProjectManRegion), ("coc", CocRegion)]
)
def test_region_tables_equal_the_official_sdk_entry_by_entry(service: str, official: type) -> None:
    theirs = [
        (region_id, region.endpoints)
        for region_id, region in official.static_fields.items()  # type: ignore[attr-defined]
    ]
    ours = [(region_id, [url]) for region_id, url in regions.SERVICES[service].regions.items()]
    assert ours == theirs


def test_the_specs_servers_list_the_same_regions() -> None:
    server = specs.load_spec("codearts-req")["servers"][0]
    assert server["variables"]["region"]["enum"] == list(regions.SERVICES["codearts-req"].regions)
    coc_servers = {s["description"]: s["url"] for s in specs.load_spec("coc")["servers"]}
    assert coc_servers == dict(regions.SERVICES["coc"].regions)


def test_no_facade_has_a_silent_default_region() -> None:
    for facade in (attachkit.Coc, attachkit.CodeArtsReq, attachkit.AsyncCoc):
        with pytest.raises(
            errors.ConfigurationError, match="needs endpoint= or a region"
        ) as caught:
            facade(credentials=CREDS)
        assert "cn-north-4" in str(caught.value)  # the message lists the regions


def test_huaweicloud_sdk_region_applies_to_every_huawei_facade(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HUAWEICLOUD_SDK_REGION", "ap-southeast-3")
    with attachkit.Coc(credentials=CREDS) as coc:
        assert coc.base_url == "https://coc-intl.myhuaweicloud.com"
    with attachkit.CodeArtsReq(credentials=CREDS) as req:
        assert req.base_url == "https://projectman-ext.ap-southeast-3.myhuaweicloud.com"
    # region= wins over the environment.
    with attachkit.Coc(region="eu-west-101", credentials=CREDS) as coc:
        assert coc.base_url == "https://coc-eu-west-101-open-api.myhuaweicloud.eu"


def test_the_per_service_override_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "HUAWEICLOUD_SDK_REGION_PROJECTMAN_CN_NORTH_4", "https://pm.example.test, https://b.test"
    )
    monkeypatch.setenv("HUAWEICLOUD_SDK_REGION_COC_MY_REGION_1", "https://coc.example.test")
    with attachkit.CodeArtsReq(region="cn-north-4", credentials=CREDS) as req:
        assert req.base_url == "https://pm.example.test"
    with attachkit.Coc(region="cn-north-4", credentials=CREDS) as coc:  # COC's own is untouched
        assert coc.base_url == "https://coc.myhuaweicloud.com"
    with attachkit.Coc(region="my-region-1", credentials=CREDS) as coc:  # a region of its own
        assert coc.base_url == "https://coc.example.test"
    with pytest.raises(errors.ConfigurationError, match="HUAWEICLOUD_SDK_REGION_COC_MARS_1"):
        attachkit.Coc(region="mars-1", credentials=CREDS)
    monkeypatch.setenv("HUAWEICLOUD_SDK_REGION_COC_CN_NORTH_4", "coc.example.test")
    with pytest.raises(errors.ConfigurationError, match="http"):
        attachkit.Coc(region="cn-north-4", credentials=CREDS)


def test_the_override_variable_is_named_as_the_official_sdk_names_it() -> None:
    from huaweicloudsdkcore.region.provider import EnvRegionProvider

    assert EnvRegionProvider._REGION_ENV_PREFIX == regions.ENV_REGION
    assert regions.override_variable("codearts-req", "cn-north-4") == (
        "HUAWEICLOUD_SDK_REGION_PROJECTMAN_CN_NORTH_4"
    )


@pytest.mark.parametrize("service", ["codearts-req", "coc"])
def test_cli_help_lists_the_regions(service: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([service, "--help"])
    out = " ".join(capsys.readouterr().out.split())
    for region in regions.SERVICES[service].regions:
        assert region in out.replace("- ", "-")


def test_cli_without_a_region_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", "AK")
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", "SK")
    assert main(["coc", "download", "--doc-id", "x", "-o", "out"]) == 2
    assert "needs --endpoint or --region" in capsys.readouterr().err


def test_the_setup_page_lists_every_region() -> None:
    from pathlib import Path

    page = Path(__file__).resolve().parents[2] / "docs" / "setup.md"
    section = page.read_text(encoding="utf-8").split("## Regions and endpoints", 1)[1]
    for service in regions.SERVICES.values():
        for region, url in service.regions.items():
            assert region in section
            assert url in section or url.replace(region, "{region}") in section
