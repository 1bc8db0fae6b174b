"""Where credentials come from, in which order, and what the error says when there are none."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from attachkit.credentials import Credentials
from attachkit.errors import ConfigurationError, CredentialsNotFoundError

SK = "sk-very-secret-value"
TOKEN = "security-token-secret-value"


def write_profile(path: Path, text: str) -> Path:
    """A profile file as it should be kept: only its owner may read it (else a warning)."""
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return path


def no_profile(tmp_path: Path) -> dict[str, str]:
    return {"HOME": str(tmp_path)}


def test_explicit_values_win(tmp_path: Path) -> None:
    environ = {**no_profile(tmp_path), "HUAWEICLOUD_SDK_AK": "env-ak", "HUAWEICLOUD_SDK_SK": "x"}
    found = Credentials.resolve("explicit-ak", SK, environ=environ)
    assert (found.ak, found.sk) == ("explicit-ak", SK)


def test_half_an_explicit_pair_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="sk must be given together"):
        Credentials.resolve(ak="only-ak", environ=no_profile(tmp_path))


def test_huaweicloud_environment_with_extras(tmp_path: Path) -> None:
    environ = {
        **no_profile(tmp_path),
        "HUAWEICLOUD_SDK_AK": "env-ak",
        "HUAWEICLOUD_SDK_SK": SK,
        "HUAWEICLOUD_SDK_SECURITY_TOKEN": TOKEN,
        "HUAWEICLOUD_SDK_PROJECT_ID": "proj",
        "HUAWEICLOUD_SDK_DOMAIN_ID": "dom",
        "CLOUD_SDK_AK": "doc-ak",
        "CLOUD_SDK_SK": "doc-sk",
    }
    assert Credentials.resolve(environ=environ) == Credentials(
        "env-ak", SK, security_token=TOKEN, project_id="proj", domain_id="dom"
    )


def test_documentation_environment_names_come_next(tmp_path: Path) -> None:
    environ = {**no_profile(tmp_path), "CLOUD_SDK_AK": "doc-ak", "CLOUD_SDK_SK": SK}
    found = Credentials.resolve(environ=environ)
    assert (found.ak, found.sk, found.security_token) == ("doc-ak", SK, None)


def test_explicit_extras_override_the_source(tmp_path: Path) -> None:
    environ = {
        **no_profile(tmp_path),
        "HUAWEICLOUD_SDK_AK": "env-ak",
        "HUAWEICLOUD_SDK_SK": SK,
        "HUAWEICLOUD_SDK_PROJECT_ID": "from-env",
    }
    assert Credentials.resolve(project_id="explicit", environ=environ).project_id == "explicit"


def test_profile_file_basic_section(tmp_path: Path) -> None:
    profile = write_profile(
        tmp_path / "credentials",
        f"[basic]\nak = file-ak\nsk = {SK}\nproject_id = p1\n\n[global]\nak = g-ak\nsk = g-sk\n",
    )
    found = Credentials.resolve(environ={}, profile_path=profile)
    assert (found.ak, found.sk, found.project_id) == ("file-ak", SK, "p1")


def test_profile_file_global_section_and_named_section(tmp_path: Path) -> None:
    profile = write_profile(
        tmp_path / "credentials",
        f"[global]\nak = g-ak\nsk = {SK}\ndomain_id = d1\nsecurity_token = {TOKEN}\n",
    )
    found = Credentials.resolve(environ={}, profile_path=profile)
    assert (found.ak, found.domain_id, found.security_token) == ("g-ak", "d1", TOKEN)
    with pytest.raises(CredentialsNotFoundError, match=r"section \[basic\]: no such section"):
        Credentials.resolve(environ={}, profile_path=profile, profile_section="basic")


def test_profile_path_from_environment_and_default_home(tmp_path: Path) -> None:
    profile = write_profile(tmp_path / "elsewhere.ini", f"[basic]\nak = a1\nsk = {SK}\n")
    environ = {"HUAWEICLOUD_SDK_CREDENTIALS_FILE": str(profile)}
    assert Credentials.resolve(environ=environ).ak == "a1"

    (tmp_path / ".huaweicloud").mkdir()
    write_profile(tmp_path / ".huaweicloud" / "credentials", f"[basic]\nak = a2\nsk = {SK}\n")
    assert Credentials.resolve(environ={"HOME": str(tmp_path)}).ak == "a2"


def test_nothing_found_lists_every_place_looked(tmp_path: Path) -> None:
    profile = write_profile(tmp_path / "credentials", "[basic]\nak = only-ak\n")
    environ = {"HUAWEICLOUD_SDK_AK": "half", "HUAWEICLOUD_SDK_CREDENTIALS_FILE": str(profile)}
    with pytest.raises(CredentialsNotFoundError) as caught:
        Credentials.resolve(environ=environ)
    searched = caught.value.searched
    assert searched == [
        "explicit arguments ak= and sk= (not given)",
        "environment variables HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK "
        "(HUAWEICLOUD_SDK_SK is not set)",
        "environment variables CLOUD_SDK_AK and CLOUD_SDK_SK (not set)",
        f"profile file {profile} (HUAWEICLOUD_SDK_CREDENTIALS_FILE), section [basic]: no sk",
        f"profile file {profile} (HUAWEICLOUD_SDK_CREDENTIALS_FILE), section [global]: "
        "no such section",
    ]
    for place in searched:
        assert place in str(caught.value)


def test_missing_profile_file_is_listed(tmp_path: Path) -> None:
    with pytest.raises(CredentialsNotFoundError) as caught:
        Credentials.resolve(environ=no_profile(tmp_path))
    assert caught.value.searched[-1] == (
        f"profile file {tmp_path / '.huaweicloud' / 'credentials'} (default location): "
        "does not exist"
    )


def test_a_broken_profile_file_is_reported_without_its_contents(tmp_path: Path) -> None:
    profile = write_profile(tmp_path / "credentials", f"ak = a\nsk = {SK}\n")
    with pytest.raises(ConfigurationError) as caught:
        Credentials.resolve(environ={}, profile_path=profile)
    assert "not a valid INI file near line 1" in str(caught.value)
    assert SK not in str(caught.value)
    assert caught.value.__cause__ is None

    profile = write_profile(tmp_path / "credentials", f"[basic]\nak = a\n{SK}\n")
    with pytest.raises(ConfigurationError) as caught:
        Credentials.resolve(environ={}, profile_path=profile)
    assert "near line 3" in str(caught.value)
    assert SK not in str(caught.value)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"ak": "", "sk": SK}, "ak"),
        ({"ak": "a", "sk": " "}, "sk"),
        ({"ak": "a", "sk": SK, "security_token": ""}, "security_token"),
    ],
)
def test_empty_values_are_refused_by_name(kwargs: dict[str, str], field: str) -> None:
    with pytest.raises(ConfigurationError, match=f"credentials: {field} must be"):
        Credentials(**kwargs)


def test_environment_values_are_stripped_like_profile_values(tmp_path: Path) -> None:
    environ = {
        **no_profile(tmp_path),
        "HUAWEICLOUD_SDK_AK": " env-ak\n",
        "HUAWEICLOUD_SDK_SK": f"{SK}\r\n",
        "HUAWEICLOUD_SDK_SECURITY_TOKEN": f"\t{TOKEN} ",
        "HUAWEICLOUD_SDK_PROJECT_ID": "proj\n",
        "HUAWEICLOUD_SDK_DOMAIN_ID": "   ",  # blank counts as not set
    }
    assert Credentials.resolve(environ=environ) == Credentials(
        "env-ak", SK, security_token=TOKEN, project_id="proj"
    )


def test_blank_environment_pair_falls_through_to_the_next_place(tmp_path: Path) -> None:
    environ = {
        **no_profile(tmp_path),
        "HUAWEICLOUD_SDK_AK": " ",
        "HUAWEICLOUD_SDK_SK": "\n",
        "CLOUD_SDK_AK": "doc-ak",
        "CLOUD_SDK_SK": SK,
    }
    assert Credentials.resolve(environ=environ).ak == "doc-ak"


@pytest.mark.parametrize("field", ["ak", "sk"])
@pytest.mark.parametrize(
    "bad", [f"{SK}\n", f"{SK} ", "sk-very secret", f"{SK}\x00", f"{SK}\x7f", f"{SK}\u2028"]
)
def test_whitespace_or_control_characters_in_ak_or_sk_are_refused_without_echo(
    field: str, bad: str
) -> None:
    values = {"ak": "AK1", "sk": SK, field: bad}
    with pytest.raises(ConfigurationError) as caught:
        Credentials(**values)
    message = str(caught.value)
    assert f"credentials: {field} contains whitespace or control characters" == message
    assert SK not in message and "secret" not in message
    # The same through resolve(), where explicit values are not stripped.
    with pytest.raises(ConfigurationError, match=f"{field} contains"):
        Credentials.resolve(**values, environ={})


def test_repr_and_str_hide_the_secret_and_token() -> None:
    credentials = Credentials("AK1", SK, security_token=TOKEN, project_id="p1")
    for text in (repr(credentials), str(credentials), f"{credentials}", str([credentials])):
        assert SK not in text
        assert TOKEN not in text
        assert "AK1" in text
        assert "p1" in text
    assert "security_token=None" in repr(Credentials("AK1", SK))
    assert credentials.is_temporary
    assert not Credentials("AK1", SK).is_temporary


def test_credentials_are_immutable_values() -> None:
    credentials = Credentials("AK1", SK)
    with pytest.raises(dataclasses.FrozenInstanceError):
        credentials.sk = "other"  # type: ignore[misc]
    assert dataclasses.replace(credentials, project_id="p").project_id == "p"
    assert credentials == Credentials("AK1", SK)
