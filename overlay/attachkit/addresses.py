"""Where a file is, or where a new one goes: a local path or a service address.

An address names either one stored object (a copy's source) or the place a new object is
created (a copy's destination):

====================  =================================================  =========================
service               source (an object)                                 destination (a place)
====================  =================================================  =========================
CodeArts Req, Scrum   ``scrum://PROJECT/ISSUE/ATTACHMENT_ID``             ``scrum://PROJECT/ISSUE``
CodeArts Req, IPD     ``ipd://PROJECT/ISSUE/ATTACHMENT_ID``               ``ipd://PROJECT/ISSUE``
COC                   ``coc://DOC_ID``                                    ``coc://incident``
WorldServer           ``ws://INTERNAL_NAME?downloadToken=…&resourceType=…``  ``ws://ATTRIBUTE_DEFINITION_ID``
====================  =================================================  =========================

Anything without one of these schemes is a local path. Address parts are percent-decoded, so a
WorldServer name with a space is written ``ws://attr1113-1_a%20b.txt``; ``str()`` of an
address gives it back in that form. The parts are checked against the specs by the facades
when they are used, not here; here only the shape is checked, so a typo fails before anything
is sent.

Each service's address type is the one place that knows that service's calls: which facade
serves it (``facade_arguments``), how to ``stream``, ``download`` and ``upload`` through it,
what the upload becomes (``created``), and what the service refuses (``check_upload``). The
I/O methods take an open facade, sync or async, and return what its method returns (a result,
or an awaitable of it), so the copy engine's async source and its generated sync twin call the
same methods. Nothing outside these types branches on the kind of an address.
"""

from __future__ import annotations

import os
import re
import urllib.parse
from pathlib import Path
from typing import Any, ClassVar, Self, TypeGuard

import attrs

from attachkit import catalog
from attachkit.bulk import plan as unique_names
from attachkit.credentials import Credentials
from attachkit.environment import WS_PASSWORD_ENV, WS_USERNAME_ENV, ws_username
from attachkit.errors import ConfigurationError, ValidationError
from attachkit.facade_defaults import too_large
from attachkit.options import DownloadOptions, StreamOptions, UploadOptions
from attachkit.transfer import Destination, RetryPolicy, UploadSource, sanitize_filename
from attachkit.untrusted import parse_number
from attachkit.validation import validate_filename

__all__ = [
    "Address",
    "Held",
    "CocAddress",
    "Connections",
    "IpdAddress",
    "LocalPath",
    "ScrumAddress",
    "WorldServerAddress",
    "local",
    "parse_address",
]

SCHEMES = ("scrum", "ipd", "coc", "ws")
COC_TICKET_TYPES = ("incident",)
# The get-attribute-files filters a ws:// source may carry, by their query name.
WS_FILTERS = ("downloadToken", "resourceType", "resourceId", "attributeName")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_WS_INTERNAL_PREFIX = re.compile(r"^attr\d+-\d+_")


def _quote(part: str) -> str:
    return urllib.parse.quote(part, safe="")


@attrs.frozen
class Connections:
    """How to reach each service a copy touches; unset values come from the environment.

    Huawei credentials default to ``Credentials.resolve()``; CodeArts Req and COC each need an
    endpoint or a region (or ``HUAWEICLOUD_SDK_REGION``; no default region); WorldServer needs an
    endpoint and a user (default ``$ATTACHKIT_WS_USERNAME``), and its password defaults to
    ``$ATTACHKIT_WS_PASSWORD``.
    """

    credentials: Credentials | None = None
    codearts_endpoint: str | None = None
    codearts_region: str | None = None
    coc_endpoint: str | None = None
    coc_region: str | None = None
    ws_endpoint: str | None = None
    ws_username: str | None = None
    ws_password: str | None = attrs.field(default=None, repr=False)
    timeout: float | None = None
    max_retries: int | None = None
    # How the facades wait between retries (a sync run's makes every wait pause all workers).
    retry_policy: RetryPolicy | None = None

    def client_arguments(self) -> dict[str, Any]:
        """What every facade is built with: the timeout and retries the caller chose."""
        arguments: dict[str, Any] = {"timeout": self.timeout, "retry_policy": self.retry_policy}
        if self.max_retries is not None:
            arguments["max_retries"] = self.max_retries
        return arguments


@attrs.frozen
class Held:
    """One object a place holds: where it is, the name it has there, its size and validator.

    ``name`` is None for an object named only by its answer (a service object given by its
    address alone); ``validator`` tells a changed object from an unchanged one (a local
    file's mtime, an attachment's creation date), beside its ``size``.
    """

    location: Address
    name: str | None
    size: int | None
    validator: str | None

    @property
    def address(self) -> str:
        return str(self.location)


@attrs.frozen
class LocalPath:
    """A local file, or a directory when it exists as one or is written with a trailing ``/``."""

    path: Path
    directory: bool = False
    is_local: ClassVar[bool] = True
    service: ClassVar[str] = "local"

    @property
    def as_destination(self) -> str:
        """The path as the download engine takes it: a trailing separator means a directory."""
        return str(self.path) + os.sep if self.directory else str(self.path)

    @property
    def is_object(self) -> bool:
        return True  # a local path is both a source and a destination

    @property
    def listable(self) -> bool:
        """Whether this is a directory (or will be one): a place whose files can be listed."""
        return self.directory or self.path.is_dir() or not self.path.exists()

    def check_upload(self, filename: str, size: int | None) -> None:
        """A local destination refuses nothing up front (names are made safe on download)."""

    def held(self) -> list[Held]:
        """The regular files directly in this directory (no links followed, no hidden files:
        partials, sidecars and ledgers start with a dot); blocking file work."""
        if not self.path.exists():
            return []
        found = []
        with os.scandir(self.path) as entries:
            for entry in entries:
                if entry.name.startswith(".") or not entry.is_file(follow_symlinks=False):
                    continue
                status = entry.stat(follow_symlinks=False)
                found.append(
                    Held(LocalPath(Path(entry.path)), entry.name, status.st_size,
                         str(status.st_mtime_ns))
                )  # fmt: skip
        return sorted(found, key=lambda held: held.name or "")

    def held_file(self) -> Held:
        """This one file, as a place would list it."""
        status = self.path.stat()
        return Held(self, self.path.name, status.st_size, str(status.st_mtime_ns))

    def __str__(self) -> str:
        return str(self.path)


class _ServiceAddressBase:
    """What every service address offers; each type below fills it in for its service."""

    service: ClassVar[str]
    is_local: ClassVar[bool] = False
    # The largest file an upload may be (None: the service documents none), read from the
    # catalog at call time, so a test or benchmark that raises a limit raises it here too.
    limit_name: ClassVar[str | None] = None

    @property
    def max_bytes(self) -> int | None:
        return None if self.limit_name is None else int(getattr(catalog, self.limit_name))

    @property
    def listable(self) -> bool:
        """Whether this place's objects can be listed (only an IPD work item can)."""
        return False

    def listing(self, facade: Any) -> Any:
        raise TypeError(f"{self} cannot be listed")

    def held_from(self, listing: Any) -> list[Held]:
        raise TypeError(f"{self} cannot be listed")

    def check_upload(self, filename: str, size: int | None) -> None:
        """Refuse what the service would refuse, before a byte of the file moves."""
        validate_filename(filename)
        limit = self.max_bytes
        if limit is not None and size is not None and size > limit:
            raise too_large(filename, size, limit, f" for {self.service} ({self})")


@attrs.frozen
class _WorkItemAddress(_ServiceAddressBase):
    """What a CodeArts Req address is, Scrum or IPD: a work item, or one of its attachments."""

    service: ClassVar[str] = "codearts-req"
    scheme: ClassVar[str]

    project_id: str
    issue_id: str
    attachment_id: str | None = None

    @property
    def is_object(self) -> bool:
        return self.attachment_id is not None

    def with_object(self, attachment_id: str) -> Self:
        return attrs.evolve(self, attachment_id=attachment_id)

    def facade_arguments(self, connections: Connections) -> dict[str, Any]:
        return {
            "region": connections.codearts_region,
            "endpoint": connections.codearts_endpoint,
            "credentials": connections.credentials,
            **connections.client_arguments(),
        }

    def fallback_name(self) -> str:
        return sanitize_filename(f"attachment-{self.attachment_id}", "download")

    def __str__(self) -> str:
        parts = [self.project_id, self.issue_id, self.attachment_id]
        return f"{self.scheme}://" + "/".join(_quote(p) for p in parts if p is not None)


@attrs.frozen
class ScrumAddress(_WorkItemAddress):
    """``scrum://PROJECT/ISSUE/ATTACHMENT_ID`` (an attachment) or ``scrum://PROJECT/ISSUE``."""

    scheme: ClassVar[str] = "scrum"
    limit_name: ClassVar[str | None] = "SCRUM_MAX_BYTES"

    def stream(self, facade: Any, options: StreamOptions) -> Any:
        return facade.scrum.stream(self.project_id, self.issue_id, self.attachment_id, options)

    def download(self, facade: Any, dest: Destination, options: DownloadOptions) -> Any:
        return facade.scrum.download(
            self.project_id, self.issue_id, self.attachment_id, dest, options
        )

    def upload(self, facade: Any, source: UploadSource, options: UploadOptions) -> Any:
        return facade.scrum.upload(self.project_id, self.issue_id, source, options)

    def created(self, result: Any) -> ScrumAddress:
        return self.with_object(str(result.id))


@attrs.frozen
class IpdAddress(_WorkItemAddress):
    """``ipd://PROJECT/ISSUE/ATTACHMENT_ID`` (an attachment) or ``ipd://PROJECT/ISSUE``."""

    scheme: ClassVar[str] = "ipd"
    limit_name: ClassVar[str | None] = "IPD_MAX_BYTES"

    @property
    def listable(self) -> bool:
        return not self.is_object  # a work item lists its attachments

    def listing(self, facade: Any) -> Any:
        return facade.ipd.list(self.project_id, self.issue_id)

    def held_from(self, listing: Any) -> list[Held]:
        """The attachments a list answer names, each with a name unique in the work item."""
        entries = listing.result or []
        created = {str(entry.id): entry.created_date for entry in entries}
        return [
            Held(
                self.with_object(item.attachment_id),
                item.name,
                item.size,
                created_text if isinstance(created_text := created.get(item.attachment_id), str)
                else None,
            )
            for item in unique_names(entries)
        ]  # fmt: skip

    def stream(self, facade: Any, options: StreamOptions) -> Any:
        return facade.ipd.stream(self.project_id, self.attachment_id, options)

    def download(self, facade: Any, dest: Destination, options: DownloadOptions) -> Any:
        return facade.ipd.download(self.project_id, self.attachment_id, dest, options)

    def upload(self, facade: Any, source: UploadSource, options: UploadOptions) -> Any:
        return facade.ipd.upload(self.project_id, self.issue_id, source, options)

    def created(self, result: Any) -> IpdAddress:
        items = result.result or []
        # The IPD answer lists what it stored; without an id only the work item can be named.
        return self.with_object(str(items[0].id)) if items else self


@attrs.frozen
class CocAddress(_ServiceAddressBase):
    """``coc://DOC_ID`` (an attachment) or ``coc://incident`` (where new ones go)."""

    service: ClassVar[str] = "coc"
    limit_name: ClassVar[str | None] = "COC_MAX_BYTES"

    doc_id: str | None = None
    ticket_type: str = "incident"

    @property
    def is_object(self) -> bool:
        return self.doc_id is not None

    def facade_arguments(self, connections: Connections) -> dict[str, Any]:
        return {
            "region": connections.coc_region,
            "endpoint": connections.coc_endpoint,
            "credentials": connections.credentials,
            **connections.client_arguments(),
        }

    def fallback_name(self) -> str:
        return sanitize_filename(self.doc_id, "download")

    def check_upload(self, filename: str, size: int | None) -> None:
        super().check_upload(filename, size)
        if not filename.lower().endswith(catalog.COC_EXTENSIONS):
            raise ValidationError(
                "file",
                f"{filename!r} is not a type COC accepts (name the copy with filename=/--name)",
                "one of " + " ".join(catalog.COC_EXTENSIONS),
            )

    def stream(self, facade: Any, options: StreamOptions) -> Any:
        return facade.stream(self.doc_id, options, ticket_type=self.ticket_type)

    def download(self, facade: Any, dest: Destination, options: DownloadOptions) -> Any:
        return facade.download(self.doc_id, dest, options, ticket_type=self.ticket_type)

    def upload(self, facade: Any, source: UploadSource, options: UploadOptions) -> Any:
        return facade.upload(source, options, ticket_type=self.ticket_type)

    def created(self, result: Any) -> CocAddress:
        return CocAddress(doc_id=str(result.data.doc_id), ticket_type=self.ticket_type)

    def __str__(self) -> str:
        return "coc://" + _quote(self.doc_id if self.doc_id is not None else self.ticket_type)


@attrs.frozen
class WorldServerAddress(_ServiceAddressBase):
    """``ws://INTERNAL_NAME?filters`` (a stored file) or ``ws://ATTRIBUTE_DEFINITION_ID``."""

    service: ClassVar[str] = "worldserver"  # WorldServer documents no limit for its files

    internal_name: str | None = None
    attribute_definition_id: int | None = None
    download_token: str | None = None
    resource_type: str | None = None
    resource_id: int | None = None
    attribute_name: str | None = None

    @property
    def is_object(self) -> bool:
        return self.internal_name is not None

    def facade_arguments(self, connections: Connections) -> dict[str, Any]:
        password = connections.ws_password or os.environ.get(WS_PASSWORD_ENV)
        username = connections.ws_username or ws_username()
        missing = [
            name
            for name, value in (
                ("ws_endpoint", connections.ws_endpoint),
                (f"ws_username (or ${WS_USERNAME_ENV})", username),
                (f"ws_password (or ${WS_PASSWORD_ENV})", password),
            )
            if not value
        ]
        if missing:
            raise ConfigurationError(f"a ws:// address needs {', '.join(missing)}")
        return {
            "endpoint": connections.ws_endpoint,
            "username": username,
            "password": password,
            **connections.client_arguments(),
        }

    def fallback_name(self) -> str:
        assert self.internal_name is not None
        return sanitize_filename(_WS_INTERNAL_PREFIX.sub("", self.internal_name), "download")

    def _filters(self) -> dict[str, Any]:
        return {
            "resource_type": self.resource_type,
            "resource_id": self.resource_id,
            "attribute_name": self.attribute_name,
            "download_token": self.download_token,
        }

    def stream(self, facade: Any, options: StreamOptions) -> Any:
        return facade.stream(self.internal_name, options, **self._filters())

    def download(self, facade: Any, dest: Destination, options: DownloadOptions) -> Any:
        return facade.download(self.internal_name, dest, options, **self._filters())

    def upload(self, facade: Any, source: UploadSource, options: UploadOptions) -> Any:
        assert self.attribute_definition_id is not None
        return facade.upload(self.attribute_definition_id, source, options)

    def created(self, result: Any) -> WorldServerAddress:
        token = result.download_token if isinstance(result.download_token, str) else None
        return WorldServerAddress(internal_name=result.internal_name, download_token=token)

    def __str__(self) -> str:
        if self.internal_name is None:
            return f"ws://{self.attribute_definition_id}"
        query = {
            name: value
            for name, value in zip(
                WS_FILTERS,
                (self.download_token, self.resource_type, self.resource_id, self.attribute_name),
                strict=True,
            )
            if value is not None
        }
        text = "ws://" + _quote(self.internal_name)
        if query:
            text += "?" + urllib.parse.urlencode(query, quote_via=urllib.parse.quote)
        return text


ServiceAddress = ScrumAddress | IpdAddress | CocAddress | WorldServerAddress
Address = LocalPath | ServiceAddress


def local(address: Address) -> TypeGuard[LocalPath]:
    """Whether ``address`` is a local path (and so, for type checkers, a ``LocalPath``)."""
    return address.is_local


def _bad(text: str, problem: str, rule: str) -> ValidationError:
    # The address is the user's own input; only its scheme and shape are quoted back.
    return ValidationError("address", f"{text[:200]!r} {problem}", rule)


def parse_address(text: str) -> Address:
    """The address ``text`` names; a ``ValidationError`` naming the expected form if malformed."""
    match = _SCHEME.match(text)
    if match is None:
        if not text:
            raise _bad(text, "is empty", "a local path or scheme://…")
        return LocalPath(Path(text), directory=text.endswith(("/", os.sep)))
    scheme = match.group(1).lower()
    rest = text[match.end() :]
    if scheme not in SCHEMES:
        raise _bad(text, f"has an unknown scheme {scheme!r}", "one of " + ", ".join(SCHEMES))
    location, _, query = rest.partition("?")
    parts = [urllib.parse.unquote(part) for part in location.split("/")]
    if parts and parts[-1] == "":
        parts.pop()  # a trailing slash: scrum://P/I/ is scrum://P/I
    if any(not part for part in parts) or not parts:
        raise _bad(text, "has an empty part", f"the form in `attachkit cp --help` for {scheme}://")
    if query and scheme != "ws":
        raise _bad(text, "has a query", f"no ?… in a {scheme}:// address")
    if scheme in ("scrum", "ipd"):
        if len(parts) not in (2, 3):
            raise _bad(
                text,
                "does not name a work item",
                f"{scheme}://PROJECT/ISSUE or {scheme}://PROJECT/ISSUE/ATTACHMENT_ID",
            )
        kind = ScrumAddress if scheme == "scrum" else IpdAddress
        return kind(*parts)
    if len(parts) != 1:
        form = "coc://DOC_ID or coc://incident" if scheme == "coc" else (
            "ws://INTERNAL_NAME or ws://ATTRIBUTE_DEFINITION_ID"
        )  # fmt: skip
        raise _bad(text, "has too many parts", form)
    (name,) = parts
    if scheme == "coc":
        if name in COC_TICKET_TYPES:
            return CocAddress(ticket_type=name)
        return CocAddress(doc_id=name)
    return _worldserver(text, name, query)


def _worldserver(text: str, name: str, query: str) -> WorldServerAddress:
    filters = urllib.parse.parse_qs(query, keep_blank_values=True, strict_parsing=False)
    unknown = sorted(set(filters) - set(WS_FILTERS))
    if unknown:
        raise _bad(text, f"has unknown filters {', '.join(unknown)}", ", ".join(WS_FILTERS))
    if any(len(values) != 1 for values in filters.values()):
        raise _bad(text, "repeats a filter", "each filter at most once")
    given = {key: values[0] for key, values in filters.items()}
    if name.isdigit():  # any script's digits: parse_number then refuses all but a short ASCII id
        attribute_definition_id = parse_number(name)
        if attribute_definition_id is None:
            raise _bad(
                text,
                "has an attribute definition id that is not a number of at most 18 ASCII digits",
                "ws://ATTRIBUTE_DEFINITION_ID",
            )
        if given:
            raise _bad(text, "has filters on a destination", "ws://ATTRIBUTE_DEFINITION_ID")
        return WorldServerAddress(attribute_definition_id=attribute_definition_id)
    resource_id = given.get("resourceId")
    resource_number = parse_number(resource_id)
    if resource_id is not None and resource_number is None:
        raise _bad(
            text,
            "has a resourceId that is not a number of at most 18 ASCII digits",
            "resourceId=DIGITS",
        )
    return WorldServerAddress(
        internal_name=name,
        download_token=given.get("downloadToken"),
        resource_type=given.get("resourceType"),
        resource_id=resource_number,
        attribute_name=given.get("attributeName"),
    )
