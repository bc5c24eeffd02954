"""What a build is asked to do: `BuildRequest`, every option once, and the table that reads them.

`BuildRequest` holds each option of `briefgen build` once, with its default. `OPTIONS` says how
the command line spells each one (flags, help, how its text becomes a value). Both readers of
the command line are made from that table: `parse_plain` (the command's first step, standard
library only, for plain arguments) and `briefgen.cli.build` (the Typer command, for everything
else). Adding an option is one field below and one row in `OPTIONS`.

Standard library only: the command's first step imports this before anything else.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, fields
from pathlib import Path
from typing import Any

from briefgen.formats import DEFAULT_FORMATS


def _format_names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(",") if name.strip())


@dataclass(frozen=True)
class BuildRequest:
    """Every option of a build, with its default (what `briefgen build` and its callers ask)."""

    briefs: tuple[Path, ...] = ()
    """The brief folders (absolute); none: every brief under ./briefs."""
    countries: tuple[str, ...] = ()
    """Only these countries (ISO codes); none: every country of each brief."""
    formats: tuple[str, ...] = DEFAULT_FORMATS
    """The formats to render, by name (see `briefgen.formats`)."""
    scenario: str | None = None
    """Tailor for this scenario instead of each brief's active one."""
    out: Path = Path("build")
    """The output folder."""
    jobs: int | None = None
    """Worker processes; None: one per core (`briefgen.build.pool.worker_count`)."""
    edition: int | None = None
    """Render this released edition from its frozen file instead of the working sources."""
    languages: tuple[str, ...] = ()
    """Only these languages; none: every language each brief declares."""
    allow_untranslated: bool = False
    """Build a translation with missing or fuzzy entries (English there, marked as a draft)."""
    force: bool = False
    """Render everything, even what has not changed."""
    quiet: bool = False
    """Print nothing but errors."""
    verbose: bool = False
    """List every untranslated entry, not only one line a language."""
    as_json: bool = False
    """Print one JSON summary."""

    def shaping(self) -> dict[str, Any]:
        """Return the options that decide which documents a build makes, for the record of a build.

        Two requests with the same shaping options, the same sources and the same code make the
        same files; the others (jobs, force, output) only say how or where.
        """
        return {
            "countries": sorted(self.countries),
            "formats": sorted(self.formats),
            "scenario": self.scenario,
            "edition": self.edition,
            "languages": sorted(self.languages),
            "allow_untranslated": self.allow_untranslated,
        }


@dataclass(frozen=True)
class Option:
    """How the command line spells one field of `BuildRequest`."""

    field: str
    """The field of `BuildRequest` it sets."""
    flags: tuple[str, ...]
    """Its spellings, long first (`--country`, `-c`)."""
    help: str
    """What `--help` says of it."""
    read: Callable[[str], Any] = str
    """How one value's text becomes the field's value (or one item of it, when `repeated`)."""
    repeated: bool = False
    """Given once per value (`--country KZ --country KG`)."""
    at_least: int | None = None
    """The smallest value an integer option takes."""
    shown_default: str | None = None
    """The default as it is typed on the command line, where it differs from the field's."""

    @property
    def flag(self) -> bool:
        """Return whether the option takes no value (a switch: present or not)."""
        return self.read is bool


OPTIONS: tuple[Option, ...] = (
    Option(
        "countries", ("--country", "-c"), "Only this country (repeatable).", read=str.upper, repeated=True
    ),
    Option(
        "formats",
        ("--format", "-f"),
        "Comma-separated: docx, pdf, html.",
        read=_format_names,
        shown_default=",".join(DEFAULT_FORMATS),
    ),
    Option("scenario", ("--scenario", "-s"), "Tailor for this scenario."),
    Option("out", ("--out", "-o"), "Output folder.", read=Path),
    Option("jobs", ("--jobs", "-j"), "Worker processes (default: cores).", read=int, at_least=1),
    Option("force", ("--force",), "Render everything, even what has not changed.", read=bool),
    Option("edition", ("--edition", "-e"), "Render a released edition.", read=int, at_least=1),
    Option(
        "languages",
        ("--language", "-l"),
        "Only this language (repeatable; default: every one the brief declares).",
        repeated=True,
    ),
    Option(
        "allow_untranslated",
        ("--allow-untranslated",),
        "Build a translation with missing or fuzzy entries: English there, marked as a draft on every page.",
        read=bool,
    ),
    Option("quiet", ("--quiet", "-q"), "Print nothing but errors.", read=bool),
    Option(
        "verbose",
        ("--verbose", "-v"),
        "List every untranslated or fuzzy entry (FILE.po:LINE), not only one line a language.",
        read=bool,
    ),
    Option("as_json", ("--json",), "Print one JSON summary.", read=bool),
)
"""The command line's options of `briefgen build`, in the order `--help` lists them."""


def default_of(name: str) -> Any:
    """Return the default of `BuildRequest`'s field `name`."""
    for f in fields(BuildRequest):
        if f.name == name:
            assert f.default is not MISSING, "every option has a plain default"
            return f.default
    raise KeyError(name)


def request_from(values: Mapping[str, Any], briefs: tuple[Path, ...]) -> BuildRequest:
    """Return the request of command-line `values` (raw texts, by field) for `briefs`."""
    read: dict[str, Any] = {}
    for option in OPTIONS:
        if option.field not in values:
            continue
        raw = values[option.field]
        if option.flag:
            read[option.field] = bool(raw)
        elif option.repeated:
            read[option.field] = tuple(option.read(item) for item in raw)
        else:
            read[option.field] = None if raw is None else option.read(raw)
    return BuildRequest(briefs=briefs, **read)


def parse_plain(args: list[str]) -> BuildRequest | None:
    """Return the request `args` (after `build`) make, or None if only the full parser can tell.

    Plain arguments: options spelled as in `OPTIONS` (`--name value`, `--name=value`, `-x
    value`), at most one brief folder. Anything else (`--help`, a short-option cluster, two
    folders, a value that does not read) goes to the command line, which says what is wrong.
    """
    spelled = {flag: option for option in OPTIONS for flag in option.flags}
    values: dict[str, Any] = {}
    briefs: list[str] = []
    items = iter(args)
    for arg in items:
        name, eq, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        option = spelled.get(name)
        if option is not None and option.flag:
            if eq:
                return None
            values[option.field] = True
        elif option is not None:
            value = inline if eq else next(items, None)
            if value is None or (not eq and value.startswith("-")):
                return None
            if option.repeated:
                values.setdefault(option.field, []).append(value)
            else:
                values[option.field] = value
        elif arg.startswith("-") or briefs:
            return None  # --help, a short-option cluster, a second folder: the full parser's job
        else:
            briefs.append(arg)
    try:
        request = request_from(values, tuple(Path(os.path.realpath(b)) for b in briefs))
    except ValueError:
        return None
    for option in OPTIONS:
        value = getattr(request, option.field)
        if option.at_least is not None and value is not None and value < option.at_least:
            return None
    return request
