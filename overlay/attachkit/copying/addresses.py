"""Where a copy reads from and writes to: a local path or a service address.

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
"""

from __future__ import annotations

import os
import re
import urllib.parse
from pathlib import Path

import attrs

from attachkit.errors import ValidationError
from attachkit.untrusted import parse_number

__all__ = [
    "Address",
    "CocAddress",
    "IpdAddress",
    "LocalPath",
    "ScrumAddress",
    "WorldServerAddress",
    "parse_address",
]

SCHEMES = ("scrum", "ipd", "coc", "ws")
COC_TICKET_TYPES = ("incident",)
# The get-attribute-files filters a ws:// source may carry, by their query name.
WS_FILTERS = ("downloadToken", "resourceType", "resourceId", "attributeName")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def _quote(part: str) -> str:
    return urllib.parse.quote(part, safe="")


@attrs.frozen
class LocalPath:
    """A local file, or a directory when it exists as one or is written with a trailing ``/``."""

    path: Path
    directory: bool = False

    @property
    def as_destination(self) -> str:
        """The path as the download engine takes it: a trailing separator means a directory."""
        return str(self.path) + os.sep if self.directory else str(self.path)

    @property
    def is_object(self) -> bool:
        return True  # a local path is both a source and a destination

    def __str__(self) -> str:
        return str(self.path)


@attrs.frozen
class ScrumAddress:
    project_id: str
    issue_id: str
    attachment_id: str | None = None

    @property
    def is_object(self) -> bool:
        return self.attachment_id is not None

    def with_object(self, attachment_id: str) -> ScrumAddress:
        return attrs.evolve(self, attachment_id=attachment_id)

    def __str__(self) -> str:
        parts = [self.project_id, self.issue_id, self.attachment_id]
        return "scrum://" + "/".join(_quote(p) for p in parts if p is not None)


@attrs.frozen
class IpdAddress:
    project_id: str
    issue_id: str
    attachment_id: str | None = None

    @property
    def is_object(self) -> bool:
        return self.attachment_id is not None

    def with_object(self, attachment_id: str) -> IpdAddress:
        return attrs.evolve(self, attachment_id=attachment_id)

    def __str__(self) -> str:
        parts = [self.project_id, self.issue_id, self.attachment_id]
        return "ipd://" + "/".join(_quote(p) for p in parts if p is not None)


@attrs.frozen
class CocAddress:
    """``coc://DOC_ID`` (an attachment) or ``coc://incident`` (where new ones go)."""

    doc_id: str | None = None
    ticket_type: str = "incident"

    @property
    def is_object(self) -> bool:
        return self.doc_id is not None

    def __str__(self) -> str:
        return "coc://" + _quote(self.doc_id if self.doc_id is not None else self.ticket_type)


@attrs.frozen
class WorldServerAddress:
    """``ws://INTERNAL_NAME?filters`` (a stored file) or ``ws://ATTRIBUTE_DEFINITION_ID``."""

    internal_name: str | None = None
    attribute_definition_id: int | None = None
    download_token: str | None = None
    resource_type: str | None = None
    resource_id: int | None = None
    attribute_name: str | None = None

    @property
    def is_object(self) -> bool:
        return self.internal_name is not None

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
