"""The raw WordprocessingML that python-docx has no API for, behind functions named by intent.

The DOCX renderer says *what* it wants (a footnote here, a PAGE field there, this row repeated
on every page, this list numbered from 1 again) and this module says how Word writes it. Every
hand-built element of a briefgen DOCX is made here, and so is the zip that holds them, written
so that the same document always gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import serialize_part_xml
from docx.opc.packuri import PackURI
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import OxmlElement
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.parts.story import StoryPart
from docx.styles.style import CharacterStyle
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from briefgen.document.doctree import UNPRINTABLE

if TYPE_CHECKING:
    from docx.document import Document
    from docx.styles.style import BaseStyle
    from docx.table import _Row

CONTENT_TYPES: Mapping[str, str] = {
    "document": CT.WML_DOCUMENT_MAIN,
    "styles": CT.WML_STYLES,
    "numbering": CT.WML_NUMBERING,
    "settings": CT.WML_SETTINGS,
    "fontTable": CT.WML_FONT_TABLE,
    "footnotes": CT.WML_FOOTNOTES,
    "core": CT.OPC_CORE_PROPERTIES,
    "app": CT.OFC_EXTENDED_PROPERTIES,
}
"""Content type of each part kind a briefgen DOCX holds."""

RELATIONSHIP_TYPES: Mapping[str, str] = {
    "document": RT.OFFICE_DOCUMENT,
    "styles": RT.STYLES,
    "numbering": RT.NUMBERING,
    "settings": RT.SETTINGS,
    "fontTable": RT.FONT_TABLE,
    "footnotes": RT.FOOTNOTES,
    "core": RT.CORE_PROPERTIES,
    "app": RT.EXTENDED_PROPERTIES,
}
"""Relationship type that links each part kind to its source."""

FOOTNOTE_TEXT, FOOTNOTE_REFERENCE = "FootnoteText", "FootnoteReference"
"""Style ids of Word's built-in footnote styles (names "footnote text", "footnote reference")."""

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_FIRST_ENTRIES = ("[Content_Types].xml", "_rels/.rels")


def safe_xml(data: bytes) -> BaseOxmlElement:
    """Return the root of XML from a file someone else wrote (a reviewer's DOCX); ValueError if bad.

    python-docx's own parser, as it reads every DOCX it opens: it expands no entity (so no
    entity bomb and no file read through one) and fetches nothing from the network.
    """
    try:
        root: BaseOxmlElement = parse_xml(data)
    except SyntaxError as exc:  # lxml's XMLSyntaxError
        raise ValueError(f"not well-formed XML: {exc}") from None
    return root


class RunContainer(Protocol):
    """Something runs can be added to: a paragraph, or a hyperlink inside one."""

    def add_run(self, text: str | None = None) -> Run:
        """Append a run of `text`."""
        ...


class BlockContainer(Protocol):
    """Something paragraphs can be added to: the document body, or a table cell."""

    def add_paragraph(self, text: str = "", style: Any = None) -> Paragraph:
        """Append a paragraph."""
        ...


def drop_paragraph(paragraph: Paragraph) -> None:
    """Remove a paragraph from wherever it stands (a new table cell's own empty one)."""
    element = paragraph._p
    element.getparent().remove(element)


def xml_safe(text: str) -> str:
    """Return `text` without the control characters XML 1.0 cannot hold."""
    return UNPRINTABLE.sub("", text)


# --- the package --------------------------------------------------------------------------------


def write_package(entries: Mapping[str, bytes]) -> bytes:
    """Return a zip of `entries` that depends on nothing but their names and bytes.

    [Content_Types].xml and the package relationships come first (as Word writes them), the rest
    in name order; every entry has the same timestamp, permissions and compression.
    """
    names = [n for n in _FIRST_ENTRIES if n in entries] + sorted(set(entries) - set(_FIRST_ENTRIES))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            archive.writestr(info, entries[name], compresslevel=6)
    return buffer.getvalue()


def normalise_package(data: bytes) -> bytes:
    """Return a saved DOCX rewritten by `write_package`, so equal documents are equal bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return write_package({name: archive.read(name) for name in archive.namelist()})


def clear_body(document: Document) -> None:
    """Remove the body's content (the reference document's specimens), keeping the page setup."""
    document.element.body.clear_content()


def set_default_language(document: Document, language: str) -> None:
    """Make `language` the document's default proofing language, unless it already is.

    A bare tag ("en") keeps a regional default that agrees with it ("en-GB").
    """
    rpr = document.styles.element.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr"))
    if rpr is None:
        return
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    current = lang.get(qn("w:val")) or ""
    if current != language and not current.startswith(language + "-"):
        lang.set(qn("w:val"), language)


def style_ids(document: Document) -> dict[str, str]:
    """Return the id of each style of `document`, by name (Word's and python-docx's spelling)."""
    ids: dict[str, str] = {}
    for style in document.styles:
        ids[str(style.name)] = str(style.style_id)
        ids.setdefault(str(style.element.name_val), str(style.style_id))
    return ids


def set_paragraph_style(paragraph: Paragraph, style_id: str) -> None:
    """Give `paragraph` the paragraph style `style_id` (an id, so no lookup by name)."""
    paragraph._p.style = style_id


def set_run_style(run: Run, style_id: str) -> None:
    """Give `run` the character style `style_id`."""
    run._r.style = style_id


# --- restyling a reference -------------------------------------------------------------------------

_RESTYLED_PARTS = ("word/styles.xml", "word/numbering.xml")
_COLOUR_ATTRIBUTES = (qn("w:color"), qn("w:fill"), qn("w:val"))
_FONT_ATTRIBUTES = (qn("w:ascii"), qn("w:hAnsi"), qn("w:cs"))


def restyle(reference: bytes, colours: Mapping[str, str], fonts: Mapping[str, str]) -> bytes:
    """Return a style reference with its colours and font families replaced.

    `colours` maps `RRGGBB` to `RRGGBB` (in colours, shading and borders of the styles and list
    levels); `fonts` maps a family to another (in the Latin and complex-script slots; East Asian
    faces stay). Every style keeps its name, so the writer finds it as before.
    """
    wanted = {old.upper(): new.upper() for old, new in colours.items()}
    with zipfile.ZipFile(io.BytesIO(reference)) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    for name in _RESTYLED_PARTS:
        if name not in entries:
            continue
        root = parse_xml(entries[name])
        for element in root.iter():
            if element.tag == qn("w:rFonts"):
                for attribute in _FONT_ATTRIBUTES:
                    family = element.get(attribute)
                    if family in fonts:
                        element.set(attribute, fonts[family])
                continue
            for attribute in _COLOUR_ATTRIBUTES:
                value = element.get(attribute)
                if (
                    value is not None
                    and value.upper() in wanted
                    and (attribute != qn("w:val") or element.tag == qn("w:color"))
                ):
                    element.set(attribute, wanted[value.upper()])
        entries[name] = serialize_part_xml(root)
    return write_package(entries)


def plain_letters(run: Run) -> None:
    """Set `run` in plain letters: no small capitals and no added letter spacing from its style."""
    rpr = run._r.get_or_add_rPr()
    for tag, value in (("w:smallCaps", "0"), ("w:caps", "0"), ("w:spacing", "0")):
        element = rpr.find(qn(tag))
        if element is None:
            element = OxmlElement(tag)
            rpr.append(element)
        element.set(qn("w:val"), value)
    _order_run_properties(rpr)


_RPR_ORDER = [
    "w:rStyle",
    "w:rFonts",
    "w:b",
    "w:bCs",
    "w:i",
    "w:iCs",
    "w:caps",
    "w:smallCaps",
    "w:strike",
    "w:dstrike",
    "w:outline",
    "w:shadow",
    "w:emboss",
    "w:imprint",
    "w:noProof",
    "w:snapToGrid",
    "w:vanish",
    "w:webHidden",
    "w:color",
    "w:spacing",
    "w:w",
    "w:kern",
    "w:position",
    "w:sz",
    "w:szCs",
    "w:highlight",
    "w:u",
    "w:effect",
    "w:bdr",
    "w:shd",
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w:oMath",
]


def _order_run_properties(rpr: BaseOxmlElement) -> None:
    """Put a run's properties in the order the schema requires (Word refuses others)."""
    rank = {qn(tag): n for n, tag in enumerate(_RPR_ORDER)}
    children = sorted(rpr, key=lambda child: rank.get(child.tag, len(rank)))
    for child in children:
        rpr.append(child)


def flush_cells(table: Any) -> None:
    """Give a table's cells no left or right padding, so their content lines up with the text."""
    tblPr = table._tbl.tblPr
    margins = parse_xml(
        f'<w:tblCellMar {nsdecls("w")}><w:left w:w="0" w:type="dxa"/>'
        '<w:right w:w="0" w:type="dxa"/></w:tblCellMar>'
    )
    look = tblPr.find(qn("w:tblLook"))
    if look is not None:
        look.addprevious(margins)
    else:
        tblPr.append(margins)


def move_before(table: Any, paragraph: Paragraph) -> None:
    """Move a table so that it stands just before `paragraph` (python-docx only appends)."""
    paragraph._p.addprevious(table._tbl)


# --- footnotes ------------------------------------------------------------------------------------


class FootnotesPart(StoryPart):
    """word/footnotes.xml: a story part, so its paragraphs take styles and hyperlinks."""

    @classmethod
    def new(cls, document: Document) -> FootnotesPart:
        """Return an empty footnotes part (separators only), related to `document`."""
        element = parse_xml(
            f"<w:footnotes {nsdecls('w', 'r')}>"
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
            'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" '
            'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
            "</w:footnotes>"
        )
        package = document.part.package
        part = cls(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, element, package)
        document.part.relate_to(part, RT.FOOTNOTES)
        return part


def footnotes_part(document: Document) -> FootnotesPart:
    """Return the document's footnotes part, creating it on first use."""
    for rel in document.part.rels.values():
        if rel.reltype == RT.FOOTNOTES and not rel.is_external:
            part = rel.target_part
            if isinstance(part, FootnotesPart):
                return part
            raise ValueError("the reference document's footnotes part cannot be extended; remove it")
    return FootnotesPart.new(document)


def add_footnote(paragraph: Paragraph, document: Document) -> Paragraph:
    """Put a footnote reference mark at the end of `paragraph`; return the footnote's paragraph.

    The footnote paragraph already holds its number mark and a tab; the caller adds the runs.
    Footnotes are numbered 1, 2, 3 in the order they are added.
    """
    part = footnotes_part(document)
    notes = part.element
    number = 1 + max((int(n.get(qn("w:id"))) for n in notes.findall(qn("w:footnote"))), default=0)

    reference = paragraph.add_run()
    reference._r.style = FOOTNOTE_REFERENCE
    mark = OxmlElement("w:footnoteReference")
    mark.set(qn("w:id"), str(number))
    reference._r.append(mark)

    note = OxmlElement("w:footnote")
    note.set(qn("w:id"), str(number))
    p = OxmlElement("w:p")
    note.append(p)
    notes.append(note)
    p.style = FOOTNOTE_TEXT
    body = Paragraph(p, part)
    own_mark = body.add_run()
    own_mark._r.style = FOOTNOTE_REFERENCE
    own_mark._r.append(OxmlElement("w:footnoteRef"))
    body.add_run("\t")
    return body


# --- fields, hyperlinks, tables, lists ------------------------------------------------------------


def add_field(paragraph: Paragraph, instruction: str, shown: str = "1") -> None:
    """Append a Word field (`PAGE`, `NUMPAGES`) to `paragraph`, showing `shown` until updated."""

    def run_with(child: BaseOxmlElement) -> None:
        paragraph.add_run()._r.append(child)

    def char(kind: str) -> BaseOxmlElement:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return element

    run_with(char("begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    run_with(char("separate"))
    paragraph.add_run(shown)
    run_with(char("end"))


class Hyperlink:
    """A `w:hyperlink` inside a paragraph, which takes runs like the paragraph does."""

    def __init__(self, paragraph: Paragraph, url: str) -> None:
        self._paragraph = paragraph
        self._element = OxmlElement("w:hyperlink")
        self._element.set(qn("r:id"), paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True))
        paragraph._p.append(self._element)

    def add_run(self, text: str | None = None) -> Run:
        """Append a run of `text` to the link."""
        r = OxmlElement("w:r")
        self._element.append(r)
        run = Run(r, self._paragraph)
        if text:
            run.text = text
        return run


def add_hyperlink(paragraph: Paragraph, url: str) -> Hyperlink:
    """Append an external hyperlink to `url`; add the link's words to what is returned."""
    return Hyperlink(paragraph, url)


def repeat_as_header_row(row: _Row) -> None:
    """Mark a table row as a header row, repeated at the top of each page the table spans."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def keep_row_on_one_page(row: _Row) -> None:
    """Forbid a page break inside a table row."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def style_numbering(style: BaseStyle) -> int | None:
    """Return the numbering instance (numId) a list paragraph style points to, if any."""
    ppr = style.element.pPr
    if ppr is None or ppr.numPr is None or ppr.numPr.numId is None:
        return None
    return int(ppr.numPr.numId.val)


def restart_numbering(document: Document, style: str, start: int = 1, level: int = 0) -> int:
    """Return a new numbering instance for one list in `style` that counts from `start` again.

    Word continues a list style's numbering across the whole document; each numbered list of a
    brief (the steps of each recommendation) gets its own instance of the style's abstract
    definition, with a start override, so it counts 1, 2, 3 on its own. Ids are sequential.
    """
    base = style_numbering(document.styles[style])
    if base is None:
        raise ValueError(f"style '{style}' has no list numbering in the reference document")
    numbering = document.part.numbering_part.element
    abstract = numbering.num_having_numId(base).abstractNumId.val
    num = numbering.add_num(abstract)
    num.add_lvlOverride(ilvl=level).add_startOverride(start)
    return int(num.numId)


def set_numbering(paragraph: Paragraph, num_id: int, level: int) -> None:
    """Number `paragraph` as an item of list instance `num_id` at nesting `level` (0 = top)."""
    numpr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    numpr.get_or_add_ilvl().val = level
    numpr.get_or_add_numId().val = num_id


# --- scripts --------------------------------------------------------------------------------------


def east_asian_font(document: Document, style: str) -> str | None:
    """Return the East Asian font that paragraph style `style` (or what it is based on) names."""
    current: BaseStyle | None = document.styles[style]
    while current is not None:
        rpr = current.element.rPr
        fonts = rpr.rFonts if rpr is not None else None
        if fonts is not None and fonts.get(qn("w:eastAsia")):
            return str(fonts.get(qn("w:eastAsia")))
        current = current.base_style if isinstance(current, CharacterStyle) else None
    defaults = document.styles.element.find(
        "/".join(qn(t) for t in ("w:docDefaults", "w:rPrDefault", "w:rPr", "w:rFonts"))
    )
    return (
        str(defaults.get(qn("w:eastAsia")))
        if defaults is not None and defaults.get(qn("w:eastAsia"))
        else None
    )


def mark_east_asian(run: Run, language: str, font: str | None) -> None:
    """Tag `run` as East Asian text in `language` (e.g. zh-CN), so Word shapes it with `font`."""
    rpr = run._r.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    if font:
        fonts.set(qn("w:eastAsia"), font)
    fonts.set(qn("w:hint"), "eastAsia")
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    lang.set(qn("w:eastAsia"), language)


def add_picture(
    paragraph: Paragraph, image: bytes, width: int | None, description: str, *, height: int | None = None
) -> None:
    """Append an inline picture `width` EMU wide (or `height` high), with `description` as its alt
    text (docPr descr)."""
    run = paragraph.add_run()
    shape = run.add_picture(io.BytesIO(image), width=width, height=height)
    shape._inline.docPr.set("descr", xml_safe(description))


_VML = 'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'
_TEXT_PATH_TYPE = (  # Word's own definition of a text-path shape (WordArt), as its watermarks use it
    '<v:shapetype {vml} id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800"'
    ' path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas>'
    + "".join(
        f'<v:f eqn="{eqn}"/>'
        for eqn in (
            "sum #0 0 10800",
            "prod #0 2 1",
            "sum 21600 0 @1",
            "sum 0 0 @2",
            "sum 21600 0 @3",
            "if @0 @3 0",
            "if @0 21600 @1",
            "if @0 0 @2",
            "if @0 @4 21600",
            "mid @5 @6",
            "mid @8 @5",
            "mid @7 @8",
            "mid @6 @7",
            "sum @6 0 @5",
        )
    )
    + '</v:formulas><v:path textpathok="t" o:connecttype="custom"'
    ' o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" o:connectangles="270,180,90,0"/>'
    '<v:textpath on="t" fitshape="t"/><v:handles><v:h position="#0,bottomRight" xrange="6629,14971"/>'
    '</v:handles><o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>'
)


def add_watermark(
    paragraph: Paragraph, text: str, *, number: int, font: str, colour: str, width_pt: float, height_pt: float
) -> None:
    """Put `text` across the middle of every page the paragraph's header heads, diagonally, faint.

    The form Word gives its own watermarks (Design > Watermark): a text-path shape in the
    header, behind the text, centred on the page's margins, rotated 315 degrees, filled with
    `colour` at 13% of its strength (as print.css draws the PDF's) and not stroked. Its id
    starts `PowerPlusWaterMarkObject`, which is how Word recognises a watermark (and offers to
    remove it). The text is stretched to the `width_pt` x `height_pt` box: give the box the
    text's own proportions. `number` tells the shapes of one document apart.
    """
    from xml.sax.saxutils import quoteattr

    style = (
        f"position:absolute;margin-left:0;margin-top:0;width:{width_pt:.1f}pt;height:{height_pt:.1f}pt;"
        "rotation:315;z-index:-251657216;mso-position-horizontal:center;"
        "mso-position-horizontal-relative:margin;mso-position-vertical:center;"
        "mso-position-vertical-relative:margin"
    )
    text_style = quoteattr(f'font-family:"{font}";font-size:1pt')
    shape = (
        f'<v:shape {_VML} id="PowerPlusWaterMarkObject{number}" o:spid="_x0000_s{2048 + number}"'
        f' type="#_x0000_t136" style="{style}" o:allowincell="f" fillcolor="{colour}" stroked="f">'
        '<v:fill opacity=".13"/>'
        f"<v:textpath style={text_style} string={quoteattr(xml_safe(text))}/></v:shape>"
    )
    pict = parse_xml(f"<w:pict {nsdecls('w')}>{_TEXT_PATH_TYPE.format(vml=_VML)}{shape}</w:pict>")
    run = paragraph.add_run()
    run._r.append(pict)


# --- anchors: where each text of a brief came from ------------------------------------------------

ANCHOR_PREFIX = "_bg"
"""Bookmark names of anchors start so: a leading underscore makes a bookmark hidden in Word."""
SOURCES_NAMESPACE = "urn:briefgen:sources:1"
"""The namespace of the custom XML part that says what each anchor names."""
_BOOKMARK_START, _BOOKMARK_END = qn("w:bookmarkStart"), qn("w:bookmarkEnd")
_SECT_PR, _W_P, _P_PR = qn("w:sectPr"), qn("w:p"), qn("w:pPr")
_ITEM_PROPERTIES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<ds:datastoreItem ds:itemID="{{{guid}}}" '
    'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml">'
    f'<ds:schemaRefs><ds:schemaRef ds:uri="{SOURCES_NAMESPACE}"/></ds:schemaRefs></ds:datastoreItem>'
)


def anchor_name(key: str) -> str:
    """Return the bookmark name of the anchor of field `key`: `_bg` and 12 hex digits of its hash.

    Word keeps bookmark names of up to 40 letters, digits and underscores; a key is longer and
    freer, so the name is its digest, and the document's source map says which key it is.
    """
    import hashlib

    return ANCHOR_PREFIX + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


class Anchors:
    """Hidden bookmarks around the texts of a document that come from source fields.

    Bookmarks, not content controls: Word and LibreOffice both keep a bookmark, with its name and
    place, through editing, tracked changes and saving again; LibreOffice 7.4 drops a content
    control's tag and breaks paragraph-level ones (docs/review.md says how this was tested).
    """

    def __init__(self) -> None:
        self.placed: list[tuple[str, str]] = []
        """(bookmark name, field key) of each anchor, in document order."""
        self._names: set[str] = set()

    @staticmethod
    def mark(element: BaseOxmlElement) -> int:
        """Return where `element` (a paragraph, the body or a table cell) ends now."""
        return sum(1 for child in element if child.tag != _SECT_PR)

    def wrap(self, element: BaseOxmlElement, mark: int, key: str) -> None:
        """Anchor what was added to `element` since `mark` as the text of field `key`.

        Inside a paragraph the bookmark encloses the new runs; in the body or a cell each new
        paragraph gets one of its own, around all its runs: LibreOffice 7.4 breaks a bookmark
        that spans paragraphs when it saves.
        """
        added = [child for child in element if child.tag != _SECT_PR][mark:]
        if not added:
            return
        if element.tag == _W_P:
            self._bookmark(element, added[0], added[-1], key)
            return
        for paragraph in [p for child in added for p in child.iter(_W_P)]:
            properties = paragraph.find(_P_PR)
            runs = [child for child in paragraph if child is not properties]
            self._bookmark(paragraph, runs[0] if runs else None, runs[-1] if runs else None, key)

    def _bookmark(
        self,
        paragraph: BaseOxmlElement,
        first: BaseOxmlElement | None,
        last: BaseOxmlElement | None,
        key: str,
    ) -> None:
        name = anchor_name(key)
        if name in self._names:  # a field's second paragraph (or a field shown twice) is told apart
            name = f"{name}_{sum(1 for n in self._names if n.startswith(name)) + 1}"
        self._names.add(name)
        number = len(self.placed) + 1
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(number))
        start.set(qn("w:name"), name)
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(number))
        if first is None or last is None:
            paragraph.append(start)
            paragraph.append(end)
        else:
            first.addprevious(start)
            last.addnext(end)
        self.placed.append((name, key))


def write_source_map(document: Document, attributes: Mapping[str, str], fields: list[dict[str, str]]) -> None:
    """Add the custom XML part that says which field each anchor names, and of which brief.

    `attributes` describe the document (brief, edition, language, country…); each of `fields`
    is one anchor (its bookmark name, the field's key and what the brief recorded of it). Word
    and LibreOffice keep a custom XML part as it is, and show it nowhere.
    """
    import hashlib
    import uuid
    from xml.sax.saxutils import quoteattr

    from docx.opc.part import Part

    def attrs(values: Mapping[str, str]) -> str:
        return "".join(f" {name}={quoteattr(xml_safe(value))}" for name, value in values.items())

    body = "".join(f"<field{attrs(field)}/>" for field in fields)
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<sources xmlns="{SOURCES_NAMESPACE}"{attrs(attributes)}>{body}</sources>'
    ).encode()
    package = document.part.package
    item = Part(package.next_partname("/customXml/item%d.xml"), CT.XML, xml, package)
    guid = uuid.UUID(bytes=hashlib.sha256(xml).digest()[:16], version=4)  # same map, same bytes
    name = str(item.partname).replace("/item", "/itemProps")
    properties = Part(
        PackURI(name),
        CT.OFC_CUSTOM_XML_PROPERTIES,
        _ITEM_PROPERTIES.format(guid=str(guid).upper()).encode(),
        package,
    )
    item.relate_to(properties, RT.CUSTOM_XML_PROPS)
    document.part.relate_to(item, RT.CUSTOM_XML)


def source_map(package: bytes) -> tuple[dict[str, str], list[dict[str, str]]] | None:
    """Return the attributes and fields of a DOCX's source map, or None when it has none."""
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        for name in sorted(archive.namelist()):
            if not (name.startswith("customXml/item") and name.endswith(".xml")) or "Props" in name:
                continue
            try:
                root = safe_xml(archive.read(name))
            except ValueError:  # lxml's syntax error is one
                continue
            if root.tag != f"{{{SOURCES_NAMESPACE}}}sources":
                continue
            fields = [dict(child.attrib) for child in root if child.tag == f"{{{SOURCES_NAMESPACE}}}field"]
            return dict(root.attrib), fields
    return None


def mark_copy(package: bytes, copy_number: int) -> bytes:
    """Return a DOCX whose source map also names the numbered copy it is (`copy="7"`)."""
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    marker = f'<sources xmlns="{SOURCES_NAMESPACE}"'.encode()
    for name, data in entries.items():
        if name.startswith("customXml/item") and marker in data:
            entries[name] = data.replace(marker, marker + f' copy="{copy_number}"'.encode(), 1)
    return write_package(entries)
