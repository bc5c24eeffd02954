"""Font coverage preflight: find each character of a brief that no installed font can show.

A character that no font covers prints as a missing-glyph box in the PDF, which nobody sees
until an official does. Before a build, and in `briefgen validate`, every text a brief shows is
checked against the union of the characters that the installed fonts cover, as fontconfig
(which WeasyPrint's Pango uses to pick fallback fonts) reports them. Each field with a gap gets
one warning that names the file, the field and the Debian package that would close it.

Coverage is read once per process (`fc-list` answers from fontconfig's own on-disk cache in a
few tens of milliseconds); where `fc-list` is missing, the font folders are read with fontTools.
"""

from __future__ import annotations

import bisect
import os
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.document.theme import Theme, ThemeWords
from briefgen.errors import Problem
from briefgen.models.brief import marking_loc
from briefgen.sources.validation import text_fields
from briefgen.sources.yamlsource import Loc, Positions, dotted

if TYPE_CHECKING:
    from briefgen.sources.aggregate import LoadedBrief

CJK_PACKAGE = "fonts-noto-cjk"
EMOJI_PACKAGE = "fonts-noto-color-emoji"
CORE_PACKAGE = "fonts-noto-core"

# Han, Hangul, kana, bopomofo, CJK symbols and punctuation, full-width forms, CJK extensions.
_CJK_RANGES = (
    (0x1100, 0x11FF),
    (0x2E80, 0x2FDF),
    (0x3000, 0x31FF),
    (0x3200, 0x9FFF),
    (0xA960, 0xA97F),
    (0xAC00, 0xD7FF),
    (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),
    (0x20000, 0x3FFFF),
)
_EMOJI_RANGES = ((0x2600, 0x27BF), (0x1F000, 0x1FAFF))
# Characters that are not drawn with a glyph of their own: controls, format characters
# (zero-width joiners, bidi marks), line and paragraph separators.
_NOT_DRAWN = {"Cc", "Cf", "Zl", "Zp"}
_MAX_LISTED = 8


@dataclass(frozen=True)
class Coverage:
    """A set of code points, kept as sorted, merged ranges (start, end inclusive)."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @classmethod
    def of_ranges(cls, ranges: Iterable[tuple[int, int]]) -> Coverage:
        """Return the coverage of possibly overlapping ranges."""
        merged: list[list[int]] = []
        for start, end in sorted(ranges):
            if merged and start <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        return cls(tuple(r[0] for r in merged), tuple(r[1] for r in merged))

    @classmethod
    def of_text(cls, text: str) -> Coverage:
        """Return the coverage of exactly the characters of `text` (for tests and stand-ins)."""
        return cls.of_ranges((ord(c), ord(c)) for c in text)

    def __contains__(self, char: object) -> bool:
        if not isinstance(char, str) or len(char) != 1:
            return False
        point = ord(char)
        i = bisect.bisect_right(self.starts, point) - 1
        return i >= 0 and point <= self.ends[i]

    def __len__(self) -> int:
        return sum(end - start + 1 for start, end in zip(self.starts, self.ends, strict=True))


@cache
def installed_coverage() -> Coverage:
    """Return every character that some installed font covers (read once per process)."""
    fc_list = shutil.which("fc-list")
    if fc_list is not None:
        try:
            result = subprocess.run(
                [fc_list, "--format", "%{charset}\\n"],
                capture_output=True,
                check=True,
                text=True,
                timeout=60,
            )
        except (OSError, subprocess.SubprocessError):
            pass
        else:
            # many faces share a charset (regular, bold, italic…): parse each distinct one once
            return Coverage.of_ranges(_charset_ranges("\n".join(set(result.stdout.splitlines()))))
    return Coverage.of_ranges(_scan_font_files(_font_folders()))


def _charset_ranges(output: str) -> Iterator[tuple[int, int]]:
    """Parse fontconfig's charset notation: `20-7e a0 400-4ff` (hexadecimal, inclusive)."""
    for token in output.split():
        start, _, end = token.partition("-")
        try:
            yield int(start, 16), int(end or start, 16)
        except ValueError:
            continue


def _font_folders() -> list[Path]:
    home = Path.home()
    if sys.platform == "darwin":
        return [Path("/System/Library/Fonts"), Path("/Library/Fonts"), home / "Library" / "Fonts"]
    if sys.platform == "win32":
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        local = Path(os.environ.get("LOCALAPPDATA", home))
        return [windir / "Fonts", local / "Microsoft" / "Windows" / "Fonts"]
    data = Path(os.environ.get("XDG_DATA_HOME", home / ".local" / "share"))
    return [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), home / ".fonts", data / "fonts"]


def _scan_font_files(folders: Iterable[Path]) -> Iterator[tuple[int, int]]:
    """Read the character maps of every font file under `folders` with fontTools."""
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            suffix = path.suffix.lower()
            try:
                if suffix == ".ttc":
                    fonts = list(TTCollection(str(path), lazy=True).fonts)
                elif suffix in (".ttf", ".otf"):
                    fonts = [TTFont(str(path), lazy=True)]
                else:
                    continue
                for font in fonts:
                    for point in font.getBestCmap() or {}:
                        yield point, point
            except (OSError, TTLibError, KeyError, AssertionError, ValueError):
                continue


def package_for(char: str) -> str:
    """Return the Debian package whose fonts cover `char`."""
    point = ord(char)
    if any(start <= point <= end for start, end in _CJK_RANGES):
        return CJK_PACKAGE
    if any(start <= point <= end for start, end in _EMOJI_RANGES):
        return EMOJI_PACKAGE
    return CORE_PACKAGE


def uncovered(text: str, coverage: Coverage) -> list[tuple[int, str]]:
    """Return (offset, character) for each character of `text` that no font in `coverage` has."""
    # each distinct character looked up once: a brief's text is thousands of characters, of
    # a hundred or so kinds, and almost always has none missing
    missing = {c for c in set(text) if c not in coverage and unicodedata.category(c) not in _NOT_DRAWN}
    if not missing:
        return []
    return [(offset, char) for offset, char in enumerate(text) if char in missing]


def shown_fields(loaded: LoadedBrief) -> Iterator[tuple[str, Loc, str]]:
    """Yield every text a brief can print as (part, field path, text), plain fields included."""
    yield from text_fields(loaded)
    brief = loaded.brief
    for name in ("series", "organisation"):
        value = getattr(brief, name)
        if value:
            yield "brief", (name,), value
    handling = brief.handling
    if handling is not None:  # every language's wording prints on that language's pages
        for language, words in handling.wording.items():
            yield "brief", marking_loc(brief.marking, language), words
    for i, author in enumerate(brief.authors):
        yield "brief", ("authors", i, "name"), author.name
        if author.affiliation:
            yield "brief", ("authors", i, "affiliation"), author.affiliation
    for rec in loaded.recommendations:
        if rec.horizon:
            yield f"rec:{rec.id}", ("horizon",), rec.horizon
    for code, profile in loaded.countries.items():
        for name, fact in profile.facts.items():
            if fact.unit:
                yield f"country:{code}", ("facts", name, "unit"), fact.unit
    yield from _recipient_fields(loaded)
    if "theme" in loaded.files:  # the letterhead prints on page one, the signature in cover notes
        yield from _theme_fields(loaded.theme)
    for key, source in loaded.sources.items():
        names = [source.author] if isinstance(source.author, str) else source.author
        for i, name in enumerate(names):
            loc: Loc = (key, "author") if isinstance(source.author, str) else (key, "author", i)
            yield "sources", loc, name
        for name in ("title", "container", "publisher"):
            value = getattr(source, name)
            if value:
                yield "sources", (key, name), value


def _recipient_fields(loaded: LoadedBrief) -> Iterator[tuple[str, Loc, str]]:
    """Yield what a copy and its letter print about each recipient, in every language given."""
    for i, recipient in enumerate(loaded.recipients or ()):
        for name in ("name", "title", "institution", "salutation", "courtesy_title"):
            value = getattr(recipient, name)
            if isinstance(value, dict):
                for code, words in value.items():
                    yield "recipients", (i, name, code), words
            elif value:
                yield "recipients", (i, name), value
        given = recipient.addressee
        blocks: dict[str | None, list[str]] = {None: given or []} if not isinstance(given, dict) else {}
        blocks.update(given if isinstance(given, dict) else {})
        for code, lines in blocks.items():
            for j, line in enumerate(lines):
                yield "recipients", (i, "addressee", j) if code is None else (i, "addressee", code, j), line


def _theme_fields(theme: Theme) -> Iterator[tuple[str, Loc, str]]:
    """Yield the theme's letterhead, signature and author property, in every language given."""
    wordings: list[tuple[str | None, ThemeWords]] = [
        (None, ThemeWords(theme.organisation, theme.signature, theme.author)),
        *theme.translations,
    ]
    for code, said in wordings:
        for field, lines in (("organisation", said.organisation), ("signature", said.signature)):
            for j, line in enumerate(lines):
                yield "theme", (field, j) if code is None else (field, code, j), line
        if said.author:
            yield "theme", ("author",) if code is None else ("author", code), said.author


@cache
def installed_families() -> frozenset[str] | None:
    """Return the font families fontconfig knows (None where `fc-list` is missing)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        result = subprocess.run(
            [fc_list, "--format", "%{family}\\n"], capture_output=True, check=True, text=True, timeout=60
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return frozenset(name.strip() for line in result.stdout.splitlines() for name in line.split(",") if name)


def check_theme_fonts(loaded: LoadedBrief, families: frozenset[str] | None = None) -> list[Problem]:
    """Return a warning for each font family of the brief's theme that is not installed.

    The PDF would quietly fall back to the bundled faces; the warning says so, where it is named.
    """
    from briefgen.sources.diagnostics import did_you_mean

    theme = loaded.theme
    named = [("body", theme.body_font), ("heading", theme.heading_font)]
    if not any(family for _, family in named) or "theme" not in loaded.files:
        return []
    families = installed_families() if families is None else families
    if families is None:
        return []
    path = loaded.files["theme"]
    positions = loaded.positions.get(path) or Positions(path)
    lowered = {f.lower() for f in families}
    problems = []
    for slot, family in named:
        if family and family.lower() not in lowered:
            hint = did_you_mean(family, sorted(families))
            message = (
                f"no installed font family '{family}' (fc-list : family lists them){hint}: "
                "the PDF would fall back to the bundled fonts; install it where briefs are built"
            )
            problems.append(positions.problem(("fonts", slot), message, severity="warning"))
    return problems


def check_fonts(loaded: LoadedBrief, coverage: Coverage | None = None) -> list[Problem]:
    """Return one warning per field that holds characters no installed font covers.

    The theme's font families are checked too: each must be installed.
    """
    problems: list[Problem] = check_theme_fonts(loaded)
    coverage = installed_coverage() if coverage is None else coverage
    for part, loc, text in shown_fields(loaded):
        missing = uncovered(text, coverage)
        if not missing:
            continue
        path = loaded.files.get(part, loaded.root / "brief.yaml")
        positions = loaded.positions.get(path) or Positions(path)
        line, column = positions.locate_in_text(loc, missing[0][0], text)
        problems.append(Problem(path, line, column, dotted(loc), _message(missing), "warning"))
    return problems


def _message(missing: list[tuple[int, str]]) -> str:
    chars = list(dict.fromkeys(char for _, char in missing))
    shown = ", ".join(_describe(char) for char in chars[:_MAX_LISTED])
    more = f" and {len(chars) - _MAX_LISTED} more" if len(chars) > _MAX_LISTED else ""
    drawable = [c for c in chars if unicodedata.category(c) not in ("Co", "Cn")]
    odd = len(drawable) < len(chars)
    advice = []
    if drawable:
        packages = sorted({package_for(c) for c in drawable})
        names = " and ".join(packages)
        advice.append(
            f"install the Debian package{'s' if len(packages) > 1 else ''} {names} (apt install {' '.join(packages)})"
        )
    if odd:
        advice.append("replace the private-use or unassigned characters, which no font package covers")
    return f"no installed font has {shown}{more}: the PDF would show a missing-glyph box; " + "; ".join(
        advice
    )


def _describe(char: str) -> str:
    name = unicodedata.name(char, "unnamed character")
    return f"'{char}' (U+{ord(char):04X} {name})"
