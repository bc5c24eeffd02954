"""Reviewers' Word files read back into the sources: `briefgen review` and `--apply`.

A briefgen DOCX anchors every text that comes from a source field and says, in a custom XML
part, which brief, edition, language and country it is and which field each anchor names
(`render/ooxml.py`). `review()` reads reviewers' files (`reading.py`), maps each comment and
tracked change to its field or lists it as unmapped, and recognises a file of another brief, of
another edition, or a numbered copy (naming its holder from the distribution ledger). `apply`
(`apply.py`) writes accepted changes back into the YAML or the PO catalog.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from briefgen.errors import Problem, ReviewError, UnreadableFile
from briefgen.reading import DOCUMENT
from briefgen.reading import read_file as read_bounded
from briefgen.review.reading import FileReview, read_file
from briefgen.sources.aggregate import LoadedBrief

REVIEWS_DIR = "reviews"
"""Where, in a brief's folder, the analyst keeps the files reviewers sent back (the preview's
review page reads them; `briefgen review BRIEF` with no file named does too)."""


@dataclass
class Review:
    """The reviewers' files of one brief, read and mapped."""

    folder: Path
    brief: str
    working_edition: int
    files: list[FileReview] = field(default_factory=list)


def reviewed_files(folder: Path) -> list[Path]:
    """Return the reviewers' files kept in the brief's `reviews/` folder, by name."""
    return sorted(
        p for p in (folder / REVIEWS_DIR).glob("*.docx") if p.is_file() and not p.name.startswith("~$")
    )


def review(
    folder: Path, files: Sequence[Path], *, working: LoadedBrief | None = None, ledger: bool = True
) -> Review:
    """Read reviewers' DOCX files of the brief in `folder`; raise ReviewError listing unreadable ones.

    With `ledger`, a numbered copy's holder is looked up in the distribution ledger (the preview,
    which opens no database, leaves it out).
    """
    from briefgen.sources.loading import load_sources

    loaded = working if working is not None else load_sources(folder)
    found = Review(folder, loaded.id, loaded.brief.edition)
    problems: list[Problem] = []
    sources = _Sources(folder, loaded)
    for path in files:
        try:
            data = read_bounded(path, DOCUMENT)
        except UnreadableFile as exc:
            problems.extend(exc.problems)
            continue
        try:
            file = read_file(path, data, sources.expected)
        except ValueError as exc:
            problems.append(Problem(path, 1, 1, "", f"not a reviewable Word file: {exc}"))
            continue
        _recognise(file, loaded, folder, ledger)
        found.files.append(file)
    if problems:
        raise ReviewError("\n".join(str(p) for p in problems))
    return found


def _recognise(file: FileReview, loaded: LoadedBrief, folder: Path, ledger: bool) -> None:
    """Say which document a file is, where it is not simply a draft of this brief's working edition."""
    from briefgen.sources.frozen import released_editions

    if not file.has_map:
        file.notes.append(
            "this file does not say which brief it is (no briefgen source map): it was not made by "
            "briefgen, or its anchors were lost; nothing in it can be mapped to a field"
        )
        return
    if file.brief != loaded.id:
        file.notes.append(
            f"this file is a brief of '{file.brief}', not of '{loaded.id}': review it with that brief"
        )
        return
    working = loaded.brief.edition
    if file.edition is not None and file.edition != working:
        released = file.edition in released_editions(folder)
        file.notes.append(
            f"made from edition {file.edition}{'' if released else ' (not released)'}; "
            f"the working edition is {working}"
        )
    elif file.draft:
        file.notes.append(f"a draft of edition {working} (unreleased)")
    if file.copy_number is not None:
        if not ledger:
            file.notes.append(
                f"numbered copy {file.copy_number:03d} of edition {file.edition} "
                "(`briefgen review` names its holder from the distribution ledger)"
            )
            return
        holder = _copy_holder(folder, loaded, file)
        file.recipient = holder or ""
        file.notes.append(
            f"numbered copy {file.copy_number:03d} of edition {file.edition}"
            + (f", held by {holder}" if holder else ": the distribution ledger has no record of it")
        )


def _copy_holder(folder: Path, loaded: LoadedBrief, file: FileReview) -> str | None:
    """Return who holds a numbered copy, as the distribution ledger records it."""
    from briefgen.distribution import default_ledger
    from briefgen.distribution.ledger import open_existing

    ledger = open_existing(default_ledger(folder))
    if ledger is None:
        return None
    with ledger:
        records = ledger.copies(loaded.id, edition=file.edition)
    record = next((r for r in records if r.copy_number == file.copy_number), None)
    if record is None:
        return None
    recipient = next((r for r in loaded.recipients or () if r.id == record.recipient), None)
    if recipient is None:
        return record.recipient
    return f"{recipient.name}, {recipient.title}, {recipient.institution} ({recipient.id})"


class _Sources:
    """The sources a reviewed file was made from, tailored as its brief was, loaded once each."""

    def __init__(self, folder: Path, working: LoadedBrief) -> None:
        self.folder = folder
        self.working = working
        self._editions: dict[int, LoadedBrief | None] = {}

    def edition(self, number: int | None) -> LoadedBrief | None:
        """Return the sources of edition `number`: released and frozen, or the working one."""
        from briefgen.sources.frozen import load_edition, load_working, released_editions

        if number is None:
            return None
        if number not in self._editions:
            if number in released_editions(self.folder):
                self._editions[number] = load_edition(self.folder, number)
            elif number == self.working.brief.edition:
                self._editions[number] = load_working(self.folder)
            else:
                self._editions[number] = None
        return self._editions[number]

    def expected(self, file: FileReview) -> Mapping[str, tuple[str, str]]:
        """Return, for each field of the file's brief, (digest, text) as the sources make it now."""
        from briefgen.errors import BriefgenError
        from briefgen.render.docx import field_texts
        from briefgen.tailoring import tailor
        from briefgen.translation.apply import localise

        if file.brief != self.working.id:
            return {}
        loaded = self.edition(file.edition)
        if loaded is None:
            return {}
        try:
            localised = localise(loaded, file.language, allow_untranslated=True)
            tailored = tailor(localised, file.country, file.scenario or None)
        except BriefgenError:  # a language or country the sources no longer have
            return {}
        digests = {f.key: f.digest for f in tailored.fields}
        return {key: (digests.get(key, ""), text) for key, text in field_texts(tailored).items()}
