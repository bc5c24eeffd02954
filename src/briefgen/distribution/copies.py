"""Per-recipient copies: the rendered country brief, stamped with a copy number and the line
"Prepared for <title>, <institution>" on every page, and the message that carries them.

PDF copies are stamped, not rendered again: one WeasyPrint document holds a stamp page for each
recipient of a batch (so every glyph is embedded, Cyrillic included), and pikepdf lays each
stamp over every page of the country PDF as a marked artifact, leaving the PDF's structure tree,
language and metadata as they were. DOCX copies get the line in their page header.

Batches are prepared in worker processes (`prepare_batch`); the main process only records and
delivers what they return.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from briefgen.atomic import write_bytes_atomic
from briefgen.distribution.delivery import Letter, compose
from briefgen.distribution.ledger import CopyFile
from briefgen.document.model import ChangesSince, TailoredBrief
from briefgen.document.words import fill, say, say_count, words
from briefgen.models import Recipient


def stamp_line(recipient: Recipient, copy_number: int) -> str:
    """Return the line printed on every page of a copy, in the recipient's language."""
    return say(
        recipient.language,
        "stamp",
        copy=f"{copy_number:03d}",
        title=recipient.title,
        institution=recipient.institution,
    )


@cache
def _templates() -> Any:
    import jinja2

    from briefgen.render import templates_dir

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir() / "distribution"),
        autoescape=jinja2.select_autoescape(["html", "xml"]),  # the .txt note is plain text
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["fill"] = fill  # the cover note's words come from document/words, in its language
    return env


def stamp_pages(lines: Sequence[str], *, width: float, height: float, language: str) -> bytes:
    """Return a PDF with one page of `width` x `height` points per stamp line."""
    from weasyprint import HTML

    from briefgen.render import templates_dir
    from briefgen.render.fetcher import safe_url_fetcher
    from briefgen.render.pdf import shared_font_config

    html = (
        _templates()
        .get_template("stamps.html")
        .render(lines=lines, width=width, height=height, language=language)
    )
    document = HTML(string=html, base_url=str(templates_dir()), url_fetcher=safe_url_fetcher).render(
        font_config=shared_font_config()
    )
    return bytes(document.write_pdf())


def page_size(pdf_bytes: bytes) -> tuple[float, float]:
    """Return the width and height, in points, of a PDF's first page."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        box = pdf.pages[0].mediabox
        return float(box[2]) - float(box[0]), float(box[3]) - float(box[1])


class PdfStamper:
    """Stamps copies of one PDF: opened once, stamped, saved, and put back for the next copy."""

    def __init__(self, source: bytes) -> None:
        import pikepdf

        self._pikepdf = pikepdf
        self.pdf = pikepdf.open(io.BytesIO(source))
        self._contents = [page.obj.get("/Contents") for page in self.pdf.pages]
        self._xobjects = [
            dict(page.obj.Resources.XObject.items()) if "/XObject" in page.obj.get("/Resources", {}) else None
            for page in self.pdf.pages
        ]

    def stamp(self, stamps: Any, index: int) -> bytes:
        """Return the PDF with page `index` of the open `stamps` PDF over every page, as an artifact."""
        pikepdf = self._pikepdf
        pdf = self.pdf
        form = pdf.copy_foreign(stamps.pages[index].as_form_xobject())
        try:
            for page in pdf.pages:
                name = page.add_resource(form, pikepdf.Name.XObject, prefix="Copy")
                # keep the page's own drawing state out of the stamp, then draw it as pagination
                page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
                draw = (
                    b"\nQ\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC q "
                    + bytes(name.unparse())
                    + b" Do Q EMC\n"
                )
                page.contents_add(pikepdf.Stream(pdf, draw))
            out = io.BytesIO()
            pdf.save(out, deterministic_id=True, compress_streams=True)
            return out.getvalue()
        finally:
            self._restore()

    def _restore(self) -> None:
        """Put every page back as it was; objects no page refers to are not saved again."""
        pikepdf = self._pikepdf
        for page, contents, xobjects in zip(self.pdf.pages, self._contents, self._xobjects, strict=True):
            page.obj.Contents = contents
            if xobjects is None:
                if "/XObject" in page.obj.Resources:
                    del page.obj.Resources["/XObject"]
            else:
                page.obj.Resources.XObject = pikepdf.Dictionary(xobjects)

    def close(self) -> None:
        """Close the PDF."""
        self.pdf.close()


def stamp_docx(source: bytes, line: str) -> bytes:
    """Return `source` with `line` at the top of every page header."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from briefgen.render.ooxml import normalise_package

    document = Document(io.BytesIO(source))
    headers = {}
    for section in document.sections:
        for header in (section.header, section.first_page_header, section.even_page_header):
            if not header.is_linked_to_previous:
                headers[id(header._element)] = header
    for header in headers.values():
        first = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        stamp = first.insert_paragraph_before(line, style=document.styles["Header"])
        stamp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    out = io.BytesIO()
    document.save(out)
    return normalise_package(out.getvalue())


def stamp_html(source: bytes, line: str) -> bytes:
    """Return `source` with `line` as a banner at the top of the body."""
    from markupsafe import escape

    text = source.decode("utf-8")
    banner = f'<p class="copy-stamp" role="note">{escape(line)}</p>'
    head, sep, rest = text.partition("<body")
    if not sep:
        return (banner + text).encode("utf-8")
    tag_end = rest.index(">") + 1
    return (head + sep + rest[:tag_end] + banner + rest[tag_end:]).encode("utf-8")


def copy_path(
    out: Path, brief: str, edition: int, recipient: str, stem: str, copy_number: int, suffix: str
) -> Path:
    """Return where a recipient's copy goes: `<out>/<brief>/e<N>/copies/<recipient>/<stem>-copy<NNN><suffix>`."""
    return out / brief / f"e{edition}" / "copies" / recipient / f"{stem}-copy{copy_number:03d}{suffix}"


def cover_note(
    recipient: Recipient,
    brief: TailoredBrief,
    copy_number: int,
    changes: ChangesSince | None,
    files: list[str],
) -> str:
    """Return the cover note that goes with a copy, from `templates/distribution/cover-note.txt`."""
    return str(
        _templates()
        .get_template("cover-note.txt")
        .render(
            recipient=recipient,
            brief=brief,
            copy=f"{copy_number:03d}",
            changes=changes,
            files=files,
            marking=brief.marking,
            words=words(brief.language),
            recommendations=say_count(brief.language, "cover_count", len(brief.recommendations)),
        )
    )


def subject(brief: TailoredBrief, copy_number: int) -> str:
    """Return a copy's email subject: "[OFFICIAL] Title: edition 2, copy 007"."""
    prefix = f"[{brief.marking}] " if brief.marking else ""
    line = say(brief.language, "subject", title=brief.title, edition=brief.edition, copy=f"{copy_number:03d}")
    return prefix + line


@dataclass(frozen=True)
class CopyTask:
    """One recipient's copy to prepare."""

    recipient: Recipient
    copy_number: int
    message_id: str


@dataclass(frozen=True)
class Batch:
    """Recipients of one country, prepared together in one worker."""

    brief: TailoredBrief
    changes: ChangesSince | None
    sources: dict[str, Path]
    """The rendered country document of each format."""
    tasks: tuple[CopyTask, ...]
    out: Path
    sender: str


@dataclass(frozen=True)
class PreparedCopy:
    """A copy written to disk, and the message that delivers it."""

    recipient: str
    copy_number: int
    files: tuple[CopyFile, ...]
    message: bytes
    message_id: str


def warm_up() -> None:
    """Import what preparing copies needs, so the first batch does not wait for it."""
    import docx  # noqa: F401
    import pikepdf  # noqa: F401

    import briefgen.render.pdf  # noqa: F401


def prepare_batch(batch: Batch) -> list[PreparedCopy]:
    """Stamp, write and wrap in a message every copy of a batch (runs in a worker)."""
    import pikepdf

    brief = batch.brief
    data = {fmt: path.read_bytes() for fmt, path in batch.sources.items()}
    pdf_tasks = [t for t in batch.tasks if "pdf" in t.recipient.formats]
    stamps = stamper = None
    if pdf_tasks:
        width, height = page_size(data["pdf"])
        lines = [stamp_line(t.recipient, t.copy_number) for t in pdf_tasks]
        stamps = pikepdf.open(
            io.BytesIO(stamp_pages(lines, width=width, height=height, language=brief.language))
        )
        stamper = PdfStamper(data["pdf"])
    index = {t.recipient.id: i for i, t in enumerate(pdf_tasks)}
    prepared = []
    try:
        for task in batch.tasks:
            recipient, number = task.recipient, task.copy_number
            line = stamp_line(recipient, number)
            files: list[CopyFile] = []
            paths: list[Path] = []
            for fmt in recipient.formats:
                if fmt == "pdf":
                    assert stamper is not None
                    content = stamper.stamp(stamps, index[recipient.id])
                elif fmt == "docx":
                    content = stamp_docx(data["docx"], line)
                else:
                    content = stamp_html(data["html"], line)
                path = copy_path(
                    batch.out, brief.brief_id, brief.edition, recipient.id, brief.slug, number, "." + fmt
                )
                write_bytes_atomic(path, content)
                files.append(CopyFile(fmt, str(path), hashlib.sha256(content).hexdigest(), len(content)))
                paths.append(path)
            letter = Letter(
                recipient_id=recipient.id,
                to_name=recipient.name,
                to_address=recipient.email,
                subject=subject(brief, number),
                body=cover_note(recipient, brief, number, batch.changes, [p.name for p in paths]),
                attachments=tuple(paths),
                message_id=task.message_id,
            )
            message = compose(letter, batch.sender)
            prepared.append(PreparedCopy(recipient.id, number, tuple(files), message, task.message_id))
    finally:
        if stamper is not None:
            stamper.close()
        if stamps is not None:
            stamps.close()
    return prepared
