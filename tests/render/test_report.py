"""The implementation report: a document of its own, in every language of the brief, tagged PDF
and a Word file LibreOffice opens; and the bundled brief's follow-up in its briefs."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from briefgen.render.html import HtmlRenderer
from briefgen.sources.frozen import load_working
from briefgen.tailoring import tailor
from briefgen.translation.apply import localise
from conftest import CENTRAL_ASIA, CENTRAL_ASIA_WORKING, libreoffice

SLUG = f"china-central-asia-implementation-report-e{CENTRAL_ASIA_WORKING}"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled brief's implementation report, PDF and DOCX in English and Russian."""
    from hardening import ends_cleanly, run

    out = tmp_path_factory.mktemp("report")
    ends_cleanly(run("track", CENTRAL_ASIA, "--report", out, "--as-of", "2026-01-01", timeout=300), 0)
    return out


def text_of(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


@pytest.mark.slow
def test_the_report_is_written_in_every_language_the_brief_is_published_in(report: Path) -> None:
    made = sorted(p.relative_to(report).as_posix() for p in report.rglob("*") if p.is_file())
    assert made == [f"{lang}/{SLUG}.{fmt}" for lang in ("en", "ru") for fmt in ("docx", "pdf")]


@pytest.mark.slow
@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_report_pdf_is_tagged_like_the_briefs(report: Path, language: str) -> None:
    pdf = report / language / f"{SLUG}.pdf"
    reader = PdfReader(pdf)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == language
    assert root["/MarkInfo"]["/Marked"].value is True
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:]]
    assert rows and all(row[-5] == "yes" and row[-3] == "yes" for row in rows)  # embedded, with a Unicode map
    with pikepdf.open(pdf) as document:
        alts = [
            str(node.get("/Alt"))
            for node in _structure(document.Root.StructTreeRoot)
            if node.get("/S") == "/Figure"
        ]
    assert len(alts) == 1 and (
        "Kazakhstan, recommendation 1" in alts[0] or "Казахстан, рекомендация 1" in alts[0]
    )
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert len(titles) >= 5  # the matrix, the overdue steps, a heading per country assessed, references


def _structure(node: pikepdf.Object) -> list[pikepdf.Object]:
    found = []
    kids = node.get("/K")
    if kids is None:
        return found
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary):
            found.append(kid)
            found += _structure(kid)
    return found


@pytest.mark.slow
def test_the_report_says_where_each_government_stands_and_that_the_assessments_are_illustrative(
    report: Path,
) -> None:
    english = text_of(report / "en" / f"{SLUG}.pdf")
    assert "Where each government stands" in english
    assert "Illustrative: the assessments in this report are examples" in english
    assert "Statuses over time" in english
    assert "Recommendation 2, step 1: Publish the main terms" in english
    assert re.search(
        r"Kazakhstan .* Some progress · September 2021 · improved · illustrative assessment", english
    )
    assert "China’s Pursuit of Power in Central Asia · Implementation report" in english  # every page's foot
    russian = text_of(report / "ru" / f"{SLUG}.pdf")
    assert "Положение дел в каждой стране" in russian
    assert "Частичный прогресс · сентябрь 2021 г. · улучшение" in russian
    for english_word in ("Where each government stands", "Some progress", "improved", "Lead", "Step 1"):
        assert english_word not in russian


@pytest.mark.slow
def test_the_report_docx_opens_in_libreoffice_with_its_matrix_and_sections(
    report: Path, tmp_path: Path
) -> None:
    docx = report / "en" / f"{SLUG}.docx"
    libreoffice("pdf", tmp_path, docx, profile=tmp_path / "lo")
    text = text_of(tmp_path / f"{SLUG}.pdf")
    assert "Where each government stands" in text
    assert "Substantial progress" in text and "August 2021 · improved" in text  # Uzbekistan, recommendation 2
    assert "THE RECOMMENDATION AS A WHOLE" in text  # a label line: small capitals, as in the briefs
    assert "LEAD Ministry of Foreign Affairs of the Republic of Kazakhstan" in text


@pytest.mark.unit
@pytest.mark.parametrize(
    ("language", "card", "box"),
    [
        (
            "en",
            "Some progress (September 2021; illustrative assessment)",
            "Recommendation 1: first assessed, “Some progress” (September 2021).",
        ),
        (
            "ru",
            "Частичный прогресс (сентябрь 2021\u202fг.; оценка приведена для примера)",
            "Рекомендация 1: первая оценка выполнения — «Частичный прогресс» (сентябрь 2021\u202fг.).",
        ),
    ],
)
def test_the_bundled_working_edition_shows_the_follow_up_in_the_briefs_and_the_changes_box(
    language: str, card: str, box: str
) -> None:
    loaded = localise(load_working(CENTRAL_ASIA), language)
    kazakhstan = tailor(loaded, "KZ")
    html = HtmlRenderer().render(kazakhstan).decode()
    assert card in html
    assert kazakhstan.changes is not None and box in kazakhstan.changes.lines
    tajikistan = tailor(loaded, "TJ")  # no follow-up for Tajikistan: no status line
    assert all(r.progress is None for r in tajikistan.recommendations)
