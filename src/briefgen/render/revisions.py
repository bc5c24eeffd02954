"""Word revisions: tracked insertions and deletions (`w:ins`/`w:del`) laid into a document's
XML, and the parts of a rendered DOCX that the redline reads and rewrites.

Raw XML that python-docx has no API for, as in `ooxml`; the redline (`render/redline.py`)
calls it by intent: a paragraph inserted, a row deleted, the words changed within a paragraph.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import itertools
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from docx.opc.oxml import serialize_part_xml
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.oxml.xmlchemy import BaseOxmlElement

from briefgen.render.ooxml import write_package, xml_safe

# --- tracked changes ----------------------------------------------------------------------------

_W_R, _W_T = qn("w:r"), qn("w:t")
_W_INS, _W_DEL, _W_DEL_TEXT = qn("w:ins"), qn("w:del"), qn("w:delText")
_W_RPR, _W_PPR, _W_TRPR = qn("w:rPr"), qn("w:pPr"), qn("w:trPr")
_R_ID = qn("r:id")
_RUN_TEXT = {qn("w:tab"): "\t", qn("w:br"): "\n", qn("w:cr"): "\n", qn("w:noBreakHyphen"): "\u2011"}
"""What the run content other than text shows, as characters; anything else shows nothing."""
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DC = "http://purl.org/dc/elements/1.1/"


def paragraph_text(p: BaseOxmlElement) -> str:
    """Return what a `w:p` says (tabs and line breaks as characters; notes and field codes aside)."""
    return "".join(_shown(child) for run in p.iter(_W_R) for child in run)


def paragraph_style(p: BaseOxmlElement) -> str | None:
    """Return the style id of a `w:p`, if it names one."""
    style = p.find(f"{_W_PPR}/{qn('w:pStyle')}")
    return None if style is None else style.get(qn("w:val"))


def table_style(tbl: BaseOxmlElement) -> str | None:
    """Return the style id of a `w:tbl`, if it names one."""
    style = tbl.find(f"{qn('w:tblPr')}/{qn('w:tblStyle')}")
    return None if style is None else style.get(qn("w:val"))


def _shown(child: BaseOxmlElement) -> str:
    if child.tag in (_W_T, _W_DEL_TEXT):
        return child.text or ""
    return _RUN_TEXT.get(child.tag, "")


class ChangeTracker:
    """Marks parts of a document as inserted (`w:ins`) or deleted (`w:del`), by one author at one moment.

    Works on the XML of a finished document, so whatever the document holds around a change
    (styles, footnote marks, hyperlinks, list numbering) stays as it is. Call `number` once the
    document is complete: revision ids then count up from 1 in document order, so the same
    redline gives the same bytes.
    """

    def __init__(self, *, author: str, date: dt.datetime) -> None:
        self.author = xml_safe(author)
        self.date = date.strftime("%Y-%m-%dT%H:%M:%SZ")

    def _mark(self, tag: str) -> BaseOxmlElement:
        element = OxmlElement(tag)
        element.set(qn("w:id"), "0")
        element.set(qn("w:author"), self.author)
        element.set(qn("w:date"), self.date)
        return element

    # --- whole paragraphs and table rows ----------------------------------------------------------

    def inserted_paragraph(self, p: BaseOxmlElement) -> None:
        """Track a `w:p` of the document, its text and its paragraph mark, as inserted."""
        self.inserted_runs(p)
        self._mark_paragraph(p, "w:ins")

    def deleted_paragraph(self, p: BaseOxmlElement) -> None:
        """Track a `w:p` (the old paragraph, put back in its place) as deleted."""
        self.deleted_runs(p)
        self._mark_paragraph(p, "w:del")

    def inserted_row(self, tr: BaseOxmlElement) -> None:
        """Track a table row `w:tr` and the text of its cells as inserted."""
        self._mark_row(tr, "w:ins")
        self.inserted_runs(tr)

    def deleted_row(self, tr: BaseOxmlElement) -> None:
        """Track a table row `w:tr` (the old row, put back in its place) and its text as deleted."""
        self._mark_row(tr, "w:del")
        self.deleted_runs(tr)

    def inserted_runs(self, element: BaseOxmlElement) -> None:
        """Track every run inside `element` as inserted."""
        self._wrap([r for r in element.iter(_W_R) if r.getparent().tag not in (_W_INS, _W_DEL)], "w:ins")

    def deleted_runs(self, element: BaseOxmlElement) -> None:
        """Track every run inside `element` as deleted (its text becomes deleted text)."""
        runs = [r for r in element.iter(_W_R) if r.getparent().tag not in (_W_INS, _W_DEL)]
        for run in runs:
            for child in run:
                if child.tag == _W_T:
                    child.tag = _W_DEL_TEXT
                elif child.tag == qn("w:instrText"):
                    child.tag = qn("w:delInstrText")
        self._wrap(runs, "w:del")

    def _wrap(self, runs: list[BaseOxmlElement], tag: str) -> None:
        """Wrap `runs` in marks: one mark around each stretch of runs that are next to each other."""
        groups: list[list[BaseOxmlElement]] = []
        for run in runs:
            if groups and run.getprevious() is groups[-1][-1]:
                groups[-1].append(run)
            else:
                groups.append([run])
        for group in groups:
            wrapper = self._mark(tag)
            group[0].addprevious(wrapper)
            wrapper.extend(group)

    def _mark_paragraph(self, p: BaseOxmlElement, tag: str) -> None:
        ppr = p.find(_W_PPR)
        if ppr is None:
            ppr = OxmlElement("w:pPr")
            p.insert(0, ppr)
        rpr = ppr.find(_W_RPR)
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            later = [c for c in ppr if c.tag in (qn("w:sectPr"), qn("w:pPrChange"))]
            if later:
                later[0].addprevious(rpr)
            else:
                ppr.append(rpr)
        rpr.insert(0, self._mark(tag))

    def _mark_row(self, tr: BaseOxmlElement, tag: str) -> None:
        trpr = tr.find(_W_TRPR)
        if trpr is None:
            trpr = OxmlElement("w:trPr")
            tr.insert(1 if len(tr) and tr[0].tag == qn("w:tblPrEx") else 0, trpr)
        change = trpr.find(qn("w:trPrChange"))
        if change is not None:
            change.addprevious(self._mark(tag))
        else:
            trpr.append(self._mark(tag))

    # --- words within a paragraph -----------------------------------------------------------------

    def changed_words(
        self, p: BaseOxmlElement, old: BaseOxmlElement, segments: Iterable[tuple[str, str]]
    ) -> None:
        """Track the word-level changes from paragraph `old` to `p` (a `w:p` of the document).

        `segments` are (equal|insert|delete, text) in reading order: equal and inserted text
        spell `p`'s text, equal and deleted text `old`'s. Runs of `p` are split where a change
        starts or ends (each piece keeps its formatting); inserted pieces are wrapped in `w:ins`,
        and deleted text comes back from `old`'s runs, with their formatting, as `w:del`. Runs
        that show no text (footnote marks, fields) stay untracked unless inside inserted text.
        """
        atoms = _atoms(p)
        old_atoms = _atoms(copy.deepcopy(old))
        segments = list(segments)
        cuts, pos = set(), 0
        for op, text in segments:
            if op != "delete":
                pos += len(text)
                cuts.add(pos)
        atoms = _split(atoms, cuts)
        if pos != sum(len(a.text) for a in atoms):
            raise ValueError("the word changes do not spell the paragraph's text")

        inserted: list[BaseOxmlElement] = []
        deletions: list[tuple[int, BaseOxmlElement]] = []
        pos = old_pos = 0
        for op, text in segments:
            end = pos + len(text)
            if op == "delete":
                deletions.append((pos, self._deleted_text(old_atoms, old_pos, old_pos + len(text))))
                old_pos += len(text)
                continue
            if op == "insert":
                inserted += [a.run for a in atoms if a.within(pos, end)]
            else:
                old_pos += len(text)
            pos = end
        self._wrap(inserted, "w:ins")
        for at, deleted in deletions:
            _place_at(atoms, at, deleted, p)

    def _deleted_text(self, atoms: list[_Atom], start: int, end: int) -> BaseOxmlElement:
        """Return a `w:del` holding the text of `atoms` from `start` to `end`, formatted as it was."""
        wrapper = self._mark("w:del")
        for atom in atoms:
            if not atom.text or atom.end <= start or atom.start >= end:
                continue
            run = OxmlElement("w:r")
            rpr = atom.run.find(_W_RPR)
            if rpr is not None:
                run.append(copy.deepcopy(rpr))
            content = atom.content
            if content is not None and content.tag == _W_T:
                text = OxmlElement("w:delText")
                text.set(qn("xml:space"), "preserve")
                text.text = atom.text[max(start - atom.start, 0) : end - atom.start]
                run.append(text)
            elif content is not None:
                run.append(copy.deepcopy(content))
            wrapper.append(run)
        return wrapper

    def number(self, root: BaseOxmlElement) -> None:
        """Number every change mark under `root` 1, 2, 3 in document order."""
        for n, mark in enumerate(root.iter(_W_INS, _W_DEL), start=1):
            mark.set(qn("w:id"), str(n))


class _Atom:
    """A run that holds at most one piece of content, at a place in its paragraph's text."""

    def __init__(self, run: BaseOxmlElement, start: int) -> None:
        self.run = run
        self.start = start
        self.text = "".join(_shown(child) for child in run)
        self.end = start + len(self.text)

    @property
    def content(self) -> BaseOxmlElement | None:
        return next((child for child in self.run if child.tag != _W_RPR), None)

    def within(self, start: int, end: int) -> bool:
        """Tell whether the run lies in the text from `start` to `end` (a mark: strictly inside)."""
        if self.text:
            return start <= self.start and self.end <= end
        return start < self.start < end


def _atoms(p: BaseOxmlElement) -> list[_Atom]:
    """Split each run of `p` with several pieces of content (text, tab, break) into one run each."""
    atoms: list[_Atom] = []
    position = 0
    for run in list(p.iter(_W_R)):
        content = [child for child in run if child.tag != _W_RPR]
        pieces = [run]
        if len(content) > 1:
            rpr = run.find(_W_RPR)
            pieces = []
            for child in content:
                piece = OxmlElement("w:r")
                if rpr is not None:
                    piece.append(copy.deepcopy(rpr))
                piece.append(child)
                run.addprevious(piece)
                pieces.append(piece)
            run.getparent().remove(run)
        for piece in pieces:
            atoms.append(_Atom(piece, position))
            position = atoms[-1].end
    return atoms


def _split(atoms: list[_Atom], cuts: set[int]) -> list[_Atom]:
    """Split text runs so that every position in `cuts` falls between two runs."""
    out: list[_Atom] = []
    for atom in atoms:
        inner = sorted(c for c in cuts if atom.start < c < atom.end)
        content = atom.content
        if not inner or content is None or content.tag != _W_T:
            out.append(atom)
            continue
        run, text = atom.run, atom.text
        bounds = [atom.start, *inner, atom.end]
        for n, (a, b) in enumerate(itertools.pairwise(bounds)):
            piece = run if n == 0 else copy.deepcopy(run)
            t = piece.find(_W_T)
            t.text = text[a - atom.start : b - atom.start]
            t.set(qn("xml:space"), "preserve")
            if n:
                out[-1].run.addnext(piece)
            out.append(_Atom(piece, a))
    return out


def _place_at(atoms: list[_Atom], position: int, element: BaseOxmlElement, p: BaseOxmlElement) -> None:
    """Put `element` at `position` of the paragraph's text: after the text that ends there."""

    def outermost(run: BaseOxmlElement) -> BaseOxmlElement:
        parent = run.getparent()
        return parent if parent.tag in (_W_INS, _W_DEL) else run

    before = [a for a in atoms if a.text and a.end <= position]
    after = [a for a in atoms if a.text and a.start >= position]
    if before:
        outermost(before[-1].run).addnext(element)
    elif after:
        outermost(after[0].run).addprevious(element)
    else:
        p.append(element)


# --- a document made of two: the redline's package ------------------------------------------------


class DocxParts:
    """A DOCX's parts, the XML ones parsed when asked for, to change it with pieces of another.

    The redline is the new brief's own DOCX with the old brief's deleted paragraphs put back; a
    paragraph copied from the other document still points at that document's footnotes,
    hyperlink relationships and list instances, and `carry_over` makes it point at this one's.
    """

    DOCUMENT = "word/document.xml"
    FOOTNOTES = "word/footnotes.xml"
    NUMBERING = "word/numbering.xml"
    CORE = "docProps/core.xml"

    def __init__(self, data: bytes) -> None:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            self._entries = {name: archive.read(name) for name in archive.namelist()}
        self._parsed: dict[str, BaseOxmlElement] = {}
        self._copied_notes: dict[str, str] = {}
        self._copied_lists: dict[str, str] = {}

    def xml(self, name: str) -> BaseOxmlElement | None:
        """Return part `name` as XML (changes to it are saved), or None if there is no such part."""
        if name not in self._parsed:
            if name not in self._entries:
                return None
            self._parsed[name] = parse_xml(self._entries[name])
        return self._parsed[name]

    @property
    def body(self) -> BaseOxmlElement:
        """Return the document's `w:body`."""
        document = self.xml(self.DOCUMENT)
        assert document is not None
        body: BaseOxmlElement = document.find(qn("w:body"))
        return body

    def to_bytes(self) -> bytes:
        """Return the package, parts changed or not, as `write_package` writes it."""
        entries = dict(self._entries)
        for name, element in self._parsed.items():
            entries[name] = serialize_part_xml(element)
        return write_package(entries)

    def set_core_properties(self, *, title: str, author: str) -> None:
        """Set the document's title and author (Dublin Core title and creator)."""
        core = self.xml(self.CORE)
        if core is None:
            return
        for tag, value in (("title", title), ("creator", author)):
            element = core.find(f"{{{_DC}}}{tag}")
            if element is None:
                element = core.makeelement(f"{{{_DC}}}{tag}", {})
                core.append(element)
            element.text = xml_safe(value)

    def carry_over(self, element: BaseOxmlElement, source: DocxParts, lists: Mapping[str, str]) -> None:
        """Make `element`, copied from `source`, point at this document's notes, links and lists.

        A footnote it refers to is copied over (as a new note, not tracked); a hyperlink gets a
        relationship of its own; a list item joins the list instance `lists` maps its old one to,
        else the same instance if both documents define it alike, else a copy of its old one.
        """
        self._carry_links(element, source, self.DOCUMENT)
        for mark in [*element.iter(qn("w:bookmarkStart"), qn("w:bookmarkEnd"))]:
            mark.getparent().remove(mark)  # the old text's anchors: the new text holds the same names
        notes = self.xml(self.FOOTNOTES)
        for reference in list(element.iter(qn("w:footnoteReference"))):
            old_id = reference.get(qn("w:id"))
            note = self._copied_note(old_id, source) if notes is not None else None
            if note is None:  # nowhere to put the note: the deleted text goes without its mark
                run = reference.getparent()
                run.getparent().remove(run)
            else:
                reference.set(qn("w:id"), note)
        for num_id in element.iter(qn("w:numId")):
            old = num_id.get(qn("w:val"))
            num_id.set(qn("w:val"), lists.get(old) or self._copied_list(old, source))

    def _copied_note(self, old_id: str, source: DocxParts) -> str | None:
        if old_id in self._copied_notes:
            return self._copied_notes[old_id]
        notes, old_notes = self.xml(self.FOOTNOTES), source.xml(self.FOOTNOTES)
        assert notes is not None
        found = None if old_notes is None else _with_id(old_notes, "w:footnote", "w:id", old_id)
        if found is None:
            return None
        note = copy.deepcopy(found)
        new_id = str(1 + max(int(n.get(qn("w:id"))) for n in notes.findall(qn("w:footnote"))))
        note.set(qn("w:id"), new_id)
        self._carry_links(note, source, self.FOOTNOTES)
        notes.append(note)
        self._copied_notes[old_id] = new_id
        return new_id

    def _copied_list(self, old_id: str, source: DocxParts) -> str:
        numbering, old_numbering = self.xml(self.NUMBERING), source.xml(self.NUMBERING)
        if numbering is None or old_numbering is None:
            return old_id
        old = _with_id(old_numbering, "w:num", "w:numId", old_id)
        same = _with_id(numbering, "w:num", "w:numId", old_id)
        if old is None:
            return old_id
        if same is not None and old.find(qn("w:lvlOverride")) is None and _alike(same, old):
            return old_id  # a list style's own instance, the same in both documents
        if old_id not in self._copied_lists:
            nums = numbering.findall(qn("w:num"))
            num = copy.deepcopy(old)
            new_id = str(1 + max((int(n.get(qn("w:numId"))) for n in nums), default=0))
            num.set(qn("w:numId"), new_id)
            if nums:
                nums[-1].addnext(num)
            else:
                numbering.append(num)
            self._copied_lists[old_id] = new_id
        return self._copied_lists[old_id]

    def _carry_links(self, element: BaseOxmlElement, source: DocxParts, part: str) -> None:
        """Give each relationship `element` uses (hyperlinks) a relationship of this part's."""
        for user in [e for e in element.iter() if e.get(_R_ID) is not None]:
            old = source._relationship(part, user.get(_R_ID))
            if old is None or old.get("TargetMode") != "External":
                del user.attrib[_R_ID]  # a link into the other package cannot come along
                continue
            user.set(_R_ID, self._relate_external(part, old.get("Type"), old.get("Target")))

    def _rels_name(self, part: str) -> str:
        folder, _, name = part.rpartition("/")
        return f"{folder}/_rels/{name}.rels"

    def _relationship(self, part: str, rid: str) -> BaseOxmlElement | None:
        rels = self.xml(self._rels_name(part))
        return None if rels is None else _with_id(rels, f"{{{_PACKAGE_RELS}}}Relationship", "Id", rid)

    def _relate_external(self, part: str, kind: str, target: str) -> str:
        name = self._rels_name(part)
        rels = self.xml(name)
        if rels is None:
            self._entries[name] = b""
            rels = self._parsed[name] = parse_xml(f'<Relationships xmlns="{_PACKAGE_RELS}"/>')
        relationships = rels.findall(f"{{{_PACKAGE_RELS}}}Relationship")
        for rel in relationships:
            if (rel.get("Type"), rel.get("Target"), rel.get("TargetMode")) == (kind, target, "External"):
                return str(rel.get("Id"))
        numbers = [int(r.get("Id")[3:]) for r in relationships if re.fullmatch(r"rId\d+", r.get("Id", ""))]
        rid = f"rId{1 + max(numbers, default=0)}"
        attributes = {"Id": rid, "Type": kind, "Target": target, "TargetMode": "External"}
        rels.append(rels.makeelement(f"{{{_PACKAGE_RELS}}}Relationship", attributes))
        return rid


def _alike(a: BaseOxmlElement, b: BaseOxmlElement) -> bool:
    return bool(serialize_part_xml(a) == serialize_part_xml(b))


def _with_id(root: BaseOxmlElement, tag: str, attribute: str, value: str) -> BaseOxmlElement | None:
    """Return the child of `root` called `tag` whose `attribute` is `value`."""
    name = tag if tag.startswith("{") else qn(tag)
    key = qn(attribute) if ":" in attribute else attribute
    return next((child for child in root.iter(name) if child.get(key) == value), None)


# --- reading a reviewed document -----------------------------------------------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
_W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
_REVISION_KINDS = {
    "ins": "insertion",
    "del": "deletion",
    "moveFrom": "moved away",
    "moveTo": "moved here",
}
_FORMATTING_CHANGES = {
    "rPrChange",
    "pPrChange",
    "sectPrChange",
    "tblPrChange",
    "tblGridChange",
    "trPrChange",
    "tcPrChange",
    "tblPrExChange",
    "numberingChange",
}
_STRUCTURE_CHANGES = {"cellIns", "cellDel", "cellMerge", "customXmlInsRangeStart", "customXmlDelRangeStart"}
_SKIPPED = {"sdtPr", "sdtEndPr", "instrText", "delInstrText", "drawing", "pict", "object", "fldData"}
"""Elements whose content is not text a reader sees."""
REVIEW_PARTS_LIMIT = 64 * 1024 * 1024
"""The most a reviewed file's parts may hold, unpacked (a zip bomb is refused, not unpacked)."""


@dataclass(frozen=True)
class Revision:
    """One tracked change of a reviewed document, as its file holds it."""

    id: str
    kind: str
    """`insertion`, `deletion`, `moved away`, `moved here`, `paragraph inserted`, `paragraph
    deleted` (a paragraph mark: one paragraph split, or two joined), `paragraph moved away`,
    `paragraph moved here`, `row inserted`, `row deleted`, `formatting` or `table cells`."""
    author: str
    date: str
    part: str
    """The part it stands in: `word/document.xml`, `word/footer1.xml`…"""
    move: str = ""
    """For a move: the name Word gives both of its ends."""


@dataclass(frozen=True)
class Token:
    """One step through a story of a document, in reading order."""

    kind: str
    """`text`, `paragraph` (a paragraph's end), `anchor-start`, `anchor-end`, `comment-start`,
    `comment-end`, `comment-ref`, or `change` (a revision that holds no text)."""
    text: str = ""
    inserted: Revision | None = None
    """The insertion (or move here) the text belongs to."""
    deleted: Revision | None = None
    """The deletion (or move away) that took the text out."""
    ref: str = ""
    """The anchor's bookmark name, or the comment's id."""
    change: Revision | None = None
    """For `change`: the revision."""


@dataclass
class Story:
    """A part of a reviewed document read as tokens: the body (footnotes read where they stand)
    or a header or footer."""

    part: str
    tokens: list[Token]


@dataclass
class ReviewedDocx:
    """A reviewed DOCX, read: its stories, its comments, and every revision element it holds."""

    body: Story
    furniture: list[Story]
    """Headers and footers."""
    comments: list[dict[str, str]]
    """Each comment: id, author, initials, date, text, para (its last paragraph's w14:paraId),
    parent (the paraId of the comment it answers), done ("1" when resolved)."""
    revisions: list[Revision]
    """Every revision element of the file, once each, in the order read."""


def _local(element: BaseOxmlElement) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _attr(element: BaseOxmlElement, name: str) -> str:
    return element.get(f"{{{_W}}}{name}") or ""


class _StoryReader:
    """Walks one story's XML into tokens, reading footnotes where their references stand."""

    def __init__(self, part: str, notes: Mapping[str, BaseOxmlElement], revisions: list[Revision]) -> None:
        self.part = part
        self.notes = notes
        self.revisions = revisions
        self.tokens: list[Token] = []
        self.bookmarks: dict[str, str] = {}
        self.move_name = ""

    def revision(self, element: BaseOxmlElement, kind: str, part: str | None = None) -> Revision:
        found = Revision(
            _attr(element, "id"),
            kind,
            _attr(element, "author"),
            _attr(element, "date"),
            part or self.part,
            self.move_name if "moved" in kind else "",
        )
        self.revisions.append(found)
        return found

    def read(
        self, element: BaseOxmlElement, inserted: Revision | None = None, deleted: Revision | None = None
    ) -> None:
        for child in element:
            name = _local(child)
            if name in _SKIPPED:
                continue
            if name == "p":
                self.paragraph(child, inserted, deleted)
            elif name == "r":
                self.run(child, inserted, deleted)
            elif name in ("ins", "moveTo"):
                found = self.revision(child, _REVISION_KINDS[name])
                self.tokens.append(Token("change", change=found))  # where it stands, even holding no text
                self.read(child, found, deleted)
            elif name in ("del", "moveFrom"):
                found = self.revision(child, _REVISION_KINDS[name])
                self.tokens.append(Token("change", change=found))
                self.read(child, inserted, found)
            elif name == "bookmarkStart":
                bookmark = _attr(child, "name")
                if bookmark.startswith("_bg"):
                    self.bookmarks[_attr(child, "id")] = bookmark
                    self.tokens.append(Token("anchor-start", ref=bookmark))
            elif name == "bookmarkEnd":
                bookmark = self.bookmarks.pop(_attr(child, "id"), "")
                if bookmark:
                    self.tokens.append(Token("anchor-end", ref=bookmark))
            elif name in ("commentRangeStart", "commentRangeEnd"):
                kind = "comment-start" if name == "commentRangeStart" else "comment-end"
                self.tokens.append(Token(kind, ref=_attr(child, "id")))
            elif name in ("moveFromRangeStart", "moveToRangeStart"):
                self.move_name = _attr(child, "name")
            elif name == "tr":
                self.row(child, inserted, deleted)
            elif name in _FORMATTING_CHANGES:
                self.tokens.append(Token("change", change=self.revision(child, "formatting")))
            elif name in _STRUCTURE_CHANGES:
                self.tokens.append(Token("change", change=self.revision(child, "table cells")))
            elif name in ("pPr", "rPr", "tblPr", "tcPr", "sectPr", "tblPrEx", "trPr"):
                self.properties(child)
            else:  # tables, cells, hyperlinks, content controls, smart tags, simple fields…
                self.read(child, inserted, deleted)

    def properties(self, element: BaseOxmlElement) -> None:
        """Read the changes recorded in a properties element (formatting), not its content."""
        for child in element.iter():
            if _local(child) in _FORMATTING_CHANGES:
                self.tokens.append(Token("change", change=self.revision(child, "formatting")))

    def row(self, tr: BaseOxmlElement, inserted: Revision | None, deleted: Revision | None) -> None:
        properties = tr.find(f"{{{_W}}}trPr")
        if properties is not None:
            for mark in properties:
                kind = {"ins": "row inserted", "del": "row deleted"}.get(_local(mark))
                if kind is not None:
                    self.tokens.append(Token("change", change=self.revision(mark, kind)))
        self.read(tr, inserted, deleted)

    def paragraph(self, p: BaseOxmlElement, inserted: Revision | None, deleted: Revision | None) -> None:
        mark_inserted, mark_deleted = inserted, deleted
        for child in p:  # a moved paragraph's mark is part of the move its range names
            if _local(child) in ("moveFromRangeStart", "moveToRangeStart"):
                self.move_name = _attr(child, "name")
                break
        properties = p.find(f"{{{_W}}}pPr")
        if properties is not None:
            run_properties = properties.find(f"{{{_W}}}rPr")
            if run_properties is not None:
                for mark in run_properties:
                    kind = {
                        "ins": "paragraph inserted",
                        "moveTo": "paragraph moved here",
                        "del": "paragraph deleted",
                        "moveFrom": "paragraph moved away",
                    }.get(_local(mark))
                    if kind is None:
                        continue
                    if kind in ("paragraph inserted", "paragraph moved here"):
                        mark_inserted = self.revision(mark, kind)
                    else:
                        mark_deleted = self.revision(mark, kind)
        self.read(p, inserted, deleted)
        self.tokens.append(Token("paragraph", "\n", mark_inserted, mark_deleted))

    def run(self, r: BaseOxmlElement, inserted: Revision | None, deleted: Revision | None) -> None:
        for child in r:
            name = _local(child)
            if name == "rPr":
                self.properties(child)
            elif name in ("t", "delText"):
                self.text(child.text or "", inserted, deleted)
            elif name in ("tab", "ptab"):
                self.text("\t", inserted, deleted)
            elif name in ("br", "cr"):
                self.text("\n", inserted, deleted)
            elif name == "noBreakHyphen":
                self.text("\u2011", inserted, deleted)
            elif name == "commentReference":
                self.tokens.append(Token("comment-ref", ref=_attr(child, "id")))
            elif name == "footnoteReference":
                self.footnote(_attr(child, "id"), inserted, deleted)

    def text(self, text: str, inserted: Revision | None, deleted: Revision | None) -> None:
        if text:
            self.tokens.append(Token("text", text, inserted, deleted))

    def footnote(self, note_id: str, inserted: Revision | None, deleted: Revision | None) -> None:
        """Read a footnote where its mark stands, as the Markdown writes one: `^[…]`."""
        note = self.notes.get(note_id)
        if note is None:
            return
        self.text("^[", inserted, deleted)
        reader = _StoryReader("word/footnotes.xml", self.notes, self.revisions)
        reader.bookmarks = self.bookmarks
        reader.read(note, inserted, deleted)
        tokens = reader.tokens
        # the note's own number and the tab after it are the note's furniture, not its text
        while tokens and tokens[-1].kind == "paragraph":
            tokens.pop()
        for n, token in enumerate(tokens):
            if token.kind == "text" and token.text == "\t":
                del tokens[n]
                break
        for token in tokens:
            if token.kind == "paragraph":  # a note of two paragraphs reads as one line
                token = Token("text", " ", token.inserted, token.deleted)
            self.tokens.append(token)
        self.text("]", inserted, deleted)


def read_reviewed(data: bytes) -> ReviewedDocx:
    """Read a reviewed DOCX: its body and page furniture as tokens, its comments and revisions.

    Raises ValueError for a file that is not a readable DOCX (not a zip, no body, too big).
    """
    from briefgen.render.ooxml import safe_xml

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ValueError("not a Word document (.docx): it is not a zip file") from None
    with archive:
        names = set(archive.namelist())
        if "word/document.xml" not in names:
            raise ValueError("not a Word document (.docx): it has no word/document.xml")
        if sum(info.file_size for info in archive.infolist()) > REVIEW_PARTS_LIMIT:
            raise ValueError(f"its parts unpack to more than {REVIEW_PARTS_LIMIT // 2**20} MB")

        def xml(name: str) -> BaseOxmlElement | None:
            if name not in names:
                return None
            try:
                root: BaseOxmlElement = safe_xml(archive.read(name))
            except (ValueError, zipfile.BadZipFile, EOFError) as exc:  # lxml's syntax error is a ValueError
                raise ValueError(f"{name} is damaged: {exc}") from None
            return root

        document = xml("word/document.xml")
        assert document is not None
        notes_root = xml("word/footnotes.xml")
        notes = {}
        if notes_root is not None:
            notes = {_attr(n, "id"): n for n in notes_root if _local(n) == "footnote"}
        revisions: list[Revision] = []
        body_reader = _StoryReader("word/document.xml", notes, revisions)
        body = document.find(f"{{{_W}}}body")
        if body is None:
            raise ValueError("word/document.xml has no body")
        body_reader.read(body)
        furniture = []
        for name in sorted(n for n in names if re.fullmatch(r"word/(header|footer)\d*\.xml", n)):
            root = xml(name)
            if root is not None:
                reader = _StoryReader(name, notes, revisions)
                reader.read(root)
                furniture.append(Story(name, reader.tokens))
        comments = _comments(xml("word/comments.xml"), xml("word/commentsExtended.xml"))
        # a footnote no reference reaches is read too: none of its revisions is left out
        referenced = {_attr(ref, "id") for ref in document.iter(f"{{{_W}}}footnoteReference")}
        orphans = _StoryReader("word/footnotes.xml", {}, revisions)
        for note_id, note in notes.items():
            if note_id not in referenced:
                orphans.read(note)
        if orphans.tokens:
            furniture.append(Story("word/footnotes.xml", orphans.tokens))
    return ReviewedDocx(Story("word/document.xml", body_reader.tokens), furniture, comments, revisions)


def _comments(root: BaseOxmlElement | None, extended: BaseOxmlElement | None) -> list[dict[str, str]]:
    """Return the comments of comments.xml with their reply links from commentsExtended.xml.

    Word writes a reply as a comment of its own; commentsExtended (`w15`) links it to the
    comment it answers by the paragraph id (`w14:paraId`) of each one's last paragraph.
    """
    if root is None:
        return []
    threads: dict[str, tuple[str, str]] = {}
    if extended is not None:
        for entry in extended:
            para = entry.get(f"{{{_W15}}}paraId") or ""
            threads[para] = (entry.get(f"{{{_W15}}}paraIdParent") or "", entry.get(f"{{{_W15}}}done") or "")
    found = []
    for comment in root:
        if _local(comment) != "comment":
            continue
        paragraphs = list(comment.iter(f"{{{_W}}}p"))
        para = (paragraphs[-1].get(f"{{{_W14}}}paraId") or "") if paragraphs else ""
        parent, done = threads.get(para, ("", ""))
        found.append(
            {
                "id": _attr(comment, "id"),
                "para": para,
                "parent": parent,
                "done": "1" if done in ("1", "true") else "",
            }
        )
    return found


def count_revision_elements(data: bytes) -> int:
    """Return how many revision elements a DOCX holds in all its stories (for checking none is lost)."""
    from briefgen.render.ooxml import safe_xml

    kinds = {*_REVISION_KINDS, *_FORMATTING_CHANGES, *_STRUCTURE_CHANGES}
    count = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if not re.fullmatch(r"word/(document|footnotes|header\d*|footer\d*)\.xml", name):
                continue
            for element in safe_xml(archive.read(name)).iter():
                if _local(element) in kinds and element.tag.startswith(f"{{{_W}}}"):
                    count += 1
    return count
