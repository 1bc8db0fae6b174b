"""``attachkit tour``: the main job end to end, against a mock service started in this process.

It makes a demo file, uploads it to every service, lists, downloads what it uploaded, compares
checksums and prints a summary table. It needs no cloud account: the mock service runs on
127.0.0.1 with its development accounts and a temporary data directory, and stops at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from attachkit.cli.exit_codes import EXIT_INTEGRITY, EXIT_OK

SCRUM_PROJECT = "f7a67aee4c034fd6944fd5f769e89042"
SCRUM_ISSUE = 5667740
IPD_PROJECT = "gdbdf969b32694524a949b5ef6b3e124a"
IPD_ISSUE = "956239067176935400"
WS_ATTRIBUTE_DEFINITION = 1113
MIB = 1024 * 1024


def make_demo_file(path: Path, size: int) -> str:
    """Random bytes, with the generated client's old multipart boundary planted in them."""
    trap = b"\r\n--+++\r\n"
    digest = hashlib.sha256()
    with path.open("wb") as f:
        written = 0
        while written < size:
            chunk = (trap + os.urandom(1024 * 1024))[: size - written]
            f.write(chunk)
            digest.update(chunk)
            written += len(chunk)
    return digest.hexdigest()


class Step:
    """One row of the summary: a service's upload → (list) → download chain."""

    def __init__(self, service: str, chain: str) -> None:
        self.service = service
        self.chain = chain
        self.size = 0
        self.ok = False
        self.detail = ""
        self.seconds = 0.0


def check_size(size: int) -> None:
    """The demo file goes to every service, so it must fit the smallest limit; say whose."""
    from attachkit.catalog import COC_MAX_BYTES, IPD_MAX_BYTES, SCRUM_MAX_BYTES
    from attachkit.cli.failures import UsageError

    limits = (("COC", COC_MAX_BYTES), ("CodeArts Req Scrum", SCRUM_MAX_BYTES),
              ("CodeArts Req IPD", IPD_MAX_BYTES))  # fmt: skip
    for service, limit in sorted(limits, key=lambda item: item[1]):
        if size > limit:
            raise UsageError(
                f"tour: --size {size} is over {service}'s upload limit of {limit // MIB} MiB "
                f"({limit} bytes), and the tour uploads the file to every service; give "
                f"--size {limit} or less",
                parameter="--size",
            )
    if size == 0:
        raise UsageError("tour: --size must be at least 1 byte", parameter="--size")


def run(args: argparse.Namespace) -> int:
    check_size(args.size)
    from attachkit.credentials import Credentials
    from attachkit.mock.config import DEV_AK, DEV_SK, DEV_WS_PASSWORD, DEV_WS_USER, MockConfig
    from attachkit.mock.server import MockServer

    with tempfile.TemporaryDirectory(prefix="attachkit-tour-") as work_dir:
        work = Path(work_dir)
        source = work / "tour-evidence.pdf"
        expected = make_demo_file(source, args.size)
        downloads = work / "downloads"
        downloads.mkdir()

        with MockServer(MockConfig(data_dir=work / "mockdata")) as server:
            if not args.json:
                print(f"mock service on {server.base_url} (data in a temporary directory)")
            credentials = Credentials(DEV_AK, DEV_SK)
            steps = [
                _scrum(server.base_url, credentials, source, downloads),
                _ipd(server.base_url, credentials, source, downloads),
                _coc(server.base_url, credentials, source, downloads),
                _worldserver(server.base_url, DEV_WS_USER, DEV_WS_PASSWORD, source, downloads),
            ]
            results = []
            # Each download asks for checksum="sha256": comparing digests is how the tour
            # verifies the round trip.
            for service, chain, action in steps:
                step = Step(service, chain)
                started = time.perf_counter()
                got = action()
                step.seconds = time.perf_counter() - started
                step.size, step.ok = got.size, got.sha256 == expected
                step.detail = got.sha256[:16]
                results.append(step)

    _report(args, results, expected)
    return EXIT_OK if all(step.ok for step in results) else EXIT_INTEGRITY


def _scrum(
    url: str, credentials: Any, source: Path, downloads: Path
) -> tuple[str, str, Callable[[], Any]]:
    from attachkit.facades import CodeArtsReq

    def action() -> Any:
        with CodeArtsReq(endpoint=url, credentials=credentials) as req:
            uploaded = req.scrum.upload(SCRUM_PROJECT, SCRUM_ISSUE, source)
            got = req.scrum.download(
                SCRUM_PROJECT, SCRUM_ISSUE, uploaded.id, downloads / "scrum.bin", checksum="sha256"
            )
            req.scrum.delete(SCRUM_PROJECT, SCRUM_ISSUE, uploaded.id)
            return got

    return "CodeArts Req (Scrum)", "upload → download → delete", action


def _ipd(
    url: str, credentials: Any, source: Path, downloads: Path
) -> tuple[str, str, Callable[[], Any]]:
    from attachkit.errors import IntegrityError
    from attachkit.facades import CodeArtsReq

    def action() -> Any:
        with CodeArtsReq(endpoint=url, credentials=credentials) as req:
            req.ipd.upload(IPD_PROJECT, IPD_ISSUE, source)
            listed = req.ipd.list(IPD_PROJECT, IPD_ISSUE).result or []
            if len(listed) != 1:
                raise IntegrityError(f"IPD list shows {len(listed)} attachments, expected 1")
            # The directory form: the name comes from Content-Disposition, sanitised.
            return req.ipd.download(IPD_PROJECT, listed[0].id, downloads, checksum="sha256")

    return "CodeArts Req (IPD)", "upload → list → download", action


def _coc(
    url: str, credentials: Any, source: Path, downloads: Path
) -> tuple[str, str, Callable[[], Any]]:
    from attachkit.facades import Coc

    def action() -> Any:
        with Coc(endpoint=url, credentials=credentials) as coc:
            uploaded = coc.upload(source)
            return coc.download(uploaded.data.doc_id, downloads / "coc.bin", checksum="sha256")

    return "COC", "upload → download", action


def _worldserver(
    url: str, username: str, password: str, source: Path, downloads: Path
) -> tuple[str, str, Callable[[], Any]]:
    from attachkit.facades import WorldServer

    def action() -> Any:
        with WorldServer(url, username, password) as ws:
            uploaded = ws.upload(WS_ATTRIBUTE_DEFINITION, source)
            return ws.download(
                uploaded.internal_name,
                downloads / "worldserver.bin",
                download_token=uploaded.download_token or None,
                checksum="sha256",
            )

    return "WorldServer", "login → upload → download", action


def _report(args: argparse.Namespace, steps: list[Step], expected: str) -> None:
    if args.json:
        import json

        print(json.dumps({
            "sha256": expected,
            "services": [
                {"service": s.service, "chain": s.chain, "bytes": s.size, "sha256_matches": s.ok,
                 "seconds": round(s.seconds, 3)}
                for s in steps
            ],
        }, indent=2))  # fmt: skip
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"attachkit tour — source sha256 {expected[:16]}…")
    for column in ("service", "chain", "bytes", "sha256", "seconds"):
        table.add_column(column, justify="right" if column in {"bytes", "seconds"} else "left")
    for step in steps:
        verdict = "[green]match[/green]" if step.ok else "[red]MISMATCH[/red]"
        table.add_row(step.service, step.chain, f"{step.size:,}", verdict, f"{step.seconds:.2f}")
    Console().print(table)
    ok = all(step.ok for step in steps)
    print("every download matches its upload" if ok else "a download did not match its upload")
