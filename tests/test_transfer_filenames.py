"""Names a server proposes become one harmless file name inside the chosen directory."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attachkit.transfer import filename_from_content_disposition, sanitize_filename


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ('attachment; filename="report.pdf"', "report.pdf"),
        ("attachment; filename=report.pdf", "report.pdf"),
        ('attachment; filename="with \\"quotes\\".txt"', 'with "quotes".txt'),
        ("attachment; filename*=UTF-8''%E6%8A%A5%E5%91%8A.docx", "报告.docx"),
        ("attachment; filename=\"fallback.txt\"; filename*=utf-8''na%C3%AFve.txt", "naïve.txt"),
        ("attachment; filename*=ISO-8859-1''caf%E9.txt", "café.txt"),
        ('attachment; filename="%E6%8A%A5.txt"', "报.txt"),
        ('attachment; name="x"; filename="semi;colon.txt"', "semi;colon.txt"),
        ("attachment", None),
        ("", None),
        (None, None),
    ],
)
def test_content_disposition_parsing(header: str, name: str) -> None:
    assert filename_from_content_disposition(header) == name


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("..", "fallback"),
        (".", "fallback"),
        (".bashrc", "bashrc"),
        ("...hidden", "hidden"),
        ("evil\r\nname.txt", "evilname.txt"),
        ("bell\x07\x1b[31mred\x9b.txt", "bell[31mred.txt"),
        ("a/b\\c", "c"),
        ("dir\\..\\..\\win.ini", "win.ini"),
        ("", "fallback"),
        (None, "fallback"),
        ("   ", "fallback"),
        ("name. . ", "name"),
        ("CON.txt", "_CON.txt"),
        ('what?<is>:this*|"', "what__is__this___"),
        ("rtl\u202eexe.txt", "rtlexe.txt"),
        ("e\u0301.txt", "é.txt"),
    ],
)
def test_sanitize(raw: str, safe: str) -> None:
    assert sanitize_filename(raw, "fallback") == safe


def test_long_names_are_capped_in_utf8_bytes_keeping_the_extension() -> None:
    name = sanitize_filename("报" * 300 + ".pdf")
    assert len(name.encode()) <= 200
    assert name.endswith(".pdf")
    name.encode().decode()  # never cut inside a character
    assert len(sanitize_filename("a" * 1000).encode()) <= 200


@given(st.text(max_size=400))
def test_any_input_gives_one_plain_component(raw: str) -> None:
    name = sanitize_filename(raw, "fallback")
    assert name
    assert "/" not in name and "\\" not in name and "\0" not in name
    assert not name.startswith(".")
    assert name not in ("..", ".")
    assert len(name.encode()) <= 200
    assert all(ord(ch) >= 0x20 and not 0x7F <= ord(ch) <= 0x9F for ch in name)
