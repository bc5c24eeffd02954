"""A theme, as each format needs it: CSS custom properties, a logo as a data URL or a PNG.

The bundled stylesheet (`templates/print.css`) writes its accent colour and its two font
stacks as custom properties (`--accent`, `--accent-tint`, `--body-font`, `--heading-font`);
a theme overrides those and adds its own CSS after them. The DOCX side restyles the bundled
Word reference with the same values (`ooxml.restyle`), unless the theme brings a Word
template of its own.
"""

from __future__ import annotations

import base64

from briefgen.document.theme import CSS_TINT, Logo, Theme, tint

DEFAULT_ACCENT = "0F5257"
"""The accent colour the bundled Word reference is made with (scripts/make_reference_docx.py)."""
DEFAULT_TINTS = {"EEF4F4": 0.07, "F3F7F7": 0.05}
"""The bundled reference's tints of the accent (summary box, country note) and their strength."""
DEFAULT_BODY_FONT, DEFAULT_HEADING_FONT = "Noto Serif", "Noto Sans"
"""The font families the bundled Word reference names."""
LOGO_HEIGHT_MM = 14.0
"""Height of the logo on page one (PDF) and in the first-page header (DOCX)."""
LOGO_PNG_HEIGHT_PX = 400
"""An SVG logo is drawn this tall for Word: sharp in print at its size on the page."""


def _family(name: str) -> str:
    return '"' + name.replace("\\", "").replace('"', "") + '"'


def theme_css(theme: Theme) -> str:
    """Return the CSS that applies `theme` over the bundled stylesheet ("" for the default)."""
    properties = []
    if theme.accent:
        properties.append(f"  --accent: {theme.accent};")
        properties.append(f"  --accent-tint: #{tint(theme.accent, CSS_TINT).lower()};")
    if theme.body_font:
        properties.append(
            f'  --body-font: {_family(theme.body_font)}, "Noto Serif", "Noto Serif CJK SC", serif;'
        )
    if theme.heading_font:
        properties.append(
            f'  --heading-font: {_family(theme.heading_font)}, "Noto Sans", "Noto Sans CJK SC", sans-serif;'
        )
    css = ":root {\n" + "\n".join(properties) + "\n}\n" if properties else ""
    return css + theme.css


def logo_data_url(logo: Logo) -> str:
    """Return the logo as a `data:` URL, for the standalone HTML page."""
    return f"data:{logo.media_type};base64," + base64.b64encode(logo.data).decode("ascii")


def logo_png(logo: Logo) -> bytes:
    """Return the logo as PNG bytes (an SVG drawn with CairoSVG), for Word."""
    if logo.media_type == "image/png":
        return logo.data
    import cairosvg  # type: ignore[import-untyped]  # only a DOCX with an SVG logo needs it

    # The theme loader refused SVGs that refer to other files, so nothing is fetched here.
    png = cairosvg.svg2png(bytestring=logo.data, output_height=LOGO_PNG_HEIGHT_PX, unsafe=False)
    if not isinstance(png, bytes):
        raise ValueError(f"could not draw the logo {logo.name}")
    return png
