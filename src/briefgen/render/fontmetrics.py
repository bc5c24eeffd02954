"""What the heading face can set: how wide a line of it is, and whether it has small capitals.

The draft mark runs along the page's diagonal on one line in every language, so its size comes
from its text's own width in the face that sets it (`diagonal_type`), in the PDF and in Word
alike. The running head is set in small capitals where the face has them for every letter of
its text, and in real capitals otherwise: Noto Sans has small capitals for Latin only, and a
browser or WeasyPrint never makes them up for Cyrillic (`has_small_caps`).

The face is the file fontconfig picks for the family (as WeasyPrint's Pango does), read with
fontTools once per process; where it cannot be read, an average width stands in and real
capitals are used.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import cache

AVERAGE_EM = 0.6
"""The width of an average character of a sans face, in em, where the face cannot be read."""
DIAGONAL_MM = 230.0
"""How long the draft mark may be along the page's diagonal: A4's text block seen at 45 degrees
(its 170 mm width makes a 240 mm diagonal through the centre), less a margin."""
DIAGONAL_MAX_PT = 34.0
"""The draft mark's type size when it is short enough ("DRAFT – not for distribution")."""
DIAGONAL_TRACKING_EM = 0.06
"""The draft mark's letter spacing (print.css), in em per character."""
_PT_PER_MM = 72 / 25.4


@dataclass(frozen=True)
class Face:
    """A font file's advance widths and small-capital letters."""

    advances: dict[str, float]
    """Each character's advance width, in em."""
    small_caps: frozenset[str]
    """The characters the face's `smcp` feature turns into small capitals."""


@cache
def face(family: str, bold: bool = True) -> Face | None:
    """Return the face fontconfig picks for `family` (semibold or bold: the draft mark's weight)."""
    path = _font_file(family, bold)
    if path is None:
        return None
    try:
        from fontTools.ttLib import TTFont

        font = TTFont(path, fontNumber=0, lazy=True)
        units = font["head"].unitsPerEm
        metrics = font["hmtx"].metrics
        cmap = font.getBestCmap()
        advances = {chr(code): metrics[glyph][0] / units for code, glyph in cmap.items() if glyph in metrics}
        by_glyph = {glyph: chr(code) for code, glyph in cmap.items()}
        small: set[str] = set()
        if "GSUB" in font:
            table = font["GSUB"].table
            for record in table.FeatureList.FeatureRecord:
                if record.FeatureTag != "smcp":
                    continue
                for index in record.Feature.LookupListIndex:
                    for subtable in table.LookupList.Lookup[index].SubTable:
                        mapping = getattr(subtable, "mapping", None) or {}
                        small.update(by_glyph[g] for g in mapping if g in by_glyph)
        return Face(advances, frozenset(small))
    except Exception:  # a font fontTools cannot read: the estimates stand in
        return None


def _font_file(family: str, bold: bool) -> str | None:
    if shutil.which("fc-match") is None:
        return None
    pattern = f"{family}:weight={180 if bold else 80}"  # fontconfig: 180 semibold, 80 regular
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True, check=False, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return found or None


def width_em(text: str, family: str, *, tracking_em: float = 0.0) -> float:
    """Return how wide `text` is set in `family` (semibold), in em, letter spacing included."""
    known = face(family)
    advances = known.advances if known is not None else {}
    return sum(advances.get(char, AVERAGE_EM) for char in text) + tracking_em * len(text)


def diagonal_type(text: str, family: str) -> tuple[float, float]:
    """Return the draft mark's type size and its line's length, in points, for one line on the diagonal.

    Short marks are set at `DIAGONAL_MAX_PT`; a longer one gets smaller type, so that it
    still fits `DIAGONAL_MM` on one line.
    """
    em = width_em(text, family, tracking_em=DIAGONAL_TRACKING_EM)
    size = min(DIAGONAL_MAX_PT, DIAGONAL_MM * _PT_PER_MM / em) if em else DIAGONAL_MAX_PT
    return round(size, 1), round(size * em, 1)


def has_small_caps(text: str, family: str) -> bool:
    """Return whether `family` has a small capital for every lower-case letter of `text`."""
    known = face(family)
    if known is None:
        return False
    return all(char in known.small_caps for char in text if char.islower())
