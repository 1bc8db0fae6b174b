"""README "Using it", as written there (it runs against the mock: tests/scenarios/test_readme.py).

tests/test_typing.py checks that this body and the README's code block are the same text, and
that this file is ``mypy --strict`` clean.
"""

# ruff: noqa: E501, F841
from __future__ import annotations

import attachkit


# fmt: off
def using_it() -> None:
    import os

    creds = attachkit.Credentials.resolve()  # environment, then ~/.huaweicloud/credentials
    mock = "http://127.0.0.1:8080"           # against the cloud: region="cn-north-4" instead
    scrum_project, scrum_issue = "f7a67aee4c034fd6944fd5f769e89042", 5667740
    ipd_project, ipd_issue = "gdbdf969b32694524a949b5ef6b3e124a", "956239067176935400"

    with attachkit.CodeArtsReq(endpoint=mock, credentials=creds) as req:
        up = req.scrum.upload(scrum_project, scrum_issue, "design.pdf",
                              progress=lambda done, total: print(f"{done}/{total} bytes"))
        got = req.scrum.download(scrum_project, scrum_issue, up.id, dest="out/")  # -> path, size
        got = req.scrum.download(scrum_project, scrum_issue, up.id, dest="out/", overwrite=True,
                                 durable=True, checksum="sha256")  # fsynced; got.sha256 set
        req.scrum.delete(scrum_project, scrum_issue, up.id)
        req.ipd.upload(ipd_project, ipd_issue, "design.pdf", filename="spec.pdf")
        for item in req.ipd.list(ipd_project, ipd_issue).result or []:
            req.ipd.download(ipd_project, item.id, "out/")

    with attachkit.Coc(endpoint=mock, credentials=creds) as coc:
        doc = coc.upload("design.pdf")       # .docx .jpg .pdf .png .txt, at most 10 MiB
        coc.download(doc.data.doc_id, "incident-copy.pdf")

    with attachkit.WorldServer(mock, "admin", os.environ["ATTACHKIT_WS_PASSWORD"]) as ws:
        f = ws.upload(1113, "design.pdf")    # logs in on first use, token in a header
        ws.download(f.internal_name, "out/ws/", download_token=f.download_token)

# fmt: on
