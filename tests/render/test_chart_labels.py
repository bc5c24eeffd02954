"""Charts say what every line is: each country named at the end of its line, names moved apart
where they collide, and the alt text and the Word picture's description naming every series."""

from __future__ import annotations

import html
import io
import itertools
import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from briefgen.document.model import Figure, SeriesLine
from briefgen.render import charts
from briefgen.render.docx import DocxRenderer
from briefgen.render.pdf import PdfRenderer
from briefgen.sources.loading import load_sources
from briefgen.tailoring import tailor
from briefgen.translation.apply import localise
from conftest import CENTRAL_ASIA

COUNTRIES = ("KZ", "KG", "TJ", "TM", "UZ")


def _names_in_svg(svg: bytes) -> list[str]:
    """Return the texts of the SVG (matplotlib keeps text as text: `svg.fonttype` none)."""
    return [html.unescape(t).strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg.decode())]


def _figure(ends: list[float]) -> Figure:
    lines = tuple(
        SeriesLine(f"C{n}", f"Country {n}", ((2010, 1.0), (2019, end)), n == 0) for n, end in enumerate(ends)
    )
    return Figure(
        id="f", number=1, label="Figure 1", title="T", place="profile", kind="line", years=(2010, 2019),
        unit=None, lines=lines, source_label="Source", source_names=(), sources=(), alt="", language="en",
    )  # fmt: skip


@pytest.mark.unit
def test_names_that_would_collide_are_moved_apart_and_stay_near_their_lines() -> None:
    ends = [10.0, 10.2, 9.9, 2.0, 20.0]  # three lines end within a name's height of each other
    figure = _figure(ends)
    offsets = charts.label_offsets(figure)
    height = charts.HEIGHT_CM / 2.54 * 72 * charts.AXES[3]
    top = max(1.0, *ends) * 1.08  # every line starts at 1.0 in 2010
    placed = sorted(end / top * height + dy for end, dy in zip(ends, offsets, strict=True))
    assert min(b - a for a, b in itertools.pairwise(placed)) >= charts.LABEL_PITCH - 1e-9
    # the three that collided are spread around where their lines end; the lone ones do not move
    assert offsets[3] == offsets[4] == 0.0
    assert abs(sum(offsets[:3])) < 1e-9 and max(abs(d) for d in offsets[:3]) <= charts.LABEL_PITCH
    assert all(0 <= y <= height for y in placed)


@pytest.mark.unit
def test_names_never_leave_the_axes_even_when_every_line_ends_at_the_top_or_the_bottom() -> None:
    height = charts.HEIGHT_CM / 2.54 * 72 * charts.AXES[3]
    for ends in ([0.0, 0.0, 0.0, 0.0, 0.1], [5.0, 5.0, 5.0, 5.0, 5.0]):
        figure = _figure(ends)
        top = max(1.0, *ends) * 1.08
        placed = sorted(e / top * height + d for e, d in zip(ends, charts.label_offsets(figure), strict=True))
        assert placed[0] >= 0 and placed[-1] <= height
        assert min(b - a for a, b in itertools.pairwise(placed)) >= charts.LABEL_PITCH - 1e-9


@pytest.mark.unit
@pytest.mark.parametrize("language", ["en", "ru"])
def test_every_line_of_figure_1_is_named_in_the_svg_and_the_alt_text_names_every_series(
    language: str,
) -> None:
    loaded = load_sources(CENTRAL_ASIA)
    if language != "en":
        loaded = localise(loaded, language)
    for code in COUNTRIES:
        [figure] = tailor(loaded, code).figures
        names = [line.name for line in figure.lines]
        assert len(names) == 5
        texts = _names_in_svg(charts.svg(figure))
        assert all(texts.count(name) == 1 for name in names), (code, texts)
        for name in names:
            assert name in figure.alt
    # the recipient's name is set in the accent colour and bold, the others in grey
    svg = charts.svg(tailor(load_sources(CENTRAL_ASIA), "UZ").figures[0]).decode()
    uzbekistan = re.search(r"<text[^>]*style=\"([^\"]*)\"[^>]*>Uzbekistan<", svg)
    kazakhstan = re.search(r"<text[^>]*style=\"([^\"]*)\"[^>]*>Kazakhstan<", svg)
    assert uzbekistan and kazakhstan
    assert "font-weight: 700" in uzbekistan[1] and charts.ACCENT in uzbekistan[1]
    assert charts.INK in kazakhstan[1] and "700" not in kazakhstan[1]


@pytest.mark.unit
def test_the_word_picture_description_names_every_series() -> None:
    brief = tailor(load_sources(CENTRAL_ASIA), "TJ")
    with zipfile.ZipFile(io.BytesIO(DocxRenderer().render(brief))) as archive:
        body = archive.read("word/document.xml").decode()
    [description] = re.findall(r'<wp:docPr [^>]*descr="([^"]*)"', body)
    for line in brief.figures[0].lines:
        assert line.name in html.unescape(description)


@pytest.mark.slow
def test_every_line_of_figure_1_has_its_country_s_name_beside_it_in_the_pdf(tmp_path: Path) -> None:
    brief = tailor(load_sources(CENTRAL_ASIA), "KG")
    pdf = tmp_path / "kg.pdf"
    pdf.write_bytes(PdfRenderer().render(brief))
    xml = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for page in xml.split("<page ")[1:]:
        words = [
            (float(m[1]), float(m[2]), html.unescape(m[3]))
            for m in re.finditer(
                r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)<', page
            )
        ]
        if any(w.lower() == "figure" for _, _, w in words):
            break
    else:
        pytest.fail("no page shows Figure 1")
    caption = min(y for _, y, w in words if w.lower() == "figure")
    source = min(y for _, y, w in words if w.lower() == "source" and y > caption)
    # in the chart (between caption and source line), right of the last year: the names at the line ends
    last_year = max(x for x, y, w in words if w == "2019" and caption < y < source)
    names = {w for x, y, w in words if caption < y < source and x > last_year}
    assert names == {line.name for line in brief.figures[0].lines}
