"""No near-empty last page: a PDF whose last page would be nearly empty is set a little tighter,
and a document that still ends with a page under a quarter full is named by the build."""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefgen.cli import app
from briefgen.render.pdf import PdfRenderer
from briefgen.sources.frozen import load_working
from briefgen.tailoring import tailor
from briefgen.translation.apply import localise
from conftest import CENTRAL_ASIA

MM = 72 / 25.4
runner = CliRunner()


def last_page_fill(pdf: Path) -> tuple[int, float]:
    """Return the page count and how full the last page's text area is (22 mm from the top to
    23 mm from the bottom), from the PDF's word positions; the running header is not content."""
    xml = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = xml.split("<page ")[1:]
    height = float(re.search(r'height="([\d.]+)"', pages[-1])[1])  # type: ignore[index]
    top, bottom = 22 * MM, height - 23 * MM
    words = [
        (float(m[1]), float(m[2]), html.unescape(m[3]))
        for m in re.finditer(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', pages[-1])
    ]
    # a draft's diagonal mark comes out as letters in ones and twos: not a line of text
    lowest = max((y1 for y0, y1, w in words if y0 > top + 4 and y1 < bottom and len(w) > 2), default=top)
    return len(pages), (lowest - top) / (bottom - top)


@pytest.mark.slow
@pytest.mark.parametrize("language", ["en", "ru"])
def test_every_bundled_brief_ends_on_a_page_more_than_a_quarter_full(language: str, tmp_path: Path) -> None:
    loaded = load_working(CENTRAL_ASIA)  # as `build` makes them: drafts, with the changes box
    if language != "en":
        loaded = localise(loaded, language)
    renderer = PdfRenderer()
    found = {}
    for code in ("KZ", "KG", "TJ", "TM", "UZ"):
        pdf = tmp_path / f"{code}.pdf"
        pdf.write_bytes(renderer.render(tailor(loaded, code)))
        found[code] = last_page_fill(pdf)
        assert renderer.last_page is not None and renderer.last_page[0] == found[code][0]
    assert all(fill > 0.25 for _, fill in found.values()), found


@pytest.mark.slow
def test_the_build_names_a_document_whose_last_page_stays_under_a_quarter_full(
    andes: Path, tmp_path: Path
) -> None:
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "theme.yaml").write_text("css: theme.css\n", encoding="utf-8")
    # the references on a page of their own: no tighter setting brings them back
    (theme / "theme.css").write_text(".references { break-before: page; }\n", encoding="utf-8")
    text = (andes / "brief.yaml").read_text(encoding="utf-8")
    (andes / "brief.yaml").write_text(
        text.replace("countries:", f"theme: {theme}\ncountries:", 1), encoding="utf-8"
    )
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["build", str(andes), "--country", "PE", "--format", "pdf,docx", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    pdf = next(out.rglob("*-PE-e1.pdf"))
    pages, fill = last_page_fill(pdf)
    assert fill < 0.25
    assert f"andes-water-PE-e1.pdf: warning: its last page (page {pages}) is only" in result.stderr
    assert ".docx: warning" not in result.stderr  # Word lays its own pages out
    as_json = runner.invoke(
        app,
        ["build", str(andes), "--country", "PE", "--format", "pdf", "--out", str(tmp_path / "j"), "--json"],
    )
    summary = json.loads(as_json.stdout)
    assert [Path(s["path"]).name for s in summary["short_last_pages"]] == ["andes-water-PE-e1.pdf"]
    # laid out twice, and the tighter page kept nothing: the looser one was printed
    assert [(Path(a["path"]).name, a["layouts"], a["tighter"]) for a in summary["laid_out_again"]] == [
        ("andes-water-PE-e1.pdf", 2, False)
    ]
