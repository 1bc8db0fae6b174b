"""``attachkit cp SRC DST``: copy one file between local paths and service addresses."""

from __future__ import annotations

import argparse
from typing import Any

from attachkit.cli.commands import transfer_options
from attachkit.cli.exit_codes import EXIT_OK
from attachkit.regions import SERVICES

ADDRESS_FORMS = """\
addresses (a source names a file, a destination the place to create the copy in):
  scrum://PROJECT/ISSUE/ATTACHMENT_ID    scrum://PROJECT/ISSUE
  ipd://PROJECT/ISSUE/ATTACHMENT_ID      ipd://PROJECT/ISSUE
  coc://DOC_ID                           coc://incident
  ws://INTERNAL_NAME[?downloadToken=…&resourceType=…&resourceId=…&attributeName=…]
                                         ws://ATTRIBUTE_DEFINITION_ID
  anything else is a local path (a directory keeps the source's name)
"""


def add_cp_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "cp",
        help="copy a file between local paths and scrum:// ipd:// coc:// ws:// addresses",
        description="Copy one file. Service to service the bytes stream straight from the "
        "download into the upload; the destination's limits are checked first.",
        epilog=ADDRESS_FORMS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(handler="attachkit.cli.cp:run")
    parser.add_argument("source", metavar="SRC")
    parser.add_argument("destination", metavar="DST")
    parser.add_argument("--name", help="name to store the copy under (default: the source's)")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing local file")
    parser.add_argument(
        "-c",
        "--continue",
        dest="resume",
        action="store_true",
        help="to a local file: keep a failed download's bytes, continue a kept one",
    )
    transfer_options(parser)
    parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="JSON")
    parser.add_argument(
        "-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help="no progress bar"
    )
    connection_options(parser)


def connection_options(parser: argparse.ArgumentParser) -> None:
    """Where each service of an address answers, and the Huawei credentials (cp, sync, check)."""
    codearts = parser.add_mutually_exclusive_group()
    codearts.add_argument("--codearts-endpoint", help="CodeArts Req base URL (scrum://, ipd://)")
    codearts.add_argument(
        "--codearts-region",
        help="CodeArts Req region (default: $HUAWEICLOUD_SDK_REGION): "
        + ", ".join(SERVICES["codearts-req"].regions),
    )
    coc = parser.add_mutually_exclusive_group()
    coc.add_argument("--coc-endpoint", help="COC base URL (coc://)")
    coc.add_argument(
        "--coc-region",
        help=f"COC region (default: $HUAWEICLOUD_SDK_REGION): {', '.join(SERVICES['coc'].regions)}",
    )
    parser.add_argument("--ws-endpoint", help="WorldServer base URL (ws://)")
    parser.add_argument(
        "--ws-username",
        help="WorldServer user (default $ATTACHKIT_WS_USERNAME); the password comes from "
        "$ATTACHKIT_WS_PASSWORD",
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


def _schemes(args: argparse.Namespace) -> set[str]:
    from attachkit.addresses import parse_address

    addresses = [parse_address(text) for text in (args.source, args.destination)]
    return {address.service for address in addresses} - {"local"}


def connections_from(args: argparse.Namespace) -> Any:
    """The ``Connections`` the flags describe; credentials resolved only if a Huawei service is
    involved, the WorldServer password asked for only if WorldServer is."""
    from attachkit.addresses import Connections
    from attachkit.cli.run import credentials_from, ws_password
    from attachkit.environment import WS_PASSWORD_ENV, ws_username

    involved = _schemes(args)
    credentials = credentials_from(args) if involved & {"codearts-req", "coc"} else None
    username = args.ws_username or (ws_username() if "worldserver" in involved else None)
    return Connections(
        credentials=credentials,
        codearts_endpoint=args.codearts_endpoint,
        codearts_region=args.codearts_region,
        coc_endpoint=args.coc_endpoint,
        coc_region=args.coc_region,
        ws_endpoint=args.ws_endpoint,
        ws_username=username,
        # Asked for only when the rest of the WorldServer connection is there; otherwise the
        # copy names everything that is missing in one message.
        ws_password=ws_password(WS_PASSWORD_ENV, username)
        if "worldserver" in involved and username and args.ws_endpoint
        else None,
        timeout=args.timeout,
        max_retries=args.max_retries,
    )


def progress_label(source: str, destination: str) -> str:
    """What the bar names: the local file of the copy (the upload's source, the download's
    destination), or the destination address when both ends are services."""
    from attachkit.addresses import parse_address

    if parse_address(source).is_local:
        return source
    return destination


def run(args: argparse.Namespace) -> int:
    from attachkit.cli.progress import progress_bar
    from attachkit.cli.terminal import safe_json, safe_text
    from attachkit.copying import copy

    connections = connections_from(args)
    with progress_bar(args, progress_label(args.source, args.destination)) as progress:
        result = copy(
            args.source,
            args.destination,
            connections=connections,
            filename=args.name,
            overwrite=args.overwrite,
            resume=args.resume,
            progress=progress,
        )
    if args.json:
        print(safe_json(result.to_dict()))
    else:
        print(safe_text(f"{result.source} -> {result.destination}  {result.size} bytes"))
    return EXIT_OK
