"""Author-date citations and reference lists, from the brief's sources."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from briefgen.document.doctree import CiteItem, Emphasis, Inline, Link, Text
from briefgen.document.formatting import long_date
from briefgen.document.text import script_runs
from briefgen.document.typography import bind_last_words, typeset
from briefgen.document.words import note_letter, say
from briefgen.models import Source


def family_name(name: str) -> str:
    """Return the family name of "Family, Given" (or of "Given Family")."""
    name = name.strip()
    if "," in name:
        return name.split(",", 1)[0].strip()
    return name.rsplit(" ", 1)[-1]


def author_label(source: Source) -> str:
    """Return the author part of a citation: "Chen", "Ji & Guo", "Yu et al.", "World Bank"."""
    if isinstance(source.author, str):
        return source.author
    families = [family_name(a) for a in source.author]
    if not families:
        return source.named
    if len(families) == 1:
        return families[0]
    if len(families) == 2:
        return f"{families[0]} & {families[1]}"
    return f"{families[0]} et al."


_LOCATOR = re.compile(
    r"^(?P<kind>pp?|pg|pages?|с|стр|ch|chap|chapter|гл|fig|figure|рис|sec|section|разд|para|абз|§)\.?\s*"
    r"(?P<where>[\dIVXLCivxlc][\w\s,–—-]*)$",
    re.IGNORECASE,
)
_LOCATOR_KEYS = {
    "p": "page",
    "pp": "page",
    "pg": "page",
    "page": "page",
    "pages": "page",
    "с": "page",
    "стр": "page",
    "ch": "chapter",
    "chap": "chapter",
    "chapter": "chapter",
    "гл": "chapter",
    "fig": "figure",
    "figure": "figure",
    "рис": "figure",
    "sec": "section",
    "section": "section",
    "разд": "section",
    "§": "section",
    "para": "paragraph",
    "абз": "paragraph",
}


def locator(text: str | None, language: str = "en") -> str | None:
    """Return a citation's locator in the reader's language: "p. 3", "pp. 12–14", "ch. 2" ->
    «с. 3», «с. 12–14», «гл. 2» in Russian, whatever the author or translator typed.

    A bare number or range is a page; "p."/"pp."/«с.», "ch."/«гл.», "fig."/«рис.», "sec."/«разд.»
    and "para."/«абз.» are recognised in English and Russian and said with the catalog's words
    (`locator_page`, `locator_chapter`, ...); any other locator ("table 3") prints as typed.
    A line never ends between the word and its number.
    """
    if not text or not text.strip():
        return None
    text = text.strip()
    found = _LOCATOR.match(text)
    if found:
        kind, where = _LOCATOR_KEYS[found.group("kind").lower()], found.group("where").strip()
    elif re.fullmatch(r"[\dIVXLCivxlc]+(?:\s*[-–—,]\s*[\dIVXLCivxlc]+)*", text):
        kind, where = "page", text
    else:
        return typeset(text, language)
    where = re.sub(r"\s*[-–—]\s*", "–", where)
    if kind == "page":
        key = "locator_pages" if re.search(r"[–,]", where) else "locator_page"
    else:
        key = f"locator_{kind}"
    said = say(language, key, pages=where)
    # a line never ends between "p." («с.») and its number, nor between a number and "-бет"
    return re.sub(r"\. (?=\d)", ".\u00a0", said)


def page_locator(pages: str | None, language: str = "en") -> str | None:
    """Turn an evidence item's `pages` ("3", "12-14", "ch. 2") into a locator ("p. 3", "pp. 12–14")."""
    return locator(pages, language)


@dataclass(frozen=True)
class Bibliography:
    """The works of one brief, with a unique author-date label for each."""

    sources: Mapping[str, Source]
    labels: Mapping[str, str]
    language: str = "en"

    @classmethod
    def of(cls, sources: Mapping[str, Source], language: str = "en") -> Bibliography:
        """Label every work; works by the same authors in the same year get a, b, c…."""
        groups: dict[tuple[str, int], list[str]] = defaultdict(list)
        for key, source in sources.items():
            groups[(author_label(source), source.year)].append(key)
        labels: dict[str, str] = {}
        for (author, year), keys in groups.items():
            if len(keys) == 1:
                labels[keys[0]] = f"{author}, {year}"
                continue
            ordered = sorted(keys, key=lambda k: (sources[k].named.casefold(), k))
            for i, key in enumerate(ordered):
                labels[key] = f"{author}, {year}{note_letter(i, language)}"
        return cls(sources, labels, language)

    def cite(self, items: tuple[CiteItem, ...]) -> str:
        """Return the citation text without brackets: "Chen, 2020, p. 3; Putz, 2020"."""
        parts = []
        for item in items:
            label = self.labels.get(item.key, item.key)
            where = locator(item.locator, self.language)
            parts.append(f"{label}, {where}" if where else label)
        # the last two words stay on one line: never "…2023, p." / "14)."
        return bind_last_words("; ".join(parts))

    def sort_key(self, key: str) -> tuple[int, str, str]:
        """Return the key that orders the reference list alphabetically.

        Quotation marks do not count («Жэньминь жибао» files under Ж), and in a language written
        in Cyrillic the works whose author is written in Cyrillic come first, then the others,
        as a Russian reference list has them (GOST 7.1).
        """
        label = self.labels[key].lstrip("«„“\"'‘ ").casefold()
        cyrillic_first = self.language.split("-")[0] in ("ru", "kk", "ky", "tg")
        rank = 0 if not cyrillic_first or re.match(r"[\u0400-\u04ff]", label) else 1
        return (rank, label, key)

    def reference(self, key: str) -> tuple[Inline, ...]:
        """Return one reference-list entry, author-date style.

        Author (Year). Title. *Container*, volume(issue), pages. Publisher. DOI or URL (accessed date).

        A DOI is printed as its https://doi.org/ link and stands instead of the URL, as APA does.
        """
        source = self.sources[key]
        label = self.labels[key]
        year = label.rsplit(", ", 1)[1]
        authors = source.author if isinstance(source.author, str) else _join_names(source.author)
        language = self.language
        out: list[Inline] = [*_runs(f"{_typeset(authors, language)} ({year}). ")]
        standalone = source.type in ("report", "book", "dataset")
        if source.title is not None:
            title = _typeset(source.title.rstrip("."), language)
            out.extend([Emphasis(_runs(title))] if standalone else _runs(title))
        else:  # what the work is, in the brief's words: in square brackets, never as a title
            title = "[" + _typeset((source.description or "").rstrip("."), language) + "]"
            out.extend(_runs(title))
        out.append(Text(_stop(title)))
        if source.container:
            container = _typeset(source.container.rstrip("."), language)
            out.extend(_runs(container) if standalone else [Emphasis(_runs(container))])
            details = _details(source, in_container=True)
            out.append(Text(details + _stop(container + details)))
        elif details := _details(source, in_container=False):
            out.append(Text(f"{details}. "))
        if source.publisher and source.publisher != authors:
            publisher = _typeset(source.publisher.rstrip("."), language)
            out.append(Text(publisher + _stop(publisher)))
        if source.doi:
            link = f"https://doi.org/{source.doi}"
            out.append(Link(link, (Text(link),)))
        elif source.url:
            out.append(Link(source.url, (Text(source.url),)))
            if source.accessed:  # the brief's own date format, as every date in it
                accessed = say(language, "accessed", date=long_date(source.accessed, language))
                out.append(Text(f" ({accessed})."))
        return _trim(out)


def _stop(text: str) -> str:
    """Return the full stop that ends a piece of a reference, none after "?" or "!"."""
    return " " if text.endswith(("?", "!", "…")) else ". "


def _typeset(text: str, language: str) -> str:
    return typeset(text, language, smart_quotes=True)


def _details(source: Source, *, in_container: bool) -> str:
    """Return volume, issue and pages: ", 12(3), 45–67" after a container, else "Vol. 12, no. 3, pp. 45–67"."""
    pages = re.sub(r"\s*-+\s*", "–", source.pages.strip()) if source.pages else None
    if in_container:
        volume = f"{source.volume}({source.issue})" if source.volume and source.issue else source.volume
        parts = [volume or (f"({source.issue})" if source.issue else None), pages]
        return "".join(f", {part}" for part in parts if part)
    parts = [
        f"Vol. {source.volume}" if source.volume else None,
        f"no. {source.issue}" if source.issue else None,
        (f"pp.\u00a0{pages}" if "–" in pages else f"p.\u00a0{pages}") if pages else None,
    ]
    return ", ".join(part for part in parts if part)


def _runs(text: str) -> tuple[Inline, ...]:
    """Return text as runs, Han script tagged, as parsed fields are."""
    return tuple(script_runs(text))


def _join_names(names: list[str]) -> str:
    if len(names) <= 2:
        return " & ".join(names)
    return ", ".join(names[:-1]) + " & " + names[-1]


def _trim(out: list[Inline]) -> tuple[Inline, ...]:
    last = out[-1]
    if isinstance(last, Text):
        out[-1] = Text(last.text.rstrip())
    return tuple(x for x in out if not (isinstance(x, Text) and not x.text))
