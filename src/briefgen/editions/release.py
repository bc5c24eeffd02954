"""Release: freeze the working sources as edition N, then move brief.yaml on to edition N+1.

A released edition is `briefs/<brief>/editions/<N>.json` (see `briefgen.sources.frozen`, which
reads it back): written once, all or nothing, and never overwritten. One release of a brief
runs at a time; a release killed between its two writes is finished by the next.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import json
import os
import re
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import briefgen.reading as reading
from briefgen.atomic import create_exclusive, locked, remove_leftovers, write_bytes_atomic
from briefgen.canonical import canonical_json
from briefgen.errors import EditionError, LockBusy
from briefgen.sources.frozen import (
    EDITIONS_DIR,
    FORMAT_VERSION,
    LOCK_NAME,
    RELEASED,
    content_hash,
    edition_path,
    interrupted_release,
    read_edition,
    released_content,
    released_editions,
    substance,
)
from briefgen.sources.layout import project_folder
from briefgen.sources.loading import load_sources

Clock = Callable[[], dt.date]
"""Where a release reads today's date (tests give a fixed one)."""


def release(folder: Path, *, date: dt.date | None = None, today: Clock = dt.date.today) -> Path:
    """Freeze the working sources as edition N, dated `date` (default: `today()`), then set
    brief.yaml's edition to N+1.

    Refuses when edition N exists, or when nothing changed since edition N-1; in both cases
    nothing is written. A release that was interrupted is finished (see `release_or_finish`).
    """
    return release_or_finish(folder, date=date, today=today)[0]


def release_or_finish(
    folder: Path, *, date: dt.date | None = None, today: Clock = dt.date.today
) -> tuple[Path, bool]:
    """Release the working edition, or finish a release that was interrupted; say which.

    The edition records the day it is released (`date`, else `today()`), inside its hashed
    content and beside it (`released`); brief.yaml's own `date:` stays the date of the
    analysis. Page one and the cover notes date a released edition by its release.

    All or nothing: everything is checked (the sources, that brief.yaml's `edition:` can be
    moved on) before a byte is written. One release runs at a time (a lock beside the
    editions); the edition file is created exclusively, so of two racing releases one wins.
    Then brief.yaml moves on to N+1. Should the run be killed between those two writes,
    edition N is released and brief.yaml still says N: the next `release` sees that the frozen
    edition holds exactly the working sources and finishes by moving brief.yaml on (it never
    releases twice, and never rolls back a released edition). Returns (edition file, finished).
    """
    if not (folder / "brief.yaml").is_file():
        load_sources(folder)  # raises: no brief here, and nothing is created
    with release_lock(folder):
        remove_stale_parts(folder)
        loaded = load_sources(folder)
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
        day = date or today()
        content = released_content(loaded)
        content[RELEASED] = day.isoformat()
        earlier = [n for n in released_editions(folder) if n < number]
        if earlier:
            previous = read_edition(folder, earlier[-1])
            if canonical_json(substance(previous["content"])) == canonical_json(substance(content)):
                raise EditionError(
                    f"nothing changed since edition {earlier[-1]}: not releasing edition {number}"
                )
        frozen = {
            "format": FORMAT_VERSION,
            "brief": loaded.id,
            "edition": number,
            "released": day.isoformat(),
            "content_hash": content_hash(content),
            "content": content,
        }
        # key order as in the sources (profile tables keep their order); the hash is order-free
        data = (json.dumps(frozen, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
        if not create_exclusive(target, data):
            raise EditionError(f"edition {number} of {loaded.id} was released meanwhile ({target})")
        _write_brief(brief_path, moved_on)
        return target, False


@contextlib.contextmanager
def release_lock(folder: Path) -> Iterator[None]:
    """Hold the brief's release lock, or raise EditionError when another release holds it.

    `<brief>/.release.lock`, removed when the release ends (`briefgen.atomic.locked`).
    """
    path = folder / LOCK_NAME
    try:
        with locked(path, wait=0, remove=True):
            yield
    except LockBusy:
        raise EditionError(
            f"another release of {folder.name} is running ({path}); try again when it has finished"
        ) from None


def remove_stale_parts(folder: Path) -> None:
    """Remove temporary files that an interrupted release left (under the lock, none is live)."""
    remove_leftovers(folder, "brief.yaml")
    remove_leftovers(folder / EDITIONS_DIR, "*.json")


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
