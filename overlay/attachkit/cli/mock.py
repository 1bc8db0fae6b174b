"""``attachkit mock serve`` and ``attachkit mock proxy``: the mock service, and the validating
proxy in front of a real one, in the foreground with uvicorn."""

from __future__ import annotations

import argparse
import signal
import sys
from types import FrameType
from typing import TYPE_CHECKING, Any, TextIO

from attachkit.cli.options import port_number
from attachkit.mock.config import (
    CONTROL_TOKEN_HEADER,
    DEV_AK,
    DEV_SK,
    DEV_WS_PASSWORD,
    DEV_WS_USER,
    ENV_CONFIG,
    ENV_CONTROL_TOKEN,
    ENV_CREDENTIALS,
    ENV_WS_USERS,
    MockConfig,
)

if TYPE_CHECKING:
    import uvicorn

__all__ = ["add_mock_parser", "build_parser", "serve", "run_proxy", "main"]


def add_mock_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``mock`` (with its ``serve`` sub-command) to an argparse sub-parser collection."""
    mock: argparse.ArgumentParser = subparsers.add_parser(
        "mock",
        help="run the local mock of CodeArts Req, COC and WorldServer",
        description="A local mock of CodeArts Req, COC and WorldServer for tests.",
    )
    commands = mock.add_subparsers(dest="mock_command", metavar="COMMAND")
    commands.required = True
    run = commands.add_parser(
        "serve",
        help="serve the three APIs (and /_mock/) until interrupted",
        description=(
            "Serve CodeArts Req, COC and WorldServer from their OpenAPI specs. Accounts come "
            f"from --credential/--ws-user, ${ENV_CREDENTIALS} (AK:SK[:TOKEN],...), "
            f"${ENV_WS_USERS} (NAME:PASSWORD,...) and a config file (--config or "
            f"${ENV_CONFIG}); with none given, the development account AK {DEV_AK} / SK "
            f"{DEV_SK} and WorldServer user {DEV_WS_USER} / {DEV_WS_PASSWORD}."
        ),
    )
    run.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (127.0.0.1; beyond loopback only with --allow-remote)",
    )
    run.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a --host other machines can reach (prints a warning)",
    )
    run.add_argument(
        "--control-token",
        metavar="TOKEN",
        help=f"the token /_mock/ requests send in {CONTROL_TOKEN_HEADER} "
        f"(default: ${ENV_CONTROL_TOKEN}, else a random one printed at start)",
    )
    run.add_argument(
        "--port", type=port_number, default=8080, help="port to listen on, 0 for any (8080)"
    )
    run.add_argument(
        "--data-dir",
        help="directory for attachments and metadata, kept across restarts "
        "(default: a temporary directory removed at exit)",
    )
    run.add_argument(
        "--credential",
        action="append",
        default=[],
        metavar="AK:SK[:TOKEN]",
        help="an accepted AK/SK; with :TOKEN a temporary key that needs X-Security-Token "
        "(repeatable)",
    )
    run.add_argument(
        "--ws-user",
        action="append",
        default=[],
        metavar="NAME:PASSWORD",
        help="an accepted WorldServer user (repeatable)",
    )
    run.add_argument("--config", help="TOML or JSON config file (accounts, limits, time-outs)")
    run.add_argument(
        "--lockout",
        action="store_true",
        help="lock an AK out after failed signatures, as the APIG gateway does (it locks an AK "
        "for 5 minutes after 5 failures in a row); off by default, since the development AK is "
        "public and anyone could lock its owner out",
    )
    run.add_argument(
        "--lockout-failures", type=int, help="with --lockout: failures in a row that lock (5)"
    )
    run.add_argument(
        "--lockout-seconds", type=float, help="with --lockout: how long an AK stays locked (300)"
    )
    run.add_argument(
        "--ws-token-ttl", type=float, help="WorldServer session idle time-out in seconds (1800)"
    )
    run.add_argument(
        "--no-seed",
        dest="seed_examples",
        action="store_false",
        help="start empty, without the attachments the specs' examples name",
    )
    run.add_argument(
        "--seed",
        type=_seed,
        metavar="N",
        help="seed the fault rules' draws (probability, cut ranges): the same seed, rules and "
        "requests give the same faults on every run (--no-seed is about stored examples)",
    )
    run.add_argument(
        "--journal-size",
        type=_journal_size,
        metavar="N",
        help="requests GET /_mock/requests keeps, oldest dropped first; 0 keeps none (1000)",
    )
    run.add_argument("--log-level", default="info", help="uvicorn log level (info)")
    run.set_defaults(func=serve)
    _add_proxy_parser(commands)
    return mock


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value < 2**64:
        raise argparse.ArgumentTypeError(f"{text!r} is not a seed from 0 to 2**64 - 1")
    return value


def _journal_size(text: str) -> int:
    from attachkit.mock.journal import MAX_JOURNAL_SIZE

    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= MAX_JOURNAL_SIZE:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size from 0 to {MAX_JOURNAL_SIZE}")
    return value


def _add_proxy_parser(commands: Any) -> None:
    proxy = commands.add_parser(
        "proxy",
        help="forward to a real service and report where its answers depart from the specs",
        description=(
            "Forward every request to --upstream and every answer back unchanged, checking each "
            "answer against the specs (status, Content-Type, required headers, JSON body "
            "shape). Departures are logged once per operation and field and listed by GET "
            f"/_mock/violations (header {CONTROL_TOKEN_HEADER}). The proxy forwards Host as it "
            "comes: a client signing with AK/SK sets Host to the upstream's host and connects "
            "to the proxy (see docs/mock.md)."
        ),
    )
    proxy.add_argument(
        "--upstream",
        required=True,
        metavar="URL",
        help="the real service: http(s)://host[:port], e.g. "
        "https://projectman-ext.cn-north-4.myhuaweicloud.com",
    )
    proxy.add_argument("--host", default="127.0.0.1", help="loopback address to listen on")
    proxy.add_argument(
        "--port", type=port_number, default=8081, help="port to listen on, 0 for any (8081)"
    )
    proxy.add_argument(
        "--control-token",
        metavar="TOKEN",
        help=f"the token /_mock/ requests send in {CONTROL_TOKEN_HEADER} "
        f"(default: ${ENV_CONTROL_TOKEN}, else a random one printed at start)",
    )
    proxy.add_argument(
        "--journal-size",
        type=_journal_size,
        default=1000,
        metavar="N",
        help="forwarded requests GET /_mock/requests keeps (1000)",
    )
    proxy.add_argument("--log-level", default="info", help="uvicorn log level (info)")
    proxy.set_defaults(func=run_proxy)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="attachkit")
    add_mock_parser(parser.add_subparsers(dest="command", metavar="COMMAND", required=True))
    return parser


def config_from_args(args: argparse.Namespace) -> MockConfig:
    overrides: dict[str, Any] = {}
    if getattr(args, "lockout", False):
        overrides["lockout"] = True
    if args.lockout_failures is not None:
        overrides["lockout_failures"] = args.lockout_failures
    if args.lockout_seconds is not None:
        overrides["lockout_seconds"] = args.lockout_seconds
    if args.ws_token_ttl is not None:
        overrides["ws_token_ttl_seconds"] = args.ws_token_ttl
    overrides["seed_examples"] = getattr(args, "seed_examples", True)
    if getattr(args, "control_token", None) is not None:
        overrides["control_token"] = args.control_token
    if getattr(args, "seed", None) is not None:
        overrides["fault_seed"] = args.seed
    if getattr(args, "journal_size", None) is not None:
        overrides["journal_size"] = args.journal_size
    config = MockConfig.load(
        config_file=args.config,
        credentials=args.credential,
        ws_users=args.ws_user,
        data_dir=args.data_dir,
        **overrides,
    )
    tuned = args.lockout_failures is not None or args.lockout_seconds is not None
    if tuned and not config.lockout:
        # Tuning a lock-out that is off would silently do nothing.
        raise ValueError("--lockout-failures and --lockout-seconds need --lockout")
    return config


def banner(
    config: MockConfig,
    url: str,
    data_dir: str,
    temporary: bool,
    control_token: str = "",
    recovered: str = "",
) -> str:
    lines = [f"attachkit mock service on {url}"]
    lines.append(f"  data directory: {data_dir}{' (temporary)' if temporary else ''}")
    if recovered:
        lines.append(f"  {recovered}")
    lines.append("  AK/SK accounts (CodeArts Req, COC):")
    for account in config.accounts.values():
        # Only the public development secret is shown; a user's own secrets never are.
        sk = account.sk if (account.ak, account.sk) == (DEV_AK, DEV_SK) else "***"
        kind = " (temporary: needs X-Security-Token)" if account.security_token else ""
        lines.append(f"    AK {account.ak}  SK {sk}{kind}")
    lines.append("  WorldServer users:")
    for name, password in config.ws_users.items():
        shown = password if (name, password) == (DEV_WS_USER, DEV_WS_PASSWORD) else "***"
        lines.append(f"    {name} / {shown}")
    if config.lockout:
        lines.append(
            f"  an AK is locked for {config.lockout_seconds:g} s after "
            f"{config.lockout_failures} failed signatures in a row (--lockout)"
        )
    if config.seed_examples:
        lines.append(
            "  the attachments the specs' examples name are stored (--no-seed: start empty)"
        )
    # A token the user chose is theirs to know; only a generated one must be shown.
    shown = "(the one you set)" if config.control_token else control_token
    lines.append(
        f"  control API: {url}/_mock/ (health, reset, faults, attachments) "
        f"with header {CONTROL_TOKEN_HEADER}: {shown}"
    )
    return "\n".join(lines)


class _Termination:
    """The SIGTERM handler while the mock serves: remember the signal and stop the server.

    It raises nothing. An exception raised from a signal handler surfaces wherever the main
    thread happens to be, and the event loop, uvicorn's lifespan task and logging each swallow
    or replace some exceptions there, so a SIGTERM could be lost or end the process with a
    traceback. Setting uvicorn's public ``should_exit`` stops it gracefully from any point,
    and ``serve`` reads ``received`` once the server has stopped.
    """

    def __init__(self) -> None:
        self.received = False
        self.server: uvicorn.Server | None = None

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        self.received = True
        if self.server is not None:
            self.server.should_exit = True


def serve(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Run until interrupted (SIGINT or SIGTERM); returns the exit status."""
    import uvicorn

    from attachkit.mock.app import MockApp
    from attachkit.mock.guard import UntestedUvicorn, check_uvicorn_version
    from attachkit.mock.server import bind_socket, check_bind_host, is_loopback, uvicorn_config

    out = out or sys.stdout
    allow_remote = bool(getattr(args, "allow_remote", False))
    try:
        check_uvicorn_version()
        check_bind_host(args.host, allow_remote)
        config = config_from_args(args)
    except (ValueError, OSError, UntestedUvicorn) as exc:  # RemoteBindRefused is a ValueError
        print(f"attachkit mock: {exc}", file=sys.stderr)
        return 2
    if allow_remote and not is_loopback(args.host):
        print(
            f"attachkit mock: WARNING: listening on {args.host}, reachable from other machines: "
            "anyone who can connect can use its accounts, and with the control token wipe it.",
            file=sys.stderr,
            flush=True,
        )
    # uvicorn catches SIGTERM while it runs, then re-raises it once it has stopped; with the
    # default action that kills the process before the temporary data directory is removed.
    termination = _Termination()
    previous = signal.signal(signal.SIGTERM, termination)
    app = None
    try:
        app = MockApp(config)
        try:
            sock = bind_socket(args.host, args.port)
        except OSError as exc:
            print(
                f"attachkit mock: cannot listen on {args.host}:{args.port}: {exc}",
                file=sys.stderr,
            )
            return 1
        host = f"[{args.host}]" if ":" in args.host else args.host
        url = f"http://{host}:{sock.getsockname()[1]}"
        text = banner(
            config,
            url,
            str(app.storage.root),
            config.data_dir is None,
            app.control_token,
            app.storage.recovery.describe(),
        )
        print(text, file=out, flush=True)
        server = uvicorn.Server(uvicorn_config(app, args.log_level))
        termination.server = server
        try:
            if not termination.received:  # a SIGTERM during start-up: do not start serving
                server.run(sockets=[sock])
        finally:
            sock.close()
        return 128 + signal.SIGTERM if termination.received else 0
    except KeyboardInterrupt:
        return 130
    finally:
        if app is not None:
            app.close()
        signal.signal(signal.SIGTERM, previous)


def run_proxy(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Run the validating proxy until interrupted (SIGINT or SIGTERM); the exit status."""
    import logging
    import os

    import uvicorn

    from attachkit.mock.proxy import PROXY_UVICORN_OPTIONS, ProxyApp
    from attachkit.mock.server import bind_socket, check_bind_host, uvicorn_config

    out = out or sys.stdout
    token = args.control_token or os.environ.get(ENV_CONTROL_TOKEN) or None
    try:
        # The proxy carries a user's real requests: it never listens beyond loopback.
        check_bind_host(args.host, allow_remote=False)
        config = MockConfig(control_token=token)
        app = ProxyApp(
            args.upstream, config=config, control_token=token, journal_size=args.journal_size
        )
    except ValueError as exc:
        print(f"attachkit mock proxy: {exc}", file=sys.stderr)
        return 2
    try:
        sock = bind_socket(args.host, args.port)
    except OSError as exc:
        print(
            f"attachkit mock proxy: cannot listen on {args.host}:{args.port}: {exc}",
            file=sys.stderr,
        )
        return 1
    host = f"[{args.host}]" if ":" in args.host else args.host
    url = f"http://{host}:{sock.getsockname()[1]}"
    shown = "(the one you set)" if token else app.control_token
    print(
        f"attachkit mock proxy on {url}, forwarding to {app.upstream}\n"
        f"  departures from the specs: GET {url}/_mock/violations, the forwarded requests: "
        f"GET {url}/_mock/requests, with header {CONTROL_TOKEN_HEADER}: {shown}\n"
        f"  a client signing with AK/SK connects here and sends Host: {app.upstream_host}",
        file=out,
        flush=True,
    )
    # Departures are the proxy's output: make sure its warnings reach the terminal.
    logging.getLogger("attachkit.mock.proxy").setLevel(logging.INFO)
    if not logging.getLogger().handlers:
        logging.basicConfig(format="%(levelname)s: %(message)s")
    termination = _Termination()
    previous = signal.signal(signal.SIGTERM, termination)
    try:
        server = uvicorn.Server(uvicorn_config(app, args.log_level, **PROXY_UVICORN_OPTIONS))
        termination.server = server
        try:
            if not termination.received:
                server.run(sockets=[sock])
        finally:
            sock.close()
        return 128 + signal.SIGTERM if termination.received else 0
    except KeyboardInterrupt:
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result
