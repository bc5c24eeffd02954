"""A chart's raster as the palette PNG a Word document carries (Pillow; no matplotlib here)."""

from __future__ import annotations

import io
from functools import lru_cache
from typing import Any, NamedTuple


class ChartColours(NamedTuple):
    """The colours a chart draws in, each `#rrggbb`, on a white background."""

    ink: str
    """Axis labels and ticks."""
    grid: str
    grey: str
    """The other countries' series."""
    own: str
    """The recipient's series (the accent)."""


def palette_png(
    pixels: bytes | memoryview,
    width: int,
    height: int,
    buffer: io.BytesIO,
    colours: ChartColours,
    *,
    dpi: int,
    software: str,
) -> None:
    """Write an RGBA raster of a chart in `colours` as a palette PNG of `dpi`.

    A chart is a handful of colours and their anti-aliased edges, so a palette of those shows
    it as the full-colour image does, in a file a third the size (36 KB instead of 110 KB in
    every DOCX). The palette is the chart's own colours and their blends (`palette`), not
    one computed from the pixels: mapping to it is faster, the white stays white, and an edge
    pixel moves by a few levels of 255 at most (tested), fewer than with a computed palette
    (docs/performance.md has the figures).
    """
    from PIL import Image, PngImagePlugin

    if memoryview(pixels).nbytes != width * height * 4:
        raise ValueError(f"the figure's raster is not {width} x {height} pixels")
    # any buffer will do (Pillow reads it through the buffer protocol; its stubs name fewer)
    rgba = Image.frombuffer("RGBA", (width, height), pixels, "raw", "RGBA", 0, 1)  # type: ignore[arg-type]
    image = rgba.convert("RGB").quantize(palette=palette(colours), dither=Image.Dither.NONE)
    info = PngImagePlugin.PngInfo()
    info.add_text("Software", software)
    image.save(buffer, format="png", dpi=(dpi, dpi), pnginfo=info, compress_level=1)


_NEAR_WHITE = 10
"""Blends closer than this to white (in every channel) are left out of the palette: Pillow maps
a colour to its palette through a coarse cache, which would give the white background a
near-white neighbour instead of white."""


@lru_cache(maxsize=8)
def palette(colours: ChartColours) -> Any:
    """Return a palette image of a chart's colours: white, and each colour the chart draws in
    blended with the white under it, and with the grid it crosses (and the grey it crosses,
    for the recipient's colour and the names in ink), as anti-aliasing mixes them."""
    from PIL import Image

    def rgb(colour: str) -> tuple[int, int, int]:
        return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))

    def blends(a: tuple[int, int, int], b: tuple[int, int, int], steps: int) -> list[tuple[int, ...]]:
        return [tuple(round(a[i] + (b[i] - a[i]) * k / steps) for i in range(3)) for k in range(1, steps + 1)]

    white = (255, 255, 255)
    ink, grid, grey, own = (rgb(colour) for colour in colours)
    mixed: list[tuple[int, ...]] = []
    # steps by how far apart the two colours are (the grid is nearly white; the accent is not)
    for colour, steps in ((ink, 40), (grid, 12), (grey, 30), (own, 56)):
        mixed += blends(white, colour, steps)
    for colour, steps in ((own, 20), (grey, 8), (ink, 16)):
        mixed += blends(grid, colour, steps)
    mixed += blends(grey, own, 32)  # the recipient's line crossing another's
    mixed += blends(grey, ink, 16)  # a series' name in ink where it crosses another's grey line
    kept = [c for c in dict.fromkeys(mixed) if c != white and max(255 - v for v in c) >= _NEAR_WHITE]
    entries = [white, *kept][:256]
    palette = Image.new("P", (1, 1))
    palette.putpalette([v for colour in entries for v in colour])
    return palette
