"""What a build will make: every brief tailored for every country and language, one job a document.

Pelican's order: every brief is loaded and every country tailored before the first file is
written, so a data error stops the run with nothing half-made.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import briefgen.build.freshness as freshness
from briefgen.errors import BuildError, TailoringError
from briefgen.formats import FORMATS, format_named

if TYPE_CHECKING:  # the models and tailoring load only when something must be built
    from briefgen.build.figures import Promise
    from briefgen.build.request import BuildRequest
    from briefgen.document.model import Figure, TailoredBrief
    from briefgen.sources.aggregate import LoadedBrief
    from briefgen.translation.build import Incomplete


@dataclass(frozen=True)
class Job:
    """One document to render."""

    brief: TailoredBrief
    format: str
    path: Path
    """Absolute output path."""
    relative: str
    """Path relative to the edition folder, as the manifest records it."""
    key: str
    """What the document is made of: its content, briefgen's code and the format (a hash)."""
    weight: int = 0
    """Size of the brief's content, to schedule the longest documents first."""
    drawings: Mapping[tuple[Figure, str], bytes] = field(default_factory=dict)
    """Its figures, drawn by the build process before the job goes to a worker."""
    promise: Promise | None = None
    """Or where the worker collects them, drawn while it lays the document out."""

    @property
    def expected_cost(self) -> float:
        """Return how long the document should take, in relative units (longest first)."""
        return FORMATS[self.format].cost * self.weight


def output_path(out: Path, brief: TailoredBrief, fmt: str) -> tuple[Path, str]:
    """Return where one document goes, and its path relative to the edition folder.

    `<out>/<brief>/e<edition>/<lang>/<brief>-<country>-e<edition>.<ext>`; a scenario other than
    the brief's active one adds `-<scenario>` to the name, so it never overwrites the default.
    """
    stem = (
        brief.slug
        if brief.scenario_is_default or brief.scenario is None
        else f"{brief.slug}-{brief.scenario}"
    )
    relative = f"{brief.language}/{stem}{FORMATS[fmt].suffix}"
    edition_dir = (out / brief.brief_id / f"e{brief.edition}").resolve()
    path = (edition_dir / relative).resolve()
    if not path.is_relative_to(out.resolve()):  # ids are slugs, so this is a second lock on the door
        raise BuildError(f"refusing to write outside {out}: {path}")
    return path, relative


def plan(
    loaded_briefs: Sequence[LoadedBrief], request: BuildRequest, incomplete: list[Incomplete] | None = None
) -> list[Job]:
    """Tailor every brief for every country and language `request` asks for; return the documents.

    Each tailored brief comes finished from `tailor()`, its changes since the previous
    release included (the loaded sources carry that release). Languages default to every
    language each brief declares. Unless the request allows untranslated entries, a country's
    brief in a language whose catalogs miss or have fuzzy entries for it is left out, and the
    language is added to `incomplete`; every other document is planned.
    """
    from briefgen.tailoring import tailor
    from briefgen.translation.build import in_languages

    for fmt in request.formats:
        format_named(fmt)
    countries = request.countries
    nowhere = [c for c in countries if not any(c in loaded.brief.countries for loaded in loaded_briefs)]
    if nowhere and len(loaded_briefs) > 1:  # one brief: named with its countries below
        raise TailoringError(f"{', '.join(nowhere)}: not among the countries of any brief built")
    shared = freshness.code_fingerprint()
    jobs: list[Job] = []
    for loaded in loaded_briefs:
        wanted = list(countries) or list(loaded.brief.countries)
        unknown = [c for c in wanted if c not in loaded.brief.countries]
        if unknown and len(loaded_briefs) == 1:
            raise TailoringError(
                f"{', '.join(unknown)}: not among {loaded.id}'s countries ({', '.join(loaded.brief.countries)})"
            )
        codes = [c for c in wanted if c in loaded.brief.countries]
        for localised, ready in in_languages(
            loaded,
            request.languages,
            codes,
            request.allow_untranslated,
            single=len(loaded_briefs) == 1,
            incomplete=incomplete,
        ):
            for code in ready:
                tailored = tailor(localised, code, request.scenario)
                canonical = tailored.canonical_json().encode()
                content = hashlib.sha256(canonical).hexdigest()
                for fmt in request.formats:
                    path, relative = output_path(request.out, tailored, fmt)
                    key = hashlib.sha256(f"{content}:{shared}:{fmt}".encode()).hexdigest()
                    jobs.append(Job(tailored, fmt, path, relative, key, len(canonical)))
    return jobs
