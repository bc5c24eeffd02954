"""A theme: `theme.yaml` in a theme folder (the organisation's look, without forking)."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, StringConstraints

from briefgen.models.common import Lines, SourceModel, Wording

HEX_COLOUR_PATTERN = r"^#[0-9A-Fa-f]{6}$"
FONT_FAMILY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 _-]{0,79}$"

HexColour = Annotated[str, StringConstraints(pattern=HEX_COLOUR_PATTERN)]
"""A colour as `#rrggbb` (`#0f5257`)."""

FontFamily = Annotated[str, StringConstraints(pattern=FONT_FAMILY_PATTERN)]
"""A font family name as fontconfig knows it (`fc-list : family`), like `DejaVu Serif`."""

ThemeFile = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$")
]
"""A file inside the theme folder, as a relative path (`logo.svg`, `word/reference.docx`)."""


class Fonts(SourceModel):
    """The two font families of a brief."""

    body: FontFamily | None = None
    """Family of the body text (default `Noto Serif`)."""
    heading: FontFamily | None = None
    """Family of headings, labels, tables and the running heads (default `Noto Sans`)."""


class ThemeSettings(SourceModel):
    """An organisation's look: letterhead, logo, colour, fonts, extra CSS, Word template."""

    model_config = ConfigDict(**SourceModel.model_config, title="Theme")  # as the schema names it

    organisation: Lines = []
    """The letterhead: the organisation's name, then its address lines; a plain list is in the
    brief's source language, `{en: […], ru: […]}` gives them per language."""
    signature: Lines = []
    """The cover note's signature block, under the closing (`[Water Programme, Institute for
    Water Policy]`), per language as `organisation`; default: the brief's organisation."""
    author: Wording | None = None
    """The documents' author property (PDF and Word), per language as `organisation`; default:
    the brief's organisation."""
    logo: ThemeFile | None = None
    """The logo, an SVG or PNG file in the theme folder; on page 1 and in the DOCX header."""
    accent: HexColour | None = None
    """The accent colour, `#rrggbb`: rules, numbers, labels, the country-note edge."""
    fonts: Fonts = Fonts()
    """Body and heading font families; each must be installed where briefs are built."""
    css: ThemeFile | None = None
    """A CSS file in the theme folder, applied after the bundled stylesheet (HTML and PDF)."""
    word_template: ThemeFile | None = None
    """A Word style reference (`reference.docx`) whose named styles the DOCX uses."""
