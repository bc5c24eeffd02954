"""A brief's sources from a reference manager: CSL-JSON (`sources.json`) or BibTeX (`sources.bib`).

A brief keeps its bibliography in exactly one of `sources.yaml`, `sources.json` (Zotero's
"CSL JSON" or Better BibTeX's "Better CSL JSON" export) or `sources.bib` (BibTeX or BibLaTeX,
from Zotero or any other manager). Each entry of an export becomes one work of briefgen's source
model (`models/source.py`); the result is validated by the same model as sources.yaml, and every
problem names the file and the line of the entry (or, where a field has its own line in a .bib
file, of the field).

The mapping (README, "Sources from Zotero"):

| briefgen    | CSL-JSON                                        | BibTeX / BibLaTeX                          |
|-------------|-------------------------------------------------|--------------------------------------------|
| key         | `citation-key`, else `id`                       | the entry key                              |
| type        | `type` (table `_CSL_TYPES`)                     | the entry type (table `_BIBTEX_TYPES`)     |
| author      | `author`, else `editor`; `{literal}` = organisation; else `publisher` | `author`, else `editor`; `{{Braced}}` = organisation; else `institution`/`organization`/`publisher` |
| year        | `issued` (date-parts, raw or literal)           | `year`, else `date`                        |
| title       | `title`                                         | `title`                                    |
| container   | `container-title`, else `collection-title`, else `genre` + `number` for a report | `journal`, `journaltitle`, `booktitle`, else `type` + `number` for a report |
| publisher   | `publisher`                                     | `publisher`, `institution`, `organization`, `school` |
| volume      | `volume`                                        | `volume`                                   |
| issue       | `issue`                                         | `number` (articles) or `issue`             |
| pages       | `page`                                          | `pages`                                    |
| doi         | `DOI`                                           | `doi`                                      |
| url         | `URL`                                           | `url`                                      |
| accessed    | `accessed`                                      | `urldate`                                  |

Keys: briefgen's keys are lowercase slugs. A key that is not one is normalised: accents are
dropped, letters lowered, and every run of other characters becomes one hyphen
(`Chen_2020` and `doeHeatWaves2020:a` become `chen-2020` and `doeheatwaves2020-a`),
so `[@chen-2020]` cites the first. Two entries whose keys normalise alike are an error naming
both. Zotero's own item ids (`http://zotero.org/users/…/items/ABCD1234`) are not citation keys:
an entry with nothing else is an error that says how to give it one.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from briefgen.document.doctree import UNPRINTABLE
from briefgen.errors import Problem
from briefgen.models.common import SLUG_PATTERN
from briefgen.sources.yamlsource import Loc, Positions, YamlDocument, read_source_bytes

SOURCE_FILES = ("sources.yaml", "sources.json", "sources.bib")
"""The names a brief's bibliography may have; a brief keeps exactly one of them."""

_SLUG = re.compile(SLUG_PATTERN)
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_DOI = re.compile(r"^10\.[0-9]{4,9}/\S+$")
_CSL_MARKUP = re.compile(r"</?(?:i|b|sup|sub|span(?:\s[^>]*)?)>")
_YEAR = re.compile(r"(?<![0-9])([0-9]{4})(?![0-9])")

_CSL_TYPES = {
    "article-journal": "article",
    "article": "article",
    "paper-conference": "article",
    "chapter": "article",
    "entry-encyclopedia": "article",
    "entry-dictionary": "article",
    "review": "article",
    "article-newspaper": "news",
    "article-magazine": "news",
    "broadcast": "news",
    "interview": "news",
    "book": "book",
    "report": "report",
    "thesis": "report",
    "manuscript": "report",
    "document": "report",
    "legislation": "report",
    "bill": "report",
    "standard": "report",
    "dataset": "dataset",
    "webpage": "webpage",
    "post": "webpage",
    "post-weblog": "webpage",
}
"""CSL item types and the kind of work briefgen makes of them; any other type is a report."""

_BIBTEX_TYPES = {
    "article": "article",
    "inproceedings": "article",
    "conference": "article",
    "incollection": "article",
    "inbook": "article",
    "book": "book",
    "mvbook": "book",
    "booklet": "book",
    "collection": "book",
    "techreport": "report",
    "report": "report",
    "phdthesis": "report",
    "mastersthesis": "report",
    "thesis": "report",
    "dataset": "dataset",
    "data": "dataset",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
}
"""BibTeX/BibLaTeX entry types and the kind of work briefgen makes of them. `@misc` is a
webpage when it has a URL and a report otherwise; any other type is a report; an `@article`
whose `entrysubtype` is `newspaper` or `magazine` is news."""

Raw = tuple[dict[str, Any], dict[Loc, tuple[int, int]]]


def sources_file(root: Path) -> tuple[Path, list[Problem]]:
    """Return the bibliography file of the brief in `root`, or the problem that there is not one."""
    present = [root / name for name in SOURCE_FILES if (root / name).exists()]  # a FIFO too: refused by name
    if len(present) == 1:
        return present[0], []
    if not present:
        message = (
            "a brief folder needs its sources: sources.yaml (it may be `{}`), sources.json or sources.bib"
        )
        return root / SOURCE_FILES[0], [Problem(root / SOURCE_FILES[0], 1, 1, "", message)]
    names = " and ".join(p.name for p in present)
    message = f"a brief keeps its sources in one file, but it has {names}: keep one of them"
    return present[0], [Problem(present[1], 1, 1, "", message)]


def read_sources(path: Path, *, within: Path | None = None) -> tuple[YamlDocument | None, list[Problem]]:
    """Read a bibliography file of any supported kind into source data with positions.

    As every source, only a regular file inside `within` (the project) is read.
    """
    if path.suffix == ".yaml":
        from briefgen.sources.yamlsource import read_yaml

        return read_yaml(path, within=within)
    text, problems = _read_text(path, within)
    if text is None:
        return None, problems
    return (read_csl_json if path.suffix == ".json" else read_bibtex)(text, path)


def _read_text(path: Path, within: Path | None = None) -> tuple[str | None, list[Problem]]:
    raw, refusal = read_source_bytes(path, within=within)
    if raw is None:
        return None, [Problem(path, 1, 1, "", refusal)]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        message = f"file is not UTF-8 (byte 0x{raw[exc.start]:02x}); export it as UTF-8"
        return None, [Problem(path, line, 1, "", message)]
    return text.removeprefix("\ufeff"), []


class _Entries:
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
        key = raw if _SLUG.match(raw) else normalise_key(raw)
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

    def add(self, key: str, work: dict[str, Any], line: int, lines: dict[str, int]) -> None:
        self.data[key] = work
        self.positions.values[(key,)] = (line, 1)
        self.positions.keys[(key,)] = (line, 1)
        for name in work:
            self.positions.values[(key, name)] = (lines.get(name, line), 1)

    def document(self) -> tuple[YamlDocument, list[Problem]]:
        """Return the entries that could be mapped, so the model checks them too, and every problem."""
        return YamlDocument(self.data, self.positions), self.problems


# ---------------------------------------------------------------------------------- CSL-JSON


def read_csl_json(text: str, path: Path) -> tuple[YamlDocument | None, list[Problem]]:
    """Map a CSL-JSON array (Zotero or Better CSL JSON export) to source data."""
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for name, value in items:
            if name in seen:
                duplicates.append(name)
            seen[name] = value
        return seen

    decoder = json.JSONDecoder(object_pairs_hook=pairs)
    try:
        items, starts = _json_array(text, decoder)
    except json.JSONDecodeError as exc:
        return None, [Problem(path, exc.lineno, exc.colno, "", f"malformed JSON: {exc.msg}")]
    except RecursionError:
        return None, [Problem(path, 1, 1, "", "malformed JSON: nesting too deep")]
    except ValueError as exc:
        return None, [Problem(path, 1, 1, "", str(exc))]
    entries = _Entries(path)
    for index, (item, start) in enumerate(zip(items, starts, strict=True)):
        line = text.count("\n", 0, start) + 1
        where = f"[{index}]"
        if not isinstance(item, dict):
            entries.problem(line, where, "each entry must be a JSON object")
            continue
        bad = _forbidden(item)
        if bad:
            entries.problem(line, where, bad)
            continue
        raw_key = item.get("citation-key") or item.get("id")
        if not isinstance(raw_key, str | int) or isinstance(raw_key, bool) or str(raw_key) == "":
            entries.problem(line, where, "entry has no `id`")
            continue
        raw_key = str(raw_key)
        if "citation-key" not in item and "/" in raw_key:
            entries.problem(
                line,
                f"{where}.id",
                f"'{raw_key}' is Zotero's item id, not a citation key: give the item a Citation Key in "
                'Zotero, or export with Better BibTeX\'s "Better CSL JSON"',
            )
            continue
        key = entries.key(raw_key, line, f"{where}.id")
        if key is None:
            continue

        def report(field: str, message: str, key: str = key, line: int = line) -> None:
            entries.problem(line, f"{key}.{field}", message)

        work = _from_csl(item, report)
        if work is not None:
            entries.add(key, work, line, {})
    for name in dict.fromkeys(duplicates):
        entries.problem(1, name, f"duplicate field '{name}' in an entry")
    return entries.document()


def _json_array(text: str, decoder: json.JSONDecoder) -> tuple[list[Any], list[int]]:
    """Decode a top-level JSON array, returning its items and the offset where each starts."""
    whitespace = re.compile(r"[ \t\n\r]*")
    i = whitespace.match(text, 0).end()  # type: ignore[union-attr]
    if not text.startswith("[", i):
        decoder.decode(text)  # a syntax error reports itself with its line
        raise ValueError("a CSL-JSON file holds an array of entries, `[{…}, {…}]`")
    i = whitespace.match(text, i + 1).end()  # type: ignore[union-attr]
    items: list[Any] = []
    starts: list[int] = []
    if text.startswith("]", i):
        i += 1
    else:
        while True:
            item, end = decoder.raw_decode(text, i)
            items.append(item)
            starts.append(i)
            i = whitespace.match(text, end).end()  # type: ignore[union-attr]
            if text.startswith(",", i):
                i = whitespace.match(text, i + 1).end()  # type: ignore[union-attr]
                continue
            if text.startswith("]", i):
                i += 1
                break
            raise json.JSONDecodeError("expected ',' or ']'", text, i)
    i = whitespace.match(text, i).end()  # type: ignore[union-attr]
    if i != len(text):
        raise json.JSONDecodeError("extra data after the array", text, i)
    return items, starts


Report = Callable[[str, str], None]


def _from_csl(item: dict[str, Any], report: Report) -> dict[str, Any] | None:
    work: dict[str, Any] = {}
    ok = True
    kind = item.get("type")
    work["type"] = _CSL_TYPES.get(kind, "report") if isinstance(kind, str) else "report"

    author = _csl_authors(item.get("author"), "author", report)
    if author is None and "author" not in item:
        author = _csl_authors(item.get("editor"), "editor", report)
    if author is None and "author" not in item and "editor" not in item:
        author = _text(item.get("publisher"))
    if author is None:
        if "author" not in item:
            report(
                "author",
                "no author, editor or publisher: give the work an author (a person or an organisation)",
            )
        ok = False
    else:
        work["author"] = author

    title = _text(item.get("title"))
    if title:
        work["title"] = title
    else:
        report("title", "no title")
        ok = False

    year = _csl_year(item.get("issued"))
    if year is None:
        report("issued", "no year: give the work a date (`issued`)")
        ok = False
    else:
        work["year"] = year

    container = _text(item.get("container-title")) or _text(item.get("collection-title"))
    if not container and work["type"] == "report":
        container = " ".join(t for t in (_text(item.get("genre")), _text(item.get("number"))) if t)
    _put(work, "container", container)
    _put(work, "publisher", _text(item.get("publisher")))
    _put(work, "volume", _text(item.get("volume")))
    _put(work, "issue", _text(item.get("issue")))
    _put(work, "pages", _page_range(_text(item.get("page"))))
    ok &= _put_doi(work, _text(item.get("DOI")), lambda message: report("DOI", message))
    _put(work, "url", _text(item.get("URL")))
    if "accessed" in item and work.get("url"):
        accessed = _csl_date(item["accessed"])
        if accessed is None:
            report("accessed", "accessed needs a full date (year, month and day)")
            ok = False
        else:
            work["accessed"] = accessed
    return work if ok else None


def _csl_authors(names: Any, field: str, report: Report) -> list[str] | str | None:
    """Return people as ["Family, Given", …], or one organisation (or several) as text."""
    if names is None:
        return None
    if not isinstance(names, list) or not names:
        report(field, 'must be a list of names, like [{"family": "Doe", "given": "Jane"}]')
        return None
    people: list[str] = []
    organisations: list[str] = []
    for i, name in enumerate(names):
        if not isinstance(name, dict):
            report(f"{field}[{i}]", "a name must be an object with `family` and `given`, or `literal`")
            return None
        literal = _text(name.get("literal"))
        family = " ".join(
            t for t in (_text(name.get("non-dropping-particle")), _text(name.get("family"))) if t
        )
        given = " ".join(t for t in (_text(name.get("given")), _text(name.get("dropping-particle"))) if t)
        suffix = _text(name.get("suffix"))
        if literal:
            organisations.append(literal)
        elif family:
            people.append(", ".join(t for t in (family, given, suffix) if t))
        elif given:
            people.append(given)
        else:
            report(f"{field}[{i}]", "a name with neither `family` nor `literal`")
            return None
    return _people_or_organisations(people, organisations, field, report)


def _people_or_organisations(
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


def _csl_year(issued: Any) -> int | None:
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            try:
                return int(parts[0][0])
            except (TypeError, ValueError):
                return None
        issued = issued.get("raw") or issued.get("literal")
    if isinstance(issued, str):
        found = _YEAR.search(issued)
        return int(found.group(1)) if found else None
    return None


def _csl_date(value: Any) -> str | None:
    if isinstance(value, dict):
        parts = value.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and len(parts[0]) >= 3:
            try:
                return date(*(int(p) for p in parts[0][:3])).isoformat()
            except (TypeError, ValueError):
                return None
        value = value.get("raw")
    return _iso_date(value)


# ------------------------------------------------------------------------------------ BibTeX


def read_bibtex(text: str, path: Path) -> tuple[YamlDocument | None, list[Problem]]:
    """Map a BibTeX or BibLaTeX file to source data, parsed by bibtexparser 2."""
    from bibtexparser.entrypoint import parse_string
    from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock
    from pylatexenc.latex2text import LatexNodes2Text

    quiet = logging.getLogger("bibtexparser")  # its syntax warnings become our problems, once
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        library = parse_string(text)  # @string macros resolved, enclosing braces and quotes removed
    finally:
        quiet.setLevel(level)
    entries = _Entries(path)
    for block in library.failed_blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, DuplicateBlockKeyBlock):
            entries.problem(line, block.key, f"duplicate key '{block.key}'")
        elif isinstance(block, DuplicateFieldKeyBlock):
            names = ", ".join(sorted(block.duplicate_keys))
            owner = getattr(block.ignore_error_block, "key", "")
            entries.problem(line, owner, f"duplicate field {names} in entry '{owner}'")
        else:
            reason = getattr(block.error, "abort_reason", None) or getattr(block.error, "message", None)
            entries.problem(line, "", f"malformed BibTeX entry: {_first_line(str(reason or block.error))}")
    latex = LatexNodes2Text()

    def decode(value: str) -> str | None:
        try:
            return _text(latex.latex_to_text(value))
        except Exception:  # pylatexenc's parse errors have no common base; keep the raw text
            return _text(value)

    for entry in library.entries:
        line = (entry.start_line or 0) + 1
        key = entries.key(entry.key, line, entry.key)
        if key is None:
            continue
        fields = {f.key.lower(): f for f in entry.fields if isinstance(f.value, str)}
        raw = {name: f.value for name, f in fields.items()}
        bad = _forbidden(raw)
        if bad:
            entries.problem(line, key, bad)
            continue
        values = {
            name: (_text(value) if name in _VERBATIM_FIELDS else decode(value)) for name, value in raw.items()
        }
        lines = {name: (f.start_line or 0) + 1 for name, f in fields.items() if f.start_line is not None}
        taken_from: dict[str, str] = {}

        def report(
            field: str, message: str, key: str = key, line: int = line, lines: dict[str, int] = lines
        ) -> None:
            entries.problem(lines.get(field, line), f"{key}.{field}", message)

        def authors(field: str, raw: dict[str, str] = raw) -> list[str] | str | None:
            return _bibtex_names(raw[field], decode, field, report)

        work = _from_bibtex(entry.entry_type.lower(), values, authors, report, taken_from)
        if work is not None:
            field_lines = {name: lines[field] for name, field in taken_from.items() if field in lines}
            entries.add(key, work, line, field_lines)
    return entries.document()


_VERBATIM_FIELDS = {"url", "doi", "urldate", "date", "year"}
"""BibTeX fields read as typed, not as LaTeX (a `%` in a URL is not a comment)."""


def _from_bibtex(
    entry_type: str,
    values: dict[str, str | None],
    authors: Callable[[str], list[str] | str | None],
    report: Report,
    sources: dict[str, str],
) -> dict[str, Any] | None:
    """Map one entry's decoded fields; `sources` records which BibTeX field gave each field."""
    work: dict[str, Any] = {}
    ok = True

    def take(name: str, *candidates: str) -> None:
        for candidate in candidates:
            value = values.get(candidate)
            if isinstance(value, str) and value:
                work[name] = value
                sources[name] = candidate
                return

    kind = _BIBTEX_TYPES.get(entry_type)
    if kind is None:
        kind = "webpage" if entry_type == "misc" and values.get("url") else "report"
    if kind == "article" and str(values.get("entrysubtype", "")).lower() in ("newspaper", "magazine"):
        kind = "news"
    work["type"] = kind

    author: list[str] | str | None = None
    for field in ("author", "editor"):
        if field in values:
            author = authors(field)
            sources["author"] = field
            if author is None:
                ok = False
            break
    else:
        organisation = next(
            (
                values[f]
                for f in ("institution", "organization", "publisher")
                if isinstance(values.get(f), str)
            ),
            None,
        )
        if organisation:
            author = organisation
        else:
            report("author", "no author, editor, institution or publisher: give the work an author")
            ok = False
    if author is not None:
        work["author"] = author

    take("title", "title")
    if "title" not in work:
        report("title", "no title")
        ok = False
    year_text = values.get("year") or values.get("date")
    found = _YEAR.search(year_text) if isinstance(year_text, str) else None
    if found:
        work["year"] = int(found.group(1))
        sources["year"] = "year" if "year" in values else "date"
    else:
        report("year", "no year: give the work a `year` (or a BibLaTeX `date`)")
        ok = False

    take("container", "journal", "journaltitle", "booktitle")
    if "container" not in work and kind == "report":
        label = " ".join(
            str(values[f]) for f in ("type", "number") if isinstance(values.get(f), str) and values[f]
        )
        if label:
            work["container"] = label
    take("publisher", "publisher", "institution", "organization", "school")
    take("volume", "volume")
    if kind != "report":
        take("issue", "number", "issue")
    else:
        take("issue", "issue")
    take("pages", "pages")
    if "pages" in work:
        work["pages"] = _page_range(work["pages"])
    ok &= _put_doi(work, values.get("doi"), lambda message: report("doi", message))
    if "doi" in work:
        sources["doi"] = "doi"
    take("url", "url")
    if isinstance(values.get("urldate"), str) and "url" in work:
        accessed = _iso_date(values["urldate"])
        if accessed is None:
            report("urldate", f"urldate {values['urldate']!r} is not a date (YYYY-MM-DD)")
            ok = False
        else:
            work["accessed"] = accessed
            sources["accessed"] = "urldate"
    return work if ok else None


def _bibtex_names(
    value: str, decode: Callable[[str], str | None], field: str, report: Report
) -> list[str] | str | None:
    """Return people as ["Family, Given", …]; a name wholly in braces is an organisation."""
    from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names

    people: list[str] = []
    organisations: list[str] = []
    for name in split_multiple_persons_names(value):
        name = name.strip()
        if _wholly_braced(name):
            text = decode(name[1:-1])
            if text:
                organisations.append(text)
            continue
        try:
            parts = parse_single_name_into_parts(name, strict=False)
        except ValueError as exc:
            report(field, f"cannot read the name {name!r}: {exc}")
            return None
        text = decode(parts.merge_last_name_first)
        if text:
            people.append(text)
    if not people and not organisations:
        report(field, "the name list is empty")
        return None
    return _people_or_organisations(people, organisations, field, report)


def _wholly_braced(text: str) -> bool:
    """Return whether `text` is one `{…}` group (BibTeX's way to keep a name whole)."""
    if not (text.startswith("{") and text.endswith("}")):
        return False
    depth = 0
    for i, char in enumerate(text):
        depth += 1 if char == "{" else -1 if char == "}" else 0
        if depth == 0 and i < len(text) - 1:
            return False
    return True


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "cannot be parsed"


# ------------------------------------------------------------------------------------ shared


def normalise_key(raw: str) -> str:
    """Return a reference manager's key as a briefgen slug: `Chen_2020` -> `chen-2020`."""
    plain = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def _text(value: Any) -> str | None:
    """Return a field as one line of plain text: numbers as text, CSL's HTML markup dropped."""
    if value is None or isinstance(value, bool | dict | list):
        return None
    text = _CSL_MARKUP.sub("", str(value))
    text = " ".join(text.split())
    return text or None


def _page_range(pages: str | None) -> str | None:
    """Return a page range with a plain hyphen, as sources.yaml writes it (`195-213`)."""
    return re.sub(r"\s*(?:--|–|—)\s*", "-", pages) if pages else None


def _put(work: dict[str, Any], name: str, value: str | None) -> None:
    if value:
        work[name] = value


def _put_doi(work: dict[str, Any], value: Any, report: Callable[[str], None]) -> bool:
    if not isinstance(value, str) or not value.strip():
        return True
    doi = _DOI_PREFIX.sub("", value.strip())
    if not _DOI.match(doi):
        report(f"{value!r} is not a DOI (10.NNNN/…)")
        return False
    work["doi"] = doi
    return True


def _iso_date(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    found = re.match(r"^\s*([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", value)
    if not found:
        return None
    try:
        return date(*(int(g) for g in found.groups())).isoformat()
    except ValueError:
        return None


def _forbidden(value: Any) -> str | None:
    """Return a message when any text in `value` holds a character that XML forbids."""
    if isinstance(value, str):
        bad = UNPRINTABLE.search(value)
        return f"control character U+{ord(bad.group()):04X} is not allowed in text" if bad else None
    if isinstance(value, dict):
        return next((m for v in value.values() if (m := _forbidden(v))), None)
    if isinstance(value, list):
        return next((m for v in value if (m := _forbidden(v))), None)
    return None
