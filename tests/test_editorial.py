"""The brief as a minister's office reads it: stable numbers, marked drafts, human sentences,
footers that tell loose pages apart, and pages that are not left half blank."""

from __future__ import annotations

import html
import io
import re
import subprocess
from pathlib import Path

import pytest
from docx import Document

from briefgen.build import build
from briefgen.document.model import TailoredBrief
from briefgen.render.docx import DocxRenderer
from briefgen.render.pdf import PdfRenderer
from briefgen.sources.editions import release
from briefgen.sources.loading import load_brief
from briefgen.tailoring import tailor
from conftest import CENTRAL_ASIA

COUNTRIES = ("KZ", "KG", "TJ", "TM", "UZ")
MM = 72 / 25.4
DRAFT = "DRAFT – not for distribution"


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[TailoredBrief, Path]]:
    """Each country's brief of the bundled brief, tailored and printed to PDF once."""
    loaded = load_brief(CENTRAL_ASIA)
    renderer = PdfRenderer()
    folder = tmp_path_factory.mktemp("bundled")
    out = {}
    for code in COUNTRIES:
        brief = tailor(loaded, code)
        path = folder / f"{code}.pdf"
        path.write_bytes(renderer.render(brief))
        out[code] = (brief, path)
    return out


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return text.stdout.split("\f")[:-1]


def words_by_page(pdf: Path) -> list[tuple[float, list[tuple[float, float, str]]]]:
    """Return each page's height and its words as (yMin, yMax, text), from `pdftotext -bbox`."""
    xml = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = []
    for page in xml.split("<page ")[1:]:
        height = float(re.search(r'height="([\d.]+)"', page)[1])  # type: ignore[index]
        words = [
            (float(m[1]), float(m[2]), html.unescape(m[3]))
            for m in re.finditer(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', page)
        ]
        pages.append((height, words))
    return pages


def blank_share(height: float, words: list[tuple[float, float, str]]) -> float:
    """Return the share of the text area (22 mm from the top to 23 mm from the bottom) left
    empty below the page's last line of text."""
    top, bottom = 22 * MM, height - 23 * MM
    body = [y_max for y_min, y_max, _ in words if y_min >= top - 2 and y_max <= bottom + 2]
    last = max(body, default=top)
    return (bottom - last) / (bottom - top)


def test_no_page_of_the_bundled_brief_is_more_than_30_percent_blank_except_the_last(
    bundled: dict[str, tuple[TailoredBrief, Path]],
) -> None:
    for code, (_, pdf) in bundled.items():
        pages = words_by_page(pdf)
        shares = [blank_share(height, words) for height, words in pages[:-1]]
        assert len(pages) >= 3
        assert max(shares) <= 0.30, (code, [round(s, 2) for s in shares])


def test_footer_per_country_says_title_country_page_n_of_m_and_the_marking(
    bundled: dict[str, tuple[TailoredBrief, Path]],
) -> None:
    for code, (brief, pdf) in bundled.items():
        pages = words_by_page(pdf)
        for number, (height, words) in enumerate(pages, 1):
            foot = " ".join(text for y_min, _, text in words if y_min > height - 23 * MM)
            assert f"{brief.title} · {brief.country_name}" in foot, (code, number, foot)
            assert f"Page {number} of {len(pages)}" in foot
            assert brief.marking and brief.marking in foot
            head = " ".join(text for _, y_max, text in words if y_max < 30 * MM)
            assert brief.marking in head  # and at the top of every page


def test_no_ids_are_printed_only_names_and_sentences(bundled: dict[str, tuple[TailoredBrief, Path]]) -> None:
    machine = re.compile(
        r"foreign-ministry|Foreign ministry|presidential-administration|Presidential administration|"
        r"deepen-balancing|debt_to_china|"
        r"Applies because:|scenario:|: yes\b|\bTrue\b"
    )
    for code, (brief, pdf) in bundled.items():
        text = " ".join(" ".join(page.split()) for page in page_texts(pdf))
        assert not machine.search(text), (code, machine.search(text))
        docx = Document(io.BytesIO(DocxRenderer().render(brief)))
        body = "\n".join(p.text for p in docx.paragraphs)
        assert not machine.search(body), (code, machine.search(body))
    kyrgyz = " ".join(" ".join(p.split()) for p in page_texts(bundled["KG"][1]))
    assert "Ministry of Foreign Affairs of the Kyrgyz Republic" in kyrgyz


def test_stable_numbers_are_printed_the_same_in_every_country_s_brief(
    bundled: dict[str, tuple[TailoredBrief, Path]],
) -> None:
    seen: dict[str, int] = {}
    for brief, _ in bundled.values():
        for rec in brief.recommendations:
            assert seen.setdefault(rec.id, rec.number) == rec.number
    stalled = tailor(load_brief(CENTRAL_ASIA), "KZ", "china-stalls")
    assert [r.number for r in stalled.recommendations] == [seen[r.id] for r in stalled.recommendations]
    assert len(stalled.recommendations) < len(seen)  # Kazakhstan sees a gap, not a renumbering


def test_draft_on_working_builds_only_and_distribute_never_sends_one(andes: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    working = build([andes], formats=["pdf", "docx"], out=out, jobs=1)
    assert not working.failed
    pdf = next(o.path for o in working.outcomes if o.path.suffix == ".pdf")
    docx = next(o.path for o in working.outcomes if o.path.suffix == ".docx")
    for page in page_texts(pdf):  # the band on page one, the running header after it
        assert DRAFT.lower() in " ".join(page.split()).lower()
    document = Document(str(docx))
    section = document.sections[0]
    assert DRAFT in section.first_page_header.paragraphs[0].text
    assert DRAFT in section.header.paragraphs[0].text
    assert DRAFT in (document.core_properties.content_status or "")

    release(andes)
    released = build([andes], formats=["pdf", "docx"], out=out, jobs=1, edition=1)
    assert not released.failed
    for outcome in released.outcomes:
        assert outcome.job is not None and not outcome.job.brief.draft
    pdf = next(o.path for o in released.outcomes if o.path.suffix == ".pdf")
    docx = next(o.path for o in released.outcomes if o.path.suffix == ".docx")
    assert all("DRAFT" not in page for page in page_texts(pdf))
    document = Document(str(docx))
    texts = [p.text for s in document.sections for h in (s.header, s.first_page_header) for p in h.paragraphs]
    assert not any("DRAFT" in t for t in texts)
    assert "DRAFT" not in (document.core_properties.content_status or "")
