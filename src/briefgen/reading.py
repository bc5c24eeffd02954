"""Read every file briefgen opens one safe way: regular files only, inside their folder, bounded.

`briefgen.atomic` owns how a file is written; this module owns how one is read. Every file a
user supplies goes through `read_file` (or `fingerprint`, for the build's record of its inputs):
YAML sources, bibliographies, translation catalogs, released editions, theme files, templates.
The rules, in order:

1. with `within` (the project folder, a theme's or a templates folder), the file must lie
   inside it once symbolic links are resolved: a link to /etc/passwd or /dev/zero is refused;
2. it must be a regular file: never a FIFO (which would block until a writer comes), a device
   (/dev/zero never ends), a socket or a folder; checked again on the open descriptor, which is
   opened without blocking, so a name swapped for a FIFO after the check cannot hang a read;
3. it is read in one bounded read: at most the limit of its `Kind` plus one byte, whatever
   `stat` says, so a file that grows while it is read cannot take the memory with it.

What is refused is said as a `Problem` naming the path and what it is ("is a FIFO (named
pipe)", "is a link to /dev/zero, outside the project folder ..."), never with a byte of it.

Standard library only: the build's first step (`briefgen.freshness`) reads through it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from briefgen.errors import Problem, UnreadableFile

__all__ = [
    "BIBLIOGRAPHY",
    "CATALOG",
    "CODE",
    "DOCUMENT",
    "EDITION",
    "RECORD",
    "SOURCE",
    "TEMPLATE",
    "THEME_FILE",
    "Kind",
    "UnreadableFile",
    "fingerprint",
    "is_inside",
    "read_file",
    "read_text",
    "refusal",
]

_MB = 1024 * 1024


@dataclass(frozen=True)
class Kind:
    """What a file is to briefgen, for the limit it gets and the words its refusal uses."""

    name: str
    """As a problem says it: "source", "theme file"."""
    limit: int
    """The most bytes a file of this kind may hold."""


SOURCE = Kind("source", 5 * _MB)
"""A YAML source: brief, recommendation, profile, recipients, theme.yaml, sources.yaml."""
BIBLIOGRAPHY = Kind("bibliography", 5 * _MB)
"""A Zotero export (CSL JSON or BibTeX) in place of sources.yaml."""
CATALOG = Kind("translation catalog", 5 * _MB)
"""A brief's PO catalog (translations/<lang>.po)."""
EDITION = Kind("released edition", 64 * _MB)
"""A frozen edition (editions/<N>.json): every source of the brief in one file."""
THEME_FILE = Kind("theme file", 5 * _MB)
"""A logo, stylesheet or Word template a theme names."""
TEMPLATE = Kind("template", 32 * _MB)
"""A file of the templates folder: HTML, CSS, the Word style reference, fonts and images."""
RECORD = Kind("record briefgen keeps", 64 * _MB)
"""What briefgen wrote for itself: manifests, the inputs' record, the tracking cache, the distribution record."""
DOCUMENT = Kind("document", 512 * _MB)
"""A built document or copy, read back to stamp, check or deliver it."""
CODE = Kind("program file", 64 * _MB)
"""briefgen's own code, hashed into every document's key."""

SNAPSHOT_LIMIT = 64 * _MB
"""The build's record hashes files up to this size; a larger one is recorded by its size and time."""


def read_file(path: Path, kind: Kind, *, within: Path | None = None) -> bytes:
    """Return the bytes of `path`, or raise UnreadableFile saying why it is refused."""
    fd = _open(path, kind, within)
    try:
        status = os.fstat(fd)
        what = _kind_of(status.st_mode)
        if what:
            raise UnreadableFile(path, _not_regular(what, kind))
        if status.st_size > kind.limit:
            raise UnreadableFile(path, _too_large(status.st_size, kind))
        chunks: list[bytes] = []
        size = 0
        while size <= kind.limit:
            chunk = os.read(fd, min(_MB, kind.limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise UnreadableFile(path, f"cannot read file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if size > kind.limit:
        raise UnreadableFile(path, f"file is larger than the limit of {_limit(kind)} for a {kind.name}")
    return b"".join(chunks)


def read_text(path: Path, kind: Kind, *, within: Path | None = None) -> str:
    """Return `path` as UTF-8 text (a byte-order mark dropped), or raise UnreadableFile."""
    raw = read_file(path, kind, within=within)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        error = UnreadableFile(path, f"file is not UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8")
        error.problems = [Problem(path, line, column, "", error.reason)]
        raise error from None
    return text.removeprefix("\ufeff")


def refusal(path: Path, kind: Kind, *, within: Path | None = None) -> str | None:
    """Return why `path` would be refused (as `read_file` would say it), or None; read nothing."""
    try:
        _check(path, kind, within)
        status = os.stat(path)
    except UnreadableFile as exc:
        return exc.reason
    except OSError as exc:
        return f"cannot read file: {exc.strerror or exc}"
    what = _kind_of(status.st_mode)
    if what:
        return _not_regular(what, kind)
    if status.st_size > kind.limit:
        return _too_large(status.st_size, kind)
    return None


def fingerprint(path: Path, *, within: Path | None = None, limit: int = SNAPSHOT_LIMIT) -> str:
    """Return the SHA-256 of a readable file, or a mark of why it is not read ("!fifo", "!large").

    For the build's record of its inputs: a file of the brief folder that no source names (a
    FIFO left in it, a link to /dev/zero) is then recorded as what it is, without reading it,
    and the build never waits or fills its memory on it. The hash is taken a megabyte at a time.
    """
    try:
        if within is not None and not _inside(path, within):
            return "!outside"
        fd = os.open(path, _FLAGS)
    except OSError:
        return ""
    try:
        status = os.fstat(fd)
        what = _kind_of(status.st_mode)
        if what:
            return "!" + what
        if status.st_size > limit:
            return "!large"
        digest = hashlib.sha256()
        size = 0
        while size <= limit:
            chunk = os.read(fd, _MB)
            if not chunk:
                break
            digest.update(chunk)
            size += len(chunk)
        return digest.hexdigest() if size <= limit else "!large"
    except OSError:
        return ""
    finally:
        os.close(fd)


def is_inside(path: Path, folder: Path) -> bool:
    """Return whether `path`, its links resolved, lies inside `folder` (resolved too)."""
    return _inside(path, folder)


_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)


def _open(path: Path, kind: Kind, within: Path | None) -> int:
    _check(path, kind, within)
    try:
        what = _kind_of(os.stat(path).st_mode)
        if what:
            raise UnreadableFile(path, _not_regular(what, kind))
        # O_NONBLOCK: should the name become a FIFO after the check, opening it cannot hang
        return os.open(path, _FLAGS)
    except FileNotFoundError:
        raise UnreadableFile(path, "no such file", missing=True) from None
    except OSError as exc:
        raise UnreadableFile(path, f"cannot read file: {exc.strerror or exc}") from None


def _check(path: Path, kind: Kind, within: Path | None) -> None:
    """Raise UnreadableFile when `path` is missing, a dangling link, or (with `within`) outside it."""
    if not os.path.lexists(path):
        raise UnreadableFile(path, "no such file", missing=True)
    if os.path.islink(path) and not os.path.exists(path):
        raise UnreadableFile(path, f"is a link to {os.readlink(path)}, which does not exist")
    if within is not None and not _inside(path, within):
        target = os.path.realpath(path)
        what = ""
        with contextlib.suppress(OSError):
            what = _kind_of(os.stat(target).st_mode)
        how = "is a link to" if os.path.islink(path) else "lies in a linked folder: it is"
        raise UnreadableFile(
            path,
            f"{how} {target}{', ' + what if what else ''}, outside the project folder {within}; "
            f"a {kind.name} must lie inside it",
        )


def _inside(path: Path, folder: Path) -> bool:
    try:
        real = Path(os.path.realpath(path))
        return real.is_relative_to(os.path.realpath(folder))
    except (OSError, ValueError):
        return False


def _kind_of(mode: int) -> str:
    """Return what a non-regular file is ("a FIFO (named pipe)"), or "" for a regular file."""
    if stat.S_ISREG(mode):
        return ""
    for test, name in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "a special file"


def _not_regular(what: str, kind: Kind) -> str:
    return f"is {what}, not a regular file; a {kind.name} must be a plain file"


def _too_large(size: int, kind: Kind) -> str:
    return f"file is {size / 1e6:.1f} MB; the limit is {_limit(kind)} for a {kind.name}"


def _limit(kind: Kind) -> str:
    return f"{kind.limit // _MB} MB"
