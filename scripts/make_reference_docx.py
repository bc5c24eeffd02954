"""Write src/briefgen/render/templates/reference.docx, the Word style reference the DOCX renderer starts from.

    .venv/bin/python scripts/make_reference_docx.py [OUT]

The reference document owns the look of every DOCX brief: page size and margins, fonts, sizes,
spacing, colours, the list numbering and the table style. The renderer only names styles. An
office can restyle its briefs by opening src/briefgen/render/templates/reference.docx in Word or LibreOffice,
editing the styles and saving it over the file; this script is how the project's own design
(shared/LOOK.md) is kept reviewable as text, and it writes the same bytes every time.

The package is written from scratch rather than from python-docx's default template, so it
carries no theme, no thumbnail and none of the 150 unused table styles: each style below is
one that briefs use, and its body shows a specimen of each so the file is easy to restyle.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from briefgen.render.ooxml import CONTENT_TYPES, RELATIONSHIP_TYPES, write_package  # noqa: E402

# --- the design (shared/LOOK.md) ---------------------------------------------------------------

SERIF, SANS, MONO = "Noto Serif", "Noto Sans", "Noto Sans Mono"
SERIF_CJK, SANS_CJK = "Noto Serif CJK SC", "Noto Sans CJK SC"

INK = "1B2426"  # body text: near-black with a cool cast
HEADING_INK = "14292B"
ACCENT = "0F5257"  # deep teal: rules, numbers, the country-note edge, labels
GREY = "56646A"  # metadata, header and footer (7:1 on white)
RULE = "C5D1D3"  # hairlines between table rows
TINT = "EEF4F4"  # executive summary box
NOTE_TINT = "F3F7F7"  # country note box

# A4 with 20 mm sides, 22 mm top: all in twentieths of a point (twips)
PAGE_WIDTH, PAGE_HEIGHT = 11906, 16838
MARGIN_SIDE, MARGIN_TOP, MARGIN_BOTTOM = 1134, 1247, 1134
HEADER_DISTANCE, FOOTER_DISTANCE = 567, 709  # the footer (and a copy stamp) 12.5 mm up
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN_SIDE  # 9638 twips = 170 mm
LIST_INDENT = 397  # 7 mm: where list text starts; the number hangs in front of it

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


# --- run and paragraph properties, always written in the schema's element order -------------------


@dataclass(frozen=True)
class Border:
    """One edge of a paragraph or table border (size in eighths of a point, space in points)."""

    colour: str
    size: int = 4
    space: int = 0

    def xml(self, edge: str) -> str:
        return f'<w:{edge} w:val="single" w:sz="{self.size}" w:space="{self.space}" w:color="{self.colour}"/>'


@dataclass(frozen=True)
class Run:
    """Character formatting (size in points)."""

    font: str | None = None
    cjk: str | None = None
    bold: bool = False
    italic: bool = False
    caps: bool = False
    small_caps: bool = False
    colour: str | None = None
    tracking: int | None = None  # letter spacing, twips
    size: float | None = None
    underline: bool = False
    superscript: bool = False
    lang: str | None = None

    def xml(self) -> str:
        parts = []
        if self.font or self.cjk:
            attrs = ""
            if self.font:
                attrs += f' w:ascii="{self.font}" w:hAnsi="{self.font}" w:cs="{self.font}"'
            if self.cjk:
                attrs += f' w:eastAsia="{self.cjk}"'
            parts.append(f"<w:rFonts{attrs}/>")
        parts += ["<w:b/><w:bCs/>"] if self.bold else []
        parts += ["<w:i/><w:iCs/>"] if self.italic else []
        parts += ["<w:caps/>"] if self.caps else []
        parts += ["<w:smallCaps/>"] if self.small_caps else []
        parts += [f'<w:color w:val="{self.colour}"/>'] if self.colour else []
        parts += [f'<w:spacing w:val="{self.tracking}"/>'] if self.tracking else []
        if self.size:
            half_points = round(self.size * 2)
            parts.append(f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>')
        parts += ['<w:u w:val="single"/>'] if self.underline else []
        parts += ['<w:vertAlign w:val="superscript"/>'] if self.superscript else []
        parts += [f'<w:lang w:val="{self.lang}"/>'] if self.lang else []
        return f"<w:rPr>{''.join(parts)}</w:rPr>" if parts else ""


@dataclass(frozen=True)
class Para:
    """Paragraph formatting (spacing in points; indents in twips)."""

    keep_next: bool = False
    keep_lines: bool = False
    num_id: int | None = None
    borders: dict[str, Border] = field(default_factory=dict)
    shading: str | None = None
    tabs: tuple[tuple[str, int], ...] = ()
    before: float | None = None
    after: float | None = None
    line: float | None = None  # points, "at least" (grows for CJK), or a multiple when < 3
    left: int | None = None
    right: int | None = None
    hanging: int | None = None
    align: str | None = None
    outline: int | None = None

    def xml(self) -> str:
        parts = []
        parts += ["<w:keepNext/>"] if self.keep_next else []
        parts += ["<w:keepLines/>"] if self.keep_lines else []
        if self.num_id is not None:
            parts.append(f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="{self.num_id}"/></w:numPr>')
        if self.borders:
            edges = [e for e in ("top", "left", "bottom", "right", "between") if e in self.borders]
            parts.append(f"<w:pBdr>{''.join(self.borders[e].xml(e) for e in edges)}</w:pBdr>")
        if self.shading:
            parts.append(f'<w:shd w:val="clear" w:color="auto" w:fill="{self.shading}"/>')
        if self.tabs:
            tabs = "".join(f'<w:tab w:val="{kind}" w:pos="{pos}"/>' for kind, pos in self.tabs)
            parts.append(f"<w:tabs>{tabs}</w:tabs>")
        spacing = ""
        if self.before is not None:
            spacing += f' w:before="{round(self.before * 20)}"'
        if self.after is not None:
            spacing += f' w:after="{round(self.after * 20)}"'
        if self.line is not None:
            if self.line < 3:
                spacing += f' w:line="{round(self.line * 240)}" w:lineRule="auto"'
            else:
                spacing += f' w:line="{round(self.line * 20)}" w:lineRule="atLeast"'
        parts += [f"<w:spacing{spacing}/>"] if spacing else []
        indent = ""
        indent += f' w:left="{self.left}"' if self.left is not None else ""
        indent += f' w:right="{self.right}"' if self.right is not None else ""
        indent += f' w:hanging="{self.hanging}"' if self.hanging is not None else ""
        parts += [f"<w:ind{indent}/>"] if indent else []
        parts += [f'<w:jc w:val="{self.align}"/>'] if self.align else []
        parts += [f'<w:outlineLvl w:val="{self.outline}"/>'] if self.outline is not None else []
        return f"<w:pPr>{''.join(parts)}</w:pPr>" if parts else ""


# --- the styles -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Style:
    """One style of styles.xml. `name` is Word's internal name (built-ins are lower case)."""

    kind: str  # paragraph, character, table
    style_id: str
    name: str
    para: Para = Para()
    run: Run = Run()
    based_on: str | None = None
    next_style: str | None = None
    ui_priority: int = 10
    quick: bool = True
    table: str = ""  # tblPr, trPr, tcPr and tblStylePr, for a table style

    def xml(self) -> str:
        default = (
            ' w:default="1"' if self.style_id in {"Normal", "DefaultParagraphFont", "TableNormal"} else ""
        )
        custom = "" if self.builtin else ' w:customStyle="1"'
        parts = [f'<w:name w:val="{self.name}"/>']
        parts += [f'<w:basedOn w:val="{self.based_on}"/>'] if self.based_on else []
        parts += [f'<w:next w:val="{self.next_style}"/>'] if self.next_style else []
        parts.append(f'<w:uiPriority w:val="{self.ui_priority}"/>')
        parts += ["<w:qFormat/>"] if self.quick else []
        parts += [self.para.xml(), self.run.xml(), self.table]
        return f'<w:style w:type="{self.kind}"{default}{custom} w:styleId="{self.style_id}">{"".join(parts)}</w:style>'

    @property
    def builtin(self) -> bool:
        return self.name in BUILTIN_NAMES


BUILTIN_NAMES = {
    "Normal",
    "Default Paragraph Font",
    "Normal Table",
    "No List",
    "Title",
    "Subtitle",
    "heading 1",
    "heading 2",
    "heading 3",
    "List Number",
    "List Bullet",
    "List Continue",
    "footnote text",
    "footnote reference",
    "header",
    "footer",
    "Hyperlink",
}

HEADING = Run(font=SANS, cjk=SANS_CJK, bold=True, colour=HEADING_INK)
BOX_EDGE = 6  # points of padding inside the tinted boxes


def _box(fill: str, left: Border | None = None) -> dict[str, Border]:
    pad = Border(fill, 4, BOX_EDGE)
    return {"top": pad, "left": left or pad, "bottom": pad, "right": pad}


STYLES: tuple[Style, ...] = (
    Style(
        "paragraph",
        "Normal",
        "Normal",
        Para(after=6, line=14.5),
        Run(font=SERIF, cjk=SERIF_CJK, colour=INK, size=10.5),
        ui_priority=0,
    ),
    Style("character", "DefaultParagraphFont", "Default Paragraph Font", ui_priority=1, quick=False),
    Style(
        "table",
        "TableNormal",
        "Normal Table",
        ui_priority=99,
        quick=False,
        table='<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
        '<w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr>",
    ),
    Style("numbering", "NoList", "No List", ui_priority=99, quick=False),
    # the title block
    Style(
        "paragraph",
        "Title",
        "Title",
        Para(keep_next=True, before=14, after=6, line=1.08),
        Run(font=SANS, cjk=SANS_CJK, bold=True, colour=HEADING_INK, size=24),
        based_on="Normal",
        next_style="Subtitle",
    ),
    Style(
        "paragraph",
        "Subtitle",
        "Subtitle",
        Para(keep_next=True, after=14, line=1.2),
        Run(font=SANS, cjk=SANS_CJK, colour=GREY, size=13),
        based_on="Normal",
        next_style="PreparedFor",
    ),
    Style(
        "paragraph",
        "PreparedFor",
        "Prepared For",
        Para(keep_next=True, after=3),
        Run(font=SANS, cjk=SANS_CJK, bold=True, colour=ACCENT, size=11.5),
        based_on="Normal",
        next_style="Metadata",
    ),
    Style(
        "paragraph",
        "Metadata",
        "Metadata",
        Para(after=2, line=1.15),
        Run(font=SANS, cjk=SANS_CJK, colour=GREY, size=9),
        based_on="Normal",
    ),
    Style(
        "paragraph",
        "Band",
        "Band",
        Para(
            borders={"bottom": Border(ACCENT, 8, 4)},
            tabs=(("right", TEXT_WIDTH),),
            after=0,
            line=1.0,
        ),
        Run(font=SANS, cjk=SANS_CJK, bold=True, caps=True, colour=ACCENT, tracking=20, size=8),
        based_on="Normal",
    ),
    # headings: the built-in ones, so the navigation pane and a table of contents work
    Style(
        "paragraph",
        "Heading1",
        "heading 1",
        Para(
            keep_next=True,
            keep_lines=True,
            borders={"top": Border(ACCENT, 8, 6)},
            before=22,
            after=8,
            line=1.1,
            outline=0,
        ),
        replace(HEADING, size=13.5),
        based_on="Normal",
        next_style="Normal",
        ui_priority=9,
    ),
    Style(
        "paragraph",
        "Heading2",
        "heading 2",
        Para(keep_next=True, keep_lines=True, tabs=(("left", 567),), before=16, after=6, line=1.1, outline=1),
        replace(HEADING, size=12),
        based_on="Normal",
        next_style="Normal",
        ui_priority=9,
    ),
    Style(
        "paragraph",
        "Heading3",
        "heading 3",
        Para(keep_next=True, keep_lines=True, before=12, after=4, line=1.1, outline=2),
        replace(HEADING, size=10.5),
        based_on="Normal",
        next_style="Normal",
        ui_priority=9,
    ),
    Style(
        "character",
        "HeadingNumber",
        "Heading Number",
        run=Run(font=SANS, bold=True, colour=ACCENT, size=19),
        based_on="DefaultParagraphFont",
    ),
    # labels inside a recommendation: "When this applies", "What to do", "For Kazakhstan"
    Style(
        "character",
        "Label",
        "Label",
        run=Run(font=SANS, cjk=SANS_CJK, bold=True, caps=True, colour=ACCENT, tracking=12, size=7.5),
        based_on="DefaultParagraphFont",
    ),
    Style(
        "paragraph",
        "LabelLine",
        "Label Line",
        Para(keep_next=True, before=8, after=2),
        based_on="Normal",
        next_style="Normal",
    ),
    # boxes
    Style(
        "paragraph",
        "Summary",
        "Summary",
        Para(borders=_box(TINT), shading=TINT, after=6, left=BOX_EDGE * 20 + 20, right=BOX_EDGE * 20 + 20),
        based_on="Normal",
    ),
    Style(
        "paragraph",
        "CountryNote",
        "Country Note",
        Para(
            borders=_box(NOTE_TINT, Border(ACCENT, 24, BOX_EDGE)),
            shading=NOTE_TINT,
            before=0,
            after=4,
            left=BOX_EDGE * 20 + 60,
            right=BOX_EDGE * 20 + 20,
        ),
        based_on="Normal",
    ),
    # lists: numbering definitions live in numbering.xml (1 = List Number, 2 = List Bullet)
    Style(
        "paragraph",
        "ListNumber",
        "List Number",
        Para(num_id=1, after=3),
        based_on="Normal",
    ),
    Style(
        "paragraph",
        "ListBullet",
        "List Bullet",
        Para(num_id=2, after=3),
        based_on="Normal",
    ),
    Style(
        "paragraph",
        "ListContinue",
        "List Continue",
        Para(after=3, left=LIST_INDENT),
        based_on="Normal",
    ),
    # the profile table
    Style(
        "table",
        "ProfileTable",
        "Profile Table",
        based_on="TableNormal",
        ui_priority=59,
        table=(
            "<w:tblPr>"
            '<w:tblInd w:w="0" w:type="dxa"/>'
            "<w:tblBorders>"
            + Border(ACCENT, 8).xml("top")
            + Border(ACCENT, 8).xml("bottom")
            + Border(RULE, 4).xml("insideH")
            + "</w:tblBorders>"
            '<w:tblCellMar><w:top w:w="45" w:type="dxa"/><w:left w:w="0" w:type="dxa"/>'
            '<w:bottom w:w="45" w:type="dxa"/><w:right w:w="170" w:type="dxa"/></w:tblCellMar>'
            "</w:tblPr>"
            '<w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:bCs/></w:rPr>'
            f"<w:tcPr><w:tcBorders>{Border(ACCENT, 6).xml('bottom')}</w:tcBorders></w:tcPr></w:tblStylePr>"
        ),
    ),
    Style(
        "paragraph",
        "TableText",
        "Table Text",
        Para(after=0, line=1.15),
        Run(font=SANS, cjk=SANS_CJK, size=8.5),
        based_on="Normal",
    ),
    Style(
        "paragraph",
        "TableHeading",
        "Table Heading",
        Para(keep_next=True, after=0),
        Run(bold=True, caps=True, colour=GREY, tracking=8, size=7.5),
        based_on="TableText",
    ),
    Style(
        "paragraph",
        "TableSource",
        "Table Source",
        Para(before=3, after=6),
        Run(colour=GREY, size=7.5),
        based_on="TableText",
    ),
    # the letter that points a profile row to its source, and the "Sources:" lead-in under it
    Style(
        "character",
        "SourceMark",
        "Source Mark",
        run=Run(colour=GREY, superscript=True),
        based_on="DefaultParagraphFont",
    ),
    Style(
        "character",
        "LabelInline",
        "Label Inline",
        # one label style: the same small caps in the accent colour as "Label"
        run=Run(font=SANS, cjk=SANS_CJK, bold=True, caps=True, colour=ACCENT, tracking=12, size=7),
        based_on="DefaultParagraphFont",
    ),
    # "Changes since edition N": a box with an accent rule, as in print
    Style(
        "table",
        "ChangesBox",
        "Changes Box",
        based_on="TableNormal",
        ui_priority=59,
        table=(
            "<w:tblPr>"
            '<w:tblInd w:w="0" w:type="dxa"/>'
            "<w:tblBorders>"
            + Border(ACCENT, 6).xml("top")
            + Border(ACCENT, 6).xml("left")
            + Border(ACCENT, 6).xml("bottom")
            + Border(ACCENT, 6).xml("right")
            + "</w:tblBorders>"
            '<w:tblCellMar><w:top w:w="120" w:type="dxa"/><w:left w:w="220" w:type="dxa"/>'
            '<w:bottom w:w="40" w:type="dxa"/><w:right w:w="220" w:type="dxa"/></w:tblCellMar>'
            "</w:tblPr>"
        ),
    ),
    Style(
        "paragraph",
        "BoxHeading",
        "Box Heading",
        Para(keep_next=True, before=0, after=4, line=1.1, outline=0),
        replace(HEADING, size=10, colour=ACCENT),
        based_on="Normal",
        next_style="BoxText",
    ),
    Style(
        "paragraph",
        "BoxText",
        "Box Text",
        Para(after=4, line=13),
        Run(size=9.5),
        based_on="Normal",
    ),
    # notes, references, running heads
    Style(
        "paragraph",
        "FootnoteText",
        "footnote text",
        Para(after=2, line=1.1, left=170, hanging=170),
        Run(size=8.5),
        based_on="Normal",
        ui_priority=99,
    ),
    Style(
        "character",
        "FootnoteReference",
        "footnote reference",
        run=Run(font=SANS, colour=ACCENT, superscript=True),
        based_on="DefaultParagraphFont",
        ui_priority=99,
    ),
    Style(
        "paragraph",
        "Reference",
        "Reference",
        Para(after=4, line=1.2, left=340, hanging=340),
        Run(size=9),
        based_on="Normal",
    ),
    Style(
        "paragraph",
        "Header",
        "header",
        Para(tabs=(("center", TEXT_WIDTH // 2), ("right", TEXT_WIDTH)), after=0, line=1.0, align="center"),
        Run(font=SANS, cjk=SANS_CJK, small_caps=True, colour=GREY, tracking=30, size=8),
        based_on="Normal",
        ui_priority=99,
    ),
    Style(
        "paragraph",
        "Footer",
        "footer",
        Para(tabs=(("center", TEXT_WIDTH * 2 // 3), ("right", TEXT_WIDTH)), after=0, line=1.0),
        Run(font=SANS, cjk=SANS_CJK, colour=GREY, size=8),
        based_on="Normal",
        ui_priority=99,
    ),
    Style(
        "character",
        "Hyperlink",
        "Hyperlink",
        run=Run(colour=ACCENT, underline=True),
        based_on="DefaultParagraphFont",
        ui_priority=99,
    ),
    Style(
        "character",
        "Code",
        "Code",
        run=Run(font=MONO, size=9),
        based_on="DefaultParagraphFont",
    ),
)


def styles_xml() -> str:
    defaults = (
        "<w:docDefaults><w:rPrDefault>"
        + Run(font=SERIF, cjk=SERIF_CJK, size=10.5, lang="en-GB").xml()
        + "</w:rPrDefault><w:pPrDefault>"
        + Para(after=0).xml()
        + "</w:pPrDefault></w:docDefaults>"
    )
    return (
        f'{XML_HEAD}<w:styles xmlns:w="{W_NS}">{defaults}'
        + "".join(style.xml() for style in STYLES)
        + "</w:styles>"
    )


# --- list numbering -------------------------------------------------------------------------------


def _level(level: int, fmt: str, text: str, style: str | None, run: Run) -> str:
    indent = LIST_INDENT * (level + 1)
    pstyle = f'<w:pStyle w:val="{style}"/>' if style and level == 0 else ""
    return (
        f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{pstyle}'
        f'<w:lvlText w:val="{escape(text)}"/><w:lvlJc w:val="left"/>'
        f"{Para(tabs=(('num', indent),), left=indent, hanging=LIST_INDENT).xml()}{run.xml()}</w:lvl>"
    )


def numbering_xml() -> str:
    number = Run(font=SANS, bold=True, colour=ACCENT)
    bullet = Run(font=SANS, colour=ACCENT, size=7)  # a small square, as in print
    numbered = [("decimal", "%1."), ("lowerLetter", "%2."), ("lowerRoman", "%3.")]
    # one bullet style, as in print: a small accent square
    bullets = [("bullet", "\u25aa"), ("bullet", "\u2013"), ("bullet", "\u25aa")]
    return (
        f'{XML_HEAD}<w:numbering xmlns:w="{W_NS}">'
        '<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="hybridMultilevel"/>'
        + "".join(_level(i, f, t, "ListNumber", number) for i, (f, t) in enumerate(numbered))
        + '</w:abstractNum><w:abstractNum w:abstractNumId="1"><w:multiLevelType w:val="hybridMultilevel"/>'
        + "".join(_level(i, f, t, "ListBullet", bullet) for i, (f, t) in enumerate(bullets))
        + '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
        '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num></w:numbering>'
    )


# --- the body: page setup and one specimen of each style -----------------------------------------


def _p(style: str, *runs: tuple[str | None, str]) -> str:
    body = "".join(
        f"<w:r>{f'<w:rPr><w:rStyle w:val={quoteattr(rs)}/></w:rPr>' if rs else ''}"
        f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
        for rs, text in runs
    )
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{body}</w:p>'


def _table(rows: Iterable[tuple[str, ...]]) -> str:
    widths = (5590, 2690, 1358)
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    out = []
    for number, row in enumerate(rows):
        header = "<w:trPr><w:tblHeader/></w:trPr>" if number == 0 else ""
        style = "TableHeading" if number == 0 else "TableText"
        cells = "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>{_p(style, (None, text))}</w:tc>'
            for w, text in zip(widths, row, strict=True)
        )
        out.append(f"<w:tr>{header}{cells}</w:tr>")
    return (
        '<w:tbl><w:tblPr><w:tblStyle w:val="ProfileTable"/><w:tblW w:w="5000" w:type="pct"/>'
        '<w:tblLayout w:type="fixed"/><w:tblLook w:val="0420" w:firstRow="1" w:lastRow="0" '
        'w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{''.join(out)}</w:tbl>"
    )


def document_xml() -> str:
    specimens = [
        _p("Title", (None, "Title of the brief")),
        _p("Subtitle", (None, "Subtitle of the brief")),
        _p("PreparedFor", (None, "Prepared for the Government of …")),
        _p("Metadata", (None, "Organisation · 1 January 2025 · Edition 1")),
        _p("Heading1", (None, "Heading 1: Executive summary")),
        _p("Summary", (None, "The executive summary stands in a lightly tinted box.")),
        _p("Heading2", ("HeadingNumber", "1"), (None, "\u2003Heading 2: a recommendation")),
        _p("LabelLine", ("Label", "Label: When this applies")),
        _p("Normal", (None, "Body text. Every style below is used by the DOCX renderer; edit it here.")),
        _p("ListNumber", (None, "List Number: a step")),
        _p("ListBullet", (None, "List Bullet: a piece of evidence")),
        _p("ListContinue", (None, "List Continue: a second paragraph in a list item")),
        _p("CountryNote", ("Label", "For the country")),
        _p("CountryNote", (None, "Country Note: what this means for one government.")),
        _p("Heading3", (None, "Heading 3")),
        _table([("Fact", "Value", "Year"), ("Table Text", "10%", "2020")]),
        _p("TableSource", ("LabelInline", "Sources: "), ("SourceMark", "a"), (None, "Table Source")),
        _p("Reference", (None, "Reference: Author, A. (2020). A work with a hanging indent.")),
        _p("FootnoteText", (None, "Footnote Text")),
        _p("Band", (None, "Band: series\tmarking")),
        _p("Header", (None, "Header: the handling marking")),
        _p("Footer", (None, "Footer: short title\tPage 1 of 1")),
    ]
    section = (
        f'<w:sectPr><w:pgSz w:w="{PAGE_WIDTH}" w:h="{PAGE_HEIGHT}"/>'
        f'<w:pgMar w:top="{MARGIN_TOP}" w:right="{MARGIN_SIDE}" w:bottom="{MARGIN_BOTTOM}" '
        f'w:left="{MARGIN_SIDE}" w:header="{HEADER_DISTANCE}" w:footer="{FOOTER_DISTANCE}" w:gutter="0"/>'
        '<w:cols w:space="708"/></w:sectPr>'
    )
    return (
        f'{XML_HEAD}<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>'
        + "".join(specimens)
        + section
        + "</w:body></w:document>"
    )


def settings_xml() -> str:
    return (
        f'{XML_HEAD}<w:settings xmlns:w="{W_NS}">'
        '<w:zoom w:percent="100"/><w:defaultTabStop w:val="709"/>'
        '<w:characterSpacingControl w:val="doNotCompress"/>'
        '<w:compat><w:compatSetting w:name="compatibilityMode" '
        'w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>'
        '<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/></w:settings>'
    )


def font_table_xml() -> str:
    fonts = [
        (SERIF, "roman", "variable"),
        (SANS, "swiss", "variable"),
        (MONO, "modern", "fixed"),
        (SERIF_CJK, "roman", "variable"),
        (SANS_CJK, "swiss", "variable"),
    ]
    body = "".join(
        f'<w:font w:name="{name}"><w:charset w:val="00"/><w:family w:val="{family}"/>'
        f'<w:pitch w:val="{pitch}"/></w:font>'
        for name, family, pitch in fonts
    )
    return f'{XML_HEAD}<w:fonts xmlns:w="{W_NS}">{body}</w:fonts>'


def package() -> dict[str, bytes]:
    """Return the reference document's parts, by zip entry name."""
    core_ns = (
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    )
    parts = {
        "word/document.xml": ("document", document_xml()),
        "word/styles.xml": ("styles", styles_xml()),
        "word/numbering.xml": ("numbering", numbering_xml()),
        "word/settings.xml": ("settings", settings_xml()),
        "word/fontTable.xml": ("fontTable", font_table_xml()),
        "docProps/core.xml": (
            "core",
            f"{XML_HEAD}<cp:coreProperties {core_ns}><dc:title>briefgen style reference</dc:title>"
            "</cp:coreProperties>",
        ),
        "docProps/app.xml": (
            "app",
            f"{XML_HEAD}<Properties "
            'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            "<Application>briefgen</Application></Properties>",
        ),
    }
    overrides = "".join(
        f'<Override PartName="/{name}" ContentType="{CONTENT_TYPES[kind]}"/>'
        for name, (kind, _) in sorted(parts.items())
    )
    content_types = (
        f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f"{overrides}</Types>"
    )

    def rels(targets: list[tuple[str, str]]) -> str:
        items = "".join(
            f'<Relationship Id="rId{n}" Type="{RELATIONSHIP_TYPES[kind]}" Target="{target}"/>'
            for n, (kind, target) in enumerate(targets, 1)
        )
        return (
            f'{XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{items}</Relationships>"
        )

    files = {name: xml for name, (_, xml) in parts.items()}
    files["[Content_Types].xml"] = content_types
    files["_rels/.rels"] = rels(
        [("document", "word/document.xml"), ("core", "docProps/core.xml"), ("app", "docProps/app.xml")]
    )
    files["word/_rels/document.xml.rels"] = rels(
        [
            ("styles", "styles.xml"),
            ("numbering", "numbering.xml"),
            ("settings", "settings.xml"),
            ("fontTable", "fontTable.xml"),
        ]
    )
    return {name: text.encode("utf-8") for name, text in files.items()}


def main(argv: list[str]) -> int:
    out = (
        Path(argv[1])
        if len(argv) > 1
        else REPO / "src" / "briefgen" / "render" / "templates" / "reference.docx"
    )
    out.write_bytes(write_package(package()))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
