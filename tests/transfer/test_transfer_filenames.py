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


# --- issue 19, class 4: the length cut never leaves a dot-file, devices in every variant -------

DOT_RUN = ". " * 150  # cut to its 200-byte budget, the stem before the extension is only ". "


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        (DOT_RUN + ".bashrc", "bashrc"),
        ("x" + " ." * 150 + ".bashrc", "x.bashrc"),
        ("CON" + " ." * 150 + ".txt", "_CON.txt"),
        ("CON .txt", "_CON .txt"),
        ("con.tar.gz", "_con.tar.gz"),
        ("COM\u00b9.txt", "_COM\u00b9.txt"),
        ("COM0", "_COM0"),
        ("CONIN$", "_CONIN$"),
        ("CONOUT$.log", "_CONOUT$.log"),
        ("LPT\u00b2", "_LPT\u00b2"),
        ("lpt\u00b3.dat", "_lpt\u00b3.dat"),
        ("CONSOLE.txt", "CONSOLE.txt"),
        ("COM10", "COM10"),
    ],
)
def test_cut_names_and_device_variants_are_made_harmless(raw: str, safe: str) -> None:
    assert sanitize_filename(raw, "fallback") == safe


@pytest.mark.parametrize(
    "header",
    [
        f'attachment; filename="{DOT_RUN}.bashrc"',
        "attachment; filename*=UTF-8''" + "%2E%20" * 150 + ".envrc",
    ],
)
def test_a_proposed_name_that_the_cut_empties_is_no_dot_file(header: str) -> None:
    name = sanitize_filename(filename_from_content_disposition(header), "fallback")
    assert not name.startswith(".")
    assert name in ("bashrc", "envrc")


def test_an_unsafe_fallback_goes_through_the_same_rules() -> None:
    assert sanitize_filename("", ".bashrc") == "bashrc"
    assert sanitize_filename(None, "../NUL") == "_NUL"
    assert sanitize_filename("..", "..") == "download"


_DEVICE_STEMS = st.sampled_from(["CON", "nul", "CONIN$", "conout$", "COM\u00b9", "LPT2", "aux"])
_EDGE_TEXT = st.text(alphabet=". \t/\\\u3000\u2028x", max_size=40)
_NAMES = st.one_of(
    st.text(max_size=400),
    st.builds(
        lambda run, tail: run * 120 + tail,
        st.sampled_from([". ", " .", ".", " "]),
        st.text(max_size=20),
    ),
    st.builds(lambda d, a, b: a + d + b, _DEVICE_STEMS, _EDGE_TEXT, _EDGE_TEXT),
)


@given(_NAMES, st.integers(min_value=1, max_value=260))
def test_the_sanitiser_is_idempotent_and_its_result_always_safe(raw: str, max_bytes: int) -> None:
    name = sanitize_filename(raw, "fallback", max_bytes)
    assert sanitize_filename(name, "other", max_bytes) == name
    assert name
    assert not name.startswith(".") and name.strip() == name
    assert "/" not in name and "\\" not in name and "\0" not in name
    assert name.split(".")[0].rstrip(" ").upper() not in {
        "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$",
        *(f"{p}{d}" for p in ("COM", "LPT") for d in "0123456789\u00b9\u00b2\u00b3"),
    }  # fmt: skip
    assert len(name.encode()) <= max_bytes
