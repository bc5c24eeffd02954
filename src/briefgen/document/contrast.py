"""How well text stands out from what it is printed on: WCAG 2.1's contrast ratio (1.4.3).

A brief's text colours come from the bundled look and a theme's accent; `briefgen validate`
warns when a theme's accent is too pale (or too dark for its tint) to read, and the test suite
holds every text colour of the PDF's CSS and the Word styles to the same measure.
"""

from __future__ import annotations

NORMAL_TEXT = 4.5
"""The least contrast for text (WCAG 2.1 1.4.3, level AA)."""
LARGE_TEXT = 3.0
"""The least contrast for large text: 18 pt, or 14 pt bold."""
WHITE = "#ffffff"


def rgb(colour: str) -> tuple[int, int, int]:
    """Return the red, green and blue (0-255) of `#rrggbb` or `rrggbb` (also `#rgb`)."""
    value = colour.strip().lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    if len(value) != 6:
        raise ValueError(f"not a colour: {colour!r}")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def luminance(colour: str) -> float:
    """Return the relative luminance of `colour`, 0 (black) to 1 (white), as WCAG defines it."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    """Return the contrast ratio of two colours, from 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def over(colour: str, alpha: float, background: str = WHITE) -> str:
    """Return `colour` painted at `alpha` (0-1) over `background`, as `#rrggbb`."""
    mixed = (round(c * alpha + b * (1 - alpha)) for c, b in zip(rgb(colour), rgb(background), strict=True))
    return "#" + "".join(f"{c:02x}" for c in mixed)


def is_large(size_pt: float, bold: bool) -> bool:
    """Return whether text of this size and weight counts as large (18 pt, or 14 pt bold)."""
    return size_pt >= 18 or (bold and size_pt >= 14)


def least_contrast(size_pt: float | None = None, bold: bool = False) -> float:
    """Return the contrast text of this size needs (normal text's when the size is unknown)."""
    return LARGE_TEXT if size_pt is not None and is_large(size_pt, bold) else NORMAL_TEXT
