"""CSL-JSON (`sources.json`: Zotero's "CSL JSON" or Better BibTeX's "Better CSL JSON") to source data."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from briefgen.errors import Problem
from briefgen.sources.bibliography_import.entries import (
    YEAR,
    Entries,
    Report,
    forbidden,
    iso_date,
    page_range,
    people_or_organisations,
    plain_text,
    put,
    put_doi,
)
from briefgen.sources.yamlsource import YamlDocument

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
    entries = Entries(path)
    for index, (item, start) in enumerate(zip(items, starts, strict=True)):
        line = text.count("\n", 0, start) + 1
        where = f"[{index}]"
        if not isinstance(item, dict):
            entries.problem(line, where, "each entry must be a JSON object")
            continue
        bad = forbidden(item)
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
        else:
            entries.failed(key, line)
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


def _from_csl(item: dict[str, Any], report: Report) -> dict[str, Any] | None:
    work: dict[str, Any] = {}
    ok = True
    kind = item.get("type")
    work["type"] = _CSL_TYPES.get(kind, "report") if isinstance(kind, str) else "report"

    author = _csl_authors(item.get("author"), "author", report)
    if author is None and "author" not in item:
        author = _csl_authors(item.get("editor"), "editor", report)
    if author is None and "author" not in item and "editor" not in item:
        author = plain_text(item.get("publisher"))
    if author is None:
        if "author" not in item:
            report(
                "author",
                "no author, editor or publisher: give the work an author (a person or an organisation)",
            )
        ok = False
    else:
        work["author"] = author

    title = plain_text(item.get("title"))
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

    container = plain_text(item.get("container-title")) or plain_text(item.get("collection-title"))
    if not container and work["type"] == "report":
        container = " ".join(t for t in (plain_text(item.get("genre")), plain_text(item.get("number"))) if t)
    put(work, "container", container)
    put(work, "publisher", plain_text(item.get("publisher")))
    put(work, "volume", plain_text(item.get("volume")))
    put(work, "issue", plain_text(item.get("issue")))
    put(work, "pages", page_range(plain_text(item.get("page"))))
    ok &= put_doi(work, plain_text(item.get("DOI")), lambda message: report("DOI", message))
    put(work, "url", plain_text(item.get("URL")))
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
        literal = plain_text(name.get("literal"))
        family = " ".join(
            t for t in (plain_text(name.get("non-dropping-particle")), plain_text(name.get("family"))) if t
        )
        given = " ".join(
            t for t in (plain_text(name.get("given")), plain_text(name.get("dropping-particle"))) if t
        )
        suffix = plain_text(name.get("suffix"))
        if literal:
            organisations.append(literal)
        elif family:
            people.append(", ".join(t for t in (family, given, suffix) if t))
        elif given:
            people.append(given)
        else:
            report(f"{field}[{i}]", "a name with neither `family` nor `literal`")
            return None
    return people_or_organisations(people, organisations, field, report)


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
        found = YEAR.search(issued)
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
    return iso_date(value)
