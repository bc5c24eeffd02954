"""The redline is the brief itself: its DOCX, with each change since the last edition tracked.

Most tests open the redline in LibreOffice (each with its own profile) and read what it reports
in its flat ODT: `text:changed-region` entries, each an insertion or a deletion whose text stands
between `text:change-start` and `text:change-end` in the body.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx.oxml.xmlchemy import BaseOxmlElement
from typer.testing import CliRunner

from briefgen.cli import app
from briefgen.editions.diff import WordDiff
from briefgen.editions.release import release
from briefgen.render.redline import whole_words
from briefgen.tailoring import tailor
from conftest import program, replace_in

ANALYSIS_DAY = dt.date(2024, 3, 1)
"""andes-water's `date:`: released that day, edition 1's page one is dated as the working draft
is, so the redline shows the edits alone (a release on another day also changes the date line)."""

runner = CliRunner()
GLACIERS = "recommendations/protect-glacier-basins.yaml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _redline(andes: Path, out: Path) -> Path:
    result = runner.invoke(app, ["diff", str(andes), "--country", "PE", "--docx", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _plain_brief(andes: Path, out: Path) -> Path:
    """Write Peru's brief of the working edition, as `build` renders it, without changes marked."""
    from briefgen.render.docx import DocxRenderer

    out.parent.mkdir(parents=True, exist_ok=True)
    from briefgen.sources.frozen import load_working

    out.write_bytes(DocxRenderer().render(tailor(load_working(andes), "PE")))
    return out


def _libreoffice(document: Path, fmt: str, profile: Path) -> Path:
    """Convert `document` with LibreOffice (its own profile) and return the converted file."""
    subprocess.run(
        [
            program("soffice", "libreoffice"),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(document.parent),
            str(document),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return document.with_suffix(f".{fmt}")


def _tracked(flat: str) -> list[tuple[str, str]]:
    """Return LibreOffice's tracked changes as (insertion|deletion, their words), in document order."""
    regions = re.findall(r'<text:changed-region[^>]*text:id="([^"]+)"[^>]*>\s*<text:(\w[\w-]*)>', flat)
    starts = {
        m.group(1): m.start() for m in re.finditer(r'<text:change-start text:change-id="([^"]+)"/>', flat)
    }
    changes = []
    for change_id, kind in sorted(regions, key=lambda r: starts.get(r[0], -1)):
        span = re.search(
            rf'<text:change-start text:change-id="{change_id}"/>(.*?)<text:change-end text:change-id="{change_id}"/>',
            flat,
            flags=re.S,
        )
        assert span is not None, f"LibreOffice shows no text for change {change_id}"
        changes.append((kind, " ".join(html.unescape(re.sub(r"<[^>]+>", " ", span.group(1))).split())))
    return changes


def _part(docx: Path, name: str) -> bytes:
    with zipfile.ZipFile(docx) as archive:
        return archive.read(name)


def _section(flat: str, tag: str) -> str:
    found = re.search(rf"<{tag}>.*?</{tag}>", flat, flags=re.S)
    assert found is not None, tag
    return found.group(0)


def _fields_unset(xml: str) -> str:
    """Return `xml` with the page numbers LibreOffice last laid out taken out of the page fields."""
    return re.sub(r"(<text:page-(?:number|count)[^>]*>)\d+<", r"\1<", xml)


def _profile_table(flat: str) -> list[list[tuple[str, str]]]:
    """Return the profile table as LibreOffice shows it: per row, (paragraph style, text) per cell."""
    parents = dict(
        re.findall(
            r'<style:style style:name="(P\d+)" style:family="paragraph" style:parent-style-name="([^"]+)"',
            flat,
        )
    )
    tables = re.findall(r"<table:table .*?</table:table>", flat, flags=re.S)
    table = next((t for t in tables if ">Fact</text:p>" in t), None)
    assert table is not None, "LibreOffice shows no profile table"
    rows = []
    for row in re.findall(r"<table:table-row.*?</table:table-row>", table, flags=re.S):
        cells = re.findall(r'<text:p text:style-name="([^"]+)"(?:/>|>(.*?)</text:p>)', row, flags=re.S)
        rows.append([(parents.get(style, style), text) for style, text in cells])
    return rows


# --- what LibreOffice reports -------------------------------------------------------------------


@pytest.mark.slow
def test_a_one_word_change_in_a_step_is_exactly_one_deletion_and_one_insertion(
    andes: Path, tmp_path: Path
) -> None:
    release(andes, date=ANALYSIS_DAY)
    replace_in(andes / GLACIERS, "Map the basins.", "Survey the basins.")
    flat = _libreoffice(_redline(andes, tmp_path / "pe.docx"), "fodt", tmp_path / "lo").read_text()
    assert _tracked(flat) == [("deletion", "Map"), ("insertion", "Survey")]
    info = re.findall(
        r"<office:change-info>\s*<dc:creator>(.*?)</dc:creator>\s*<dc:date>(.*?)</dc:date>", flat
    )
    assert info == [("Fixture Institute", "2024-03-01")] * 2  # by the organisation, dated by the brief


@pytest.mark.slow
def test_the_redline_has_the_briefs_styles_header_footer_marking_and_profile_table(
    andes: Path, tmp_path: Path
) -> None:
    release(andes, date=ANALYSIS_DAY)
    replace_in(andes / GLACIERS, "Map the basins.", "Survey the basins.")
    redline = _redline(andes, tmp_path / "pe-redline.docx")
    brief = _plain_brief(andes, tmp_path / "brief" / "pe.docx")
    # the DOCX parts that carry the look are the brief's own, byte for byte
    names = zipfile.ZipFile(brief).namelist()
    assert names == zipfile.ZipFile(redline).namelist()
    for name in ("word/styles.xml", "word/numbering.xml", "word/settings.xml", "word/footnotes.xml"):
        assert _part(redline, name) == _part(brief, name), name
    for name in (n for n in names if re.fullmatch(r"word/(header|footer)\d+\.xml", n)):
        assert _part(redline, name) == _part(brief, name), name
    # and LibreOffice opens both the same: styles, page styles with their headers and footers
    seen = _libreoffice(redline, "fodt", tmp_path / "lo").read_text()
    plain = _libreoffice(brief, "fodt", tmp_path / "lo2").read_text()
    for tag in ("office:font-face-decls", "office:styles", "office:master-styles"):
        assert _fields_unset(_section(seen, tag)) == _fields_unset(_section(plain, tag)), tag
    heads = _section(seen, "office:master-styles")
    assert heads.count("OFFICIAL-SENSITIVE") == 4  # the band, every other page's header, both footers
    assert "<text:page-number" in heads and "<text:page-count>" in heads  # "Page N of M" as fields
    table = _profile_table(seen)
    assert table == _profile_table(plain)
    assert table[0][:3] == [("Table_20_Heading", w) for w in ("Fact", "Value", "Year")]
    assert any(style == "Table_20_Text" and "Water stress index" in text for style, text in table[3])
    # the document says what it is
    core = _part(redline, "docProps/core.xml").decode()
    assert "<dc:title>Water Security in the Andes: changes from edition 1 to 2</dc:title>" in core
    assert "<dc:creator>Fixture Institute</dc:creator>" in core


@pytest.mark.slow
def test_a_step_added_is_one_insertion_and_a_step_removed_one_deletion_in_the_same_list(
    andes: Path, tmp_path: Path
) -> None:
    release(andes, date=ANALYSIS_DAY)
    replace_in(
        andes / GLACIERS,
        "steps: [Map the basins., Limit mining near glacier tongues.]",
        "steps: [Limit mining near glacier tongues., Monitor glacier lakes.]",
    )
    redline = _redline(andes, tmp_path / "pe.docx")
    flat = _libreoffice(redline, "fodt", tmp_path / "lo").read_text()
    assert _tracked(flat) == [("deletion", "Map the basins."), ("insertion", "Monitor glacier lakes.")]
    body = _body(redline)
    steps = [p for p in body.iter(f"{W}p") if _text(p) in _STEPS]
    assert [_text(p) for p in steps] == list(_STEPS)
    deleted, kept, added = steps
    assert deleted.find(f"{W}pPr/{W}rPr/{W}del") is not None  # the whole paragraph, mark and all
    assert added.find(f"{W}pPr/{W}rPr/{W}ins") is not None
    assert kept.find(f".//{W}ins") is None and kept.find(f".//{W}del") is None
    # the step put back is still an item of its recommendation's list
    assert {_num_id(p) for p in steps} == {_num_id(kept)}


_STEPS = ("Map the basins.", "Limit mining near glacier tongues.", "Monitor glacier lakes.")


@pytest.mark.slow
def test_italics_footnotes_and_links_survive_in_changed_and_unchanged_paragraphs(
    andes: Path, tmp_path: Path
) -> None:
    release(andes, date=ANALYSIS_DAY)
    replace_in(andes / "brief.yaml", "Andean glaciers are shrinking", "Andean glaciers are retreating")
    redline = _redline(andes, tmp_path / "pe-redline.docx")
    brief = _plain_brief(andes, tmp_path / "brief" / "pe.docx")
    flat = _libreoffice(redline, "fodt", tmp_path / "lo").read_text()
    assert _tracked(flat) == [("deletion", "shrinking"), ("insertion", "retreating")]
    # the changed summary keeps its italics, bold and footnote; LibreOffice shows the note
    summary = next(p for p in _body(redline).iter(f"{W}p") if "Governments should" in _text(p))
    runs = {_text(r): r for r in summary.iter(f"{W}r")}
    assert runs["protect"].find(f"{W}rPr/{W}i") is not None
    assert runs["share data"].find(f"{W}rPr/{W}b") is not None
    assert summary.find(f".//{W}footnoteReference") is not None
    assert re.search(r"<text:note .*?Glacier loss is uneven.*?</text:note>", flat, flags=re.S)
    # unchanged paragraphs are the brief's own, byte for byte (italic "yaku", the reference's link)
    unchanged = [p for p in _body(brief).iter(f"{W}p") if "yaku" in _text(p) or "example.org" in _text(p)]
    redlined = [p for p in _body(redline).iter(f"{W}p") if "yaku" in _text(p) or "example.org" in _text(p)]
    assert len(unchanged) == 2
    assert [_xml(p) for p in redlined] == [_xml(p) for p in unchanged]
    assert _part(redline, "word/_rels/document.xml.rels") == _part(brief, "word/_rels/document.xml.rels")


@pytest.mark.slow
def test_a_deleted_paragraph_comes_back_with_its_footnote_and_link(andes: Path, tmp_path: Path) -> None:
    gone = "Rain follows the trade winds.^[See [the atlas](https://example.org/atlas).]"
    replace_in(
        andes / "brief.yaml",
        "body: Droughts follow El Niño years.",
        f"body: |\n      {gone}\n\n      Droughts follow El Niño years.",
    )
    release(andes, date=ANALYSIS_DAY)
    replace_in(andes / "brief.yaml", f"      {gone}\n\n", "")
    redline = _redline(andes, tmp_path / "pe.docx")
    flat = _libreoffice(redline, "fodt", tmp_path / "lo").read_text()
    # one deletion: the paragraph, and with its note mark the note (LibreOffice shows it inline)
    assert _tracked(flat) == [("deletion", "Rain follows the trade winds. 2 See the atlas .")]
    # the deleted paragraph's note is in the redline's notes, its link has a relationship
    notes = _part(redline, "word/footnotes.xml").decode()
    assert "the atlas" in notes
    assert 'Target="https://example.org/atlas"' in _part(redline, "word/_rels/footnotes.xml.rels").decode()
    assert re.search(r"<text:note .*?the atlas.*?</text:note>", flat, flags=re.S)


@pytest.mark.slow
def test_a_profile_row_removed_is_a_deleted_row_and_a_changed_value_one_word(
    andes: Path, tmp_path: Path
) -> None:
    release(andes, date=ANALYSIS_DAY)
    countries = andes.parent / "countries/PE.yaml"
    replace_in(countries, "value: 3.1", "value: 3.4")
    replace_in(countries, "  basin: {value: Titicaca, label: Shared basin}\n", "")
    redline = _redline(andes, tmp_path / "pe.docx")
    flat = _libreoffice(redline, "fodt", tmp_path / "lo").read_text()
    assert _tracked(flat) == [
        ("deletion", "3.1"),
        ("insertion", "3.4"),
        ("deletion", "Shared basin"),
        ("deletion", "Titicaca"),
    ]
    profile = next(t for t in _body(redline).iter(f"{W}tbl") if _table_style(t) == "ProfileTable")
    rows = profile.findall(f"{W}tr")
    assert [row.find(f"{W}trPr/{W}del") is not None for row in rows] == [False] * 4 + [True]


@pytest.mark.unit
def test_the_same_two_editions_give_the_same_redline_bytes_with_revisions_numbered_in_order(
    andes: Path, tmp_path: Path
) -> None:
    release(andes, date=ANALYSIS_DAY)
    replace_in(andes / GLACIERS, "Map the basins.", "Survey the basins.")
    replace_in(andes / GLACIERS, "Glacier area fell by a third since", "Glacier area fell by 42% since")
    first = _redline(andes, tmp_path / "first.docx").read_bytes()
    assert _redline(andes, tmp_path / "again.docx").read_bytes() == first
    marks = [e for e in _body(tmp_path / "first.docx").iter(f"{W}ins", f"{W}del")]
    assert [m.get(f"{W}id") for m in marks] == ["1", "2", "3", "4"]
    assert {m.get(f"{W}date") for m in marks} == {"2024-03-01T00:00:00Z"}


# --- word-level changes ---------------------------------------------------------------------------


@pytest.mark.unit
@pytest.mark.parametrize(
    ("old", "new", "segments"),
    [
        (
            "Map the basins.",
            "Survey the basins.",
            [("delete", "Map"), ("insert", "Survey"), ("equal", " the basins.")],
        ),
        (
            "index 3.1 (2022)",
            "index 3.4 (2022)",
            [("equal", "index "), ("delete", "3.1"), ("insert", "3.4"), ("equal", " (2022)")],
        ),
        (
            "fell by a third since",
            "fell by 42% since",
            [("equal", "fell by "), ("delete", "a third"), ("insert", "42%"), ("equal", " since")],
        ),
        (
            "Map the basins.",
            "Map the lakes.",
            [("equal", "Map the "), ("delete", "basins"), ("insert", "lakes"), ("equal", ".")],
        ),
        ("the basins", "the basins!", [("equal", "the basins"), ("insert", "!")]),
        (
            "well-known facts",
            "little-known facts",
            [("delete", "well-known"), ("insert", "little-known"), ("equal", " facts")],
        ),
    ],
)
def test_a_change_never_cuts_a_word_or_a_number_in_two(
    old: str, new: str, segments: list[tuple[str, str]]
) -> None:
    widened = whole_words(WordDiff.of(old, new).segments)
    assert widened == segments
    assert "".join(t for op, t in widened if op != "insert") == old
    assert "".join(t for op, t in widened if op != "delete") == new


# --- helpers over the DOCX ------------------------------------------------------------------------


def _body(docx: Path) -> BaseOxmlElement:
    from docx.oxml import parse_xml

    body: BaseOxmlElement = parse_xml(_part(docx, "word/document.xml")).find(f"{W}body")
    return body


def _text(element: BaseOxmlElement) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t", f"{W}delText"))


def _xml(element: BaseOxmlElement) -> bytes:
    from docx.opc.oxml import serialize_part_xml

    return bytes(serialize_part_xml(element))


def _table_style(tbl: BaseOxmlElement) -> str | None:
    style = tbl.find(f"{W}tblPr/{W}tblStyle")
    return None if style is None else str(style.get(f"{W}val"))


def _num_id(p: BaseOxmlElement) -> str | None:
    num = p.find(f"{W}pPr/{W}numPr/{W}numId")
    return None if num is None else str(num.get(f"{W}val"))
