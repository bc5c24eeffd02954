"""`briefgen review --apply`: reviewers' tracked changes written back into the sources.

An edit on a brief in the sources' language goes into the YAML file of its field, changing that
scalar's characters and nothing else (`yamledit`); an edit on a translation goes into that
language's PO entry (its fuzzy mark cleared only when the English is still the one the
translation was made for). Each field is checked first, and refused, with the three texts (what
the reviewer saw, what they made of it, what the source says today), when:

- its source changed since the file was made (the file records a digest of each field's text);
- the file's text is not what the source makes (changed without tracking);
- the edit cannot be placed in the source faithfully (it cuts into a citation), or it joins,
  splits or moves paragraphs;
- two files change the same field.

Nothing is written unless every edit applies, or `partial` is asked for; the files are written
only after the sources with every edit made validate (checked on a copy), each one atomically.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import briefgen.reading as reading
from briefgen.document.model import text_digest
from briefgen.review import Review
from briefgen.review.carry import carry
from briefgen.review.reading import FieldReview, FileReview
from briefgen.sources.aggregate import LoadedBrief
from briefgen.sources.fieldkeys import RECOMMENDATIONS_DIR, parse_key
from briefgen.sources.yamlsource import Loc


@dataclass
class Edit:
    """One reviewer's change to one field, and what becomes of it."""

    docx: str
    key: str
    language: str
    target: Path | None = None
    """The YAML file or PO catalog the edit goes into."""
    old: str = ""
    """What the reviewer saw: the source text, where the sources still know it, else as shown."""
    theirs: str = ""
    """What the reviewer made of it (in the same form as `old`)."""
    current: str = ""
    """What the source says today."""
    value: str | None = None
    """The new source text to write; None when refused."""
    refused: str = ""
    note: str = ""

    @property
    def applies(self) -> bool:
        """Return whether the edit is written."""
        return not self.refused and self.value is not None


@dataclass
class Outcome:
    """What `--apply` did: every edit, applied or refused, and the files written."""

    edits: list[Edit] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    @property
    def refused(self) -> list[Edit]:
        """Return the edits that were not written."""
        return [e for e in self.edits if not e.applies]


def apply_review(review: Review, loaded: LoadedBrief, *, partial: bool = False) -> Outcome:
    """Write the reviewers' edits back; with refusals and no `partial`, write nothing.

    The outcome lists every edit, applied or refused (with why and the three texts).
    """
    planner = _Planner(review, loaded)
    outcome = Outcome(planner.plan())
    if outcome.refused and not partial:
        return outcome
    contents = planner.contents([e for e in outcome.edits if e.applies])
    if contents:
        _check_on_a_copy(review.folder, loaded, contents)
        outcome.written = _write(contents)
    return outcome


def refusal_text(outcome: Outcome) -> str:
    """Return why edits were refused, each with its three texts; nothing was written."""
    lines = [
        f"{len(outcome.refused)} of {len(outcome.edits)} edit(s) cannot be applied; nothing was written."
    ]
    lines.append("Apply the others with --partial, or change the sources by hand:")
    for edit in outcome.refused:
        lines.extend(_refused_lines(edit))
    return "\n".join(lines)


def _refused_lines(edit: Edit) -> list[str]:
    lines = [f"  {edit.key} ({edit.docx}): {edit.refused}"]
    for label, text in (("old", edit.old), ("theirs", edit.theirs), ("current", edit.current)):
        if text or label != "current":
            lines.append(f"    {label + ':':8} {_one_line(text)}")
    return lines


def _one_line(text: str) -> str:
    return "“" + text.rstrip("\n").replace("\n", "⏎") + "”"


class _Planner:
    """Decides, field by field, what each reviewer's edit becomes."""

    def __init__(self, review: Review, loaded: LoadedBrief) -> None:
        self.review = review
        self.loaded = loaded
        self.source_language = loaded.brief.languages[0]
        self._localised: dict[str, LoadedBrief] = {}
        self._frozen: dict[int, dict[str, Any] | None] = {}
        self._texts: dict[Path, str] = {}
        self._catalogs: dict[Path, Any] = {}
        self._english_texts: dict[str, str] | None = None

    # --- planning -------------------------------------------------------------------------------

    def plan(self) -> list[Edit]:
        edits: list[Edit] = []
        touched: dict[str, Edit] = {}
        for file in self.review.files:
            for entry in file.fields.values():
                if entry.old == entry.new and not entry.structure:
                    continue  # comments only, or formatting
                edit = Edit(file.path.name, entry.key, file.language, old=entry.old, theirs=entry.new)
                self._decide(edit, file, entry)
                earlier = touched.get(f"{file.language}:{entry.key}")
                if earlier is not None and edit.applies:
                    edit.refused = f"also changed in {earlier.docx}: merge the two by hand"
                    edit.value = None
                touched.setdefault(f"{file.language}:{entry.key}", edit)
                edits.append(edit)
        return edits

    def _decide(self, edit: Edit, file: FileReview, entry: FieldReview) -> None:
        if file.brief != self.loaded.id:
            edit.refused = f"the file is a brief of '{file.brief or 'unknown'}', not of '{self.loaded.id}'"
            return
        if entry.structure:
            edit.refused = "; ".join(entry.structure) + ": change the sources by hand"
            return
        try:
            _, loc = parse_key(entry.key)
        except ValueError:
            edit.refused = "the file names a field that is not a source field"
            return
        if file.language == self.source_language:
            self._yaml(edit, file, entry, loc)
        else:
            self._po(edit, file, entry)

    def _yaml(self, edit: Edit, file: FileReview, entry: FieldReview, loc: Loc) -> None:
        from briefgen.review.yamledit import scalar_spans

        path = self._path(entry.key)
        if path is None:
            edit.refused = "its source file is not in the brief any more"
            return
        edit.target = path
        resolved = self._resolved(entry.key, loc)
        span = scalar_spans(self._text(path)).get(resolved) if resolved is not None else None
        if span is None:
            edit.refused = f"{path.name} has no text at {entry.path}" + (
                " (the label is made from the fact's name: add a label)"
                if entry.path.endswith(".label")
                else ""
            )
            return
        edit.current = span.value
        self._carried(edit, file, entry, span.value, self._frozen_value(file, entry.key, resolved))

    def _po(self, edit: Edit, file: FileReview, entry: FieldReview) -> None:
        from briefgen.sources.catalogs import catalog_paths
        from briefgen.sources.texts import BRIEF, COUNTRIES

        if file.language not in self.loaded.brief.languages:
            edit.refused = f"the brief is no longer published in '{file.language}'"
            return
        source_file = entry.file
        kind = (
            BRIEF
            if source_file == "brief.yaml" or source_file.startswith(RECOMMENDATIONS_DIR + "/")
            else COUNTRIES
        )
        path = catalog_paths(self.loaded.root, file.language)[kind]
        edit.target = path
        if entry.translated is False:
            edit.refused = (
                "the copy showed the English (not yet translated when it was made): "
                "give the translation in the catalog"
            )
            return
        message = self._message(path, file.language, entry.key)
        if message is None:
            edit.refused = f"{path.name} has no entry {entry.key}"
            return
        edit.current = str(message.string or "")
        self._carried(edit, file, entry, edit.current, self._frozen_translation(file, entry.key, kind))
        if edit.applies:
            english_now = self._english(entry.key)
            unchanged = (
                bool(entry.english) and english_now is not None and text_digest(english_now) == entry.english
            )
            if unchanged:
                edit.note = "fuzzy mark cleared" if message.fuzzy else ""
            else:
                edit.note = "kept fuzzy: the English changed since the translation was made"

    def _carried(
        self, edit: Edit, file: FileReview, entry: FieldReview, current: str, frozen: str | None
    ) -> None:
        """Carry the reviewer's change into `current`, or say why it cannot be."""
        if entry.digest and text_digest(current) != entry.digest:
            if frozen is not None:
                edit.old = frozen
                edit.theirs = carry(entry.old, entry.new, frozen) or entry.new
            edit.refused = (
                f"the source changed since edition {file.edition}"
                + (" (a draft)" if file.draft else "")
                + " was made: compare, then edit by hand"
            )
            return
        language = file.language
        shown_now = self._shown(entry.shape, current, language)
        edit.old = current
        if shown_now != entry.old:
            edit.theirs = entry.new
            edit.old = entry.old
            edit.refused = "the file does not show what the source makes (changed without tracking?)"
            return
        value = carry(entry.old, entry.new, current)
        if value is None or self._shown(entry.shape, value, language) != entry.new:
            edit.theirs = entry.new
            edit.refused = "the change cannot be placed in the source text faithfully (it touches a citation, link or mark)"
            return
        edit.theirs = value
        edit.value = value

    # --- what the sources hold --------------------------------------------------------------------

    def _path(self, key: str) -> Path | None:
        part = _part(key)
        return self.loaded.files.get(part) if part else None

    def _resolved(self, key: str, loc: Loc) -> Loc | None:
        """Return a field's path with a highlight's id turned into its place in the list."""
        if len(loc) == 3 and loc[0] == "highlights" and isinstance(loc[1], str):
            profile = self.loaded.countries.get(key.partition(".yaml")[0])
            if profile is None:
                return None
            for index, item in enumerate(profile.highlights):
                if getattr(item, "id", None) == loc[1]:
                    return ("highlights", index, "text")
            return None
        return loc

    def _text(self, path: Path) -> str:
        if path not in self._texts:
            self._texts[path] = reading.read_text(path, reading.SOURCE)
        return self._texts[path]

    def _message(self, path: Path, language: str, key: str) -> Any:
        from briefgen.translation.update import read_po_file

        if path not in self._catalogs:
            self._catalogs[path] = read_po_file(path, language) if path.is_file() else None
        catalog = self._catalogs[path]
        if catalog is None:
            return None
        return next((m for m in catalog if m.context == key and m.id), None)

    def _english(self, key: str) -> str | None:
        """Return the English the sources hold today for a translated field."""
        from briefgen.sources.texts import texts

        if self._english_texts is None:
            self._english_texts = {t.context: t.english for t in texts(self.loaded, printed_only=False)}
        return self._english_texts.get(key)

    def _edition(self, number: int | None) -> dict[str, Any] | None:
        from briefgen.errors import EditionError
        from briefgen.sources.frozen import read_edition, released_editions

        if number is None or number not in released_editions(self.review.folder):
            return None
        if number not in self._frozen:
            try:
                self._frozen[number] = read_edition(self.review.folder, number)["content"]
            except EditionError:
                self._frozen[number] = None
        return self._frozen[number]

    def _frozen_value(self, file: FileReview, key: str, loc: Loc | None) -> str | None:
        """Return the field's text in the released edition the file was made from."""
        content = self._edition(file.edition)
        if content is None or loc is None:
            return None
        part = _part(key) or ""
        data: Any
        if part == "brief":
            data = content["brief"]
        elif part.startswith("rec:"):
            data = next((r for r in content["recommendations"] if r.get("id") == part[4:]), None)
        else:
            data = content["countries"].get(part.partition(":")[2])
        for step in loc:
            try:
                data = data[step]
            except (KeyError, IndexError, TypeError):
                return None
        return data if isinstance(data, str) else None

    def _frozen_translation(self, file: FileReview, key: str, kind: str) -> str | None:
        content = self._edition(file.edition)
        if content is None:
            return None
        pair = content.get("translations", {}).get(file.language, {}).get(kind, {}).get(key)
        return str(pair[1]) if pair else None

    def _shown(self, shape: str, value: str, language: str) -> str:
        """Return what the DOCX shows of a field holding `value` (as the review reads it)."""
        from briefgen.document.doctree import Citation
        from briefgen.document.model import EvidenceItem
        from briefgen.document.typography import typeset
        from briefgen.render.docx import shown_text

        loaded = self._in(language)
        if shape == "line":
            return shown_text(typeset(value, language, smart_quotes=True))
        rich = loaded.rich(value)
        if shape == "inline":
            return shown_text(rich.inlines())
        if shape == "claim":
            return shown_text(EvidenceItem(rich, Citation(()), None).parts()[0])
        return shown_text(rich)

    def _in(self, language: str) -> LoadedBrief:
        if language not in self._localised:
            from briefgen.translation.apply import localise

            self._localised[language] = localise(self.loaded, language, allow_untranslated=True)
        return self._localised[language]

    # --- the new files ------------------------------------------------------------------------------

    def contents(self, edits: list[Edit]) -> dict[Path, bytes]:
        """Return the new bytes of every file the edits change."""
        from briefgen.errors import ReviewError
        from briefgen.review.yamledit import replace_scalar

        out: dict[Path, bytes] = {}
        for edit in edits:
            assert edit.target is not None and edit.value is not None
            if edit.target.suffix == ".po":
                continue
            text = out[edit.target].decode("utf-8") if edit.target in out else self._text(edit.target)
            _, loc = parse_key(edit.key)
            resolved = self._resolved(edit.key, loc)
            assert resolved is not None
            changed = replace_scalar(text, resolved, edit.value)
            if changed is None:
                raise ReviewError(
                    f"{edit.target}: {edit.key}: the new text cannot be written without touching others"
                )
            out[edit.target] = changed.encode("utf-8")
        for path, catalog in self._catalogs.items():
            mine = [e for e in edits if e.target == path]
            if not mine or catalog is None:
                continue
            out[path] = self._po_bytes(path, catalog, mine)
        return out

    def _po_bytes(self, path: Path, catalog: Any, edits: list[Edit]) -> bytes:
        from briefgen.errors import ReviewError
        from briefgen.translation.update import po_bytes

        before = {(m.context, m.id): (m.string, m.fuzzy) for m in catalog if m.id}
        for edit in edits:
            message = next(m for m in catalog if m.context == edit.key and m.id)
            message.string = edit.value
            if edit.note.startswith("kept fuzzy"):
                message.flags.add("fuzzy")
            else:
                message.flags.discard("fuzzy")
                message.previous_id = []
        data = po_bytes(catalog)
        changed = {e.key for e in edits}
        after = {(m.context, m.id): (m.string, m.fuzzy) for m in catalog if m.id}
        if {k: v for k, v in before.items() if k[0] not in changed} != {
            k: v for k, v in after.items() if k[0] not in changed
        }:
            raise ReviewError(f"{path}: writing the catalog would change other entries")
        return data


def _part(key: str) -> str | None:
    """Return the loaded part a key's file is: `brief`, `rec:<id>` or `country:<CODE>`."""
    file = key.partition(":")[0]
    if file == "brief.yaml":
        return "brief"
    if file.startswith(RECOMMENDATIONS_DIR + "/") and file.endswith(".yaml"):
        return "rec:" + file[len(RECOMMENDATIONS_DIR) + 1 : -len(".yaml")]
    if file.endswith(".yaml") and "/" not in file:
        return "country:" + file[: -len(".yaml")]
    return None


def _check_on_a_copy(folder: Path, loaded: LoadedBrief, contents: dict[Path, bytes]) -> None:
    """Validate the sources with every edit made, on a copy; raise InputError if they do not."""
    from briefgen.errors import InputError, Problem
    from briefgen.sources.layout import COUNTRIES_DIR
    from briefgen.validate import validate

    countries = folder.parent / COUNTRIES_DIR
    ignore = shutil.ignore_patterns("*.sqlite*", "reviews", "build", ".*")
    with tempfile.TemporaryDirectory(prefix="briefgen-review-") as scratch:
        root = Path(scratch) / "briefs"
        copy = root / folder.name
        shutil.copytree(folder, copy, ignore=ignore)
        if countries.is_dir():
            shutil.copytree(countries, root / COUNTRIES_DIR, ignore=ignore)
        for path, data in contents.items():
            for base, target in ((folder, copy), (countries, root / COUNTRIES_DIR)):
                try:
                    (target / path.relative_to(base)).write_bytes(data)
                    break
                except ValueError:
                    continue
        result = validate(copy)
        if result.errors:
            problems = [
                Problem(
                    _back(p.file, copy, folder, root / COUNTRIES_DIR, countries),
                    p.line,
                    p.column,
                    p.field,
                    p.message,
                )
                for p in result.errors
            ]
            raise InputError(problems)


def _back(path: Path, copy: Path, folder: Path, copied_countries: Path, countries: Path) -> Path:
    """Return the real file a problem found on the copy is about."""
    for base, real in ((copy, folder), (copied_countries, countries)):
        try:
            return real / Path(path).relative_to(base)
        except ValueError:
            continue
    return Path(path)


def _write(contents: dict[Path, bytes]) -> list[Path]:
    """Write each file atomically, keeping its permissions."""
    from briefgen.atomic import write_bytes_atomic

    written = []
    for path, data in sorted(contents.items()):
        mode = stat.S_IMODE(os.stat(path).st_mode) if path.exists() else None
        write_bytes_atomic(path, data, mode=mode)
        written.append(path)
    return written
