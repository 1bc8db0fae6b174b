"""README "Using it", as written there (its free names are this function's parameters).

tests/test_typing.py checks that this body and the README's code block are the same text, and
that this file is ``mypy --strict`` clean.
"""

# ruff: noqa: E501, F841
from __future__ import annotations

import attachkit


# fmt: off
def using_it(
    project_id: str, issue_id: int, ipd_project: str, ipd_issue: str, password: str
) -> None:
    creds = attachkit.Credentials.resolve()        # HUAWEICLOUD_SDK_AK/SK, CLOUD_SDK_AK/SK, ~/.huaweicloud/credentials
    with attachkit.CodeArtsReq(region="cn-north-4", credentials=creds) as req:
        up = req.scrum.upload(project_id, issue_id, "design.pdf", progress=lambda done, total: ...)
        got = req.scrum.download(project_id, issue_id, up.id, dest="out/")   # -> path, size
        got = req.scrum.download(project_id, issue_id, up.id, dest="out/", overwrite=True,
                                 durable=True, checksum="sha256")          # fsynced; got.sha256 set
        req.scrum.delete(project_id, issue_id, up.id)
        req.ipd.upload(ipd_project, ipd_issue, "spec.xlsx")
        for item in req.ipd.list(ipd_project, ipd_issue).result or []:
            req.ipd.download(ipd_project, item.id, "out/")

    with attachkit.Coc(region="cn-north-4", credentials=creds) as coc:
        doc = coc.upload("incident.pdf")                   # .docx .jpg .pdf .png .txt, at most 10 MB
        coc.download(doc.data.doc_id, "incident-copy.pdf")

    with attachkit.WorldServer("https://ws.example.com:8443", "translator", password) as ws:
        f = ws.upload(1113, "ws_api.txt")                  # logs in on first use, token in a header
        ws.download(f.internal_name, "out/", download_token=f.download_token)
# fmt: on
