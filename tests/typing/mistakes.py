"""Mistakes a type checker must catch. Each mistaken line carries the error code mypy reports.

mypy runs with ``warn_unused_ignores``, so a mistake that stops being an error (a result typed
``Any`` again, a ``**options`` constructor) makes its ``# type: ignore[...]`` unused, and the
check in tests/test_typing.py fails.
"""

from __future__ import annotations

from pathlib import Path

import attachkit


def sync_mistakes(creds: attachkit.Credentials, out: Path) -> None:
    attachkit.CodeArtsReq(regoin="cn-north-4", credentials=creds)  # type: ignore[call-arg]
    attachkit.Coc(endpoint="http://127.0.0.1", credential=creds)  # type: ignore[call-arg]
    attachkit.WorldServer("https://ws", "me", "pw", retries=3)  # type: ignore[call-arg]
    with attachkit.CodeArtsReq(endpoint="http://127.0.0.1", credentials=creds) as req:
        up = req.scrum.upload("P", 42, b"x", filename="a.txt")
        print(up.idd)  # type: ignore[attr-defined]
        got = req.scrum.download("P", 42, up.id, out)
        print(got.sha265)  # type: ignore[attr-defined]
        req.scrum.download("P", 42, up.id, out, overwrites=True)  # type: ignore[call-arg]
        req.scrum.download("P", 42, up.id, out, checksum="md5")  # type: ignore[arg-type]
        print(req.ipd.list("P", "I").results)  # type: ignore[attr-defined]
        req.ipd.upload("P", 956239067176935400, b"x")  # type: ignore[arg-type]
    with attachkit.Coc(endpoint="http://127.0.0.1", credentials=creds) as coc:
        print(coc.upload(b"x", filename="a.txt").data.docid)  # type: ignore[attr-defined]


async def async_mistakes(creds: attachkit.Credentials, out: Path) -> None:
    async with attachkit.AsyncCodeArtsReq(endpoint="http://127.0.0.1", credentials=creds) as req:
        up = req.scrum.upload("P", 42, b"x", filename="a.txt")  # the await is forgotten
        print(up.id)  # type: ignore[attr-defined]
        req.scrum.delete("P", 42, "7")  # type: ignore[unused-coroutine]
        for chunk in req.scrum.stream("P", 42, "7"):  # type: ignore[attr-defined]
            print(chunk)
    with attachkit.AsyncCoc(endpoint="http://127.0.0.1", credentials=creds):  # type: ignore[attr-defined]
        pass
    async with attachkit.AsyncWorldServer("https://ws", "me", "pw") as ws:
        ws.login()  # type: ignore[unused-coroutine]
