"""A figure as an `<svg>` element inside the brief's HTML (and so its PDF), or its placeholder.

matplotlib's SVG file (`charts.svg`) becomes an element that scales to its container, titled by
the figure's alt text (what a screen reader announces, and the /Alt of the PDF's Figure), with
no CSS inside and without what draws nothing. `placeholder` is the same element without the
drawing: the PDF renderer lays the page out around it and paints the drawing in afterwards.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from briefgen.render.charts import HEIGHT_CM, WIDTH_CM, svg

if TYPE_CHECKING:
    from briefgen.document.model import Figure
    from briefgen.document.report import StatusChart


def inline_svg(figure: Figure) -> str:
    """Return the figure as an `<svg>` element for HTML, its alt text as its `<title>`.

    The title is what a screen reader announces and what WeasyPrint writes as the /Alt of the
    PDF's Figure structure element. The element scales to the width of its container.
    """
    text = svg(figure).decode("utf-8")
    start = text.index("<svg")
    text = text[start:]
    text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    opening_end = text.index(">") + 1
    viewbox = re.search(r'\sviewBox="([^"]*)"', text[:opening_end])
    # No CSS inside the figure: a page whose Content-Security-Policy refuses inline styles (the
    # live preview's) shows it all the same. matplotlib's one rule goes on the root, and each
    # `style` becomes the SVG presentation attributes it spells.
    body = re.sub(r'\s*<defs>\s*<style type="text/css">[^<]*</style>\s*</defs>', "", text[opening_end:])
    body = re.sub(r'style="([^"]*)"', _attributes, body)
    return _opening(figure, viewbox.group(1) if viewbox else VIEWBOX) + _lean(body).strip()


def _points(cm: float) -> str:
    """Return a length in cm as matplotlib's SVG writes it in points ("453.543307")."""
    return f"{cm / 2.54 * 72:f}".rstrip("0").rstrip(".")


VIEWBOX = f"0 0 {_points(WIDTH_CM)} {_points(HEIGHT_CM)}"
"""The drawing's coordinates, in points, as matplotlib's SVG of a WIDTH_CM x HEIGHT_CM figure says."""


def _opening(figure: Figure, viewbox: str) -> str:
    """Return the `<svg>` start tag and `<title>` of `figure` inline, scaled to its container."""
    return (
        f'<svg role="img" aria-labelledby="figure-{figure.number}-alt" stroke-linejoin="round" '
        f'stroke-linecap="butt" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="{viewbox}" '
        'xmlns="http://www.w3.org/2000/svg" version="1.1">'
        f'<title id="figure-{figure.number}-alt">{escape(figure.alt)}</title>'
    )


def placeholder(figure: Figure) -> str:
    """Return `figure` inline as an empty drawing: what `inline_svg` gives but for what it draws.

    Laid out, it takes the very space the drawing takes, and is tagged as the drawing is, so a
    renderer can lay the page out before the drawing exists and paint the drawing in its place.
    """
    return _opening(figure, VIEWBOX) + "</svg>"


_GROUP_TAG = re.compile(r"<g\b[^>]*>|</g>")
_BARE_GROUP = re.compile(r'<g id="([^"]*)">')


def _lean(body: str) -> str:
    """Return matplotlib's SVG body without what draws nothing, for a lighter PDF layout.

    Dropped: the RDF metadata (the title says what the figure is), rotations by 0 degrees,
    whitespace between tags, and the groups matplotlib opens around every artist only to name
    it (`<g id="xtick_3">` with nothing else, its id referred to by nothing). WeasyPrint walks
    every element of an inline SVG: this takes away a third of its time on a chart.
    """
    body = re.sub(r"<metadata>.*?</metadata>", "", body, flags=re.DOTALL)
    body = re.sub(r' transform="rotate\(-?0 [-\d.e]+ [-\d.e]+\)"', "", body)
    referenced = set(re.findall(r'(?:url\(#|href="#)([^)"]+)', body))
    pieces: list[str] = []
    kept: list[bool] = []  # for each open group: whether its tags stay
    position = 0
    for tag in _GROUP_TAG.finditer(body):
        pieces.append(body[position : tag.start()])
        position = tag.end()
        if tag.group() == "</g>":
            if kept.pop():
                pieces.append(tag.group())
            continue
        bare = _BARE_GROUP.fullmatch(tag.group())
        keep = bare is None or bare.group(1) in referenced
        kept.append(keep)
        if keep:
            pieces.append(tag.group())
    pieces.append(body[position:])
    return re.sub(r">\s+<", "><", "".join(pieces))


def _attributes(match: re.Match[str]) -> str:
    """Return `style="fill: #fff; stroke: none"` as `fill="#fff" stroke="none"`."""
    pairs = (d.split(":", 1) for d in match.group(1).split(";") if ":" in d)
    return " ".join(f'{name.strip()}="{value.strip()}"' for name, value in pairs)


def status_chart_svg(chart: StatusChart) -> str:
    """Return the implementation report's chart (`render.statuschart`) as an `<svg>` element,
    titled by its alt text and scaled to its container, as a brief's figure is."""
    from briefgen.render import statuschart

    text = statuschart.svg(chart).decode("utf-8")
    text = re.sub(r"<!--.*?-->", "", text[text.index("<svg") :], flags=re.DOTALL)
    opening_end = text.index(">") + 1
    viewbox = re.search(r'\sviewBox="([^"]*)"', text[:opening_end])
    body = re.sub(r'\s*<defs>\s*<style type="text/css">[^<]*</style>\s*</defs>', "", text[opening_end:])
    body = re.sub(r'style="([^"]*)"', _attributes, body)
    return (
        '<svg role="img" aria-labelledby="report-chart-alt" stroke-linejoin="round" stroke-linecap="butt" '
        f'xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="{viewbox.group(1) if viewbox else VIEWBOX}" '
        'xmlns="http://www.w3.org/2000/svg" version="1.1">'
        f'<title id="report-chart-alt">{escape(chart.alt)}</title>' + _lean(body).strip()
    )
