"""The Word renderer: what an official who opens the DOCX finds, and that it is the same every time."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.document import Document as WordDocument
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph as WordParagraph

from accessibility import assert_accessible_docx
from briefgen.document.doctree import Paragraph, RichText, Text
from briefgen.document.model import TailoredBrief
from briefgen.formats import FORMATS
from briefgen.render import renderer_for, templates_dir
from briefgen.render.docx import DocxRenderer
from briefgen.sources.aggregate import LoadedBrief
from briefgen.sources.loading import load_sources
from briefgen.tailoring import tailor
from conftest import ANDES, REPO, central_asia_edition_1, libreoffice, program, replace_in

FOOTNOTES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
CYRILLIC_AND_TURKIC = "ә ғ қ ң ө ұ ү һ і oʻ gʻ ň ý ž ş ç ä ӣ ӯ ҳ ҷ"


@pytest.fixture(scope="module")
def renderer() -> DocxRenderer:
    return DocxRenderer()


@pytest.fixture(scope="module")
def central_asia() -> LoadedBrief:
    return central_asia_edition_1()


@pytest.fixture(scope="module")
def andes_water() -> LoadedBrief:
    return load_sources(ANDES)


@pytest.fixture(scope="module")
def kazakhstan(central_asia: LoadedBrief) -> TailoredBrief:
    return tailor(central_asia, "KZ")


@pytest.fixture(scope="module")
def kazakhstan_docx(renderer: DocxRenderer, kazakhstan: TailoredBrief) -> bytes:
    return renderer.render(kazakhstan)


@pytest.fixture(scope="module")
def peru_docx(renderer: DocxRenderer, andes_water: LoadedBrief) -> bytes:
    return renderer.render(tailor(andes_water, "PE"))


def open_docx(data: bytes) -> WordDocument:
    return Document(io.BytesIO(data))


def part(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name).decode("utf-8")


def paragraphs_in(doc: WordDocument, style: str) -> list[WordParagraph]:
    return [p for p in doc.paragraphs if p.style is not None and p.style.name == style]


def texts_in(doc: WordDocument, style: str) -> list[str]:
    return [p.text for p in paragraphs_in(doc, style)]


def recommendation_headings(data: bytes) -> list[str]:
    return texts_in(open_docx(data), "Heading 2")


def all_text(data: bytes) -> str:
    """Return the words of every part (body, headers, footers, footnotes) of a DOCX."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = "".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith("word/"))
    return "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))


# --- structure and styles ------------------------------------------------------------------------


@pytest.mark.unit
def test_brief_is_written_in_the_reference_documents_named_styles(kazakhstan_docx: bytes) -> None:
    doc = open_docx(kazakhstan_docx)
    used = {p.style.name for p in doc.paragraphs if p.style is not None}
    assert {
        "Title",
        "Subtitle",
        "Prepared For",
        "Metadata",
        "Heading 1",
        "Heading 2",
        "Summary",
        "Label Line",
        "List Number",
        "List Bullet",
        "Country Note",
        "Reference",
    } <= used
    assert "Normal" in used
    run_styles = {r.style.name for p in doc.paragraphs for r in p.runs if r.style is not None}
    assert {"Label", "Heading Number"} <= run_styles


@pytest.mark.unit
def test_headings_are_words_built_in_heading_styles_so_the_navigation_pane_works(
    kazakhstan_docx: bytes,
) -> None:
    doc = open_docx(kazakhstan_docx)
    ids = {
        p.style.style_id for p in doc.paragraphs if p.style is not None and p.style.name.startswith("Heading")
    }
    assert ids == {"Heading1", "Heading2"}
    assert doc.styles["Heading 1"].element.pPr.find(qn("w:outlineLvl")).get(qn("w:val")) == "0"
    assert doc.styles["Heading 2"].element.pPr.find(qn("w:outlineLvl")).get(qn("w:val")) == "1"


@pytest.mark.unit
def test_brief_reads_summary_profile_analysis_recommendations_then_references(
    kazakhstan_docx: bytes, kazakhstan: TailoredBrief
) -> None:
    # the analysis sections are top-level parts under their own headings, as in print
    sections = [heading for heading, _ in kazakhstan.sections]
    assert texts_in(open_docx(kazakhstan_docx), "Heading 1") == [
        "Executive summary",
        "At a glance: Kazakhstan",
        *sections,
        "Recommendations",
        "References",
    ]


@pytest.mark.unit
def test_analysis_follows_the_recommendations_when_the_brief_puts_actions_first(
    renderer: DocxRenderer, kazakhstan: TailoredBrief
) -> None:
    actions_first = dataclasses.replace(kazakhstan, analysis_position="after-recommendations")
    headings = texts_in(open_docx(renderer.render(actions_first)), "Heading 1")
    assert headings.index("Recommendations") < headings.index(kazakhstan.sections[0][0])


@pytest.mark.unit
def test_title_block_names_the_government_the_organisation_the_date_and_the_edition(
    kazakhstan_docx: bytes,
) -> None:
    doc = open_docx(kazakhstan_docx)
    opening = [(p.style.name, p.text) for p in doc.paragraphs[:4] if p.style is not None]
    assert opening == [
        ("Title", "China’s Pursuit of Power in Central Asia"),
        (
            "Subtitle",
            "Three administrations, one region, and what it means for Central Asian governments after COVID-19",
        ),
        ("Prepared For", "Prepared for the Government of the Republic of Kazakhstan"),
        ("Metadata", "Central Asia Policy Programme · Edition 1 · 15 November 2020"),
    ]
    assert "Scenario" not in all_text(kazakhstan_docx)


@pytest.mark.unit
def test_title_block_names_the_scenario_when_it_is_not_the_briefs_own(
    renderer: DocxRenderer, central_asia: LoadedBrief
) -> None:
    doc = open_docx(renderer.render(tailor(central_asia, "KZ", scenario="china-stalls")))
    assert texts_in(doc, "Metadata")[0].endswith("· Scenario: China’s economy fails to recover")


@pytest.mark.unit
def test_profile_is_a_word_table_whose_header_row_repeats_on_each_page(kazakhstan_docx: bytes) -> None:
    doc = open_docx(kazakhstan_docx)
    [table] = doc.tables
    assert table.style is not None and table.style.name == "Profile Table"
    header = table.rows[0]
    assert header._tr.trPr is not None and header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [c.text for c in header.cells] == ["Fact", "Value", "Year"]

    def marks(cell: Any) -> tuple[str, str]:
        runs = cell.paragraphs[0].runs
        label = "".join(r.text for r in runs if r.style is None or r.style.name != "Source Mark")
        return label, "".join(r.text for r in runs if r.style is not None and r.style.name == "Source Mark")

    rows = {marks(row.cells[0])[0]: row for row in table.rows[1:]}
    row = rows["Trade with China"]
    assert [c.text for c in row.cells[1:]] == ["USD\u00a013\u00a0bn", "2016"]  # never split across lines
    # each source named once, in small type under the table, the row pointing to it by letter
    letter = marks(row.cells[0])[1]
    assert letter
    notes = next(p for p in doc.paragraphs if p.style is not None and p.style.name == "Table Source")
    assert notes.text.startswith("Sources ")  # a label, no colon
    assert (
        f"{letter}\u202fGeneral Administration of Customs of the People's Republic of China, 2020"
        in notes.text
    )
    assert [c.text for c in rows["Remittances received"].cells[1:3]] == ["0.3%", "2019"]
    assert all(row._tr.trPr.find(qn("w:tblHeader")) is None for row in table.rows[1:])


@pytest.mark.unit
def test_profile_highlights_follow_the_table_as_a_bulleted_list(kazakhstan_docx: bytes) -> None:
    doc = open_docx(kazakhstan_docx)
    bullets = texts_in(doc, "List Bullet")
    assert bullets[0].startswith("China’s largest trading partner in Central Asia")
    assert "Highlights" in texts_in(doc, "Label Line")


# --- recommendations ------------------------------------------------------------------------------


@pytest.mark.unit
def test_recommendations_are_numbered_in_the_briefs_priority_order(
    kazakhstan_docx: bytes, kazakhstan: TailoredBrief
) -> None:
    numbered = [h for h in recommendation_headings(kazakhstan_docx) if h[:1].isdigit()]
    assert numbered == [f"{r.number}\t{r.title.plain()}" for r in kazakhstan.recommendations]
    assert [h.split("\t")[0] for h in numbered] == ["1", "2", "3"]


@pytest.mark.unit
def test_peru_gets_the_glacier_and_data_sharing_recommendations_but_not_drought_finance(
    peru_docx: bytes,
) -> None:
    # numbers are the brief's: drought finance is 2 in every brief, so Peru's brief has a gap
    assert recommendation_headings(peru_docx)[-2:] == [
        "1\tProtect glacier-fed basins",
        "3\tShare hydrological data across the Titicaca basin",
    ]
    assert "drought finance" not in all_text(peru_docx)


@pytest.mark.unit
def test_chile_gets_only_drought_finance(renderer: DocxRenderer, andes_water: LoadedBrief) -> None:
    data = renderer.render(tailor(andes_water, "CL"))
    numbered = [h for h in recommendation_headings(data) if h[:1].isdigit()]
    assert numbered == ["2\tPrepare drought finance before the dry season"]
    assert "glacier-fed basins" not in all_text(data)
    assert "retired" not in all_text(data)


@pytest.mark.unit
def test_kyrgyz_brief_omits_evidence_shown_only_to_turkmenistan(
    renderer: DocxRenderer, central_asia: LoadedBrief
) -> None:
    claim = "Turkmengaz received a USD\u00a07.1\u00a0bn loan"
    assert claim in all_text(renderer.render(tailor(central_asia, "TM")))
    assert claim not in all_text(renderer.render(tailor(central_asia, "KG")))


@pytest.mark.unit
def test_each_recommendation_says_when_it_applies_what_to_do_why_and_on_what_evidence(
    peru_docx: bytes,
) -> None:
    labels = texts_in(open_docx(peru_docx), "Label Line")
    first_card = labels[labels.index("When this applies") :]
    assert first_card[:4] == ["When this applies", "What to do", "Why", "Evidence"]
    assert "Applies because Peru draws 40% of its dry-season water from glaciers (2020)." in texts_in(
        open_docx(peru_docx), "Normal"
    )


@pytest.mark.unit
def test_steps_are_a_numbered_list_that_starts_again_at_one_for_each_recommendation(
    kazakhstan_docx: bytes,
) -> None:
    doc = open_docx(kazakhstan_docx)
    steps = paragraphs_in(doc, "List Number")
    num_ids = [int(p._p.pPr.numPr.numId.val) for p in steps]
    assert len(steps) == 12 and len(set(num_ids)) == 3  # three recommendations of four steps
    numbering = doc.part.numbering_part.element
    for num_id in set(num_ids):
        num = numbering.num_having_numId(num_id)
        [override] = num.findall(qn("w:lvlOverride"))
        assert override.find(qn("w:startOverride")).get(qn("w:val")) == "1"
        assert num.abstractNumId.val == numbering.num_having_numId(1).abstractNumId.val


@pytest.mark.unit
def test_evidence_cites_author_date_with_the_year_suffix_before_the_full_stop(peru_docx: bytes) -> None:
    evidence = texts_in(open_docx(peru_docx), "List Bullet")
    assert "Glacier area fell by a third since the 1980s (UNESCO, 2021a,\u00a0pp.\u00a04–6)." in evidence
    assert "Bolivia's capital region" not in all_text(peru_docx)  # shown to Bolivia only


@pytest.mark.unit
def test_country_note_stands_apart_in_its_own_bordered_shaded_style(peru_docx: bytes) -> None:
    doc = open_docx(peru_docx)
    assert texts_in(doc, "Country Note") == ["For Peru", "Peru’s glacier law is a model for the region."]
    ppr = doc.styles["Country Note"].element.pPr
    assert ppr.find(qn("w:pBdr")).find(qn("w:left")) is not None
    assert ppr.find(qn("w:shd")).get(qn("w:fill")) not in (None, "auto", "FFFFFF")


# --- notes, references, running heads --------------------------------------------------------------


@pytest.mark.unit
def test_footnotes_are_real_word_footnotes_referenced_from_the_text(peru_docx: bytes) -> None:
    doc = open_docx(peru_docx)
    rels = [r for r in doc.part.rels.values() if r.reltype == FOOTNOTES_REL]
    assert len(rels) == 1
    assert f'PartName="/word/footnotes.xml" ContentType="{FOOTNOTES_TYPE}"' in part(
        peru_docx, "[Content_Types].xml"
    )
    body = part(peru_docx, "word/document.xml")
    assert re.findall(r'<w:footnoteReference w:id="(\d+)"/>', body) == ["1"]
    notes = part(peru_docx, "word/footnotes.xml")
    assert 'w:type="separator" w:id="-1"' in notes
    note = re.search(r'<w:footnote w:id="1">(.*?)</w:footnote>', notes)
    assert note is not None
    assert "FootnoteText" in note.group(1)
    assert "Glacier loss is uneven (Rabatel et al.,\u00a02013)." in "".join(
        re.findall(r">([^<]*)</w:t>", note.group(1))
    )


@pytest.mark.unit
def test_a_brief_without_footnotes_has_no_footnotes_part(
    renderer: DocxRenderer, andes_water: LoadedBrief
) -> None:
    brief = tailor(andes_water, "CL")
    plain = dataclasses.replace(brief, summary=RichText((Paragraph((Text("No notes here."),)),)))
    with zipfile.ZipFile(io.BytesIO(renderer.render(plain))) as archive:
        assert "word/footnotes.xml" not in archive.namelist()


@pytest.mark.unit
def test_references_list_the_works_cited_in_order_with_links(peru_docx: bytes) -> None:
    refs = texts_in(open_docx(peru_docx), "Reference")
    assert [r.split(" (")[0] for r in refs] == [
        "Rabatel, Antoine, Francou, Bernard & Soruco, Alvaro",
        "UNESCO",
        "UNESCO",
        "Vuille, Mathias & Bradley, Raymond",
    ]
    assert "https://example.org/water-andes" in refs[2]
    rels = part(peru_docx, "word/_rels/document.xml.rels")
    assert 'Target="https://example.org/water-andes" TargetMode="External"' in rels
    assert "<w:hyperlink r:id=" in part(peru_docx, "word/document.xml")


@pytest.mark.unit
def test_every_page_carries_the_marking_above_and_page_n_of_m_below(peru_docx: bytes) -> None:
    section = open_docx(peru_docx).sections[0]
    assert section.different_first_page_header_footer
    assert section.header.paragraphs[0].text == "OFFICIAL-SENSITIVE"
    assert section.first_page_header.paragraphs[0].text == "Test Brief\tOFFICIAL-SENSITIVE"
    for footer in (section.footer, section.first_page_footer):
        xml = footer._element.xml
        assert re.findall(r"<w:instrText[^>]*> (\w+) </w:instrText>", xml) == ["PAGE", "NUMPAGES"]
        # "Title · Country", the marking at the foot too, "Page N of M": three boxes, so that a
        # long title wraps in its own instead of running into the marking
        title, marking, page = (cell.text for cell in footer.tables[0].rows[0].cells)
        assert (title, marking) == ("Water Security in the Andes · Peru", "OFFICIAL-SENSITIVE")
        assert page.startswith("Page ") and " of " in page


@pytest.mark.unit
def test_core_properties_describe_the_brief_and_are_dated_by_it(kazakhstan_docx: bytes) -> None:
    props = open_docx(kazakhstan_docx).core_properties
    assert props.title == "China’s Pursuit of Power in Central Asia"
    assert props.subject == "Prepared for the Government of the Republic of Kazakhstan"
    assert props.author == "Central Asia Policy Programme"
    assert props.language == "en"
    assert props.keywords == "Kazakhstan; KZ; china-central-asia; Edition 1"
    assert props.created == props.modified == dt.datetime(2020, 11, 15, tzinfo=dt.UTC)
    assert props.revision == 0 and props.last_printed is None


# --- scripts, safety, reproducibility -------------------------------------------------------------


@pytest.mark.unit
def test_chinese_words_carry_the_east_asian_font_and_language(kazakhstan_docx: bytes) -> None:
    doc = open_docx(kazakhstan_docx)
    [run] = [r for p in doc.paragraphs for r in p.runs if "新型大国关系" in r.text]
    assert run.text == "新型大国关系"
    fonts = run._r.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "Noto Serif CJK SC"
    assert fonts.get(qn("w:hint")) == "eastAsia"
    assert run._r.rPr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    latin = next(r for p in doc.paragraphs for r in p.runs if "Belt and Road" in r.text)
    assert latin._r.rPr is None or latin._r.rPr.find(qn("w:lang")) is None


@pytest.mark.unit
def test_cyrillic_and_turkic_letters_come_through_intact(renderer: DocxRenderer, andes: Path) -> None:
    replace_in(
        andes / "brief.yaml",
        "body: Droughts follow El Niño years.",
        f"body: Droughts follow El Niño years, {CYRILLIC_AND_TURKIC}.",
    )
    replace_in(
        andes / "recommendations" / "protect-glacier-basins.yaml",
        "PE: Peru's glacier law",
        f"PE: {CYRILLIC_AND_TURKIC.upper()}. Peru's glacier law",
    )
    brief = dataclasses.replace(tailor(load_sources(andes), "PE"), title=f"Title {CYRILLIC_AND_TURKIC}")
    data = renderer.render(brief)
    doc = open_docx(data)
    assert f"Droughts follow El Niño years, {CYRILLIC_AND_TURKIC}." in texts_in(doc, "Normal")
    assert any(CYRILLIC_AND_TURKIC.upper() in t for t in texts_in(doc, "Country Note"))
    assert texts_in(doc, "Title") == [f"Title {CYRILLIC_AND_TURKIC}"]
    assert doc.core_properties.title == f"Title {CYRILLIC_AND_TURKIC}"


@pytest.mark.unit
def test_characters_xml_forbids_never_reach_the_document(
    renderer: DocxRenderer, kazakhstan: TailoredBrief
) -> None:
    bad = dataclasses.replace(
        kazakhstan,
        title="bad\x07title",
        subtitle="sub\x00\x1ftitle",
        marking="OFF\x0bICIAL",
        summary=RichText((Paragraph((Text("one\x0ctwo\x0ethree\x08"),)),)),
    )
    data = renderer.render(bad)
    doc = open_docx(data)
    assert texts_in(doc, "Title") == ["badtitle"]
    assert texts_in(doc, "Subtitle") == ["subtitle"]
    assert texts_in(doc, "Summary") == ["onetwothree"]
    assert doc.sections[0].header.paragraphs[0].text == "OFFICIAL"
    assert doc.core_properties.title == "badtitle"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", archive.read(name)), name


@pytest.mark.unit
def test_the_same_brief_gives_a_byte_identical_docx(
    renderer: DocxRenderer, kazakhstan: TailoredBrief
) -> None:
    first = renderer.render(kazakhstan)
    assert renderer.render(kazakhstan) == first
    assert DocxRenderer().render(kazakhstan) == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos[:2]] == ["[Content_Types].xml", "_rels/.rels"]
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


@pytest.mark.unit
def test_different_countries_give_different_documents(
    renderer: DocxRenderer, central_asia: LoadedBrief
) -> None:
    outputs = {renderer.render(tailor(central_asia, code)) for code in central_asia.brief.countries}
    assert len(outputs) == len(central_asia.brief.countries)


@pytest.mark.unit
def test_docx_is_the_registered_renderer_for_the_docx_format() -> None:
    renderer = renderer_for("docx")
    assert isinstance(renderer, DocxRenderer)
    assert renderer.format == "docx" and FORMATS["docx"].suffix == ".docx"


@pytest.mark.unit
def test_reference_docx_is_exactly_what_its_script_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location(
        "make_reference_docx", REPO / "scripts" / "make_reference_docx.py"
    )
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, script)  # its dataclasses look themselves up there
    spec.loader.exec_module(script)
    from briefgen.render.ooxml import write_package

    written = write_package(script.package())
    assert written == (templates_dir() / "reference.docx").read_bytes(), (
        "templates/reference.docx is stale: run scripts/make_reference_docx.py"
    )


@pytest.mark.slow
def test_libreoffice_opens_every_country_brief_and_converts_it_to_pdf(
    renderer: DocxRenderer, central_asia: LoadedBrief, tmp_path: Path
) -> None:
    sources = []
    for code in central_asia.brief.countries:
        brief = tailor(central_asia, code)
        path = tmp_path / f"{brief.slug}.docx"
        path.write_bytes(renderer.render(brief))
        assert_accessible_docx(path)  # Section 508's checklist for Word, before LibreOffice's look
        sources.append(path)
    out = tmp_path / "pdf"
    soffice = program("soffice", "libreoffice")
    completed = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, sources),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    for source in sources:
        pdf = out / source.with_suffix(".pdf").name
        assert pdf.exists(), f"no PDF for {source.name}: {completed.stdout} {completed.stderr}"
        assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000


def _watermarks(docx: bytes) -> list[str]:
    """The strings of the Word watermarks (text-path shapes) in each header part of a DOCX."""
    found = []
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        for name in sorted(n for n in archive.namelist() if n.startswith("word/header")):
            xml = archive.read(name).decode("utf-8")
            for shape in re.findall(
                r'<v:shape [^>]*id="PowerPlusWaterMarkObject\d+".*?</v:shape>', xml, re.S
            ):
                assert "rotation:315" in shape and 'type="#_x0000_t136"' in shape
                found.extend(re.findall(r'<v:textpath [^>]*string="([^"]*)"', shape))
    return found


def _reddish_middle(pdf: Path, page: int, tmp_path: Path) -> int:
    """Count the faintly red pixels in the middle of a page (below the running head)."""
    from PIL import Image

    stem = tmp_path / f"{pdf.stem}-{page}"
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "40",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(stem),
        ],
        check=True,
    )
    image = Image.open(stem.with_suffix(".png")).convert("RGB")
    width, height = image.size
    middle = image.crop((0, height // 5, width, height * 4 // 5))
    pixels = middle.tobytes()
    return sum(
        1
        for r, g, b in zip(pixels[0::3], pixels[1::3], pixels[2::3], strict=True)
        if r > 200 and r - b > 8 and r - g > 5
    )


@pytest.mark.slow
def test_a_working_draft_docx_carries_the_draft_mark_across_every_page_and_a_release_does_not(
    renderer: DocxRenderer, kazakhstan: TailoredBrief, tmp_path: Path
) -> None:
    """As the PDF does: the draft words diagonally across every page (a Word watermark, in the
    first page's header and the others'), in the brief's language; none on a released edition.
    LibreOffice draws it: faint red in the middle of the page, which the release does not have."""
    from briefgen.document.words import words

    draft = dataclasses.replace(kazakhstan, draft=True)
    released = dataclasses.replace(kazakhstan, draft=False)
    assert _watermarks(renderer.render(draft)) == [words("en")["draft"]] * 2
    assert _watermarks(renderer.render(released)) == []
    russian = dataclasses.replace(draft, language="ru")
    assert _watermarks(renderer.render(russian)) == [words("ru")["draft"]] * 2
    sources = []
    for name, brief in (("draft", draft), ("released", released)):
        path = tmp_path / f"{name}.docx"
        path.write_bytes(renderer.render(brief))
        assert_accessible_docx(path)  # the watermark is in the page header, Word's own form
        sources.append(path)
    libreoffice("pdf", tmp_path, *sources, profile=tmp_path / "profile")
    for page in (1, 3):
        assert _reddish_middle(tmp_path / "draft.pdf", page, tmp_path) > 200, page
        assert _reddish_middle(tmp_path / "released.pdf", page, tmp_path) == 0, page
