"""Subcommands per service and operation, named like the addresses ``cp`` takes.

``attachkit scrum|ipd|coc|ws OPERATION``, with the connection flags accepted on either level;
the first, longer names (``attachkit codearts-req scrum upload``, ``attachkit worldserver``)
stay as aliases that are not listed. Each leaf parser sets ``handler`` to the name of the
function in ``attachkit.cli.run`` that carries it out; nothing heavier than argparse (and the
environment's names) is imported here.
"""

from __future__ import annotations

import argparse

from attachkit.cli.options import (
    MAX_RETRIES,
    byte_count,
    endpoint_url,
    retry_count,
    timeout_seconds,
)
from attachkit.environment import WS_PASSWORD_ENV, WS_USERNAME_ENV

DEBUG_HELP = "log requests at DEBUG level and show tracebacks (no secrets are logged)"
SK_ON_COMMAND_LINE_WARNING = (
    "warning: an SK on the command line is visible to other users in the process list and "
    "stays in shell history; prefer HUAWEICLOUD_SDK_SK or the profile file"
)


def huawei_connection(parser: argparse.ArgumentParser, service: str, *, leaf: bool) -> None:
    """``--endpoint``/``--region`` and the AK/SK flags, on a service's group or operation.

    Given on both levels they are read from either: ``attachkit scrum upload --endpoint URL``
    and ``attachkit codearts-req --endpoint URL scrum upload`` mean the same. On an operation
    they default to ``SUPPRESS``, so its parser does not overwrite a value the group parsed.
    """
    from attachkit.regions import ENV_REGION, SERVICES, override_variable

    default = argparse.SUPPRESS if leaf else None
    known = SERVICES[service]
    where = parser.add_argument_group("connection")
    exclusive = where.add_mutually_exclusive_group()
    exclusive.add_argument(
        "--endpoint",
        type=endpoint_url,
        default=default,
        help="base URL, e.g. http://127.0.0.1:8080 for the mock",
    )
    exclusive.add_argument(
        "--region",
        default=default,
        help=f"Huawei Cloud region (default: ${ENV_REGION}; there is no other default): "
        f"{', '.join(known.regions)}; "
        f"${override_variable(service, 'REGION').removesuffix('_REGION')}_<REGION> overrides "
        "a region's endpoint",
    )
    creds = parser.add_argument_group(
        "credentials",
        "default: HUAWEICLOUD_SDK_AK/SK (or CLOUD_SDK_AK/SK), then ~/.huaweicloud/credentials",
    )
    creds.add_argument("--ak", default=default, help="access key id")
    creds.add_argument(
        "--sk", default=default, help="secret access key (discouraged: use the environment)"
    )
    creds.add_argument("--security-token", default=default, help="token of temporary credentials")
    creds.add_argument(
        "--project-id-header", dest="header_project_id", default=default, help="X-Project-Id"
    )
    creds.add_argument("--domain-id", default=default, help="X-Domain-Id")


def worldserver_connection(parser: argparse.ArgumentParser, *, leaf: bool) -> None:
    """``--endpoint``, ``--username`` and ``--password-env``, on the group or an operation.

    Not required by argparse (they may come on either level); the handler checks them.
    """
    default = argparse.SUPPRESS if leaf else None
    where = parser.add_argument_group("connection")
    where.add_argument(
        "--endpoint", type=endpoint_url, default=default, help="e.g. https://ws.example.com:8443"
    )
    where.add_argument(
        "--username",
        default=default,
        help=f"the WorldServer user (default: ${WS_USERNAME_ENV})",
    )
    where.add_argument(
        "--password-env",
        default=argparse.SUPPRESS if leaf else WS_PASSWORD_ENV,
        metavar="NAME",
        help=f"environment variable holding the password (default {WS_PASSWORD_ENV}; "
        "never a flag; prompted for on a terminal when unset)",
    )


def transfer_options(parser: argparse.ArgumentParser) -> None:
    """``--max-retries`` and ``--timeout``, range-checked; every command that transfers."""
    parser.add_argument(
        "--max-retries",
        type=retry_count,
        default=None,
        metavar="N",
        help=f"retries after a failure that may pass, 0 to {MAX_RETRIES} (default 3)",
    )
    parser.add_argument(
        "--timeout",
        type=timeout_seconds,
        default=None,
        metavar="SECONDS",
        help="seconds each network wait may take, more than 0 (default 30; connecting 10)",
    )


def _download_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="PATH",
        help="file path; a directory (or a path ending in /) to keep the server's name; "
        "- for standard output",
    )
    parser.add_argument("--overwrite", action="store_true", help="replace an existing file")
    parser.add_argument(
        "--fsync",
        action="store_true",
        help="flush the file to the disk before reporting success (survives a power loss)",
    )
    parser.add_argument("--sha256", action="store_true", help="print the file's SHA-256")
    parser.add_argument(
        "-c",
        "--continue",
        dest="resume",
        action="store_true",
        help="keep a failed download's bytes, and continue a kept one (like wget -c)",
    )
    transfer_options(parser)


class _UploadNameFlag(argparse.Action):
    """``--filename`` given to an upload: it names the file to fetch on a download only."""

    def __call__(self, parser: argparse.ArgumentParser, *_: object, **__: object) -> None:
        parser.error(
            "--filename is for downloads (the stored file's name to fetch); "
            "give --store-as NAME for the name to store an upload under"
        )


def _upload_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file",
        metavar="FILE",
        help="the file to upload; - reads standard input (streamed with --size, otherwise "
        "copied to a temporary file first)",
    )
    parser.add_argument(
        "--store-as", metavar="NAME", help="name to store it under (default: the file's name)"
    )
    parser.add_argument(
        "--size",
        type=byte_count,
        metavar="BYTES",
        help="the byte count of a stream (- or a pipe): sent as it is read, in one attempt",
    )
    parser.add_argument("--filename", nargs=0, action=_UploadNameFlag, help=argparse.SUPPRESS)
    parser.set_defaults(upload=True)
    transfer_options(parser)


SubParsers = argparse._SubParsersAction  # noqa: SLF001 - argparse's own type for add_subparsers


def _leaf(
    group: SubParsers[argparse.ArgumentParser],
    name: str,
    handler: str,
    help: str,
    connection: str,
) -> argparse.ArgumentParser:
    parser = group.add_parser(name, help=help, description=help[0].upper() + help[1:] + ".")
    parser.set_defaults(handler=handler if ":" in handler else f"attachkit.cli.run:{handler}")
    # The output flags work after the operation too; SUPPRESS keeps the top-level value unless
    # the flag is given here.
    parser.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="JSON output"
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help="no progress bars"
    )
    parser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=DEBUG_HELP)
    if connection == "worldserver":
        worldserver_connection(parser, leaf=True)
    else:
        huawei_connection(parser, connection, leaf=True)
    return parser


def add_download_all_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--project-id", required=True)
    parser.add_argument("--issue-id", required=True)
    parser.add_argument("--source-project-id")
    parser.add_argument("-o", "--output", required=True, help="the directory to download into")
    parser.add_argument(
        "--jobs", type=_jobs, default=4, help="downloads at a time, 1 to 32 (default 4)"
    )
    parser.add_argument(
        "--overwrite", action="store_true", help="download again files that are already there"
    )
    parser.add_argument(
        "-c",
        "--continue",
        dest="resume",
        action="store_true",
        help="keep what a failed download received, and continue what an earlier run kept",
    )


def _jobs(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 32:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number from 1 to 32")
    return int(text)


def _operations(parser: argparse.ArgumentParser) -> SubParsers[argparse.ArgumentParser]:
    # Not required: a bare `attachkit scrum` lists its operations (cli.main), as `--help` does.
    parser.set_defaults(help_parser=parser)
    return parser.add_subparsers(dest="operation", metavar="OPERATION")


def _scrum_operations(parser: argparse.ArgumentParser) -> None:
    operations = _operations(parser)
    for name, handler, help_text in (
        ("upload", "scrum_upload", "upload a file to a work item"),
        ("download", "scrum_download", "download an attachment"),
        ("delete", "scrum_delete", "delete an attachment from a work item"),
    ):
        leaf = _leaf(operations, name, handler, help_text, "codearts-req")
        leaf.add_argument("--project-id", required=True)
        leaf.add_argument("--issue-id", required=True)
        if name == "upload":
            _upload_options(leaf)
        else:
            leaf.add_argument("--attachment-id", required=True)
            if name == "download":
                _download_options(leaf)
            else:
                transfer_options(leaf)


def _ipd_operations(parser: argparse.ArgumentParser) -> None:
    operations = _operations(parser)
    leaf = _leaf(operations, "upload", "ipd_upload", "upload a file to a work item", "codearts-req")
    leaf.add_argument("--project-id", required=True)
    leaf.add_argument("--issue-id", required=True)
    _upload_options(leaf)
    leaf = _leaf(operations, "list", "ipd_list", "list a work item's attachments", "codearts-req")
    leaf.add_argument("--project-id", required=True)
    leaf.add_argument("--issue-id", required=True)
    leaf.add_argument("--source-project-id")
    transfer_options(leaf)
    leaf = _leaf(operations, "download", "ipd_download", "download an attachment by id",
                 "codearts-req")  # fmt: skip
    leaf.add_argument("--project-id", required=True)
    leaf.add_argument("--attachment-id", required=True)
    _download_options(leaf)
    leaf = _leaf(
        operations,
        "download-all",
        "attachkit.cli.bulk:ipd_download_all",
        "download all of a work item's attachments into a directory",
        "codearts-req",
    )
    add_download_all_options(leaf)
    transfer_options(leaf)


def _coc_operations(parser: argparse.ArgumentParser) -> None:
    operations = _operations(parser)
    _upload_options(_leaf(operations, "upload", "coc_upload", "upload an incident attachment",
                          "coc"))  # fmt: skip
    leaf = _leaf(operations, "download", "coc_download", "download an attachment by doc id", "coc")
    leaf.add_argument("--doc-id", required=True)
    _download_options(leaf)


def _ws_operations(parser: argparse.ArgumentParser) -> None:
    operations = _operations(parser)
    leaf = _leaf(operations, "upload", "ws_upload", "upload a file as an attribute value",
                 "worldserver")  # fmt: skip
    leaf.add_argument("--attribute-definition-id", type=int, required=True)
    _upload_options(leaf)
    leaf = _leaf(operations, "download", "ws_download", "get a file saved as an attribute value",
                 "worldserver")  # fmt: skip
    leaf.add_argument(
        "--filename",
        required=True,
        help="the stored file's internalName (printed by the upload, e.g. attr1113-…_a.txt)",
    )
    leaf.add_argument("--resource-type", choices=["TASK", "PROJECT", "PROJECT_GROUP"])
    leaf.add_argument("--resource-id", type=int)
    leaf.add_argument("--attribute-name")
    leaf.add_argument(
        "--download-token",
        help="needed for a file not yet attached to a resource (printed by the upload)",
    )
    _download_options(leaf)


def add_service_parsers(commands: SubParsers[argparse.ArgumentParser]) -> None:
    """``scrum``, ``ipd``, ``coc``, ``ws``; and the long forms, kept as unlisted aliases."""
    for name, help_text, service, add_operations in (
        ("scrum", "CodeArts Req Scrum work-item attachments", "codearts-req", _scrum_operations),
        ("ipd", "CodeArts Req IPD work-item attachments", "codearts-req", _ipd_operations),
        ("coc", "COC incident attachments", "coc", _coc_operations),
    ):
        group = commands.add_parser(name, help=help_text, description=help_text + ".")
        huawei_connection(group, service, leaf=False)
        add_operations(group)

    # The first names, `attachkit worldserver ...` and `attachkit codearts-req scrum|ipd ...`,
    # still work; parsers added without help= are not listed.
    ws_help = "WorldServer files saved as attribute values"
    for name, listed in (("ws", True), ("worldserver", False)):
        if listed:
            ws = commands.add_parser(name, help=ws_help, description=ws_help + ".")
        else:
            ws = commands.add_parser(name, description=ws_help + ".")
        worldserver_connection(ws, leaf=False)
        _ws_operations(ws)

    req = commands.add_parser(
        "codearts-req", description="CodeArts Req work-item attachments (as scrum and ipd)."
    )
    huawei_connection(req, "codearts-req", leaf=False)
    req.set_defaults(help_parser=req)
    kinds = req.add_subparsers(dest="project_kind", metavar="KIND")
    for kind, add_operations in (("scrum", _scrum_operations), ("ipd", _ipd_operations)):
        add_operations(kinds.add_parser(kind, help=f"{kind.upper()} projects"))
