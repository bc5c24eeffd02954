"""BibTeX and BibLaTeX (`sources.bib`, from Zotero or any other manager) to source data (bibtexparser 2)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from briefgen.errors import Problem
from briefgen.sources.bibliography_import.entries import (
    YEAR,
    Entries,
    Report,
    first_line,
    forbidden,
    iso_date,
    page_range,
    people_or_organisations,
    plain_text,
    put_doi,
)
from briefgen.sources.yamlsource import YamlDocument

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


def read_bibtex(text: str, path: Path) -> tuple[YamlDocument | None, list[Problem]]:
    """Map a BibTeX or BibLaTeX file to source data, parsed by bibtexparser 2."""
    from bibtexparser.entrypoint import parse_string
    from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock

    quiet = logging.getLogger("bibtexparser")  # its syntax warnings become our problems, once
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        library = parse_string(text)  # @string macros resolved, enclosing braces and quotes removed
    finally:
        quiet.setLevel(level)
    entries = Entries(path)
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
            entries.problem(line, "", f"malformed BibTeX entry: {first_line(str(reason or block.error))}")

    def decode(value: str) -> str | None:
        return plain_text(latex_to_text(value))

    for entry in library.entries:
        line = (entry.start_line or 0) + 1
        key = entries.key(entry.key, line, entry.key)
        if key is None:
            continue
        fields = {f.key.lower(): f for f in entry.fields if isinstance(f.value, str)}
        raw = {name: f.value for name, f in fields.items()}
        bad = forbidden(raw)
        if bad:
            entries.problem(line, key, bad)
            entries.failed(key, line)
            continue
        lines = {name: (f.start_line or 0) + 1 for name, f in fields.items() if f.start_line is not None}
        values: dict[str, str | None] = {}
        refused = False
        for name, value in raw.items():
            if name in _VERBATIM_FIELDS:
                values[name] = plain_text(value)
                continue
            try:
                values[name] = decode(value)
            except _LatexRefused as exc:
                entries.problem(lines.get(name, line), f"{key}.{name}", str(exc))
                refused = True
        if refused:
            entries.failed(key, line)
            continue
        taken_from: dict[str, str] = {}

        def report(
            field: str, message: str, key: str = key, line: int = line, lines: dict[str, int] = lines
        ) -> None:
            entries.problem(lines.get(field, line), f"{key}.{field}", message)

        def authors(field: str, raw: dict[str, str] = raw) -> list[str] | str | None:
            return _bibtex_names(raw[field], decode, field, report)

        try:
            work = _from_bibtex(entry.entry_type.lower(), values, authors, report, taken_from)
        except _LatexRefused as exc:  # in a name
            report("author", str(exc))
            work = None
        if work is not None:
            field_lines = {name: lines[field] for name, field in taken_from.items() if field in lines}
            entries.add(key, work, line, field_lines)
        else:
            entries.failed(key, line)
    return entries.document()


class _LatexRefused(ValueError):  # a refusal, said as a problem; it never leaves this module
    """LaTeX in a field that cannot be turned into text faithfully."""


_NEVER = {
    "input", "include", "write", "immediate", "openout", "openin", "read", "def", "edef", "gdef",
    "let", "newcommand", "renewcommand", "providecommand", "catcode", "csname", "usepackage",
    "special", "directlua",
}  # fmt: skip
"""Macros refused even where the converter knows one: they read files, write, or define macros."""


def latex_to_text(value: str) -> str:
    """Return a BibTeX field's LaTeX as Unicode text (accents, dashes, quotes, `\\emph`, `\\href`).

    A macro the converter does not know (`\\write18{ls}` would print as "18ls"), one that reads
    or writes files, or LaTeX that does not parse is refused: _LatexRefused says which, and the
    work is a problem to fix in the reference manager, never raw LaTeX in a brief.
    """
    from pylatexenc.latexwalker import (
        LatexEnvironmentNode,
        LatexGroupNode,
        LatexMacroNode,
        LatexWalker,
        LatexWalkerError,
    )

    parsing, converting = _latex_contexts()
    try:
        nodes, _, _ = LatexWalker(value, latex_context=parsing, tolerant_parsing=False).get_latex_nodes()
    except LatexWalkerError as exc:
        raise _LatexRefused(
            f"the LaTeX does not parse ({first_line(str(exc))}); write it as plain text"
        ) from None

    def check(found: list[Any]) -> None:
        for node in found:
            if node is None:
                continue
            if isinstance(node, LatexMacroNode) and (
                node.macroname in _NEVER or converting.get_macro_spec(node.macroname) is None
            ):
                raise _LatexRefused(
                    f"\\{node.macroname} is LaTeX briefgen cannot turn into text; write the words "
                    "as plain text (accents and dashes may stay as LaTeX or Unicode)"
                )
            if (
                isinstance(node, LatexEnvironmentNode)
                and converting.get_environment_spec(node.environmentname) is None
            ):
                raise _LatexRefused(
                    f"the LaTeX environment {node.environmentname!r} cannot be turned into text"
                )
            arguments = getattr(getattr(node, "nodeargd", None), "argnlist", None) or []
            check(list(arguments))
            if isinstance(node, LatexGroupNode | LatexEnvironmentNode) or hasattr(node, "nodelist"):
                check(list(getattr(node, "nodelist", None) or []))

    check(list(nodes))
    try:
        return str(_converter().nodelist_to_text(nodes))
    except (IndexError, KeyError, TypeError, ValueError, AttributeError) as exc:  # the converter's own slips
        raise _LatexRefused(
            f"the LaTeX cannot be turned into text ({type(exc).__name__}); write it as plain text"
        ) from None


@cache
def _latex_contexts() -> tuple[Any, Any]:
    """Return pylatexenc's parsing and converting contexts, `\\href{url}{words}` taught to both."""
    from pylatexenc.latex2text import MacroTextSpec
    from pylatexenc.latex2text import get_default_latex_context_db as converting
    from pylatexenc.latexwalker import get_default_latex_context_db as parsing
    from pylatexenc.macrospec import MacroSpec

    parse, convert = parsing(), converting()
    # pylatexenc 2.10-2.11 parses \href with no arguments and then fails to print it
    parse.add_context_category("briefgen", macros=[MacroSpec("href", "{{")], prepend=True)
    convert.add_context_category(
        "briefgen", macros=[MacroTextSpec("href", simplify_repl="%(2)s")], prepend=True
    )
    return parse, convert


@cache
def _converter() -> Any:
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(latex_context=_latex_contexts()[1])


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
    kind = _bibtex_kind(entry_type, values)
    entry = _Entry(values, {"type": kind}, sources)
    mapped = [_map_author(entry, authors, report), _map_title_and_year(entry, report)]
    _map_publication(entry, kind)
    mapped.append(_map_links(entry, report))  # every part mapped, so that each problem is reported
    return entry.work if all(mapped) else None


@dataclass(frozen=True)
class _Entry:
    """One BibTeX entry being mapped: its decoded fields, the work so far, which field gave each."""

    values: dict[str, str | None]
    work: dict[str, Any]
    sources: dict[str, str]

    def take(self, name: str, *candidates: str) -> None:
        """Set the work's `name` from the first of the candidate fields that has a value."""
        for candidate in candidates:
            value = self.values.get(candidate)
            if isinstance(value, str) and value:
                self.work[name] = value
                self.sources[name] = candidate
                return


def _bibtex_kind(entry_type: str, values: dict[str, str | None]) -> str:
    """Return the work's type for a BibTeX entry type (a `misc` with a URL is a web page)."""
    kind = _BIBTEX_TYPES.get(entry_type)
    if kind is None:
        kind = "webpage" if entry_type == "misc" and values.get("url") else "report"
    if kind == "article" and str(values.get("entrysubtype", "")).lower() in ("newspaper", "magazine"):
        kind = "news"
    return kind


def _map_author(entry: _Entry, authors: Callable[[str], list[str] | str | None], report: Report) -> bool:
    """Map the people (`author`, else `editor`) or else the organisation; return False if none is usable."""
    values = entry.values
    ok = True
    author: list[str] | str | None = None
    for field in ("author", "editor"):
        if field in values:
            author = authors(field)
            entry.sources["author"] = field
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
        entry.work["author"] = author
    return ok


def _map_title_and_year(entry: _Entry, report: Report) -> bool:
    """Map the title and the year (`year`, else BibLaTeX's `date`); return False if either is missing."""
    values, work = entry.values, entry.work
    ok = True
    entry.take("title", "title")
    if "title" not in work:
        report("title", "no title")
        ok = False
    year_text = values.get("year") or values.get("date")
    found = YEAR.search(year_text) if isinstance(year_text, str) else None
    if found:
        work["year"] = int(found.group(1))
        entry.sources["year"] = "year" if "year" in values else "date"
    else:
        report("year", "no year: give the work a `year` (or a BibLaTeX `date`)")
        ok = False
    return ok


def _map_publication(entry: _Entry, kind: str) -> None:
    """Map where the work appeared: container (a report's type and number), publisher, volume,
    issue and pages."""
    values, work = entry.values, entry.work
    entry.take("container", "journal", "journaltitle", "booktitle")
    if "container" not in work and kind == "report":
        label = " ".join(
            str(values[f]) for f in ("type", "number") if isinstance(values.get(f), str) and values[f]
        )
        if label:
            work["container"] = label
    entry.take("publisher", "publisher", "institution", "organization", "school")
    entry.take("volume", "volume")
    if kind != "report":
        entry.take("issue", "number", "issue")
    else:
        entry.take("issue", "issue")
    entry.take("pages", "pages")
    if "pages" in work:
        work["pages"] = page_range(work["pages"])


def _map_links(entry: _Entry, report: Report) -> bool:
    """Map the DOI, the URL and the day it was read (`urldate`); return False if one is malformed."""
    values, work = entry.values, entry.work
    ok = put_doi(work, values.get("doi"), lambda message: report("doi", message))
    if "doi" in work:
        entry.sources["doi"] = "doi"
    entry.take("url", "url")
    if isinstance(values.get("urldate"), str) and "url" in work:
        accessed = iso_date(values["urldate"])
        if accessed is None:
            report("urldate", f"urldate {values['urldate']!r} is not a date (YYYY-MM-DD)")
            ok = False
        else:
            work["accessed"] = accessed
            entry.sources["accessed"] = "urldate"
    return ok


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
    return people_or_organisations(people, organisations, field, report)


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
