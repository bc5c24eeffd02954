"""A redline: one country's brief from one edition to the next, as Word tracked changes.

Both tailored briefs are read as a sequence of paragraphs (style and plain text) in the order the
brief shows them; matching paragraphs stay as they are, changed ones carry word-level `w:ins` and
`w:del` runs, and paragraphs added or removed are tracked as whole paragraphs. A ministry's staff
review it in Word's (or LibreOffice's) own review pane and accept or reject each change.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
from collections.abc import Iterator

from briefgen.changes import WordDiff
from briefgen.doctree import Block, BulletList, NumberedList, Paragraph, RichText, plain_inlines
from briefgen.labels import labels
from briefgen.tailoring import TailoredBrief

Line = tuple[str, str]
"""(Word style name, plain text) of one paragraph."""


def lines_of(brief: TailoredBrief) -> list[Line]:
    """Return the brief as paragraphs in reading order, for comparison."""
    words = labels(brief.language)
    out: list[Line] = [("Title", brief.title)]
    if brief.subtitle:
        out.append(("Subtitle", brief.subtitle))
    out.append(("Normal", brief.prepared_for))
    out.append(("Heading 1", words["summary"]))
    out += _blocks(brief.summary)
    out.append(("Heading 1", words["at_a_glance"].format(country=brief.country_name)))
    for row in brief.profile:
        year = f" ({row.year})" if row.year else ""
        out.append(("List Bullet", f"{row.label}: {row.value}{year}"))
    out += [("List Bullet", h.plain()) for h in brief.highlights]
    analysis: list[Line] = []
    for heading, body in brief.sections:
        analysis.append(("Heading 1", heading))
        analysis += _blocks(body)
    recommendations: list[Line] = [("Heading 1", words["recommendations"])]
    for rec in brief.recommendations:
        recommendations.append(("Heading 2", f"{rec.number}. {rec.title.plain()}"))
        recommendations.append(("Normal", f"{words['when']}: {rec.trigger.plain()}"))
        if rec.applies_because:
            recommendations.append(("Normal", f"{words['applies']}: {'; '.join(rec.applies_because)}."))
        recommendations.append(("Normal", f"{words['what']}: {rec.action.plain()}"))
        recommendations += [("List Number", step.plain()) for step in rec.steps]
        if rec.rationale is not None:
            recommendations.append(("Normal", f"{words['why']}: {rec.rationale.plain()}"))
        recommendations += [("List Bullet", plain_inlines(e.cited())) for e in rec.evidence]
        if rec.country_note is not None:
            recommendations.append(
                (
                    "Normal",
                    f"{words['for_country'].format(country=brief.country_name)}: {rec.country_note.plain()}",
                )
            )
    if brief.analysis_position == "after-recommendations":
        out += recommendations + analysis
    else:
        out += analysis + recommendations
    out.append(("Heading 1", words["references"]))
    out += [("Normal", plain_inlines(ref.entry)) for ref in brief.references]
    return out


def _blocks(text: RichText) -> list[Line]:
    out: list[Line] = []

    def visit(block: Block, style: str) -> None:
        if isinstance(block, Paragraph):
            out.append((style, plain_inlines(block.children)))
        else:
            item_style = "List Bullet" if isinstance(block, BulletList) else "List Number"
            assert isinstance(block, BulletList | NumberedList)
            for item in block.items:
                for inner in item:
                    visit(inner, item_style)

    for block in text.blocks:
        visit(block, "Normal")
    return out


def redline(old: TailoredBrief, new: TailoredBrief, *, author: str) -> bytes:
    """Return a DOCX showing `new` with every change from `old` as a tracked change."""
    from docx import Document

    from briefgen.render import ooxml, templates_dir

    document = Document(str(templates_dir() / "reference.docx"))
    ooxml.clear_body(document)
    document.core_properties.title = f"{new.title}: changes from edition {old.edition} to {new.edition}"
    document.core_properties.author = author
    moment = dt.datetime.combine(new.date, dt.time())
    document.core_properties.created = moment
    document.core_properties.modified = moment
    document.core_properties.revision = 1
    tracker = ooxml.ChangeTracker(author=author, date=moment)
    styles = {s.name for s in document.styles}
    for op, before, after in _paired(lines_of(old), lines_of(new)):
        style = (after or before or ("Normal", ""))[0]
        paragraph = document.add_paragraph(style=style if style in styles else None)
        if op == "equal":
            assert after is not None
            paragraph.add_run(ooxml.xml_safe(after[1]))
        elif op == "insert":
            assert after is not None
            tracker.inserted_paragraph(paragraph, after[1])
        elif op == "delete":
            assert before is not None
            tracker.deleted_paragraph(paragraph, before[1])
        else:
            assert before is not None and after is not None
            for segment, text in WordDiff.of(before[1], after[1]).segments:
                if segment == "equal":
                    paragraph.add_run(ooxml.xml_safe(text))
                elif segment == "insert":
                    tracker.insert(paragraph, text)
                else:
                    tracker.delete(paragraph, text)
    out = io.BytesIO()
    document.save(out)
    return ooxml.normalise_package(out.getvalue())


def _paired(old: list[Line], new: list[Line]) -> Iterator[tuple[str, Line | None, Line | None]]:
    """Yield (equal|insert|delete|replace, old line, new line) in reading order."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                yield "equal", old[i1 + k], new[j1 + k]
        elif tag == "delete":
            for line in old[i1:i2]:
                yield "delete", line, None
        elif tag == "insert":
            for line in new[j1:j2]:
                yield "insert", None, line
        else:
            # a changed paragraph: pair the most similar ones so their words can be compared
            yield from _pair_replacements(old[i1:i2], new[j1:j2])


def _pair_replacements(old: list[Line], new: list[Line]) -> Iterator[tuple[str, Line | None, Line | None]]:
    j = 0
    for before in old:
        best, score = None, 0.5
        for k in range(j, len(new)):
            ratio = difflib.SequenceMatcher(None, before[1], new[k][1], autojunk=False).ratio()
            if new[k][0] == before[0] and ratio > score:
                best, score = k, ratio
        if best is None:
            yield "delete", before, None
            continue
        for k in range(j, best):
            yield "insert", None, new[k]
        yield "replace", before, new[best]
        j = best + 1
    for k in range(j, len(new)):
        yield "insert", None, new[k]
