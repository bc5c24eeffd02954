"""What the CSL-JSON and BibTeX readers share: the collected entries, keys, and field helpers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from briefgen.document.doctree import UNPRINTABLE
from briefgen.errors import Problem
from briefgen.models.common import SLUG_PATTERN
from briefgen.sources.yamlsource import UNREADABLE, Positions, YamlDocument

SLUG = re.compile(SLUG_PATTERN)
DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
DOI = re.compile(r"^10\.[0-9]{4,9}/\S+$")
CSL_MARKUP = re.compile(r"</?(?:i|b|sup|sub|span(?:\s[^>]*)?)>")
YEAR = re.compile(r"(?<![0-9])([0-9]{4})(?![0-9])")

Report = Callable[[str, str], None]
"""How a reader reports a problem with one field of the entry it maps: (field, message)."""


class Entries:
    """Collect mapped entries under their keys, with positions and every problem found."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data: dict[str, Any] = {}
        self.positions = Positions(path)
        self.problems: list[Problem] = []
        self._origin: dict[str, tuple[str, int]] = {}

    def problem(self, line: int, field: str, message: str) -> None:
        self.problems.append(Problem(self.path, line, 1, field, message))

    def key(self, raw: str, line: int, where: str) -> str | None:
        """Return the briefgen key of an entry, normalised to a slug; None after a problem."""
        key = raw if SLUG.match(raw) else normalise_key(raw)
        if not key or len(key) > 80:
            self.problem(
                line,
                where,
                f"key {raw!r} cannot be made a briefgen key (a lowercase slug of up to 80 characters)",
            )
            return None
        if key in self._origin:
            first, first_line = self._origin[key]
            same = "is also" if first == raw else f"becomes '{key}', as does"
            self.problem(line, where, f"duplicate key: '{raw}' {same} '{first}' (line {first_line})")
            return None
        self._origin[key] = (raw, line)
        return key

    def failed(self, key: str, line: int) -> None:
        """Record an entry that is there but could not be mapped (its problems said why).

        It stays in the data as unreadable, so that the brief knows the work exists: a citation
        of it is not "no such work" as well.
        """
        self.data[key] = UNREADABLE
        self.positions.values[(key,)] = (line, 1)
        self.positions.keys[(key,)] = (line, 1)

    def add(self, key: str, work: dict[str, Any], line: int, lines: dict[str, int]) -> None:
        self.data[key] = work
        self.positions.values[(key,)] = (line, 1)
        self.positions.keys[(key,)] = (line, 1)
        for name in work:
            self.positions.values[(key, name)] = (lines.get(name, line), 1)

    def document(self) -> tuple[YamlDocument, list[Problem]]:
        """Return the entries that could be mapped, so the model checks them too, and every problem."""
        return YamlDocument(self.data, self.positions), self.problems


def people_or_organisations(
    people: list[str], organisations: list[str], field: str, report: Report
) -> list[str] | str | None:
    if people and organisations:
        report(
            field,
            f"mixes people and organisations ({organisations[0]}): briefgen's author is a list of "
            "people or one organisation; keep one kind in the reference manager",
        )
        return None
    return people if people else " & ".join(organisations)


def first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "cannot be parsed"


def normalise_key(raw: str) -> str:
    """Return a reference manager's key as a briefgen slug: `Chen_2020` -> `chen-2020`."""
    plain = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def plain_text(value: Any) -> str | None:
    """Return a field as one line of plain text: numbers as text, CSL's HTML markup dropped."""
    if value is None or isinstance(value, bool | dict | list):
        return None
    text = CSL_MARKUP.sub("", str(value))
    text = " ".join(text.split())
    return text or None


def page_range(pages: str | None) -> str | None:
    """Return a page range with a plain hyphen, as sources.yaml writes it (`195-213`)."""
    return re.sub(r"\s*(?:--|–|—)\s*", "-", pages) if pages else None


def put(work: dict[str, Any], name: str, value: str | None) -> None:
    if value:
        work[name] = value


def put_doi(work: dict[str, Any], value: Any, report: Callable[[str], None]) -> bool:
    if not isinstance(value, str) or not value.strip():
        return True
    doi = DOI_PREFIX.sub("", value.strip())
    if not DOI.match(doi):
        report(f"{value!r} is not a DOI (10.NNNN/…)")
        return False
    work["doi"] = doi
    return True


def iso_date(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    found = re.match(r"^\s*([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", value)
    if not found:
        return None
    try:
        return date(*(int(g) for g in found.groups())).isoformat()
    except ValueError:
        return None


def forbidden(value: Any) -> str | None:
    """Return a message when any text in `value` holds a character that XML forbids."""
    if isinstance(value, str):
        bad = UNPRINTABLE.search(value)
        return f"control character U+{ord(bad.group()):04X} is not allowed in text" if bad else None
    if isinstance(value, dict):
        return next((m for v in value.values() if (m := forbidden(v))), None)
    if isinstance(value, list):
        return next((m for v in value if (m := forbidden(v))), None)
    return None
