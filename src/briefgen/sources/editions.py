"""Editions: freeze the working sources as edition N, and load a frozen edition (or the working
sources) as a LoadedBrief; comparing two is `briefgen.tailoring.changes`'s job.

A released edition is `briefs/<brief>/editions/<N>.json`: the brief, every recommendation, the
profiles of its countries and its sources, fully resolved and canonical, with a content hash.
It is written once and never overwritten; building edition N later renders from it.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import briefgen.reading as reading
from briefgen.atomic import create_exclusive, write_bytes_atomic
from briefgen.canonical import canonical_json
from briefgen.errors import EditionError, Problem, UnknownEdition
from briefgen.models import Brief, CountryProfile, Recommendation, Source
from briefgen.sources.aggregate import LoadedBrief
from briefgen.sources.layout import project_folder
from briefgen.sources.loading import load_brief

EDITIONS_DIR = "editions"
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

    return {
        "brief": dump(loaded.brief),
        "recommendations": [dump(r) for r in sorted(loaded.recommendations, key=lambda r: r.id)],
        "countries": {code: dump(loaded.countries[code]) for code in sorted(loaded.countries)},
        "sources": {key: dump(loaded.works[key]) for key in sorted(loaded.works)},  # shared ones it uses too
    }


def released_content(loaded: LoadedBrief) -> dict[str, Any]:
    """Return what a release freezes: the resolved sources and, when there are any, the catalogs
    of every language the brief is published in, so a release reproduces its translations."""
    content = content_of(loaded)
    if loaded.translations:
        from briefgen.translation.catalogs import freeze

        content["translations"] = freeze(loaded)
    return content


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
    nothing is written. A release that was interrupted is finished (see `release_or_finish`).
    """
    return release_or_finish(folder, date=date)[0]


def release_or_finish(folder: Path, *, date: dt.date | None = None) -> tuple[Path, bool]:
    """Release the working edition, or finish a release that was interrupted; say which.

    All or nothing: everything is checked (the sources, that brief.yaml's `edition:` can be
    moved on) before a byte is written. One release runs at a time (a lock beside the
    editions); the edition file is created exclusively, so of two racing releases one wins.
    Then brief.yaml moves on to N+1. Should the run be killed between those two writes,
    edition N is released and brief.yaml still says N: the next `release` sees that the frozen
    edition holds exactly the working sources and finishes by moving brief.yaml on (it never
    releases twice, and never rolls back a released edition). Returns (edition file, finished).
    """
    if not (folder / "brief.yaml").is_file():
        load_brief(folder)  # raises: no brief here, and nothing is created
    with release_lock(folder):
        _remove_stale_parts(folder)
        loaded = load_brief(folder)
        number = loaded.brief.edition
        brief_path = folder / "brief.yaml"
        moved_on = bumped_brief(brief_path, number + 1)  # refuses before anything is written
        target = edition_path(folder, number)
        if target.exists():
            if interrupted_release(folder, loaded) == number:
                _write_brief(brief_path, moved_on)
                return target, True
            raise EditionError(
                f"edition {number} of {loaded.id} is already released ({target}); edit brief.yaml's edition"
            )
        from briefgen.translation.update import check as check_translations

        # no official may receive a translation older than the English: every language complete
        check_translations(loaded, loaded.brief.languages[1:])
        brief = loaded.brief.model_copy(update={"date": date}) if date else loaded.brief
        content = released_content(_replace_brief(loaded, brief))
        earlier = [n for n in released_editions(folder) if n < number]
        if earlier:
            previous = read_edition(folder, earlier[-1])
            if canonical_json(_substance(previous["content"])) == canonical_json(_substance(content)):
                raise EditionError(
                    f"nothing changed since edition {earlier[-1]}: not releasing edition {number}"
                )
        frozen = {
            "format": FORMAT_VERSION,
            "brief": loaded.id,
            "edition": number,
            "released": brief.date.isoformat(),
            "content_hash": content_hash(content),
            "content": content,
        }
        # key order as in the sources (profile tables keep their order); the hash is order-free
        data = (json.dumps(frozen, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
        if not create_exclusive(target, data):
            raise EditionError(f"edition {number} of {loaded.id} was released meanwhile ({target})")
        _write_brief(brief_path, moved_on)
        return target, False


def release_problems(folder: Path, loaded: LoadedBrief) -> list[Problem]:
    """Return what is wrong with the working edition's number: already released (an interrupted
    release, or set back by hand), and temporary files an interrupted release left."""
    if release_running(folder):
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
    same = canonical_json(_substance(frozen["content"])) == canonical_json(
        _substance(released_content(loaded))
    )
    return number if same else None


@contextlib.contextmanager
def release_lock(folder: Path) -> Iterator[None]:
    """Hold the brief's release lock, or raise EditionError when another release holds it.

    An advisory lock (flock) on `<brief>/.release.lock`: the system drops it when the holder
    dies, so a killed release never leaves the brief locked.
    """
    path = folder / LOCK_NAME
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise EditionError(
                f"another release of {folder.name} is running ({path}); try again when it has finished"
            ) from None
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the holder before us removed the file: lock the new one instead
    try:
        yield
    finally:
        path.unlink(missing_ok=True)
        os.close(fd)


def release_running(folder: Path) -> bool:
    """Return True while another process holds the brief's release lock."""
    try:
        fd = os.open(folder / LOCK_NAME, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


def _remove_stale_parts(folder: Path) -> None:
    """Remove temporary files that an interrupted release left (under the lock, none is live)."""
    for stale in [*folder.glob(".brief.yaml.*.part"), *(folder / EDITIONS_DIR).glob(".*.json.*.part")]:
        stale.unlink(missing_ok=True)


def stale_parts(folder: Path) -> list[Path]:
    """Return the temporary files an interrupted release left in the brief folder."""
    return sorted([*folder.glob(".brief.yaml.*.part"), *(folder / EDITIONS_DIR).glob(".*.json.*.part")])


def bump_edition(path: Path, edition: int) -> None:
    """Set `edition:` in brief.yaml, leaving every other byte (comments, order, layout) alone."""
    _write_brief(path, bumped_brief(path, edition))


def _write_brief(path: Path, data: bytes) -> None:
    write_bytes_atomic(path, data, mode=stat.S_IMODE(os.stat(path).st_mode))


def bumped_brief(path: Path, edition: int) -> bytes:
    """Return brief.yaml's bytes with `edition:` set to `edition`; write nothing.

    ruamel's round-trip loader finds the value's exact position; only that number is replaced,
    or, when the key is absent, one `edition:` line is added after `date:`. Line endings (LF or
    CRLF) and a byte-order mark are kept. Raises EditionError when the value is not written as
    a plain number (`"2"`, `+2`, `0x2`), which could not be replaced faithfully.
    """
    from ruamel.yaml import YAML

    try:
        raw = reading.read_file(path, reading.SOURCE, within=project_folder(path.parent))
    except reading.UnreadableFile as exc:
        raise EditionError(f"{path}: {exc.reason}") from None
    bom = codecs.BOM_UTF8 if raw.startswith(codecs.BOM_UTF8) else b""
    text = raw[len(bom) :].decode("utf-8")
    newline = "\r\n" if "\r\n" in text else "\n"
    data = YAML(typ="rt").load(text)
    lines = re.findall(r"[^\n]*\n|[^\n]+$", text)
    if "edition" in data:
        line, column = data.lc.value("edition")
        current = lines[line]
        number = re.match(r"[1-9][0-9]*(?=[ \t]*(#|\r?\n|$))", current[column:])
        if number is None:
            raise EditionError(
                f"{path}:{line + 1}: edition is not a plain number like `edition: 2`; fix it, then release"
            )
        lines[line] = current[:column] + str(edition) + current[column + number.end() :]
    else:
        after = data.lc.key("date")[0] + 1 if "date" in data else len(lines)
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += newline
        lines.insert(after, f"edition: {edition}{newline}")
    updated = "".join(lines)
    check = YAML(typ="rt").load(updated)
    if check.get("edition") != edition or {k: v for k, v in check.items() if k != "edition"} != {
        k: v for k, v in data.items() if k != "edition"
    }:
        raise EditionError(f"{path}: could not update edition without touching anything else")
    return bom + updated.encode("utf-8")


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
    loaded = load_brief(folder)
    loaded.draft = True
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
