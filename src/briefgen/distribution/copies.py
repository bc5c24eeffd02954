"""Per-recipient copies: the rendered country brief, stamped with a copy number and the line
"Prepared for <title>, <institution>" on every page (in the recipient's language), and the message that carries them.

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
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import briefgen.reading as reading
from briefgen.atomic import write_bytes_atomic
from briefgen.distribution.addressee import Addressee
from briefgen.distribution.ledger import CopyFile
from briefgen.distribution.message import Letter, compose
from briefgen.document.model import ChangesSince, TailoredBrief
from briefgen.document.words import fill, say, say_count, words
from briefgen.models import Recipient
from briefgen.render.stamp import PdfStamper, page_size, stamp_docx, stamp_html, stamp_pages


def stamp_line(addressee: Addressee, copy_number: int) -> str:
    """Return the line printed on every page of a copy, in the recipient's language."""
    return say(
        addressee.language,
        "stamp",
        copy=f"{copy_number:03d}",
        title=addressee.title,
        institution=addressee.institution,
    )


@cache
def _templates() -> Any:
    import jinja2

    from briefgen.render import templates_dir
    from briefgen.render.templatefiles import TemplateFiles

    env = jinja2.Environment(
        loader=TemplateFiles(templates_dir() / "distribution"),
        autoescape=jinja2.select_autoescape(["html", "xml"]),  # the .txt note is plain text
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["fill"] = fill
    return env


def copy_path(
    out: Path, brief: str, edition: int, recipient: str, stem: str, copy_number: int, suffix: str
) -> Path:
    """Return where a recipient's copy goes: `<out>/<brief>/e<N>/copies/<recipient>/<stem>-copy<NNN><suffix>`."""
    return out / brief / f"e{edition}" / "copies" / recipient / f"{stem}-copy{copy_number:03d}{suffix}"


def cover_note(
    addressee: Addressee,
    brief: TailoredBrief,
    copy_number: int,
    changes: ChangesSince | None,
    files: list[str],
) -> str:
    """Return the cover note that goes with a copy (`templates/distribution/cover-note.txt`).

    A letter to the official in their language: the marking, their address block and greeting,
    the copy dated by its edition, the count in words, the changes, the closing and the
    signature (the theme's, else the brief's organisation).
    """
    return str(
        _templates()
        .get_template("cover-note.txt")
        .render(
            addressee=addressee,
            brief=brief,
            copy=f"{copy_number:03d}",
            changes=changes,
            files=files,
            marking=brief.marking,
            words=words(brief.language),
            government=brief.government_name,
            recommendations=say_count(
                brief.language, "cover_count", len(brief.recommendations), spelled=True
            ),
            signature=brief.theme.signature or (brief.organisation,),
        )
    )


def subject(brief: TailoredBrief, copy_number: int) -> str:
    """Return a copy's email subject: "[OFFICIAL] Title: edition 2, copy 007", the marking in the copy's language."""
    prefix = f"[{brief.marking}] " if brief.marking else ""
    return prefix + say(
        brief.language, "subject", title=brief.title, edition=brief.edition, copy=f"{copy_number:03d}"
    )


@dataclass(frozen=True)
class CopyTask:
    """One recipient's copy to prepare."""

    recipient: Recipient
    addressee: Addressee
    """How the copy and its letter name the recipient, in their language."""
    copy_number: int
    message_id: str
    draft: bool = False
    """The message goes to the outbox: mark it unsent, so mail clients open it as a draft."""


@dataclass(frozen=True)
class Batch:
    """Recipients of one country, prepared together in one worker."""

    brief: TailoredBrief
    changes: ChangesSince | None
    sources: dict[str, Path]
    """The rendered country document of each format."""
    tasks: tuple[CopyTask, ...]
    out: Path
    sender: str | None


@dataclass(frozen=True)
class PreparedCopy:
    """A copy written to disk, and the message that delivers it."""

    recipient: str
    copy_number: int
    files: tuple[CopyFile, ...]
    message: bytes
    message_id: str
    error: str = ""
    """Why this recipient's copy could not be made (then nothing is sent to them)."""


def warm_up() -> None:
    """Import what preparing copies needs, so the first batch does not wait for it."""
    import docx  # noqa: F401
    import pikepdf  # noqa: F401

    import briefgen.render.pdf  # noqa: F401


def prepare_batch(batch: Batch) -> list[PreparedCopy]:
    """Stamp, write and wrap in a message every copy of a batch (runs in a worker)."""
    import pikepdf

    brief = batch.brief
    data = {fmt: reading.read_file(path, reading.DOCUMENT) for fmt, path in batch.sources.items()}
    pdf_tasks = [t for t in batch.tasks if "pdf" in t.recipient.formats]
    stamps = stamper = None
    if pdf_tasks:
        width, height = page_size(data["pdf"])
        lines = [stamp_line(t.addressee, t.copy_number) for t in pdf_tasks]
        stamps = pikepdf.open(
            io.BytesIO(stamp_pages(lines, width=width, height=height, language=brief.language))
        )
        stamper = PdfStamper(data["pdf"])
    index = {t.recipient.id: i for i, t in enumerate(pdf_tasks)}
    prepared = []
    try:
        for task in batch.tasks:
            try:
                prepared.append(_prepare_copy(batch, task, data, stamper, stamps, index))
            except ValueError as exc:  # this recipient's data cannot go in a copy or message
                prepared.append(
                    PreparedCopy(task.recipient.id, task.copy_number, (), b"", task.message_id, str(exc))
                )
    finally:
        if stamper is not None:
            stamper.close()
        if stamps is not None:
            stamps.close()
    return prepared


def _prepare_copy(
    batch: Batch, task: CopyTask, data: dict[str, bytes], stamper: Any, stamps: Any, index: dict[str, int]
) -> PreparedCopy:
    """Stamp and write one recipient's files, and wrap them in the message that delivers them."""
    brief = batch.brief
    recipient, number = task.recipient, task.copy_number
    line = stamp_line(task.addressee, number)
    files: list[CopyFile] = []
    paths: list[Path] = []
    for fmt in recipient.formats:
        if fmt == "pdf":
            assert stamper is not None
            content = stamper.stamp(stamps, index[recipient.id])
        elif fmt == "docx":
            content = stamp_docx(data["docx"], line, number)
        else:
            content = stamp_html(data["html"], line)
        path = copy_path(
            batch.out, brief.brief_id, brief.edition, recipient.id, brief.slug, number, "." + fmt
        )
        try:
            write_bytes_atomic(path, content)
        except OSError as exc:  # name the file: a full disk is reported where it struck
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        files.append(CopyFile(fmt, str(path), hashlib.sha256(content).hexdigest(), len(content)))
        paths.append(path)
    letter = Letter(
        recipient_id=recipient.id,
        to_name=task.addressee.name,
        to_address=recipient.email,
        subject=subject(brief, number),
        body=cover_note(task.addressee, brief, number, batch.changes, [p.name for p in paths]),
        attachments=tuple(paths),
        message_id=task.message_id,
    )
    message = compose(letter, batch.sender, draft=task.draft)
    return PreparedCopy(recipient.id, number, tuple(files), message, task.message_id)
