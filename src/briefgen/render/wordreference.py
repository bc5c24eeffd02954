"""The Word style reference a brief is written on, and its styles looked up once.

The bundled `templates/reference.docx`, restyled for a theme that names a colour or fonts, or
the theme's own Word template instead: each made once per renderer and theme. `StyleBook`
answers the writer's questions about a reference's styles (ids, East Asian fonts) without
walking its styles part for every paragraph.
"""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as WordDocument

from briefgen.document.theme import Theme, tint
from briefgen.document.wordstyles import REQUIRED_STYLES
from briefgen.errors import RenderError
from briefgen.render import ooxml
from briefgen.render.theme import DEFAULT_ACCENT, DEFAULT_BODY_FONT, DEFAULT_HEADING_FONT, DEFAULT_TINTS


class StyleReferences:
    """The bundled style reference, and the ones made from it for themes."""

    def __init__(self, reference: bytes) -> None:
        self._reference = reference
        self._styles = StyleBook(Document(io.BytesIO(reference)))
        self._themed: dict[tuple[object, ...], tuple[bytes, StyleBook]] = {}

    def for_theme(self, theme: Theme) -> tuple[bytes, StyleBook]:
        """Return the style reference for `theme` and its styles, made once per theme.

        A theme's own Word template replaces the bundled reference; a theme that only names a
        colour or fonts restyles the bundled one.
        """
        key = (theme.word_template, theme.accent, theme.body_font, theme.heading_font)
        if key == (None, None, None, None):
            return self._reference, self._styles
        known = self._themed.get(key)
        if known is None:
            if theme.word_template is not None:
                reference = theme.word_template
            else:
                colours: dict[str, str] = {}
                if theme.accent:
                    colours[DEFAULT_ACCENT] = theme.accent.lstrip("#")
                    colours.update({old: tint(theme.accent, share) for old, share in DEFAULT_TINTS.items()})
                fonts = {}
                if theme.body_font:
                    fonts[DEFAULT_BODY_FONT] = theme.body_font
                if theme.heading_font:
                    fonts[DEFAULT_HEADING_FONT] = theme.heading_font
                reference = ooxml.restyle(self._reference, colours, fonts)
            known = self._themed[key] = (reference, StyleBook(Document(io.BytesIO(reference))))
        return known


class StyleBook:
    """The reference document's styles, looked up once per renderer rather than per paragraph."""

    def __init__(self, reference: WordDocument) -> None:
        self._ids = ooxml.style_ids(reference)
        lower = {name.lower() for name in self._ids}
        missing = [name for name in REQUIRED_STYLES if name.lower() not in lower]
        if missing:  # the theme loader refuses such a template first; this guards other callers
            raise RenderError(f"the DOCX style reference lacks the styles: {', '.join(missing)}")
        self._cjk_fonts = {name: ooxml.east_asian_font(reference, name) for name in self._ids}

    def id(self, name: str) -> str:
        """Return the id of the style called `name`."""
        try:
            return self._ids[name]
        except KeyError:
            raise KeyError(f"the DOCX style reference has no style '{name}'") from None

    def cjk_font(self, name: str) -> str | None:
        """Return the East Asian font of paragraph style `name`."""
        return self._cjk_fonts.get(name)
