"""Review marks written into a DOCX as Microsoft Word writes them, for the review tests.

Word is not on these machines, so its way of writing a review is written by hand, from its own
files: tracked changes as `w:ins` / `w:del` with `w:delText`, a deleted paragraph mark in the
paragraph's `w:pPr/w:rPr`, a move as `w:moveFrom` / `w:moveTo` between named range marks,
comments as `commentRangeStart` / `commentRangeEnd` / `commentReference` in the text and
`w:comment` in comments.xml, each comment paragraph with a `w14:paraId`, replies and the "done"
state in commentsExtended.xml (`w15:commentEx`, `paraIdParent`), and durable ids in
commentsIds.xml (`w16cid`). Every mark has an author and a date.
"""

from __future__ import annotations

import copy
import io
import zipfile
from collections.abc import Sequence

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
W16CID = "http://schemas.microsoft.com/office/word/2016/wordml/cid"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
DATE = "2024-03-06T10:15:00Z"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


class WordReview:
    """A DOCX being reviewed the way Word records it."""

    def __init__(self, data: bytes) -> None:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            self.entries = {name: archive.read(name) for name in archive.namelist()}
        self.document = etree.fromstring(self.entries["word/document.xml"])
        self.comments: list[etree._Element] = []
        self.extended: list[tuple[str, str | None, bool]] = []
        self.next_id = 900
        self.next_para = 0x1A2B3C00

    # --- finding text ---------------------------------------------------------------------------

    def paragraph(self, text: str, root: etree._Element | None = None) -> etree._Element:
        """Return the paragraph (of the body, or of `root`) whose text contains `text`."""
        for p in (self.document if root is None else root).iter(w("p")):
            if text in "".join(t.text or "" for t in p.iter(w("t"))):
                return p
        raise AssertionError(f"no paragraph holds {text!r}")

    def isolate(self, text: str, paragraph: etree._Element | None = None) -> list[etree._Element]:
        """Split runs so that `text` is exactly the text of consecutive runs; return those runs."""
        p = paragraph if paragraph is not None else self.paragraph(text)
        runs = [r for r in p.iter(w("r")) if r.find(w("t")) is not None]
        full = "".join(r.find(w("t")).text or "" for r in runs)
        start = full.index(text)
        end = start + len(text)
        offset = 0
        found = []
        for run in runs:
            t = run.find(w("t"))
            value = t.text or ""
            a, b = offset, offset + len(value)
            offset = b
            if b <= start or a >= end:
                continue
            cut_from, cut_to = max(start, a) - a, min(end, b) - a
            pieces = [value[:cut_from], value[cut_from:cut_to], value[cut_to:]]
            made = []
            for piece in pieces:
                if not piece:
                    made.append(None)
                    continue
                clone = copy.deepcopy(run)
                clone_t = clone.find(w("t"))
                clone_t.text = piece
                clone_t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                made.append(clone)
            for clone in made:
                if clone is not None:
                    run.addprevious(clone)
            run.getparent().remove(run)
            found.append(made[1])
        return found

    def _mark(self, tag: str, author: str, date: str = DATE) -> etree._Element:
        element = etree.Element(w(tag))
        element.set(w("id"), str(self.next_id))
        self.next_id += 1
        element.set(w("author"), author)
        element.set(w("date"), date)
        return element

    # --- tracked changes ------------------------------------------------------------------------

    def insert(self, after: str, text: str, author: str, paragraph_text: str | None = None) -> etree._Element:
        """Insert `text` right after `after` (in the paragraph holding `paragraph_text`, or `after`)."""
        p = self.paragraph(paragraph_text or after)
        runs = self.isolate(after, p)
        mark = self._mark("ins", author)
        run = copy.deepcopy(runs[-1])
        run.find(w("t")).text = text
        mark.append(run)
        runs[-1].addnext(mark)
        return mark

    def insert_in_part(self, part: str, after: str, text: str, author: str) -> None:
        """Insert `text` after `after` in another part (a header or footer), tracked."""
        root = etree.fromstring(self.entries[part])
        runs = self.isolate(after, self.paragraph(after, root))
        mark = self._mark("ins", author)
        run = copy.deepcopy(runs[-1])
        run.find(w("t")).text = text
        mark.append(run)
        runs[-1].addnext(mark)
        self.entries[part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def delete(self, text: str, author: str, paragraph_text: str | None = None) -> None:
        """Delete `text` (tracked)."""
        p = self.paragraph(paragraph_text or text)
        runs = self.isolate(text, p)
        mark = self._mark("del", author)
        runs[0].addprevious(mark)
        for run in runs:
            t = run.find(w("t"))
            t.tag = w("delText")
            mark.append(run)

    def delete_across(self, tail_of_first: str, head_of_second: str, author: str) -> None:
        """Delete from `tail_of_first` to the end of its paragraph, the paragraph mark, and the
        start of the next paragraph up to `head_of_second`, as Word does for a selection over
        two paragraphs."""
        first = self.paragraph(tail_of_first)
        self.delete(tail_of_first, author, tail_of_first)
        properties = first.find(w("pPr"))
        if properties is None:
            properties = etree.SubElement(first, w("pPr"))
            first.insert(0, properties)
        run_properties = properties.find(w("rPr"))
        if run_properties is None:
            run_properties = etree.SubElement(properties, w("rPr"))
        run_properties.append(self._mark("del", author))
        self.delete(head_of_second, author, head_of_second)

    def move_before(self, moved: str, before: str, author: str, name: str = "move160000001") -> None:
        """Move the paragraph holding `moved` to just before the one holding `before` (tracked)."""
        source = self.paragraph(moved)
        target = self.paragraph(before)
        destination = copy.deepcopy(source)
        for mark in [*destination.iter(w("bookmarkStart")), *destination.iter(w("bookmarkEnd"))]:
            mark.getparent().remove(mark)  # the anchor stays where the text was (see the tests)
        for p, kind in ((source, "moveFrom"), (destination, "moveTo")):
            runs = [r for r in p if r.tag == w("r")]
            start = self._mark(f"{kind}RangeStart", author)
            start.set(w("name"), name)
            end = etree.Element(w(f"{kind}RangeEnd"))
            end.set(w("id"), start.get(w("id")))
            wrapper = self._mark(kind, author)
            runs[0].addprevious(start)
            start.addnext(wrapper)
            for run in runs:
                if kind == "moveFrom":
                    run.find(w("t")).tag = w("delText")
                wrapper.append(run)
            wrapper.addnext(end)
            properties = p.find(w("pPr"))
            run_properties = properties.find(w("rPr"))
            if run_properties is None:
                run_properties = etree.SubElement(properties, w("rPr"))
            run_properties.append(self._mark(kind, author))
        target.addprevious(destination)

    # --- comments -------------------------------------------------------------------------------

    def comment(
        self,
        text: str,
        said: str,
        author: str,
        *,
        replies: Sequence[tuple[str, str]] = (),
        done: bool = False,
        paragraph_text: str | None = None,
        inside: etree._Element | None = None,
    ) -> None:
        """Comment on `text` (or on everything inside the element `inside`), with replies."""
        if inside is not None:
            first = last = inside
        else:
            runs = self.isolate(text, self.paragraph(paragraph_text or text))
            first, last = runs[0], runs[-1]
        ids = []
        parent_para = None
        for n, (who, words) in enumerate([(author, said), *replies]):
            cid = str(len(self.comments))
            ids.append(cid)
            para = f"{self.next_para:08X}"
            self.next_para += 1
            self.comments.append(self._comment_element(cid, who, words, para))
            self.extended.append((para, parent_para if n else None, done and n == 0))
            if n == 0:
                parent_para = para
        for cid in ids:  # Word puts a reply's range and reference where its comment's are
            start = etree.Element(w("commentRangeStart"))
            start.set(w("id"), cid)
            first.addprevious(start)
        anchor = last
        for cid in ids:
            end = etree.Element(w("commentRangeEnd"))
            end.set(w("id"), cid)
            anchor.addnext(end)
            reference = etree.Element(w("r"))
            style = etree.SubElement(etree.SubElement(reference, w("rPr")), w("rStyle"))
            style.set(w("val"), "CommentReference")
            etree.SubElement(reference, w("commentReference")).set(w("id"), cid)
            end.addnext(reference)
            anchor = reference

    def _comment_element(self, cid: str, author: str, text: str, para: str) -> etree._Element:
        comment = etree.Element(w("comment"), nsmap={"w": W, "w14": W14})
        comment.set(w("id"), cid)
        comment.set(w("author"), author)
        comment.set(w("date"), DATE)
        comment.set(w("initials"), "".join(part[0] for part in author.split()))
        p = etree.SubElement(comment, w("p"))
        p.set(f"{{{W14}}}paraId", para)
        p.set(f"{{{W14}}}textId", "77777777")
        style = etree.SubElement(etree.SubElement(p, w("pPr")), w("pStyle"))
        style.set(w("val"), "CommentText")
        mark = etree.SubElement(p, w("r"))
        etree.SubElement(etree.SubElement(mark, w("rPr")), w("rStyle")).set(w("val"), "CommentReference")
        etree.SubElement(mark, w("annotationRef"))
        run = etree.SubElement(p, w("r"))
        t = etree.SubElement(run, w("t"))
        t.text = text
        return comment

    # --- the file ---------------------------------------------------------------------------------

    def save(self) -> bytes:
        """Return the reviewed DOCX, with the comment parts Word writes and their relationships."""
        entries = dict(self.entries)
        entries["word/document.xml"] = etree.tostring(
            self.document, xml_declaration=True, encoding="UTF-8", standalone=True
        )
        if self.comments:
            comments = etree.Element(w("comments"), nsmap={"w": W, "w14": W14, "mc": MC})
            comments.set(f"{{{MC}}}Ignorable", "w14")
            comments.extend(self.comments)
            extended = etree.Element(f"{{{W15}}}commentsEx", nsmap={"w15": W15, "mc": MC})
            extended.set(f"{{{MC}}}Ignorable", "w15")
            for para, parent, done in self.extended:
                entry = etree.SubElement(extended, f"{{{W15}}}commentEx")
                entry.set(f"{{{W15}}}paraId", para)
                if parent:
                    entry.set(f"{{{W15}}}paraIdParent", parent)
                entry.set(f"{{{W15}}}done", "1" if done else "0")
            ids = etree.Element(f"{{{W16CID}}}commentsIds", nsmap={"w16cid": W16CID, "mc": MC})
            ids.set(f"{{{MC}}}Ignorable", "w16cid")
            for n, (para, _, _) in enumerate(self.extended):
                entry = etree.SubElement(ids, f"{{{W16CID}}}commentId")
                entry.set(f"{{{W16CID}}}paraId", para)
                entry.set(f"{{{W16CID}}}durableId", f"{0x4E000000 + n:08X}")
            parts = {
                "word/comments.xml": (comments, "comments", "wordprocessingml.comments+xml"),
                "word/commentsExtended.xml": (
                    extended,
                    "commentsExtended",
                    "wordprocessingml.commentsExtended+xml",
                ),
                "word/commentsIds.xml": (ids, "commentsIds", "wordprocessingml.commentsIds+xml"),
            }
            rels = etree.fromstring(entries["word/_rels/document.xml.rels"])
            types = etree.fromstring(entries["[Content_Types].xml"])
            relation_base = {
                "comments": "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments",
                "commentsExtended": "http://schemas.microsoft.com/office/2011/relationships/commentsExtended",
                "commentsIds": "http://schemas.microsoft.com/office/2016/09/relationships/commentsIds",
            }
            for n, (name, (root, kind, content)) in enumerate(parts.items()):
                entries[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
                rel = etree.SubElement(rels, f"{{{PKG_REL}}}Relationship")
                rel.set("Id", f"rIdReview{n}")
                rel.set("Type", relation_base[kind])
                rel.set("Target", name.removeprefix("word/"))
                override = etree.SubElement(types, f"{{{CT}}}Override")
                override.set("PartName", "/" + name)
                override.set("ContentType", "application/vnd.openxmlformats-officedocument." + content)
            entries["word/_rels/document.xml.rels"] = etree.tostring(
                rels, xml_declaration=True, encoding="UTF-8", standalone=True
            )
            entries["[Content_Types].xml"] = etree.tostring(
                types, xml_declaration=True, encoding="UTF-8", standalone=True
            )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in entries.items():
                archive.writestr(name, data)
        return buffer.getvalue()
