"""Every exception briefgen raises on purpose, under one base, each with its exit status.

How one reaches the user is decided here too (`exit_status`): the command line (its Typer
group) and the build that runs without it (`briefgen.command`) both end with it. The rule:
exit 1 says "fix your files" (bad input) or "something failed"; exit 2 says "fix your
command" (a `UsageError`: arguments that cannot work, or that name a country, scenario or
edition the sources do not have). An input problem carries file, line, column and field path.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the sources, located as precisely as the YAML allows."""

    file: Path
    line: int
    column: int
    field: str
    message: str
    severity: Severity = "error"

    def display_path(self) -> str:
        """Return the file path relative to the working directory when it lies below it."""
        try:
            return os.path.relpath(self.file)
        except ValueError:  # another drive on Windows
            return str(self.file)

    def __str__(self) -> str:
        field = self.field or "(file)"
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.display_path()}:{self.line}:{self.column}: {field}: {prefix}{self.message}"

    def as_dict(self) -> dict[str, object]:
        """Return the problem as plain JSON-ready data."""
        return {
            "file": self.display_path(),
            "line": self.line,
            "column": self.column,
            "field": self.field,
            "message": self.message,
            "severity": self.severity,
        }


class BriefgenError(Exception):
    """Base of every error briefgen raises on purpose; the CLI prints it as one line."""

    exit_code: int = 1


class UsageError(BriefgenError):
    """The command was called with arguments that cannot work (exit status 2)."""

    exit_code = 2


class InputError(BriefgenError):
    """The sources are wrong; holds every problem found, not only the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def errors(self) -> list[Problem]:
        """Return the problems that are errors, not warnings."""
        return [p for p in self.problems if p.severity == "error"]


class UnreadableFile(InputError):
    """A file refused before (or while) it is read (`briefgen.reading`): what it is, never what it holds."""

    def __init__(self, path: Path, reason: str, *, missing: bool = False) -> None:
        self.path = path
        self.reason = reason
        self.missing = missing
        super().__init__([Problem(path, 1, 1, "", reason)])


class TailoringError(UsageError):
    """A country or scenario that the brief does not have was asked for."""


class RenderError(BriefgenError):
    """A document could not be rendered (a template or renderer failure, not bad input)."""


class BuildError(BriefgenError):
    """The build was asked for something the sources do not have, or could not write."""


class OutputError(BriefgenError):
    """An output file or folder cannot be written (read-only, full, or not a folder)."""


class EditionError(BriefgenError):
    """An edition cannot be released or read."""


class UnknownEdition(EditionError, UsageError):
    """An edition that is not released was asked for."""


class DistributionError(BriefgenError):
    """Copies cannot be prepared or distributed as asked."""


class DeliveryError(BriefgenError):
    """A channel could not deliver one message; the run records it and goes on."""


class TranslationIncomplete(InputError):
    """A translation the command needs has untranslated or fuzzy entries; lists each."""

    def __init__(self, language: str, problems: list[Problem]) -> None:
        self.language = language
        super().__init__(problems)


class DeliveryUnknown(DeliveryError):
    """A message may or may not have been delivered: the connection was lost after it was handed over."""


class LedgerError(BriefgenError):
    """The distribution ledger cannot be used: missing when it should exist, damaged, foreign or busy."""


class ReviewError(BriefgenError):
    """A reviewer's file cannot be read, or its changes cannot all be written back."""


class ScaffoldError(BriefgenError):
    """A starter file cannot be written: it would overwrite an existing file."""


class LockBusy(BriefgenError):
    """Another process holds a lock (`briefgen.atomic.locked`) longer than the caller would wait."""

    def __init__(self, path: Path, holder: str) -> None:
        super().__init__(f"{path} is held by another process (pid {holder})")
        self.path = path
        self.holder = holder


class PoSyntaxError(BriefgenError):
    """A PO file that does not parse: the line and what is wrong there."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


class NotAWordTemplate(BriefgenError):
    """A Word template (a theme's reference.docx) that is not a readable DOCX with styles."""


INTERRUPTED = 130
"""The shell's status for a command ended by SIGINT (128 + 2)."""


_interrupted = False


def note_interrupt() -> None:
    """Remember that Ctrl-C came (the command's own handler says so, `briefgen.command`)."""
    global _interrupted
    _interrupted = True


def stop_if_interrupted() -> None:
    """Raise KeyboardInterrupt if Ctrl-C came and was lost on its way (C code that cleared it).

    The long commands ask between their steps (each document of a build), so such a Ctrl-C
    ends the command at the next step instead of after the last.
    """
    if _interrupted:
        raise KeyboardInterrupt


def reported(exc: BriefgenError) -> int:
    """Print `exc` as a command ends with it (an `InputError` as its problems) and return its exit status.

    After a Ctrl-C the error may be the interruption's doing (a library that turned it into
    something else on its way up), never the sources': the command ends as interrupted.
    """
    if _interrupted:
        print("briefgen: interrupted", file=sys.stderr)
        return INTERRUPTED
    if isinstance(exc, InputError):
        print_problems(exc.problems)
    else:
        print(f"briefgen: {exc}", file=sys.stderr)
    return exc.exit_code


def exit_status(exc: BaseException) -> int | None:
    """Say how a command ends with `exc`, and return its exit status; None for an unexpected error.

    The one mapping for every command, on every path (the command line's group and the plain
    build that runs without it): a `BriefgenError` prints as one line (an `InputError` as its
    problems) with the status its class carries; Ctrl-C prints one line, status 130; a reader
    that has gone (`briefgen build | head`) ends the command quietly, status 1. Anything else is
    a bug, and its traceback is the report.
    """
    if isinstance(exc, BriefgenError):
        return reported(exc)
    if isinstance(exc, KeyboardInterrupt):
        print("briefgen: interrupted", file=sys.stderr)
        return INTERRUPTED
    if isinstance(exc, BrokenPipeError):
        # nothing left to flush at exit into the pipe that has gone: no second error about it
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return None


@contextlib.contextmanager
def ending() -> Iterator[None]:
    """Run a command; end the process with the status `exit_status` gives what it raised."""
    try:
        yield
    except (BriefgenError, KeyboardInterrupt, BrokenPipeError) as exc:
        status = exit_status(exc)
        sys.exit(1 if status is None else status)


def print_problems(problems: Iterable[Problem]) -> None:
    """Print each problem as FILE:LINE:COL: field: message, on standard error."""
    for problem in problems:
        print(problem, file=sys.stderr)


def check_output_folder(folder: Path, option: str) -> None:
    """Refuse, before any work, an output folder that is a file or cannot be written."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{option} {folder} is a file; it must name a folder")
    existing = next((p for p in (folder, *folder.absolute().parents) if p.exists()), None)
    if existing is not None and not existing.is_dir():
        raise UsageError(f"{option} {folder} lies under {existing}, which is a file")
    if existing is not None and not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write to {folder}: {existing} is read-only")


def check_output_file(path: Path, option: str) -> None:
    """Refuse, before any work, an output file that is not a regular file or a new one in a folder that exists.

    The file is written beside and renamed into place (`briefgen.atomic`): a device, a FIFO or a
    folder there would be replaced, and missing folders would be made, for a slip in a path.
    """
    import stat

    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise OutputError(f"cannot write {option} {path}: {exc.strerror or exc}") from None
    if mode is not None and not stat.S_ISREG(mode):
        what = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a device, FIFO or socket)"
        raise UsageError(f"{option} {path} is {what}; give the path of a file to write")
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(f"{option} {path}: the folder {folder} does not exist; create it first")


@contextlib.contextmanager
def writing_to(target: Path) -> Iterator[None]:
    """Turn a failure to write under `target` into one clear line (exit status 1)."""
    try:
        yield
    except OSError as exc:
        where = exc.filename or target
        if str(where).endswith(".part"):  # a temporary file beside the real one: name the real one
            where = Path(str(where)).parent
        raise OutputError(f"cannot write to {where}: {exc.strerror or exc}") from None
