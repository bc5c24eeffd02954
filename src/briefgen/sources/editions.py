"""Editions: freeze the working sources as edition N, and load a frozen edition (or the working
sources) as a LoadedBrief; comparing two is `briefgen.tailoring.changes`'s job.

A released edition is `briefs/<brief>/editions/<N>.json`: the brief, every recommendation, the
profiles of its countries and its sources, fully resolved and canonical, with a content hash.
It is written once and never overwritten; building edition N later renders from it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Any

from briefgen.atomic import write_bytes_atomic, write_text_atomic
from briefgen.canonical import canonical_json
from briefgen.errors import EditionError, UnknownEdition
from briefgen.models import Brief, CountryProfile, Recommendation, Source
from briefgen.sources.aggregate import LoadedBrief
from briefgen.sources.loading import load_brief

EDITIONS_DIR = "editions"
FORMAT_VERSION = 1


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

    return {
        "brief": dump(loaded.brief),
        "recommendations": [dump(r) for r in sorted(loaded.recommendations, key=lambda r: r.id)],
        "countries": {code: dump(loaded.countries[code]) for code in sorted(loaded.countries)},
        "sources": {key: dump(loaded.sources[key]) for key in sorted(loaded.sources)},
    }


def content_hash(content: dict[str, Any]) -> str:
    """Return the SHA-256 of canonical content."""
    return hashlib.sha256(canonical_json(content).encode()).hexdigest()


def _substance(content: dict[str, Any]) -> dict[str, Any]:
    """Return content without what changes at every release (edition number and date)."""
    brief = {k: v for k, v in content["brief"].items() if k not in ("edition", "date")}
    return {**content, "brief": brief}


def release(folder: Path, *, date: dt.date | None = None) -> Path:
    """Freeze the working sources as edition N, then set brief.yaml's edition to N+1.

    Refuses when edition N exists, or when nothing changed since edition N-1; in both cases
    nothing is written.
    """
    loaded = load_brief(folder)
    number = loaded.brief.edition
    target = edition_path(folder, number)
    if target.exists():
        raise EditionError(
            f"edition {number} of {loaded.id} is already released ({target}); edit brief.yaml's edition"
        )
    from briefgen.translation.update import check as check_translations

    # no official may receive a translation older than the English: every language complete
    check_translations(loaded, loaded.brief.languages[1:])
    brief = loaded.brief.model_copy(update={"date": date}) if date else loaded.brief
    loaded_for_release = _replace_brief(loaded, brief)
    content = content_of(loaded_for_release)
    if loaded.translations:
        from briefgen.translation.catalogs import freeze

        content["translations"] = freeze(loaded)
    earlier = [n for n in released_editions(folder) if n < number]
    if earlier:
        previous = read_edition(folder, earlier[-1])
        if canonical_json(_substance(previous["content"])) == canonical_json(_substance(content)):
            raise EditionError(f"nothing changed since edition {earlier[-1]}: not releasing edition {number}")
    frozen = {
        "format": FORMAT_VERSION,
        "brief": loaded.id,
        "edition": number,
        "released": brief.date.isoformat(),
        "content_hash": content_hash(content),
        "content": content,
    }
    # key order as in the sources (profile tables keep their order); the hash is order-free
    write_text_atomic(target, json.dumps(frozen, indent=1, ensure_ascii=False) + "\n")
    bump_edition(folder / "brief.yaml", number + 1)
    return target


def bump_edition(path: Path, edition: int) -> None:
    """Set `edition:` in brief.yaml, leaving every other byte (comments, order, layout) alone.

    ruamel's round-trip loader finds the value's exact position; only that number is replaced,
    or, when the key is absent, one `edition:` line is added after `date:`.
    """
    from ruamel.yaml import YAML

    text = path.read_text(encoding="utf-8")
    data = YAML(typ="rt").load(text)
    lines = text.splitlines(keepends=True)
    if "edition" in data:
        line, column = data.lc.value("edition")
        current = lines[line]
        number = re.match(r"\d+", current[column:])
        if number is None:
            raise EditionError(f"{path}:{line + 1}: edition is not a plain number")
        lines[line] = current[:column] + str(edition) + current[column + number.end() :]
    else:
        after = data.lc.key("date")[0] + 1 if "date" in data else len(lines)
        lines.insert(after, f"edition: {edition}\n")
    updated = "".join(lines)
    check = YAML(typ="rt").load(updated)
    if check.get("edition") != edition or {k: v for k, v in check.items() if k != "edition"} != {
        k: v for k, v in data.items() if k != "edition"
    }:
        raise EditionError(f"{path}: could not update edition without touching anything else")
    write_bytes_atomic(path, updated.encode("utf-8"))


def read_edition(folder: Path, number: int) -> dict[str, Any]:
    """Return the frozen file of edition `number`, checked against its content hash."""
    path = edition_path(folder, number)
    try:
        frozen = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        have = ", ".join(str(n) for n in released_editions(folder)) or "none"
        raise UnknownEdition(
            f"edition {number} of {folder.name} is not released (released: {have})"
        ) from None
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
    loaded = load_brief(folder)
    before = previous_release(folder, loaded.brief.edition)
    loaded.previous = load_edition(folder, before, history=False) if before is not None else None
    return loaded


def load_edition(folder: Path, number: int, *, history: bool = True) -> LoadedBrief:
    """Return a released edition as a LoadedBrief, ready to tailor and render.

    With `history`, it carries the release before it, so its briefs say what changed.
    """
    content = read_edition(folder, number)["content"]
    before = previous_release(folder, number) if history else None
    loaded = LoadedBrief(
        root=folder,
        brief=Brief.model_validate(content["brief"]),
        recommendations=tuple(Recommendation.model_validate(r) for r in content["recommendations"]),
        countries={code: CountryProfile.model_validate(p) for code, p in content["countries"].items()},
        sources={key: Source.model_validate(s) for key, s in content["sources"].items()},
        recipients=None,
        previous=load_edition(folder, before, history=False) if before is not None else None,
    )
    if content.get("translations"):  # the catalogs as they were on release day
        from briefgen.translation.catalogs import thaw

        thaw(loaded, content["translations"], number)
    return loaded


def load_side(folder: Path, which: int | str) -> LoadedBrief:
    """Return edition `which` (a number) or the working sources (`"working"`)."""
    if which == "working":
        return load_working(folder)
    return load_edition(folder, int(which))


def _replace_brief(loaded: LoadedBrief, brief: Brief) -> LoadedBrief:
    from dataclasses import replace

    return replace(loaded, brief=brief, _texts={})
