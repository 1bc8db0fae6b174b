"""Every sync facade method as a user calls it: each result has its concrete type (not Any)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import assert_type

import httpx

import attachkit
from attachkit.bulk import BulkDownload
from attachkit.facades import IpdAttachments, ScrumAttachments
from coc_client.models import UploadResult
from codearts_req_client.models import IpdAttachmentList, IpdUploadResult, ScrumAttachment
from worldserver_client.models import AttributeFile


def codearts_req(creds: attachkit.Credentials, out: Path) -> None:
    policy = attachkit.RetryPolicy(max_retries=2)
    with attachkit.CodeArtsReq(
        endpoint="http://127.0.0.1:8080",
        credentials=creds,
        timeout=httpx.Timeout(10.0),
        max_retries=1,
        retry_policy=policy,
        max_connections=4,
    ) as req:
        assert_type(req, attachkit.CodeArtsReq)
        assert_type(req.scrum, ScrumAttachments)
        assert_type(req.ipd, IpdAttachments)
        assert_type(req.base_url, str)
        assert_type(req.retry_policy, attachkit.RetryPolicy)

        up = req.scrum.upload("P", 42, b"data", filename="a.txt", size=4, timeout=5.0)
        assert_type(up, ScrumAttachment)
        assert_type(up.id, int)
        got = req.scrum.download("P", "42", up.id, out, overwrite=True, max_retries=0)
        assert_type(got, attachkit.DownloadResult)
        assert_type(got.sha256, str | None)  # set when checksum="sha256" is asked for
        durable = req.scrum.download("P", 42, up.id, out, durable=True, checksum="sha256")
        assert_type(durable, attachkit.DownloadResult)
        assert_type(req.scrum.stream("P", 42, up.id), attachkit.DownloadStream)
        stream = req.scrum.stream("P", 42, up.id)
        assert_type(stream.start(), attachkit.StreamInfo)
        assert_type(next(stream), bytes)
        assert_type(req.scrum.delete("P", 42, up.id), None)

        ipd = req.ipd.upload("P", "I", io.BytesIO(b"data"), filename="b.txt")
        assert_type(ipd, IpdUploadResult)
        listed = req.ipd.list("P", "I", source_project_id="Q")
        assert_type(listed, IpdAttachmentList)
        for item in listed.result or []:
            assert_type(req.ipd.download("P", item.id, out / "dir/"), attachkit.DownloadResult)
            assert_type(req.ipd.stream("P", item.id, progress=print), attachkit.DownloadStream)
        everything = req.ipd.download_all("P", "I", out, jobs=2, overwrite=True)
        assert_type(everything, BulkDownload)
        assert_type(everything.ok, bool)


def coc(creds: attachkit.Credentials, out: Path) -> None:
    with attachkit.Coc(region="cn-north-4", credentials=creds) as client:
        doc = client.upload(out / "incident.pdf", ticket_type="incident")
        assert_type(doc, UploadResult)
        assert_type(doc.data.doc_id, str)
        assert_type(client.download(doc.data.doc_id, out), attachkit.DownloadResult)
        assert_type(client.stream(doc.data.doc_id), attachkit.DownloadStream)


def worldserver(password: str, out: Path) -> None:
    with attachkit.WorldServer("https://ws.example.com", "me", password, max_retries=0) as ws:
        assert_type(ws.login(), None)
        assert_type(ws.session, attachkit.WorldServerSession)
        uploaded = ws.upload(1113, b"text", filename="a.txt")
        assert_type(uploaded, AttributeFile)
        assert_type(uploaded.internal_name, str)
        got = ws.download(
            uploaded.internal_name,
            out,
            resource_type="task",
            resource_id=7,
            attribute_name="files",
            download_token=uploaded.download_token,
        )
        assert_type(got, attachkit.DownloadResult)
        assert_type(ws.stream(uploaded.internal_name), attachkit.DownloadStream)
