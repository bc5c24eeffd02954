"""What a PDF's pages say, line by line, with the diagonal draft mark apart from the text.

poppler's `pdftotext -layout` reads the draft mark's rotated letters into the text lines they
cross (and its `-nodiag` drops some upright words too), so these helpers split a PDF in two
with pikepdf first: its upright text, which `pdftotext -layout` then reads line by line, and
its rotated text (the draft mark), whose glyphs `pdftotext -bbox` places on the page.
"""

from __future__ import annotations

import itertools
import math
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pikepdf

HYPHEN = "\u2010"
"""The character WeasyPrint adds where it hyphenates a word (`hyphenate-character`)."""

_XHTML = "{http://www.w3.org/1999/xhtml}"


def _multiply(a: list[float], b: list[float]) -> list[float]:
    """Return the PDF matrix product a x b (each [a b c d e f])."""
    return [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]


def _split(pdf: Path, out: Path, *, keep_rotated: bool) -> Path:
    """Write `pdf` with only its upright text (or only its rotated text) to `out`."""
    with pikepdf.open(pdf) as document:
        for page in document.pages:
            kept: list[tuple[list[object], pikepdf.Operator]] = []
            stack: list[list[float]] = []
            ctm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
            block: list[tuple[list[object], pikepdf.Operator]] | None = None
            for operands, operator in pikepdf.parse_content_stream(page):
                name = str(operator)
                if block is not None:
                    block.append((list(operands), operator))
                    if name == "ET":
                        # the draft mark's slant, not a chart's quarter-turned axis label
                        angle = abs(math.degrees(math.atan2(ctm[1], ctm[0]))) % 90
                        rotated = 5 < angle < 85
                        if rotated == keep_rotated:
                            kept.extend(block)
                        block = None
                    continue
                if name == "BT":
                    block = [(list(operands), operator)]
                    continue
                if name == "q":
                    stack.append(ctm)
                elif name == "Q":
                    ctm = stack.pop() if stack else ctm
                elif name == "cm":
                    ctm = _multiply([float(x) for x in operands], ctm)
                elif name == "Do" and keep_rotated:  # a figure's own (upright) text
                    continue
                kept.append((list(operands), operator))
            page.Contents = document.make_stream(pikepdf.unparse_content_stream(kept))
        document.save(out)
    return out


def upright_pages(pdf: Path, tmp: Path) -> list[list[str]]:
    """Return each page's text lines (`pdftotext -layout`), the diagonal draft mark left out."""
    clean = _split(pdf, tmp / f"{pdf.stem}-upright.pdf", keep_rotated=False)
    text = subprocess.run(
        ["pdftotext", "-layout", str(clean), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages = pages[:-1]
    return [[line.rstrip() for line in page.splitlines() if line.strip()] for page in pages]


@dataclass(frozen=True)
class Glyphs:
    """The rotated text of one page: its characters in reading order and their centres."""

    text: str
    centres: tuple[tuple[float, float], ...]
    height: float
    """The characters' mean box height, about the type size."""
    page: tuple[float, float]

    def lines(self) -> list[list[tuple[float, float]]]:
        """Return the centres grouped into lines across the diagonal (by their distance from it)."""
        if not self.centres:
            return []
        (x0, y0), (x1, y1) = self.centres[0], self.centres[-1]
        length = math.hypot(x1 - x0, y1 - y0) or 1.0
        nx, ny = -(y1 - y0) / length, (x1 - x0) / length  # the normal of the text's direction
        offsets = sorted(((x - x0) * nx + (y - y0) * ny, (x, y)) for x, y in self.centres)
        groups: list[list[tuple[float, tuple[float, float]]]] = [[offsets[0]]]
        for offset, centre in offsets[1:]:
            if offset - groups[-1][-1][0] > self.height * 0.6:
                groups.append([])
            groups[-1].append((offset, centre))
        return [[centre for _, centre in group] for group in groups]

    def line_gaps(self) -> list[float]:
        """Return the distance between the middle lines of consecutive lines, across the text."""
        lines = self.lines()
        if len(lines) < 2:
            return []
        (x0, y0), (x1, y1) = self.centres[0], self.centres[-1]
        length = math.hypot(x1 - x0, y1 - y0) or 1.0
        nx, ny = -(y1 - y0) / length, (x1 - x0) / length
        middles = [sum((x - x0) * nx + (y - y0) * ny for x, y in line) / len(line) for line in lines]
        return [b - a for a, b in itertools.pairwise(middles)]

    def inside_page(self, margin: float = 0.0) -> bool:
        """Return whether every character's centre is on the page, `margin` points in."""
        width, height = self.page
        return all(margin <= x <= width - margin and margin <= y <= height - margin for x, y in self.centres)


def rotated_glyphs(pdf: Path, tmp: Path) -> list[Glyphs]:
    """Return, for each page, the rotated text's characters (the draft mark) and where they stand."""
    only = _split(pdf, tmp / f"{pdf.stem}-rotated.pdf", keep_rotated=True)
    xml = subprocess.run(
        ["pdftotext", "-bbox", str(only), "-"], capture_output=True, text=True, check=True
    ).stdout
    xml = re.sub(r"<!DOCTYPE[^>]*>", "", xml)
    root = ElementTree.fromstring(xml)
    out = []
    for page in root.iter(f"{_XHTML}page"):
        size = (float(page.get("width", 0)), float(page.get("height", 0)))
        chars: list[tuple[float, float, str, float]] = []
        for word in page.iter(f"{_XHTML}word"):
            x0, y0 = float(word.get("xMin", 0)), float(word.get("yMin", 0))
            x1, y1 = float(word.get("xMax", 0)), float(word.get("yMax", 0))
            text = word.text or ""
            # poppler reads a slanted line letter by letter, in order; a word's letters share its
            # box: spread them along its diagonal
            for n, char in enumerate(text):
                t = (n + 0.5) / len(text)
                side = min(x1 - x0, y1 - y0) if len(text) == 1 else 0.0
                chars.append((x0 + (x1 - x0) * t, y1 - (y1 - y0) * t, char, side))
        heights = [c[3] for c in chars if c[3]]
        out.append(
            Glyphs(
                "".join(c[2] for c in chars),
                tuple((c[0], c[1]) for c in chars),
                sum(heights) / len(heights) if heights else 0.0,
                size,
            )
        )
    return out
