"""A reviewer's Word file, read back to the source fields its texts came from.

Every text of a briefgen DOCX that comes from a source field is anchored (a hidden bookmark) and
the document's source map says which field each anchor names (`render/ooxml.py`). Reading a
reviewed file walks its text in order (`render/revisions.py`), and gives each comment and each
tracked change to the field whose anchor holds it. What no anchor holds (a comment on a
generated sentence, on the page furniture, on text the reviewer typed between fields) is listed
with its context: every comment and every revision of the file ends up in one of the two lists.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from briefgen.reading import DOCUMENT
from briefgen.reading import read_file as read_bounded
from briefgen.render.revisions import ReviewedDocx, Revision, read_reviewed

PARAGRAPH_BREAK = "\n\n"
"""How a field's paragraphs are joined when its text is read (as Markdown separates them)."""


@dataclass(frozen=True)
class Comment:
    """A reviewer's comment, with the replies to it."""

    id: str
    author: str
    initials: str
    date: str
    text: str
    on: str
    """The text the comment is attached to."""
    done: bool = False
    replies: tuple[Comment, ...] = ()


@dataclass(frozen=True)
class Change:
    """A tracked change: what was inserted or deleted (or moved), by whom and when."""

    kind: str
    author: str
    date: str
    text: str
    context: str
    """The paragraph it stands in, as it reads with the changes accepted."""


@dataclass
class FieldReview:
    """What the reviewers of one file did to one source field."""

    key: str
    anchor: str
    digest: str = ""
    shape: str = ""
    translated: bool | None = None
    english: str = ""
    """For a translated field: the digest of the English its translation was made for."""
    old: str = ""
    """The field's text as the file showed it before the tracked changes."""
    new: str = ""
    """The field's text with every tracked change accepted."""
    changes: list[Change] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    structure: list[str] = field(default_factory=list)
    """Changes that join, split or move fields: said, never applied."""

    @property
    def file(self) -> str:
        """Return the source file the field is in (relative to the brief, or to the countries)."""
        return self.key.partition(":")[0]

    @property
    def path(self) -> str:
        """Return the field's path in its file."""
        return self.key.partition(":")[2]


@dataclass(frozen=True)
class Unmapped:
    """A comment or change that no source field holds, and where it stands."""

    where: str
    """`generated text`, `page furniture`, `text added outside any field`…"""
    context: str
    comment: Comment | None = None
    change: Change | None = None


@dataclass
class FileReview:
    """One reviewer's file, read: which document it is, and its comments and changes, mapped."""

    path: Path
    brief: str = ""
    edition: int | None = None
    language: str = ""
    country: str = ""
    draft: bool = False
    scenario: str = ""
    copy_number: int | None = None
    recipient: str = ""
    """Who holds the copy, from the distribution ledger (for a numbered copy)."""
    fields: dict[str, FieldReview] = field(default_factory=dict)
    unmapped: list[Unmapped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What the reader should know about the file: another brief, another edition, a copy."""
    comment_count: int = 0
    revision_count: int = 0

    @property
    def has_map(self) -> bool:
        """Return whether the file says which brief and edition it is."""
        return bool(self.brief)


def read_file(
    path: Path,
    data: bytes | None = None,
    expect: Callable[[FileReview], Mapping[str, tuple[str, str]]] | None = None,
) -> FileReview:
    """Read one reviewed DOCX; raise ValueError when it is not a readable Word document.

    `expect`, given the file (which brief, edition, language and country it is), returns the
    digest and the text of each field as the sources make them; where the digest is the one the
    file recorded, that is the text the file showed before anyone changed it.
    """
    import docx

    from briefgen.render.ooxml import source_map

    data = read_bounded(path, DOCUMENT) if data is None else data
    reviewed = read_reviewed(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx says why in its own words
        raise ValueError(f"Word cannot be read from it: {exc}") from None
    review = FileReview(path)
    found = source_map(data)
    anchors: dict[str, dict[str, str]] = {}
    if found is not None:
        attributes, fields = found
        review.brief = attributes.get("brief", "")
        edition = attributes.get("edition", "")
        review.edition = int(edition) if edition.isdigit() else None
        review.language = attributes.get("language", "")
        review.country = attributes.get("country", "")
        review.draft = attributes.get("draft") == "true"
        review.scenario = attributes.get("scenario", "")
        copy = attributes.get("copy", "")
        review.copy_number = int(copy) if copy.isdigit() else None
        anchors = {f["anchor"]: f for f in fields if f.get("anchor") and f.get("key")}
    comments = _comment_records(document, reviewed)
    expected = expect(review) if expect is not None and review.has_map else None
    _Mapper(review, reviewed, anchors, comments, expected).run()
    return review


def _comment_records(document: object, reviewed: ReviewedDocx) -> dict[str, dict[str, str]]:
    """Return each comment's id, author, initials, date, text and thread links, by id."""
    threads = {c["id"]: c for c in reviewed.comments}
    records = {}
    for comment in document.comments:  # type: ignore[attr-defined]
        cid = str(comment.comment_id)
        stamp = comment.timestamp
        records[cid] = {
            "id": cid,
            "author": comment.author or "",
            "initials": comment.initials or "",
            "date": stamp.strftime("%Y-%m-%dT%H:%M:%SZ") if stamp is not None else "",
            "text": comment.text.strip(),
            **{k: v for k, v in threads.get(cid, {}).items() if k in ("para", "parent", "done")},
        }
    return records


@dataclass
class _Atom:
    """One character of the body (or a paragraph's end, or a mark that takes no room)."""

    kind: str
    """`text`, `paragraph`, or a token kind that takes no room (`anchor-start`, `comment-ref`…)."""
    text: str = ""
    inserted: Revision | None = None
    deleted: Revision | None = None
    ref: str = ""
    change: Revision | None = None
    paragraph: int = 0

    @property
    def solid(self) -> bool:
        return self.kind in ("text", "paragraph")


class _Mapper:
    """Gives each comment and change of one file to the field whose anchor holds it.

    The body is read as atoms, one a character; each anchor holds a span of them. Where the
    sources say what an anchor's text was (`expected`), a span that does not read so is moved to
    where it does, in the same paragraphs: LibreOffice, opening a file whose anchored text has
    comments, puts a bookmark's end one character early for each, and the reader puts it back.
    """

    def __init__(
        self,
        review: FileReview,
        reviewed: ReviewedDocx,
        anchors: dict[str, dict[str, str]],
        comments: dict[str, dict[str, str]],
        expected: Mapping[str, tuple[str, str]] | None = None,
    ) -> None:
        self.review = review
        self.reviewed = reviewed
        self.anchors = anchors
        self.comments = comments
        digests = {a["key"]: a.get("digest") for a in anchors.values()}
        self.expected = {
            key: text for key, (digest, text) in (expected or {}).items() if digests.get(key) == digest
        }
        """The text each field had when the file was made, where its source is unchanged since."""
        self.by_key: dict[str, dict[str, str]] = {}
        for entry in anchors.values():
            self.by_key.setdefault(entry["key"], entry)
        self.atoms: list[_Atom] = []
        self.spans: dict[str, tuple[int, int]] = {}
        """Each field's atoms, [start, end): from its first anchor's start to its last one's end
        (a field of several paragraphs has an anchor in each)."""

    def run(self) -> None:
        self._atoms()
        self._spans()
        self._fields()
        self._changes()
        self._comments()
        self.review.revision_count = len(self.reviewed.revisions)
        self.review.comment_count = len(self.comments)

    # --- the body as atoms, and the anchors' spans ------------------------------------------------

    def _atoms(self) -> None:
        paragraph = 0
        self.in_paragraph: dict[int, list[int]] = {}
        """The atoms of each paragraph, by its number."""
        for token in self.reviewed.body.tokens:
            if token.kind == "text":
                for char in token.text:
                    self.atoms.append(_Atom("text", char, token.inserted, token.deleted, paragraph=paragraph))
            elif token.kind == "paragraph":
                self.atoms.append(
                    _Atom("paragraph", PARAGRAPH_BREAK, token.inserted, token.deleted, paragraph=paragraph)
                )
                paragraph += 1
            else:
                self.atoms.append(_Atom(token.kind, ref=token.ref, change=token.change, paragraph=paragraph))
        for index, atom in enumerate(self.atoms):
            self.in_paragraph.setdefault(atom.paragraph, []).append(index)

    def _spans(self) -> None:
        starts: dict[str, int] = {}
        for index, atom in enumerate(self.atoms):
            if atom.kind == "anchor-start" and atom.ref in self.anchors:
                starts[atom.ref] = index
            elif atom.kind == "anchor-end" and atom.ref in starts:
                key = self.anchors[atom.ref]["key"]
                start = starts.pop(atom.ref)
                before = self.spans.get(key)
                self.spans[key] = (min(start, before[0]), max(index, before[1])) if before else (start, index)
        for key, (start, end) in list(self.spans.items()):
            wanted = self.expected.get(key)
            if wanted is not None and self._old(start, end) != wanted:
                found = self._find(wanted, start, end)
                if found is not None:
                    start, end = found
            self.spans[key] = self._with_insertions(key, start, end)

    def _old(self, start: int, end: int) -> str:
        return "".join(a.text for a in self.atoms[start:end] if a.solid and a.inserted is None).strip("\n")

    def _find(self, wanted: str, start: int, end: int) -> tuple[int, int] | None:
        """Return the span in the anchor's paragraphs whose text (before the changes) is `wanted`."""
        first = self.atoms[start].paragraph
        last = self.atoms[max(start, end - 1)].paragraph
        indexes = [
            i
            for paragraph in range(first, last + 1)
            for i in self.in_paragraph.get(paragraph, [])
            if self.atoms[i].inserted is None
            and (self.atoms[i].kind == "text" or (self.atoms[i].kind == "paragraph" and paragraph < last))
        ]
        text = "".join(self.atoms[i].text if self.atoms[i].kind == "text" else "\x00" for i in indexes)
        target = wanted.replace(PARAGRAPH_BREAK, "\x00")
        offsets = []
        at = text.find(target) if target else -1
        while at >= 0:
            offsets.append(at)
            at = text.find(target, at + 1)
        if not offsets:
            return None
        here = next((n for n, i in enumerate(indexes) if i >= start), 0)
        best = min(offsets, key=lambda n: abs(n - here))
        return indexes[best], indexes[best + len(target) - 1] + 1

    def _with_insertions(self, key: str, start: int, end: int) -> tuple[int, int]:
        """Widen a span over text inserted right at its edges, up to another field's anchor."""

        def inserted(index: int) -> bool:
            atom = self.atoms[index]
            if atom.kind in ("anchor-start", "anchor-end"):
                return self.anchors.get(atom.ref, {}).get("key") == key  # its own anchor, not another's
            return (atom.kind == "text" and atom.inserted is not None) or not atom.solid

        while start > 0 and inserted(start - 1):
            start -= 1
        while end < len(self.atoms) and inserted(end):
            end += 1
        # marks that take no room at the edges stay outside unless they stood inside
        while start < end and not self.atoms[start].solid and self.atoms[start].kind != "anchor-start":
            if self.atoms[start].kind == "change" and self._is_inside_change(start, end):
                break
            start += 1
        while end > start and not self.atoms[end - 1].solid and self.atoms[end - 1].kind != "anchor-end":
            if self.atoms[end - 1].kind == "change" and self._is_inside_change(end - 1, end):
                break
            end -= 1
        return start, end

    def _is_inside_change(self, index: int, end: int) -> bool:
        """Return whether the revision whose mark is at `index` has text inside [index, end)."""
        change = self.atoms[index].change
        return any(a.inserted is change or a.deleted is change for a in self.atoms[index:end])

    def _holders(self, indexes: list[int]) -> list[str]:
        """Return the fields whose spans hold any of `indexes` (in document order)."""
        found = [
            (start, key) for key, (start, end) in self.spans.items() if any(start <= i < end for i in indexes)
        ]
        return [key for _, key in sorted(found)]

    def _field(self, key: str) -> FieldReview:
        entry = self.by_key[key]
        found = self.review.fields.get(key)
        if found is None:
            translated = entry.get("translated")
            found = FieldReview(
                key,
                entry["anchor"],
                entry.get("digest", ""),
                entry.get("shape", ""),
                None if translated is None else translated == "true",
                entry.get("english", ""),
            )
            self.review.fields[key] = found
        return found

    def _fields(self) -> None:
        """Read each anchored field's text, before and after the tracked changes."""
        for key in self.by_key:
            entry = self._field(key)
            span = self.spans.get(key)
            if span is None:
                entry.structure.append("its anchor is gone from the file")
                continue
            atoms = [a for a in self.atoms[span[0] : span[1]] if a.solid]
            entry.old = "".join(a.text for a in atoms if a.inserted is None).strip("\n")
            # text moved elsewhere still says what it said: the move is noted, not a deletion
            kept = [
                a
                for a in atoms
                if a.deleted is None or a.deleted.kind in ("moved away", "paragraph moved away")
            ]
            entry.new = "".join(a.text for a in kept).strip("\n")
            wanted = self.expected.get(key)
            if wanted is not None and entry.old != wanted:
                entry.structure.append(
                    f"the file's text differs from what its source makes (“{_short(wanted, 80)}”): "
                    "changed without tracking?"
                )

    def _context(self, index: int) -> str:
        """Return the paragraph atom `index` stands in, as it reads with the changes accepted."""
        atoms = [self.atoms[i] for i in self.in_paragraph[self.atoms[index].paragraph]]
        atoms = [a for a in atoms if a.kind == "text"]
        words = "".join(a.text for a in atoms if a.deleted is None)
        if not words.strip():  # a deleted paragraph reads as it was
            words = "".join(a.text for a in atoms)
        return _short(words)

    def _where(self, index: int, inserted: bool) -> str:
        """Say where something no anchor holds stands."""
        if inserted:
            return "text the reviewer added outside any field"
        paragraph = self.atoms[index].paragraph
        anchored = any(
            self.atoms[start].paragraph <= paragraph <= self.atoms[max(start, end - 1)].paragraph
            for start, end in self.spans.values()
        )
        if anchored:
            return "generated text beside a field (a citation, label or number)"
        return "generated text (not from a source field)"

    # --- changes ----------------------------------------------------------------------------------

    def _changes(self) -> None:
        """Give each revision to the field(s) holding it, or list it as unmapped."""
        places: dict[int, list[int]] = {}
        revisions: dict[int, Revision] = {}
        for index, atom in enumerate(self.atoms):
            for revision in (atom.inserted, atom.deleted, atom.change):
                if revision is not None:
                    places.setdefault(id(revision), []).append(index)
                    revisions[id(revision)] = revision
        moves: dict[str, list[str]] = {}  # a move's name: the fields either of its ends stands in
        for identity, indexes in places.items():
            revision = revisions[identity]
            if revision.kind in ("moved away", "moved here") and revision.move:
                moves.setdefault(revision.move, []).extend(self._holders(indexes))
        for identity, indexes in places.items():
            revision = revisions[identity]
            text = "".join(self.atoms[i].text for i in indexes if self.atoms[i].kind == "text")
            if revision.kind.startswith("paragraph"):
                text = ""
            change = Change(revision.kind, revision.author, revision.date, text, self._context(indexes[0]))
            holders = self._holders(indexes)
            notes: dict[str, str] = {}
            if not holders and revision.move and moves.get(revision.move):
                holders = moves[revision.move][:1]  # both ends of a move belong to the field it moves
            if not holders and revision.kind.startswith("paragraph"):
                notes = self._paragraph_mark(indexes[0], revision)
                holders = list(notes)
            if holders:
                for key in holders:
                    entry = self._field(key)
                    entry.changes.append(change)
                    note = notes.get(key, "")
                    if "moved" in revision.kind:
                        note = "moved: the reviewer moved this text elsewhere"
                    elif revision.kind.startswith("row") or revision.kind == "table cells":
                        note = revision.kind
                    if note and note not in entry.structure:
                        entry.structure.append(note)
            else:
                inserted = revision.kind in ("insertion", "moved here", "paragraph inserted", "row inserted")
                self.review.unmapped.append(
                    Unmapped(self._where(indexes[0], inserted), change.context, change=change)
                )
        for revision in self.reviewed.revisions:  # in the page furniture, or in a note no text cites
            if id(revision) in revisions:
                continue
            text, context = self._story_text(revision)
            change = Change(revision.kind, revision.author, revision.date, text, context)
            where = (
                "page furniture (a header or footer)"
                if "header" in revision.part or "footer" in revision.part
                else "a footnote no text refers to"
            )
            self.review.unmapped.append(Unmapped(where, context, change=change))

    def _paragraph_mark(self, index: int, revision: Revision) -> dict[str, str]:
        """Return the fields a paragraph mark's change touches (the one it ends, the next), and how."""
        before = [k for k, (s, e) in self.spans.items() if e <= index and self._only_marks(e, index)]
        after = [k for k, (s, e) in self.spans.items() if s > index and self._only_marks(index + 1, s)]
        if revision.kind == "paragraph deleted" and before:
            if not after:
                return {before[0]: "joined with the paragraph after it"}
            return {before[0]: f"joined with {after[0]}", after[0]: f"joined with {before[0]}"}
        if revision.kind == "paragraph inserted" and before:
            return {before[0]: "split: a new paragraph after it"}
        if "moved" in revision.kind and before:
            return {before[0]: "moved"}
        return {}

    def _only_marks(self, start: int, end: int) -> bool:
        return all(not a.solid for a in self.atoms[start:end])

    def _story_text(self, revision: Revision) -> tuple[str, str]:
        """Return the text of a revision in the page furniture, and the paragraph it stands in."""
        for story in self.reviewed.furniture:
            paragraph: list[str] = []
            text: list[str] = []
            found = False
            for token in story.tokens:
                mine = any(r is revision for r in (token.inserted, token.deleted, token.change))
                if token.kind == "text":
                    paragraph.append(token.text)
                    if mine:
                        text.append(token.text)
                found = found or mine
                if token.kind == "paragraph":
                    if found:
                        return "".join(text), _short("".join(paragraph))
                    paragraph = []
            if found:
                return "".join(text), _short("".join(paragraph))
        return "", ""

    # --- comments ---------------------------------------------------------------------------------

    def _comments(self) -> None:
        """Give each comment (with its replies) to the field(s) it is on, or list it as unmapped."""
        ranges: dict[str, list[int]] = {}
        starts: dict[str, int] = {}
        refs: dict[str, int] = {}
        for index, atom in enumerate(self.atoms):
            if atom.kind == "comment-start":
                starts[atom.ref] = index
            elif atom.kind == "comment-end" and atom.ref in starts:
                ranges[atom.ref] = list(range(starts[atom.ref], index + 1))
            elif atom.kind == "comment-ref":
                refs[atom.ref] = index
        by_para = {c.get("para"): cid for cid, c in self.comments.items() if c.get("para")}
        replies: dict[str, list[str]] = {}
        for cid, record in self.comments.items():
            parent = by_para.get(record.get("parent", ""))
            if parent is not None and parent != cid:
                replies.setdefault(parent, []).append(cid)
        answering = {reply for found in replies.values() for reply in found}

        def comment(cid: str, on: str) -> Comment:
            record = self.comments[cid]
            return Comment(
                cid,
                record["author"],
                record["initials"],
                record["date"],
                record["text"],
                on,
                record.get("done") == "1",
                tuple(comment(r, on) for r in replies.get(cid, [])),
            )

        for cid in self.comments:
            if cid in answering:
                continue  # a reply goes with the comment it answers
            indexes = ranges.get(cid) or ([refs[cid]] if cid in refs else [])
            if not indexes:
                self.review.unmapped.append(
                    Unmapped("not attached to any text of the body", "", comment=comment(cid, ""))
                )
                continue
            solid = [self.atoms[i] for i in indexes if self.atoms[i].solid]
            on = (
                "".join(a.text for a in solid if a.deleted is None).strip()
                or "".join(a.text for a in solid).strip()
            )
            found = comment(cid, _short(on))
            holders = self._holders(indexes)
            if not holders:
                holders = self._holders([indexes[0] - 1]) if indexes[0] > 0 else []
            if holders:
                for name in holders:
                    self._field(name).comments.append(found)
            else:
                self.review.unmapped.append(
                    Unmapped(self._where(indexes[0], False), self._context(indexes[0]), comment=found)
                )


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def counted(review: FileReview) -> tuple[int, int]:
    """Return how many comments and revisions the review accounts for, mapped or not (each once)."""
    comments: set[str] = set()
    changes = 0

    def add(found: Comment) -> None:
        comments.add(found.id)
        for reply in found.replies:
            add(reply)

    seen_changes: set[int] = set()
    for entry in review.fields.values():
        for found in entry.comments:
            add(found)
        for change in entry.changes:
            if id(change) not in seen_changes:
                seen_changes.add(id(change))
                changes += 1
    for item in review.unmapped:
        if item.comment is not None:
            add(item.comment)
        if item.change is not None and id(item.change) not in seen_changes:
            seen_changes.add(id(item.change))
            changes += 1
    return len(comments), changes
