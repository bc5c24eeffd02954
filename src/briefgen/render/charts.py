"""Draw a figure of a tailored brief: SVG for HTML and PDF, PNG at 300 dpi for Word (matplotlib).

The look is LOOK.md's: the labels' sans (Noto Sans) at 8-9 pt; the recipient's series in the
accent colour, labelled at the end of its line; the other countries in light grey; a light
horizontal grid and nothing else (no box, no legend). A brief with a theme gets the theme's
accent and label font. Same figure, same bytes: no dates, a fixed hash salt for the SVG's ids,
fixed metadata; the SVG keeps its text as text, set by the PDF in the brief's own font.
matplotlib is imported inside the drawing functions only, so a process that draws nothing never
loads it.
"""

from __future__ import annotations

import io
import logging
import math
import sys
import threading
import warnings
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol

from briefgen.render.pngpalette import ChartColours, palette_png

if TYPE_CHECKING:
    from briefgen.document.model import Figure, SeriesLine

ACCENT = "#0f5257"
"""The brief's accent colour (deep teal): the recipient's series and its label."""
OTHERS = "#c4cacd"
"""Light grey for the other countries."""
INK = "#5a6166"
"""Grey for axis labels and ticks (6.3:1 on white)."""
GRID = "#e3e7e8"
WIDTH_CM = 16.0
HEIGHT_CM = 7.0
PNG_DPI = 300
SANS = ["Noto Sans", "DejaVu Sans"]
CREATOR = "briefgen"

_STYLE: dict[str, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": SANS,
    "font.size": 8.5,
    "svg.fonttype": "none",  # text stays text: a third of the size, and the PDF embeds Noto Sans once
    "svg.hashsalt": "briefgen",
    "path.simplify": False,
    "axes.edgecolor": INK,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "axes.unicode_minus": True,
}


def svg(figure: Figure) -> bytes:
    """Return the figure as a standalone SVG file."""
    return _draw(figure, "svg")


def png(figure: Figure) -> bytes:
    """Return the figure as a 300-dpi PNG, 16 cm wide."""
    return _draw(figure, "png")


@lru_cache(maxsize=32)
def _cached(figure: Figure, fmt: str) -> bytes:
    return _render(figure, fmt)


_handed_over: dict[tuple[Figure, str], bytes] = {}
"""Drawings another process made and handed over with the document (see `using_drawings`)."""


def _draw(figure: Figure, fmt: str) -> bytes:
    handed = _handed_over.get((figure, fmt))
    return handed if handed is not None else _cached(figure, fmt)


def image_format(document_format: str) -> str:
    """Return how a document of `document_format` shows its figures: "png" (Word) or "svg"."""
    return "png" if document_format == "docx" else "svg"


def drawings(figures: Iterable[Figure], document_format: str) -> dict[tuple[Figure, str], bytes]:
    """Draw `figures` as a document of `document_format` shows them, to hand to `using_drawings`."""
    kind = image_format(document_format)
    return {(figure, kind): _draw(figure, kind) for figure in figures}


_promise: Promise | None = None
"""Where this document's drawings will come from, while they are being drawn (see `using_drawings`)."""


class Promise(Protocol):
    """Drawings another process is making, to be collected when they are needed."""

    def collect(self) -> Mapping[tuple[Figure, str], bytes] | None:
        """Wait for the drawings and return them (None: they could not be made there)."""
        ...


@contextmanager
def using_drawings(
    drawn: Mapping[tuple[Figure, str], bytes], promise: Promise | None = None
) -> Iterator[None]:
    """Use the drawings in `drawn` instead of drawing these figures again, within the block.

    The build process draws every figure once and sends the drawings with the documents, so
    a worker that lays a document out never loads matplotlib. With a `promise`, the drawings
    are still being made: a renderer that lays out around placeholders (the PDF's) calls
    `keep_promise` when it needs them, which waits for them.
    """
    global _promise
    _handed_over.update(drawn)
    _promise = promise
    try:
        yield
    finally:
        _handed_over.clear()
        _promise = None


def keep_promise() -> None:
    """Wait for the promised drawings and use them from now on (any not made: drawn here)."""
    global _promise
    if _promise is None:
        return
    drawn = _promise.collect()
    _promise = None
    if drawn:
        _handed_over.update(drawn)


def _render(figure: Figure, fmt: str) -> bytes:
    family = _family_key(figure)
    if family is not None:  # a chart every recipient shares but for its highlighted series
        recipient = next(n for n, line in enumerate(figure.lines) if line.highlighted)
        return _family(family).draw(recipient, fmt)
    canvas, style = _canvas(figure)
    with _DRAWING, _rc_context(style):  # the style counts when saving, too (the SVG's hash salt)
        buffer = io.BytesIO()
        if fmt == "svg":
            _save_svg(canvas, buffer)
        else:
            _save_png(canvas, buffer, _accent(figure))
    return buffer.getvalue()


_DRAWING = threading.RLock()
"""One drawing at a time per process: matplotlib's settings (rcParams) are global, and a canvas
is shared by the formats of its figure (the live preview draws from several threads)."""

_THREE_D = "mpl_toolkits.mplot3d"
_DOCUMENT_SET = "_update_set_signature_and_docstring"


def _load_matplotlib() -> None:
    """Import what drawing uses of matplotlib, without what its import does for nobody here.

    - As each of its ~100 artist classes is defined, matplotlib works out the signature of the
      class's `set()` and writes the table of its properties into its docstring
      (`Artist._update_set_signature_and_docstring`, `matplotlib.artist.kwdoc`), for `help()`
      and editors, on the way to a build's first PDF (what it costs: docs/performance.md).
      While this imports it, each `set()` is only marked as matplotlib's own, which is all
      matplotlib itself reads of it; `set()` takes the same keywords.
    - `matplotlib.projections` imports the 3-D toolkit to register its projection; these
      charts are flat. The toolkit stays importable afterwards.

    Both are put back once the import is done, and the drawings are the same bytes either way
    (tested). Called before every first use of matplotlib in this module; the second call
    costs a dictionary lookup.
    """
    if "matplotlib.figure" in sys.modules:
        return
    with _DRAWING:
        if "matplotlib.figure" in sys.modules:
            return
        import matplotlib.artist

        artist = matplotlib.artist.Artist
        documenting = artist.__dict__[_DOCUMENT_SET]
        setattr(artist, _DOCUMENT_SET, classmethod(_mark_set))
        skip_3d = _THREE_D not in sys.modules
        if skip_3d:
            sys.modules[_THREE_D] = None  # type: ignore[assignment]  # import fails, quietly
        try:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message="Unable to import Axes3D")
                import matplotlib.figure  # the axes, the artists, the projections
        finally:
            setattr(artist, _DOCUMENT_SET, documenting)
            if skip_3d:
                del sys.modules[_THREE_D]


def _mark_set(cls: Any) -> None:
    """What matplotlib reads of an artist class's generated `set()`: that it generated it."""
    cls.set._autogenerated_signature = True


@lru_cache(maxsize=16)
def _canvas(figure: Figure) -> tuple[Any, dict[str, Any]]:
    """Return `figure` set up on a matplotlib canvas, and the style it is drawn in.

    One canvas gives the figure's SVG and its PNG, each the same bytes as from a canvas of its
    own: setting a figure up is a fifth of the cost of drawing it twice. Saving leaves the
    canvas as it was (the PNG's resolution is the save's, not the canvas's), and keeps no
    raster of it, so a cached canvas is small.
    """

    def series(ax: Any) -> None:
        if figure.kind == "bar":
            _bars(ax, figure)
        else:
            offsets = label_offsets(figure)
            for n, line in enumerate(figure.lines):
                _series(ax, figure, line, highlighted=line.highlighted, label_dy=offsets[n])
            _line_axes(ax, figure)

    return _set_up(figure, series)


def _set_up(figure: Figure, series: Any, dpi: float = 100) -> tuple[Any, dict[str, Any]]:
    """Return a matplotlib canvas with `figure`'s axes, `series(ax)` drawn on them, and the style."""
    _load_matplotlib()
    import matplotlib

    matplotlib.use("Agg")  # no display, ever; the call is harmless when already set
    from matplotlib.figure import Figure as Canvas
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    style = dict(_STYLE)
    if figure.font:  # the theme's label font first; a family matplotlib lacks falls back quietly
        style["font.sans-serif"] = [figure.font, *SANS]
        logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    with _DRAWING, _rc_context(style):
        canvas = Canvas(figsize=(WIDTH_CM / 2.54, HEIGHT_CM / 2.54), dpi=dpi)
        ax = canvas.add_axes(AXES)
        series(ax)
        for side in ("top", "right", "left", "bottom"):
            ax.spines[side].set_visible(False)
        ax.yaxis.grid(True, color=GRID, linewidth=0.6)
        ax.xaxis.grid(False)
        ax.set_axisbelow(True)
        ax.tick_params(axis="both", bottom=False, left=False, pad=3)  # labels, no tick marks
        for axis in (ax.xaxis, ax.yaxis):  # no axis titles: placed, matplotlib measures no labels for them
            axis.set_label_coords(0.5, 0.5)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5, min_n_ticks=3))
        ax.yaxis.set_major_formatter(FuncFormatter(_tick_formatter(figure)))
        if figure.unit and figure.unit not in ("share", "percent"):
            # where `set_title(loc="left", pad=6)` puts it, without matplotlib working out at
            # every drawing whether a title must dodge labels above the axes (there are none)
            ax.annotate(
                figure.unit,
                xy=(0, 1),
                xycoords="axes fraction",
                xytext=(0, 6),
                textcoords="offset points",
                ha="left",
                va="baseline",
                fontsize=8,
                color=INK,
            )
    return canvas, style


def _family_key(figure: Figure) -> tuple[Any, ...] | None:
    """Return what a line chart comparing countries shares with every recipient's, or None.

    That is everything drawn but which series is highlighted: the same figure in another
    country's brief differs only there.
    """
    if figure.kind != "line" or len(figure.lines) < 2 or sum(line.highlighted for line in figure.lines) != 1:
        return None
    lines = tuple(replace(line, highlighted=False) for line in figure.lines)
    return (figure.years, figure.unit, lines, figure.language, figure.accent, figure.font)


@lru_cache(maxsize=8)
def _family(key: tuple[Any, ...]) -> _Family:
    """Return the shared chart for `key` (`_family_key`). A family keeps its 300-dpi raster and
    the copy of its background, about 12 MB: eight at most (a build draws one per figure and
    language; the preview, one per figure and language as the data stands after each save)."""
    return _Family(_FamilyFigure(*key))  # type: ignore[arg-type]  # it has every field drawing reads


@dataclass(frozen=True)
class _FamilyFigure:
    """The fields of a `Figure` its drawing reads, without a recipient."""

    years: tuple[int, int]
    unit: str | None
    lines: tuple[SeriesLine, ...]
    language: str
    accent: str | None
    font: str | None
    kind: str = "line"


class _Family:
    """A line chart drawn once for every recipient: only the series are drawn per recipient.

    Every series is set up twice on one canvas, in grey and highlighted, all hidden; a
    recipient's drawing shows the others' series in grey and its own highlighted, drawn in
    the order a canvas of its own would draw them, so each drawing has the bytes that canvas
    gives (tested). The canvas is set up once, when first drawn, at the PNG's 300 dpi: the SVG
    saved from it is the SVG a 100-dpi canvas gives (matplotlib writes SVG in points), byte for
    byte (tested). For the PNG, everything but the series (axes, grid, labels, title) is
    rastered once and copied under each recipient's series (matplotlib's blitting); the SVG is
    saved whole.
    """

    def __init__(self, figure: Figure) -> None:
        self.figure = figure
        self.canvas: tuple[Any, list[tuple[list[Any], list[Any]]]] | None = None
        self.style: dict[str, Any] = {}
        self.background: Any = None

    def _canvas(self) -> tuple[Any, list[tuple[list[Any], list[Any]]]]:
        if self.canvas is None:
            layers: list[tuple[list[Any], list[Any]]] = []

            def series(ax: Any) -> None:
                offsets = label_offsets(self.figure)  # the same for every recipient: all lines are named
                for n, line in enumerate(self.figure.lines):
                    grey = _series(ax, self.figure, line, highlighted=False, label_dy=offsets[n])
                    own = _series(ax, self.figure, line, highlighted=True, label_dy=offsets[n])
                    layers.append((grey, own))
                _line_axes(ax, self.figure)

            canvas, self.style = _set_up(self.figure, series, dpi=PNG_DPI)
            self.canvas = (canvas, layers)
        return self.canvas

    def _show(self, recipient: int) -> list[Any]:
        """Show the recipient's series highlighted and the others grey; return what is shown."""
        _, layers = self._canvas()
        shown = []
        for n, (grey, own) in enumerate(layers):
            for artist in grey:
                artist.set_visible(n != recipient)
            for artist in own:
                artist.set_visible(n == recipient)
            shown.extend(own if n == recipient else grey)
        return shown

    def draw(self, recipient: int, fmt: str) -> bytes:
        buffer = io.BytesIO()
        with _DRAWING:
            canvas, _ = self._canvas()
            with _rc_context(self.style):
                if fmt == "svg":
                    self._show(recipient)
                    _save_svg(canvas, buffer)
                else:
                    self._draw_png(recipient, buffer)
        return buffer.getvalue()

    def _draw_png(self, recipient: int, buffer: io.BytesIO) -> None:
        figure, layers = self._canvas()
        if self.background is None:  # everything but the series, rastered once
            from matplotlib.backends.backend_agg import FigureCanvasAgg

            FigureCanvasAgg(figure)  # the figure's canvas from now on
            for grey, own in layers:
                for artist in (*grey, *own):
                    artist.set_visible(False)
            figure.canvas.draw()
            self.background = figure.canvas.copy_from_bbox(figure.bbox)
        canvas = figure.canvas
        canvas.restore_region(self.background)
        ax = figure.axes[0]
        # drawn as the axes draw their children: by z-order, then in the order they were added
        added = {id(artist): n for n, artist in enumerate(ax.get_children())}
        for artist in sorted(self._show(recipient), key=lambda a: (a.get_zorder(), added[id(a)])):
            ax.draw_artist(artist)
        width, height = canvas.get_width_height()
        # read in place, not copied
        palette_png(
            canvas.buffer_rgba(),
            width,
            height,
            buffer,
            _colours(_accent(self.figure)),
            dpi=PNG_DPI,
            software=CREATOR,
        )


def _rc_context(style: Mapping[str, Any]) -> Any:
    """matplotlib's `rc_context` (imported when first drawing, not with this module)."""
    _load_matplotlib()
    from matplotlib import rc_context as context

    return context(style)  # type: ignore[arg-type]  # keys are checked by matplotlib at run time


def _save_svg(canvas: Any, buffer: io.BytesIO) -> None:
    canvas.savefig(buffer, format="svg", metadata={"Date": None, "Creator": CREATOR})


def _save_png(canvas: Any, buffer: io.BytesIO, accent: str) -> None:
    """Write the drawn figure as a palette PNG at 300 dpi (see `pngpalette`)."""
    raw = io.BytesIO()
    canvas.savefig(raw, format="rgba", dpi=PNG_DPI)  # matplotlib's Agg raster, not kept after
    width, height = (int(inches * PNG_DPI) for inches in canvas.get_size_inches())
    palette_png(raw.getvalue(), width, height, buffer, _colours(accent), dpi=PNG_DPI, software=CREATOR)


def _colours(accent: str) -> ChartColours:
    return ChartColours(ink=INK, grid=GRID, grey=OTHERS, own=accent)


def _accent(figure: Figure) -> str:
    """Return the recipient's colour: the theme's accent, or the bundled one."""
    return figure.accent or ACCENT


def _tick_formatter(figure: Figure) -> Any:
    from babel import Locale, UnknownLocaleError
    from babel.numbers import format_decimal

    try:
        locale = Locale.parse(figure.language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse("en")

    def number(value: float, _language: str) -> str:
        return str(format_decimal(value, format="#,##0.##", locale=locale))

    def tick(value: float, _position: int) -> str:
        if figure.unit == "share":
            return number(round(value * 100, 2), figure.language) + "%"
        if figure.unit == "percent":
            return number(value, figure.language) + "%"
        return number(value, figure.language)

    return tick


def _series(
    ax: Any, figure: Figure, line: SeriesLine, *, highlighted: bool, label_dy: float = 0.0
) -> list[Any]:
    """Draw one country's series (highlighted: the recipient's) and its name at the end of its line;
    return its artists. `label_dy` moves the name up or down (points), away from another's."""
    values = dict(line.points)
    start, end = figure.years
    years = list(range(start, end + 1))
    # a year with no value is a gap in the line (NaN), never an invented point
    ys = [values.get(y, math.nan) for y in years]
    colour, width, order = (_accent(figure), 2.0, 3) if highlighted else (OTHERS, 1.1, 2)
    artists = ax.plot(years, ys, color=colour, linewidth=width, zorder=order, solid_capstyle="round")
    # the recipient's points are marked; another country's only where a point stands alone
    # between gaps (a line cannot show it). Fewer markers also keep the SVG light to lay out.
    marked = [(y, v) for y, v in line.points if highlighted or (y - 1 not in values and y + 1 not in values)]
    if marked:
        artists += ax.plot(
            [y for y, _ in marked],
            [v for _, v in marked],
            linestyle="none",
            marker="o",
            markersize=2.6 if highlighted else 2.2,
            color=colour,
            zorder=order,
        )
    if (
        len(figure.lines) > 1 or highlighted
    ):  # every series of a comparison is named; a lone one is the recipient's
        last_year, last = line.points[-1]
        leader = None
        if abs(label_dy) > LEADER_FROM:  # moved away from its line's end: a hairline leads back to it
            leader = {"arrowstyle": "-", "color": OTHERS, "linewidth": 0.5, "shrinkA": 0, "shrinkB": 1.5}
        artists.append(
            ax.annotate(
                line.name,
                xy=(last_year, last),
                xytext=(LABEL_GAP, label_dy),
                textcoords="offset points",
                va="center",
                ha="left",
                color=_accent(figure) if highlighted else INK,
                fontsize=LABEL_SIZE,
                fontweight="bold" if highlighted else "normal",
                annotation_clip=False,
                arrowprops=leader,
                zorder=order + 1,
            )
        )
    return list(artists)


LABEL_SIZE = 8.5
"""The series' names at their line ends, in points."""
LABEL_GAP = 6.0
"""Points between a line's last point and its name."""
LABEL_PITCH = 10.5
"""Least distance between two names' middles, in points: 8.5 pt text with air between."""
LEADER_FROM = 3.0
"""A name moved further than this (points) from its line's end gets a hairline back to it."""
AXES = (0.075, 0.11, 0.74, 0.82)
"""Where the axes stand in the figure (left, bottom, width, height): room on the right for the names."""


def label_offsets(figure: Figure) -> list[float]:
    """Return, for each line of `figure`, how far (points) its name moves up or down from its line's end.

    Names that would overlap are moved apart, a group at a time, each group centred on the
    values it names and kept within the axes; lines that end in different years are apart
    already. Pure arithmetic on the data and the axes' size, so every drawing of the figure,
    whoever draws it, puts the names in the same places.
    """
    if figure.kind != "line" or not figure.lines:
        return [0.0] * len(figure.lines)
    height = HEIGHT_CM / 2.54 * 72 * AXES[3]  # the axes' height in points
    top = _top(figure)
    targets = [line.points[-1][1] / top * height for line in figure.lines]
    offsets = [0.0] * len(figure.lines)
    by_year: dict[int, list[int]] = {}
    for n, line in enumerate(figure.lines):
        by_year.setdefault(line.points[-1][0], []).append(n)
    for members in by_year.values():
        placed = _spread(sorted(members, key=lambda n: (targets[n], n)), targets, height)
        for n, y in placed.items():
            offsets[n] = y - targets[n]
    return offsets


def _spread(order: list[int], targets: list[float], height: float) -> dict[int, float]:
    """Return names' heights (points), in `order` from the lowest, at least LABEL_PITCH apart.

    Overlapping names form groups; a group stands centred on the mean of its targets (within
    0 and the axes' top), and groups that then overlap merge, until none do.
    """
    groups = [[n] for n in order]

    def place(group: list[int]) -> float:
        """Return the height of the group's lowest name."""
        span = LABEL_PITCH * (len(group) - 1)
        centre = sum(targets[n] for n in group) / len(group)
        return min(max(centre - span / 2, 0.0), max(height - span, 0.0))

    merged = True
    while merged:
        merged = False
        for i in range(len(groups) - 1):
            top_of_lower = place(groups[i]) + LABEL_PITCH * (len(groups[i]) - 1)
            if place(groups[i + 1]) - top_of_lower < LABEL_PITCH:
                groups[i : i + 2] = [groups[i] + groups[i + 1]]
                merged = True
                break
    return {n: place(group) + LABEL_PITCH * k for group in groups for k, n in enumerate(group)}


def _line_axes(ax: Any, figure: Figure) -> None:
    """Set a line chart's axes: every year of its range, and room above its highest value."""
    start, end = figure.years
    years = list(range(start, end + 1))
    ax.set_xlim(start - 0.3, end + 0.3)
    ax.set_ylim(0, _top(figure))
    step = 1 if len(years) <= 12 else 2 if len(years) <= 24 else 5
    ax.set_xticks(years[::step])
    ax.set_xticklabels([str(y) for y in years[::step]])


def _top(figure: Figure) -> float:
    """Return the top of a line chart's value axis: room above the highest value."""
    top = max([0.0, *(value for line in figure.lines for _, value in line.points)])
    return top * 1.08 if top > 0 else 1.0


def _bars(ax: Any, figure: Figure) -> None:
    if len(figure.lines) > 1:  # one bar per country: its latest value in the range
        names = [line.name for line in figure.lines]
        values = [line.points[-1][1] for line in figure.lines]
        colours = [_accent(figure) if line.highlighted else OTHERS for line in figure.lines]
        ax.bar(range(len(names)), values, color=colours, width=0.6)
        ax.set_xticks(range(len(names)))
        ax.set_xticklabels(names)
        for tick, line in zip(ax.get_xticklabels(), figure.lines, strict=True):
            if line.highlighted:
                tick.set_color(_accent(figure))
                tick.set_fontweight("bold")
    else:
        line = figure.lines[0]
        ax.bar([y for y, _ in line.points], [v for _, v in line.points], color=_accent(figure), width=0.6)
        start, end = figure.years
        ax.set_xlim(start - 0.6, end + 0.6)
        ax.set_xticks(list(range(start, end + 1)))
        ax.set_xticklabels([str(y) for y in range(start, end + 1)])
