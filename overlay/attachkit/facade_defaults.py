"""What the sync and async facades share and is not I/O: defaults, the retry budget, bodies."""

from __future__ import annotations

import importlib
import io
import os
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import attrs
import httpx

from attachkit.errors import ConfigurationError, ValidationError
from attachkit.options import UploadOptions
from attachkit.transfer import MultipartFile, RetryPolicy
from attachkit.transfer.types import UploadSource
from attachkit.units import binary_size, limit_text
from attachkit.validation import validate_filename

MB = 1024 * 1024
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
DEFAULT_MAX_RETRIES = 3
DEFAULT_MAX_CONNECTIONS = 100

_File = TypeVar("_File")


def empty_file(file_class: Callable[..., _File]) -> _File:
    """An empty ``File`` of a generated package (each has its own class), as a stand-in.

    A generated upload builder insists on a body, which it turns into httpx ``files=``; the
    facade drops that and streams its own multipart body, so an empty stand-in is enough.
    """
    return file_class(payload=io.BytesIO(b""))


def upload_body(
    field: str,
    source: UploadSource,
    options: UploadOptions,
    *,
    max_bytes: int | None = None,
    extensions: tuple[str, ...] | None = None,
) -> MultipartFile:
    """The streamed multipart body, after the checks the service would fail it on anyway.

    ``options.size`` is the byte count of ``source``: required for a non-seekable file object
    (a pipe), whose length cannot be measured up front, and checked against any other source.
    ``max_bytes`` is the service's documented limit; None where it documents none.
    """
    body = MultipartFile(
        field, source, filename=options.filename, progress=options.progress, size=options.size
    )
    validate_filename(body.filename)
    if extensions is not None and not body.filename.lower().endswith(extensions):
        # The type is the name's: "filename" (the command line's --store-as when it gave one).
        raise ValidationError(
            "filename",
            f"{body.filename!r} is not an accepted type",
            "one of " + " ".join(extensions),
        )
    if max_bytes is not None and body.size > max_bytes:
        raise too_large(body.filename, body.size, max_bytes)
    return body


def too_large(name: str, size: int, limit: int, where: str = "") -> ValidationError:
    """The refusal of a file over a service's limit: its name, its size and the limit, in the
    same binary units (and the exact counts, which are what the limit is checked against)."""
    return ValidationError(
        "file",
        f"{name!r} has {binary_size(size)} ({size} bytes), too large{where}",
        f"at most {limit_text(limit)}",
    )


def client_policy(max_retries: int | None, retry_policy: RetryPolicy | None) -> RetryPolicy:
    """A client's retry policy: ``retry_policy`` (or the default one) with ``max_retries``.

    Both may be given: an explicit ``max_retries`` replaces the policy's own budget, so it is
    never silently ignored. Neither given: ``DEFAULT_MAX_RETRIES`` with the default backoff.
    """
    if max_retries is not None and max_retries < 0:
        raise ValueError("max_retries must be zero or more")
    if retry_policy is None:
        return RetryPolicy(max_retries=DEFAULT_MAX_RETRIES if max_retries is None else max_retries)
    if max_retries is None:
        return retry_policy
    return attrs.evolve(retry_policy, max_retries=max_retries)


def given(**values: Any) -> dict[str, Any]:
    """Only the keyword arguments that were given, so the generated defaults (UNSET) apply."""
    return {name: value for name, value in values.items() if value is not None}


# The variables httpx's client takes its proxies from (through urllib.request.getproxies).
_PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy")
_PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")


def check_proxy_environment(environ: Mapping[str, str] | None = None) -> None:
    """Refuse, naming the variable, a proxy setting httpx's client would fail to build.

    httpx reads them when it builds a client without a transport of ours (as it does behind a
    proxy) and raises ``InvalidURL``, ``ValueError`` or ``ImportError`` (a SOCKS proxy without
    socksio), which would look like a bug in attachkit. It is the environment's mistake: a
    ``ConfigurationError`` (the CLI's usage exit). The value is not repeated: it may hold a
    proxy password.
    """
    env = os.environ if environ is None else environ
    for name, value in env.items():
        if name.lower() not in _PROXY_VARIABLES or not value:
            continue
        # As httpx reads them: a value without a scheme is an http:// proxy.
        url = value if "://" in value else f"http://{value}"
        try:
            proxy = httpx.Proxy(url)
        except httpx.InvalidURL as error:
            raise ConfigurationError(f"{name} is not a usable proxy URL: {error}") from None
        except ValueError:
            scheme = url.partition("://")[0]
            raise ConfigurationError(
                f"{name} is not a usable proxy URL: its scheme {scheme!r} is none of "
                + ", ".join(_PROXY_SCHEMES)
            ) from None
        if proxy.url.scheme.startswith("socks5"):
            try:
                importlib.import_module("socksio")  # what httpx needs for a SOCKS proxy
            except ImportError:
                raise ConfigurationError(
                    f"{name} names a SOCKS proxy, which needs the socksio package: "
                    "pip install 'httpx[socks]'"
                ) from None
