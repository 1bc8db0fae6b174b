"""Every async facade method as a user awaits it: each result has its concrete type."""

from __future__ import annotations

from pathlib import Path
from typing import assert_type

import attachkit
from attachkit.bulk import BulkDownload
from attachkit.facades import AsyncIpdAttachments, AsyncScrumAttachments
from coc_client.models import UploadResult
from codearts_req_client.models import IpdAttachmentList, IpdUploadResult, ScrumAttachment
from worldserver_client.models import AttributeFile


async def codearts_req(creds: attachkit.Credentials, out: Path) -> None:
    async with attachkit.AsyncCodeArtsReq(
        endpoint="http://127.0.0.1:8080", credentials=creds, max_connections=32
    ) as req:
        assert_type(req, attachkit.AsyncCodeArtsReq)
        assert_type(req.scrum, AsyncScrumAttachments)
        assert_type(req.ipd, AsyncIpdAttachments)
        assert_type(req.retry_policy, attachkit.RetryPolicy)

        up = await req.scrum.upload("P", 42, b"data", filename="a.txt")
        assert_type(up, ScrumAttachment)
        got = await req.scrum.download("P", 42, up.id, out)
        assert_type(got, attachkit.DownloadResult)
        chunks = req.scrum.stream("P", 42, up.id)
        assert_type(chunks, attachkit.AsyncDownloadStream)
        async for chunk in chunks:
            assert_type(chunk, bytes)
        assert_type(await req.scrum.delete("P", 42, up.id), None)

        assert_type(await req.ipd.upload("P", "I", out / "a.txt"), IpdUploadResult)
        listed = await req.ipd.list("P", "I")
        assert_type(listed, IpdAttachmentList)
        for item in listed.result or []:
            assert_type(await req.ipd.download("P", item.id, out), attachkit.DownloadResult)
            assert_type(req.ipd.stream("P", item.id), attachkit.AsyncDownloadStream)
        assert_type(await req.ipd.download_all("P", "I", out, jobs=8), BulkDownload)


async def coc(creds: attachkit.Credentials, out: Path) -> None:
    async with attachkit.AsyncCoc(endpoint="http://127.0.0.1:8080", credentials=creds) as client:
        doc = await client.upload(out / "incident.pdf")
        assert_type(doc, UploadResult)
        assert_type(await client.download(doc.data.doc_id, out), attachkit.DownloadResult)
        assert_type(client.stream(doc.data.doc_id), attachkit.AsyncDownloadStream)


async def worldserver(password: str, out: Path) -> None:
    async with attachkit.AsyncWorldServer("https://ws.example.com", "me", password) as ws:
        assert_type(await ws.login(), None)
        assert_type(ws.session, attachkit.AsyncWorldServerSession)
        uploaded = await ws.upload(1113, b"text", filename="a.txt")
        assert_type(uploaded, AttributeFile)
        got = await ws.download(uploaded.internal_name, out, download_token="t")
        assert_type(got, attachkit.DownloadResult)
        assert_type(ws.stream(uploaded.internal_name), attachkit.AsyncDownloadStream)
