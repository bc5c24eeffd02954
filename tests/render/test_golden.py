"""Golden files: the HTML and the Word body of one fixture brief, kept in the repository so that
a change to either shows up as a readable diff in review.

After an intended change, regenerate them with `BRIEFGEN_UPDATE_GOLDEN=1 pytest tests/test_golden.py`
and review the diff like code.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

import pytest

from briefgen.render.docx import DocxRenderer
from briefgen.render.html import HtmlRenderer
from briefgen.sources.loading import load_sources
from briefgen.tailoring import tailor
from conftest import ANDES

GOLDEN = Path(__file__).resolve().parents[1] / "golden"


def _check(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("BRIEFGEN_UPDATE_GOLDEN") == "1":
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"no golden file {path}; create it with BRIEFGEN_UPDATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8"), f"{name} changed; review, then regenerate"


def _pretty_xml(xml: str) -> str:
    """Put each paragraph, table row and footnote on its own line, so the diff reviews well."""
    return re.sub(r"(<w:(?:p|tr|tbl|footnote|sectPr)[ >])", r"\n\1", xml)


@pytest.fixture(scope="module")
def peru():  # type: ignore[no-untyped-def]
    return tailor(load_sources(ANDES), "PE")


@pytest.mark.unit
def test_the_html_of_the_peru_fixture_brief_is_unchanged(peru) -> None:  # type: ignore[no-untyped-def]
    html = HtmlRenderer().document(peru, inline_css=False)
    _check("andes-water-PE.html", html)


@pytest.mark.unit
def test_the_word_body_of_the_peru_fixture_brief_is_unchanged(peru) -> None:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(io.BytesIO(DocxRenderer().render(peru))) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
        notes = archive.read("word/footnotes.xml").decode("utf-8")
    _check("andes-water-PE.document.xml", _pretty_xml(body) + "\n")
    _check("andes-water-PE.footnotes.xml", _pretty_xml(notes) + "\n")
