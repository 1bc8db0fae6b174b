"""``attachkit codearts-req ipd download-all``: a work item's attachments, with a summary."""

from __future__ import annotations

import argparse
from typing import Any

from attachkit.cli.exit_codes import EXIT_OK, EXIT_SERVICE_ERROR
from attachkit.cli.terminal import safe_json, safe_text

# Any failed download makes the command exit with this, after the others completed.
EXIT_SOME_FAILED = EXIT_SERVICE_ERROR


def summary_table(result: Any) -> str:
    rows = [("STATUS", "BYTES", "ID", "NAME", "ERROR")]
    for item in result.items:
        size = "-" if item.size is None else str(item.size)
        error = f"{item.error_type}: {item.error}" if item.error else ""
        rows.append((item.status, size, item.attachment_id, item.name, error))
    widths = [max(len(safe_text(row[col])) for row in rows) for col in range(4)]
    lines = [
        "  ".join(safe_text(cell).ljust(width) for cell, width in zip(row, widths, strict=False))
        + "  "
        + safe_text(row[4])
        for row in rows
    ]
    lines = [line.rstrip() for line in lines]
    lines.append(
        f"{len(result.downloaded)} downloaded, {len(result.skipped)} skipped, "
        f"{len(result.failed)} failed"
    )
    return "\n".join(lines)


def ipd_download_all(args: argparse.Namespace) -> int:
    import asyncio

    from attachkit.cli.progress import progress_bar
    from attachkit.cli.run import credentials_from
    from attachkit.facades import AsyncCodeArtsReq

    async def run(progress: Any) -> Any:
        async with AsyncCodeArtsReq(
            region=args.region,
            endpoint=args.endpoint,
            credentials=credentials_from(args),
            max_retries=args.max_retries,
            timeout=args.timeout,
        ) as req:
            return await req.ipd.download_all(
                args.project_id,
                args.issue_id,
                args.output,
                jobs=args.jobs,
                overwrite=args.overwrite,
                resume=args.resume,
                source_project_id=args.source_project_id,
                progress=progress,
            )

    with progress_bar(args, args.output) as progress:  # labelled with where the files go
        result = asyncio.run(run(progress))
    if args.json:
        print(
            safe_json(
                {
                    "downloaded": len(result.downloaded),
                    "skipped": len(result.skipped),
                    "failed": len(result.failed),
                    "items": [item.to_dict() for item in result.items],
                }
            )
        )
    else:
        print(summary_table(result))
    return EXIT_OK if result.ok else EXIT_SOME_FAILED
