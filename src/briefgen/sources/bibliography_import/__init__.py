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
| type        | `type` (`csl._CSL_TYPES`)                       | the entry type (`bibtex._BIBTEX_TYPES`)    |
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

from pathlib import Path

import briefgen.reading as reading
from briefgen.errors import Problem
from briefgen.sources.bibliography_import.bibtex import read_bibtex
from briefgen.sources.bibliography_import.csl import read_csl_json
from briefgen.sources.bibliography_import.entries import normalise_key
from briefgen.sources.yamlsource import YamlDocument

__all__ = ["SOURCE_FILES", "normalise_key", "read_bibtex", "read_csl_json", "read_sources", "sources_file"]

SOURCE_FILES = ("sources.yaml", "sources.json", "sources.bib")
"""The names a brief's bibliography may have; a brief keeps exactly one of them."""


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
    try:
        return reading.read_text(path, reading.BIBLIOGRAPHY, within=within), []
    except reading.UnreadableFile as exc:
        return None, list(exc.problems)
