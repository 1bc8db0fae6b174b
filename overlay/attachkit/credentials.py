"""Huawei Cloud AK/SK credentials and where to find them.

``Credentials`` holds an access key, its secret and the optional security token, project id and
domain id; ``Credentials.resolve()`` looks for them the way Huawei Cloud users keep them:
explicit values, then the environment, then the profile file. The secret key and the security
token never appear in a ``repr``, a ``str``, a log line or an error message.
"""

from __future__ import annotations

import configparser
import logging
import os
import stat
import unicodedata
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from attachkit.errors import (
    ConfigurationError,
    CredentialsNotFoundError,
    InsecureCredentialsFileWarning,
)

__all__ = [
    "Credentials",
    "ENV_AK",
    "ENV_SK",
    "ENV_SECURITY_TOKEN",
    "ENV_PROJECT_ID",
    "ENV_DOMAIN_ID",
    "ENV_DOC_AK",
    "ENV_DOC_SK",
    "ENV_CREDENTIALS_FILE",
    "DEFAULT_PROFILE_PATH",
    "PROFILE_SECTIONS",
]

_log = logging.getLogger(__name__)

ENV_AK = "HUAWEICLOUD_SDK_AK"
ENV_SK = "HUAWEICLOUD_SDK_SK"
ENV_SECURITY_TOKEN = "HUAWEICLOUD_SDK_SECURITY_TOKEN"
ENV_PROJECT_ID = "HUAWEICLOUD_SDK_PROJECT_ID"
ENV_DOMAIN_ID = "HUAWEICLOUD_SDK_DOMAIN_ID"
# The names Huawei's documentation uses in its code samples; many users have only these set.
ENV_DOC_AK = "CLOUD_SDK_AK"
ENV_DOC_SK = "CLOUD_SDK_SK"
ENV_CREDENTIALS_FILE = "HUAWEICLOUD_SDK_CREDENTIALS_FILE"
DEFAULT_PROFILE_PATH = "~/.huaweicloud/credentials"
# [basic] holds credentials for regional services, [global] for global ones such as COC.
PROFILE_SECTIONS = ("basic", "global")

_REDACTED = "'***'"


@dataclass(frozen=True, slots=True, repr=False)
class Credentials:
    """An access key and its secret, plus what Huawei Cloud requests may carry with them.

    ``security_token`` marks temporary credentials (sent as ``X-Security-Token``);
    ``project_id`` and ``domain_id`` are sent as ``X-Project-Id`` and ``X-Domain-Id``.
    """

    ak: str
    sk: str
    security_token: str | None = None
    project_id: str | None = None
    domain_id: str | None = None
    # Where ``resolve`` found the pair ("environment variables HUAWEICLOUD_SDK_AK and
    # HUAWEICLOUD_SDK_SK", "profile file PATH ..., section [basic]"): what a user checks when
    # the gateway refuses the signature. Not a secret; not part of equality.
    source: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        # Messages name the field only: echoing a wrong value could echo a secret.
        for name in ("ak", "sk"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ConfigurationError(f"credentials: {name} must be a non-empty string")
        for name in ("security_token", "project_id", "domain_id"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise ConfigurationError(f"credentials: {name} must be a non-empty string or None")
        # Every field goes into a request header (the SK through the signature, the others
        # verbatim: X-Security-Token, X-Project-Id, X-Domain-Id): a stray newline or tab, usually
        # pasted along with the value or a profile's continuation line, would break the header
        # (httpx then quotes the value, secret and all) or the signature with a confusing 401.
        # Refuse it here, naming only the field.
        for name in ("ak", "sk", "security_token", "project_id", "domain_id"):
            value = getattr(self, name)
            if value is not None and any(
                ch.isspace() or unicodedata.category(ch) == "Cc" for ch in value
            ):
                raise ConfigurationError(
                    f"credentials: {name} contains whitespace or control characters"
                )

    @property
    def is_temporary(self) -> bool:
        """True for temporary credentials, which only work together with their token."""
        return self.security_token is not None

    def __repr__(self) -> str:
        token = _REDACTED if self.security_token is not None else "None"
        return (
            f"Credentials(ak={self.ak!r}, sk={_REDACTED}, security_token={token}, "
            f"project_id={self.project_id!r}, domain_id={self.domain_id!r})"
        )

    __str__ = __repr__

    @classmethod
    def resolve(
        cls,
        ak: str | None = None,
        sk: str | None = None,
        security_token: str | None = None,
        project_id: str | None = None,
        domain_id: str | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        profile_path: str | os.PathLike[str] | None = None,
        profile_section: str | None = None,
    ) -> Credentials:
        """Find credentials: explicit ``ak``/``sk``, the environment, then the profile file.

        The first place that holds both an AK and an SK wins. Explicit ``security_token``,
        ``project_id`` and ``domain_id`` override what that place says. ``environ`` defaults to
        ``os.environ``; ``profile_path`` defaults to ``$HUAWEICLOUD_SDK_CREDENTIALS_FILE`` or
        ``~/.huaweicloud/credentials``; ``profile_section`` restricts the file to one section
        (default: ``basic``, then ``global``). Raises ``CredentialsNotFoundError`` listing every
        place looked at, or ``ConfigurationError`` when only half of a pair was given.
        """
        env = os.environ if environ is None else environ
        overrides = {
            "security_token": security_token,
            "project_id": project_id,
            "domain_id": domain_id,
        }
        searched: list[str] = []

        found = _from_explicit(ak, sk, searched)
        if found is None:
            found = _from_environment(env, searched)
        if found is None:
            found = _from_profile(env, profile_path, profile_section, searched)
        if found is None:
            raise CredentialsNotFoundError(searched)

        values, source = found
        for name, value in overrides.items():
            if value is not None:
                values[name] = value
        _log.debug("using Huawei Cloud credentials from %s", source)
        found_ak, found_sk = values.pop("ak"), values.pop("sk")
        assert found_ak and found_sk  # each place above returns only a complete pair
        return cls(found_ak, found_sk, **values, source=source)


def _from_explicit(
    ak: str | None, sk: str | None, searched: list[str]
) -> tuple[dict[str, str | None], str] | None:
    if ak and sk:
        return {"ak": ak, "sk": sk}, "explicit arguments ak= and sk="
    if ak or sk:
        missing = "sk" if ak else "ak"
        raise ConfigurationError(f"credentials: {missing} must be given together with the other")
    searched.append("explicit arguments ak= and sk= (not given)")
    return None


def _from_environment(
    env: Mapping[str, str], searched: list[str]
) -> tuple[dict[str, str | None], str] | None:
    # Stripped like the profile file's values: `export HUAWEICLOUD_SDK_SK="$(cat sk.txt)"`
    # keeps no newline, but a value read some other way often does.
    def value(name: str) -> str | None:
        return env.get(name, "").strip() or None

    extras = {
        "security_token": value(ENV_SECURITY_TOKEN),
        "project_id": value(ENV_PROJECT_ID),
        "domain_id": value(ENV_DOMAIN_ID),
    }
    for ak_name, sk_name in ((ENV_AK, ENV_SK), (ENV_DOC_AK, ENV_DOC_SK)):
        ak, sk = value(ak_name), value(sk_name)
        place = f"environment variables {ak_name} and {sk_name}"
        if ak and sk:
            return {"ak": ak, "sk": sk, **extras}, place
        if ak or sk:
            missing = sk_name if ak else ak_name
            searched.append(f"{place} ({missing} is not set)")
        else:
            searched.append(f"{place} (not set)")
    return None


def _profile_location(
    env: Mapping[str, str], profile_path: str | os.PathLike[str] | None
) -> tuple[Path, str]:
    if profile_path is not None:
        return Path(profile_path).expanduser(), "profile_path="
    configured = env.get(ENV_CREDENTIALS_FILE)
    if configured:
        return Path(configured).expanduser(), ENV_CREDENTIALS_FILE
    home = env.get("HOME")
    path = Path(home) / ".huaweicloud" / "credentials" if home else Path(DEFAULT_PROFILE_PATH)
    return path.expanduser(), "default location"


def _from_profile(
    env: Mapping[str, str],
    profile_path: str | os.PathLike[str] | None,
    profile_section: str | None,
    searched: list[str],
) -> tuple[dict[str, str | None], str] | None:
    path, origin = _profile_location(env, profile_path)
    place = f"profile file {path} ({origin})"
    if not path.is_file():
        searched.append(f"{place}: does not exist")
        return None
    _warn_if_others_can_access(path)
    parser = configparser.ConfigParser(interpolation=None)
    try:
        with path.open(encoding="utf-8") as stream:
            parser.read_file(stream)
    except configparser.Error as error:
        # configparser quotes the offending line, which may hold a secret: report its number.
        line = getattr(error, "lineno", None)
        if line is None and isinstance(error, configparser.ParsingError) and error.errors:
            line = error.errors[0][0]
        where = f" near line {line}" if line else ""
        raise ConfigurationError(f"{place}: not a valid INI file{where}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigurationError(f"{place}: cannot be read ({type(error).__name__})") from None

    sections = (profile_section,) if profile_section else PROFILE_SECTIONS
    for section in sections:
        if not parser.has_section(section):
            searched.append(f"{place}, section [{section}]: no such section")
            continue
        values = parser[section]
        ak, sk = values.get("ak", "").strip(), values.get("sk", "").strip()
        if ak and sk:
            return {
                "ak": ak,
                "sk": sk,
                "security_token": values.get("security_token", "").strip() or None,
                "project_id": values.get("project_id", "").strip() or None,
                "domain_id": values.get("domain_id", "").strip() or None,
            }, f"{place}, section [{section}]"
        missing = " and ".join(key for key, value in (("ak", ak), ("sk", sk)) if not value)
        searched.append(f"{place}, section [{section}]: no {missing}")
    return None


def _warn_if_others_can_access(path: Path) -> None:
    """Warn, as ssh does, when users other than the owner may read or change the secret key."""
    if os.name != "posix":
        return  # Windows keeps access in ACLs; st_mode says nothing about them
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return  # reading it fails next, with its own message
    if mode & 0o077:
        warnings.warn(
            f"credentials file {path} can be read or changed by users other than its owner "
            f"(mode {mode:04o}); restrict it with: chmod 600 {path}",
            InsecureCredentialsFileWarning,
            stacklevel=4,
        )
