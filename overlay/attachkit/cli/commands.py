"""Subcommands per service and operation, mirroring the facades' methods.

Each leaf parser sets ``handler`` to the name of the function in ``attachkit.cli.run`` that
carries it out; nothing heavier than argparse is imported here.
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

DEBUG_HELP = "log requests at DEBUG level and show tracebacks (no secrets are logged)"
SK_ON_COMMAND_LINE_WARNING = (
    "warning: an SK on the command line is visible to other users in the process list and "
    "stays in shell history; prefer HUAWEICLOUD_SDK_SK or the profile file"
)


def _huawei_connection(parser: argparse.ArgumentParser, service: str) -> None:
    from attachkit.regions import ENV_REGION, SERVICES, override_variable

    known = SERVICES[service]
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--endpoint", type=endpoint_url, help="base URL, e.g. http://127.0.0.1:8080 for the mock"
    )
    where.add_argument(
        "--region",
        help=f"Huawei Cloud region (default: ${ENV_REGION}, no other default): "
        f"{', '.join(known.regions)}; "
        f"${override_variable(service, 'REGION').removesuffix('_REGION')}_<REGION> overrides "
        "a region's endpoint",
    )
    creds = parser.add_argument_group(
        "credentials",
        "default: HUAWEICLOUD_SDK_AK/SK (or CLOUD_SDK_AK/SK), then ~/.huaweicloud/credentials",
    )
    creds.add_argument("--ak", help="access key id")
    creds.add_argument("--sk", help="secret access key (discouraged: use the environment)")
    creds.add_argument("--security-token", help="token of temporary credentials")
    creds.add_argument("--project-id-header", dest="header_project_id", help="X-Project-Id")
    creds.add_argument("--domain-id", help="X-Domain-Id")


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


def _leaf(
    group: argparse._SubParsersAction[argparse.ArgumentParser], name: str, handler: str, help: str
) -> argparse.ArgumentParser:
    parser = group.add_parser(name, help=help, description=help)
    parser.set_defaults(handler=f"attachkit.cli.run:{handler}")
    # The output flags work after the operation too; SUPPRESS keeps the top-level value unless
    # the flag is given here.
    parser.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="JSON output"
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help="no progress bars"
    )
    parser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=DEBUG_HELP)
    return parser


def add_download_all_options(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults(handler="attachkit.cli.bulk:ipd_download_all")
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


def add_service_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    req = commands.add_parser("codearts-req", help="CodeArts Req work-item attachments")
    _huawei_connection(req, "codearts-req")
    kinds = req.add_subparsers(dest="project_kind", metavar="KIND", required=True)

    scrum = kinds.add_parser("scrum", help="Scrum projects").add_subparsers(
        dest="operation", metavar="OPERATION", required=True
    )
    for name, handler, help_text in (
        ("upload", "scrum_upload", "upload a file to a work item"),
        ("download", "scrum_download", "download an attachment"),
        ("delete", "scrum_delete", "delete an attachment from a work item"),
    ):
        parser = _leaf(scrum, name, handler, help_text)
        parser.add_argument("--project-id", required=True)
        parser.add_argument("--issue-id", required=True)
        if name == "upload":
            _upload_options(parser)
        else:
            parser.add_argument("--attachment-id", required=True)
            if name == "download":
                _download_options(parser)
            else:
                transfer_options(parser)

    ipd = kinds.add_parser("ipd", help="IPD projects").add_subparsers(
        dest="operation", metavar="OPERATION", required=True
    )
    parser = _leaf(ipd, "upload", "ipd_upload", "upload a file and associate it with a work item")
    parser.add_argument("--project-id", required=True)
    parser.add_argument("--issue-id", required=True)
    _upload_options(parser)
    parser = _leaf(ipd, "list", "ipd_list", "list a work item's attachments")
    parser.add_argument("--project-id", required=True)
    parser.add_argument("--issue-id", required=True)
    parser.add_argument("--source-project-id")
    transfer_options(parser)
    parser = _leaf(
        ipd, "download-all", "ipd_download_all", "download all of a work item's attachments"
    )
    add_download_all_options(parser)
    transfer_options(parser)
    parser = _leaf(ipd, "download", "ipd_download", "download an attachment by id")
    parser.add_argument("--project-id", required=True)
    parser.add_argument("--attachment-id", required=True)
    _download_options(parser)

    coc = commands.add_parser("coc", help="COC incident attachments")
    _huawei_connection(coc, "coc")
    coc_ops = coc.add_subparsers(dest="operation", metavar="OPERATION", required=True)
    parser = _leaf(coc_ops, "upload", "coc_upload", "upload an incident attachment")
    _upload_options(parser)
    parser = _leaf(coc_ops, "download", "coc_download", "download an attachment by doc id")
    parser.add_argument("--doc-id", required=True)
    _download_options(parser)

    ws = commands.add_parser("worldserver", help="WorldServer files saved as attribute values")
    ws.add_argument(
        "--endpoint", type=endpoint_url, required=True, help="e.g. https://ws.example.com:8443"
    )
    ws.add_argument("--username", required=True)
    ws.add_argument(
        "--password-env",
        default="ATTACHKIT_WS_PASSWORD",
        help="environment variable holding the password (default ATTACHKIT_WS_PASSWORD)",
    )
    ws_ops = ws.add_subparsers(dest="operation", metavar="OPERATION", required=True)
    parser = _leaf(ws_ops, "upload", "ws_upload", "upload a file as an attribute value")
    parser.add_argument("--attribute-definition-id", type=int, required=True)
    _upload_options(parser)
    parser = _leaf(ws_ops, "download", "ws_download", "get a file saved as an attribute value")
    parser.add_argument(
        "--filename",
        required=True,
        help="the stored file's internalName (printed by the upload, e.g. attr1113-…_a.txt)",
    )
    parser.add_argument("--resource-type", choices=["TASK", "PROJECT", "PROJECT_GROUP"])
    parser.add_argument("--resource-id", type=int)
    parser.add_argument("--attribute-name")
    parser.add_argument(
        "--download-token",
        help="needed for a file not yet attached to a resource (printed by the upload)",
    )
    _download_options(parser)
