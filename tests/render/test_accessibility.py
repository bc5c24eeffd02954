"""Accessible by someone else's measure: an independent PDF/UA checker, Section 508's Word
checklist, and WCAG's contrast ratio for every text colour of the default and the example theme.

The checks themselves live in tests/accessibility.py, so that every test that builds a PDF or
a DOCX can run them over what it built; here they are shown to catch what they should, and the
parts of the design they rest on are measured.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pikepdf
import pytest
import tinycss2
from docx import Document
from docx.shared import RGBColor
from pypdf import PdfReader

from accessibility import (
    assert_accessible_docx,
    assert_accessible_pdf,
    docx_findings,
    pdf_findings,
    word_contrast_findings,
)
from briefgen.document.contrast import LARGE_TEXT, NORMAL_TEXT, contrast, is_large, over
from briefgen.document.theme import DEFAULT_THEME
from briefgen.document.words import words
from briefgen.render import charts, templates_dir
from briefgen.render.docx import DocxRenderer
from briefgen.render.html import _page_css
from briefgen.render.pdf import PdfRenderer
from briefgen.render.theme import theme_css
from briefgen.render.wordreference import StyleReferences
from briefgen.sources.frozen import load_working
from briefgen.sources.loading import load_sources
from briefgen.tailoring import tailor
from briefgen.validate import validate
from conftest import FIXTURES, replace_in

INSTITUTE = FIXTURES / "themes" / "institute"
PIPE_TABLE = "Shares of supply:\n\n| Country | Glacier share |\n|---|--:|\n| Peru | 40% |\n| Bolivia | 30% |"


def _with_summary(andes: Path, summary: str) -> None:
    text = (andes / "brief.yaml").read_text(encoding="utf-8")
    old = re.search(r"^summary:.*?(?=^\w)", text, re.S | re.M)
    assert old is not None
    body = "".join("  " + line + "\n" for line in summary.split("\n"))
    (andes / "brief.yaml").write_text(text.replace(old.group(0), "summary: |\n" + body), encoding="utf-8")


# --- the PDF ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def peru_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Peru's working (draft) brief with a pipe table in its summary, printed once."""
    briefs = tmp_path_factory.mktemp("briefs") / "briefs"
    shutil.copytree(FIXTURES / "briefs", briefs)
    _with_summary(briefs / "andes-water", PIPE_TABLE)
    path = briefs.parent / "peru.pdf"
    path.write_bytes(PdfRenderer().render(tailor(load_working(briefs / "andes-water"), "PE")))
    return path


def _elements(node: Any, role: str | None = None) -> list[Any]:
    """Return the structure elements under `node` (of `role`, if given), in reading order."""
    found = []
    kids = node.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            if role is None or role == kid.S:
                found.append(kid)
            found += _elements(kid, role)
    return found


def _children(node: Any) -> list[Any]:
    kids = node.get("/K")
    return [
        k for k in (kids if isinstance(kids, pikepdf.Array) else [kids]) if isinstance(k, pikepdf.Dictionary)
    ]


@pytest.mark.slow
def test_the_independent_checker_finds_nothing_in_a_draft_with_a_table_in_its_text(peru_pdf: Path) -> None:
    assert_accessible_pdf(peru_pdf)


@pytest.mark.slow
def test_pdfuas_own_command_line_reports_no_findings(peru_pdf: Path) -> None:
    """As a buyer would run it: `pdfua check FILE` exits 0 (no finding at any severity)."""
    done = subprocess.run(
        [sys.executable, "-m", "pdfua", "check", str(peru_pdf)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "result: PASS (no findings)" in done.stdout


@pytest.mark.slow
def test_table_headers_say_whether_they_head_a_column_or_a_row(peru_pdf: Path) -> None:
    with pikepdf.open(peru_pdf) as pdf:
        tables = _elements(pdf.Root.StructTreeRoot, "/Table")
        assert len(tables) == 2  # the pipe table in the summary, and "At a glance"
        rows_headed = 0
        for table in tables:
            for group in _children(table):  # THead, TBody
                for row in _children(group):
                    for n, cell in enumerate(_children(row)):
                        if cell.S != "/TH":
                            continue
                        # the header row heads columns; a body row's first cell heads its row
                        expected = "/Column" if group.S == "/THead" else "/Row"
                        assert str(cell.A.Scope) == expected, (group.S, n)
                        assert group.S == "/THead" or n == 0
                        rows_headed += group.S == "/TBody"
        assert rows_headed >= 3  # the profile's facts
        # every header a data cell names is found through the tree's ID tree, and is a TH
        named = pikepdf.NameTree(pdf.Root.StructTreeRoot.IDTree)
        cells = _elements(pdf.Root.StructTreeRoot, "/TD")
        assert cells and all(len(cell.A.Headers) >= 1 for cell in cells)
        for cell in cells:
            for key in cell.A.Headers:
                assert named[str(key)].S == "/TH" and str(named[str(key)].ID) == str(key)


def _marked_text(pdf: Path) -> list[tuple[str, str]]:
    """Return each page's text drawn as artifacts and as tagged content: (artifacts, tagged)."""
    return [_page_marked_text(page) for page in PdfReader(pdf).pages]


def _page_marked_text(page: Any) -> tuple[str, str]:
    stack: list[bool] = []
    parts: dict[bool, list[str]] = {True: [], False: []}

    def before(operator: bytes, operands: list[Any], *_: Any) -> None:
        if operator in (b"BDC", b"BMC"):
            stack.append(operands[0] == "/Artifact" or (bool(stack) and stack[-1]))
        elif operator == b"EMC" and stack:
            stack.pop()

    def text(words: str, *_: Any) -> None:
        parts[bool(stack) and stack[-1]].append(words)

    page.extract_text(visitor_operand_before=before, visitor_text=text)
    artifacts, tagged = (" ".join(" ".join(parts[kind]).split()) for kind in (True, False))
    return artifacts, tagged


@pytest.mark.slow
def test_the_draft_mark_across_the_page_and_the_running_heads_are_artifacts_not_text_to_read(
    peru_pdf: Path,
) -> None:
    from briefgen.render.engine import HIDDEN_FROM_TREE

    assert HIDDEN_FROM_TREE, "this WeasyPrint cannot keep aria-hidden elements out of the tree"
    draft = words("en")["draft"]
    pages = _marked_text(peru_pdf)
    assert len(pages) >= 2
    for number, (artifacts, tagged) in enumerate(pages, start=1):
        # the diagonal and the page's foot are drawn, but as pagination artifacts
        assert draft in artifacts, number
        assert f"Page {number} of {len(pages)}" in artifacts, number
        assert f"Page {number} of" not in tagged, number
    # the band on page one says it once (in capitals), as text a screen reader reads
    assert pages[0][1].upper().count(draft.upper()) == 1
    assert all(draft.upper() not in tagged.upper() for _, tagged in pages[1:])


# --- the Word document -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def peru_docx(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    briefs = tmp_path_factory.mktemp("docx") / "briefs"
    shutil.copytree(FIXTURES / "briefs", briefs)
    _with_summary(briefs / "andes-water", PIPE_TABLE)
    return DocxRenderer().render(tailor(load_working(briefs / "andes-water"), "PE"))


def _saved(document: Any) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.slow
def test_the_word_check_finds_nothing_in_a_brief_with_a_table_in_its_text(peru_docx: bytes) -> None:
    assert_accessible_docx(peru_docx)


@pytest.mark.slow
def test_the_word_check_catches_a_picture_without_alt_text(peru_docx: bytes) -> None:
    document = Document(io.BytesIO(peru_docx))
    document.add_paragraph().add_run().add_picture(io.BytesIO(_tiny_png()))
    assert docx_findings(_saved(document)) == ["a picture in the body has no alt text (Picture 1)"]


def _tiny_png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 2), "white").save(out, format="PNG")
    return out.getvalue()


@pytest.mark.slow
def test_the_word_check_catches_a_skipped_heading_level(peru_docx: bytes) -> None:
    document = Document(io.BytesIO(peru_docx))
    first_recommendation = next(p for p in document.paragraphs if p.style.name == "Heading 2")
    first_recommendation.style = document.styles["Heading 3"]
    [finding] = docx_findings(_saved(document))
    assert finding.startswith("heading level 3 after heading 1 (skipped a level):")
    assert first_recommendation.text.split("\t")[-1][:20] in finding


@pytest.mark.slow
def test_the_word_check_catches_what_else_the_checklist_asks(peru_docx: bytes) -> None:
    document = Document(io.BytesIO(peru_docx))
    document.core_properties.title = ""
    document.add_paragraph("•\tA bullet typed by hand")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(1, 0).text = "Country", "Peru"
    document.add_paragraph().add_run("Pale words").font.color.rgb = RGBColor(0xAA, 0xAA, 0xAA)
    found = docx_findings(_saved(document))
    assert "the document properties have no title" in found
    assert "a list item typed by hand, not in a list style: '•\\tA bullet typed by hand'" in found
    assert "a table's first row is not a repeated header row: 'Country | '" in found
    pale = [f for f in found if f.startswith("the run 'Pale words'")]
    assert "the run 'Pale words': #AAAAAA on #FFFFFF is 2.32:1 at 10.5 pt, needs 4.5:1" in pale
    assert len(found) - len(pale) == 3, found


# --- contrast: every text colour of the default and the example theme --------------------------


@pytest.mark.unit
def test_the_contrast_ratio_is_wcags() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # just short of AA
    assert contrast("#ffffff", "#ffffff") == 1
    assert over("#000000", 0.5) == "#808080"
    assert is_large(18, bold=False) and is_large(14, bold=True) and not is_large(14, bold=False)


def _declarations(rules: list[Any], selector: str = "") -> list[tuple[str, str, str]]:
    """Return (selector, property, value) for every declaration, @page margins and @media included."""
    out = []
    for rule in rules:
        if rule.type not in ("qualified-rule", "at-rule") or rule.content is None:
            continue
        here = (selector + " " + tinycss2.serialize(rule.prelude).strip()).strip()
        if rule.type == "at-rule":
            here = f"@{rule.at_keyword} {here}".strip()
        content = tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True, skip_comments=True)
        for item in content:
            if item.type == "declaration":
                out.append((here, item.lower_name, tinycss2.serialize(item.value).strip()))
        out += _declarations([item for item in content if item.type in ("qualified-rule", "at-rule")], here)
    return out


def _colour(value: str, accent: str, tint_: str, background: str) -> str | None:
    """Return a CSS colour value as #rrggbb over `background` (None: not a colour we resolve)."""
    value = value.replace("var(--accent-tint)", tint_).replace("var(--accent)", accent).strip()
    if re.fullmatch(r"#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}", value):
        return value
    found = re.fullmatch(r"rgba?\((\d+),\s*(\d+),\s*(\d+)(?:,\s*([\d.]+))?\)", value)
    if found:
        r, g, b = (int(found[i]) for i in (1, 2, 3))
        return over(f"#{r:02x}{g:02x}{b:02x}", float(found[4] or 1), background)
    return None


def _size_pt(declarations: list[tuple[str, str, str]], selector: str) -> tuple[float | None, bool]:
    size = next((v for s, p, v in declarations if s == selector and p == "font-size"), None)
    weight = next((v for s, p, v in declarations if s == selector and p == "font-weight"), "400")
    points = float(size[:-2]) if size and size.endswith("pt") else None
    return points, weight in ("600", "700", "bold")


DECORATION = {".draft-diagonal"}
"""The watermark across each page: an artifact (tested above), the same words as text in the band."""
NOT_UNDER_TEXT = {"var(--accent)", "#f4f5f5", "#fff"}
"""Backgrounds no text sits on but white: the bullet squares, the screen's surround, the sheet."""


@pytest.mark.slow  # the page CSS measures the heading face, which fontconfig (fc-match) finds
@pytest.mark.parametrize("theme", ["default", "institute"])
def test_every_text_colour_of_the_pdf_reads_on_white_and_on_the_tinted_boxes(
    theme: str, tmp_path: Path
) -> None:
    css = theme_css(load_sources(_andes_with_theme(tmp_path)).theme) if theme == "institute" else ""
    sources = [
        (templates_dir() / "print.css").read_text(encoding="utf-8"),
        css,  # the theme's :root (its accent and tint) and its own CSS, after the bundled
        _page_css(
            words("kk"),
            SimpleNamespace(
                draft_translation=True,
                draft_translation_note=None,
                draft=True,
                marking="X",
                title="T",
                country_name="C",
                theme=DEFAULT_THEME,
            ),
        ),  # type: ignore[arg-type]
        re.search(r"<style>(.*?)</style>", (templates_dir() / "stamps.html").read_text(), re.S)[1],  # type: ignore[index]
    ]
    declarations = [
        d for source in sources for d in _declarations(tinycss2.parse_stylesheet(source, True, True))
    ]
    root = {p: v for s, p, v in declarations if s == ":root"}  # the last word wins, as in CSS
    accent, tint_ = root["--accent"], root["--accent-tint"]
    assert (accent == "#9b1c31") == (theme == "institute")
    # a ::before square (a status's colour beside its word) has no text on it
    backgrounds = {
        v
        for selector, p, v in declarations
        if p in ("background", "background-color") and not selector.endswith(("::before", "::after"))
    }
    backgrounds = {b.split()[0] for b in backgrounds if not b.startswith("url(")}
    assert backgrounds - NOT_UNDER_TEXT == {"var(--accent-tint)"}, "text on a new background: measure it here"
    measured = 0
    for selector, prop, value in declarations:
        if prop != "color" or selector in DECORATION:
            continue
        size, bold = _size_pt(declarations, selector)
        needed = LARGE_TEXT if size and is_large(size, bold) else NORMAL_TEXT
        for ground in ("#ffffff", tint_):
            colour = _colour(value, accent, tint_, ground)
            assert colour is not None, (selector, value)
            assert contrast(colour, ground) >= needed, (
                theme,
                selector,
                value,
                ground,
                contrast(colour, ground),
            )
            measured += 1
    assert measured >= 2 * 30  # each colour rule of print.css, the page furniture and the stamp, twice
    for chart_text in (charts.INK, accent):  # axis labels, the recipient's label: on white
        assert contrast(chart_text, "#ffffff") >= NORMAL_TEXT


def _andes_with_theme(tmp_path: Path) -> Path:
    folder = tmp_path / "briefs"
    shutil.copytree(FIXTURES / "briefs", folder)
    shutil.copytree(INSTITUTE, folder / "theme")
    return folder / "andes-water"


@pytest.mark.unit
@pytest.mark.parametrize("theme", ["default", "institute"])
def test_every_text_colour_of_the_word_styles_reads_on_every_shading(theme: str, tmp_path: Path) -> None:
    references = StyleReferences((templates_dir() / "reference.docx").read_bytes())
    chosen = DEFAULT_THEME if theme == "default" else load_sources(_andes_with_theme(tmp_path)).theme
    reference, _ = references.for_theme(chosen)
    assert word_contrast_findings(reference) == []
    with zipfile.ZipFile(io.BytesIO(reference)) as archive:
        styles = archive.read("word/styles.xml")
    colours = set(re.findall(rb'<w:color w:val="([0-9A-F]{6})"', styles))
    assert len(colours) >= 4  # ink, heading ink, grey, accent: each measured above
    assert (theme == "institute") == (b"9B1C31" in colours)


@pytest.mark.slow  # validate asks fontconfig (fc-list) for the glyph preflight
def test_validate_warns_when_a_themes_accent_is_too_pale_to_read(tmp_path: Path) -> None:
    brief = _andes_with_theme(tmp_path)
    assert not [p for p in validate(brief).problems if p.field == "accent"]
    replace_in(brief.parent / "theme" / "theme.yaml", 'accent: "#9b1c31"', 'accent: "#7fb2b8"')
    [problem] = [p for p in validate(brief).problems if p.field == "accent"]
    assert problem.severity == "warning" and problem.file.name == "theme.yaml" and problem.line == 7
    assert "#7fb2b8" in problem.message and "4.5:1" in problem.message and "darker" in problem.message


@pytest.mark.unit
def test_pdfuas_heading_rule_runs_on_headings_whose_content_is_an_array_and_finds_an_empty_one(
    tmp_path: Path,
) -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    element = pikepdf.Name.StructElem
    empty = pdf.make_indirect(pikepdf.Dictionary(Type=element, S=pikepdf.Name.H1, K=pikepdf.Array([])))
    filled = pdf.make_indirect(pikepdf.Dictionary(Type=element, S=pikepdf.Name.H2, K=pikepdf.Array([0, 1])))
    pdf.Root.StructTreeRoot = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot, K=pikepdf.Array([empty, filled]))
    )
    path = tmp_path / "headings.pdf"
    pdf.save(path)
    found = pdf_findings(path)
    assert not [f for f in found if "could not run" in f], found
    assert [f for f in found if f.startswith("UA-14-001")] == [
        "UA-14-001 (warning, /H1): Empty heading element /H1."
    ]
