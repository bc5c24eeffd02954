"""Released editions read back: a frozen edition (or the working sources with their last release)
as a LoadedBrief, ready to tailor; and what is wrong with the working edition's number.

A released edition is `briefs/<brief>/editions/<N>.json`: the brief, every recommendation, the
profiles of its countries, its sources, its follow-up (`tracking`, when it has one) and its
translations, fully resolved and canonical, with a content hash. It is written once by `briefgen.editions.release` and never overwritten;
building edition N later renders from it. Comparing two is `briefgen.editions.diff`'s job.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import briefgen.reading as reading
from briefgen.atomic import held, leftovers
from briefgen.canonical import canonical_json
from briefgen.errors import EditionError, Problem, UnknownEdition
from briefgen.models import Assessment, Brief, CountryProfile, Recommendation, Source
from briefgen.sources.aggregate import LoadedBrief
from briefgen.sources.layout import project_folder
from briefgen.sources.loading import load_sources

EDITIONS_DIR = "editions"
RELEASED = "released"
"""The key of an edition's release date, in its content (hashed) and beside it."""
FORMAT_VERSION = 1
LOCK_NAME = ".release.lock"


def edition_path(folder: Path, number: int) -> Path:
    """Return where edition `number` of the brief in `folder` is frozen."""
    return folder / EDITIONS_DIR / f"{number}.json"


def released_editions(folder: Path) -> list[int]:
    """Return the numbers of the released editions, oldest first."""
    numbers = []
    for path in (folder / EDITIONS_DIR).glob("*.json"):
        if path.stem.isdigit():
            numbers.append(int(path.stem))
    return sorted(numbers)


def content_of(loaded: LoadedBrief) -> dict[str, Any]:
    """Return the brief's resolved content as plain, canonical data."""

    def dump(model: Any) -> Any:
        return model.model_dump(mode="json", by_alias=True, exclude_defaults=False)

    content = {
        "brief": dump(loaded.brief),
        "recommendations": [dump(r) for r in sorted(loaded.recommendations, key=lambda r: r.id)],
        "countries": {code: dump(loaded.countries[code]) for code in sorted(loaded.countries)},
        "sources": {key: dump(loaded.works[key]) for key in sorted(loaded.works)},  # shared ones it uses too
    }
    if loaded.tracking:  # the follow-up as it stood; an edition without one has no key (and its old hash)
        content["tracking"] = {
            code: [dump(a) for a in loaded.tracking[code]] for code in sorted(loaded.tracking)
        }
    return content


def released_content(loaded: LoadedBrief) -> dict[str, Any]:
    """Return what a release freezes: the resolved sources and, when there are any, the catalogs
    of every language the brief is published in, so a release reproduces its translations (those
    of the previous release's texts its changes box quotes among them)."""
    content = content_of(loaded)
    if loaded.translations:
        from briefgen.sources.catalogs import freeze

        # the release before it: its "Changes since" box quotes that edition in each language
        before = previous_release(loaded.root, loaded.brief.edition)
        previous = load_edition(loaded.root, before, history=False) if before is not None else None
        content["translations"] = freeze(loaded, previous)
    return content


def content_hash(content: dict[str, Any]) -> str:
    """Return the SHA-256 of canonical content."""
    return hashlib.sha256(canonical_json(content).encode()).hexdigest()


def substance(content: dict[str, Any]) -> dict[str, Any]:
    """Return content without what changes at every release (edition number and dates)."""
    brief = {k: v for k, v in content["brief"].items() if k not in ("edition", "date")}
    return {**{k: v for k, v in content.items() if k != RELEASED}, "brief": brief}


def release_date(frozen: dict[str, Any]) -> dt.date:
    """Return the day an edition was released (an older edition has it beside its content only)."""
    return dt.date.fromisoformat(frozen["content"].get(RELEASED) or frozen[RELEASED])


def release_problems(folder: Path, loaded: LoadedBrief) -> list[Problem]:
    """Return what is wrong with the working edition's number: already released (an interrupted
    release, or set back by hand), and temporary files an interrupted release left."""
    if held(folder / LOCK_NAME):
        return []  # a release is under way: its half-done state is no interruption
    problems = []
    number = loaded.brief.edition
    if interrupted_release(folder, loaded) is not None:
        message = (
            f"edition {number} is released but brief.yaml was not moved on to {number + 1}: "
            "a release was interrupted; run `briefgen release` to finish it"
        )
        problems.append(loaded.problem("brief", ("edition",), message))
    elif edition_path(folder, number).exists():
        # built, the working sources would land over the documents the edition was released with
        message = (
            f"edition {number} is already released (editions/{number}.json): the working sources are "
            f"edition {number + 1} or later; `briefgen build --edition {number}` renders the release"
        )
        problems.append(loaded.problem("brief", ("edition",), message))
    for part in stale_parts(folder):
        message = "left by an interrupted release; `briefgen release` removes it"
        problems.append(Problem(part, 1, 1, "", message, "warning"))
    return problems


def interrupted_release(folder: Path, loaded: LoadedBrief) -> int | None:
    """Return N when edition N is released but brief.yaml was left at N by an interrupted release.

    That is the case when `editions/N.json` holds exactly the working sources (edition number
    and date aside); when the sources differ, brief.yaml's edition was set back by hand.
    """
    number = loaded.brief.edition
    if not edition_path(folder, number).exists():
        return None
    try:
        frozen = read_edition(folder, number)
    except (EditionError, KeyError, TypeError):
        return None
    same = canonical_json(substance(frozen["content"])) == canonical_json(substance(released_content(loaded)))
    return number if same else None


def stale_parts(folder: Path) -> list[Path]:
    """Return the temporary files an interrupted release left in the brief folder."""
    return [*leftovers(folder, "brief.yaml"), *leftovers(folder / EDITIONS_DIR, "*.json")]


def read_edition(folder: Path, number: int) -> dict[str, Any]:
    """Return the frozen file of edition `number`, checked against its content hash."""
    path = edition_path(folder, number)
    try:
        frozen = json.loads(reading.read_text(path, reading.EDITION, within=project_folder(folder)))
    except reading.UnreadableFile as exc:
        if exc.missing:
            have = ", ".join(str(n) for n in released_editions(folder)) or "none"
            raise UnknownEdition(
                f"edition {number} of {folder.name} is not released (released: {have})"
            ) from None
        raise EditionError(f"{path}: {exc.reason}") from None
    except ValueError as exc:
        raise EditionError(f"{path}: not valid JSON: {exc}") from None
    if content_hash(frozen["content"]) != frozen.get("content_hash"):
        raise EditionError(f"{path}: content does not match its hash; a released edition must not be edited")
    return frozen  # type: ignore[no-any-return]


def previous_release(folder: Path, edition: int) -> int | None:
    """Return the latest released edition before `edition`, if there is one."""
    earlier = [n for n in released_editions(folder) if n < edition]
    return earlier[-1] if earlier else None


def load_working(folder: Path | str) -> LoadedBrief:
    """Return the working sources, carrying the latest release before them (for "Changes since")."""
    folder = Path(folder)
    loaded = load_sources(folder)
    loaded.draft = True
    before = previous_release(folder, loaded.brief.edition)
    loaded.previous = load_edition(folder, before, history=False) if before is not None else None
    return loaded


def load_edition(folder: Path, number: int, *, history: bool = True) -> LoadedBrief:
    """Return a released edition as a LoadedBrief, ready to tailor and render.

    With `history`, it carries the release before it, so its briefs say what changed.
    """
    frozen = read_edition(folder, number)
    content = frozen["content"]
    before = previous_release(folder, number) if history else None
    loaded = LoadedBrief(
        root=folder,
        brief=Brief.model_validate(content["brief"]),
        recommendations=tuple(Recommendation.model_validate(r) for r in content["recommendations"]),
        countries={code: CountryProfile.model_validate(p) for code, p in content["countries"].items()},
        sources={key: Source.model_validate(s) for key, s in content["sources"].items()},
        recipients=None,
        released=release_date(frozen),
        previous=load_edition(folder, before, history=False) if before is not None else None,
        tracking={
            code: tuple(Assessment.model_validate(a) for a in items)
            for code, items in content.get("tracking", {}).items()
        },
    )
    if content.get("translations"):  # the catalogs as they were on release day
        from briefgen.sources.catalogs import thaw

        thaw(loaded, content["translations"], number)
    return loaded


def load_side(folder: Path, which: int | str) -> LoadedBrief:
    """Return edition `which` (a number) or the working sources (`"working"`)."""
    if which == "working":
        return load_working(folder)
    return load_edition(folder, int(which))
