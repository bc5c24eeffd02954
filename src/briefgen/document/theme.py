"""An organisation's look, as plain values: what a theme folder gives the renderers.

`sources/theme.py` reads the folder (its `theme.yaml`, logo, extra CSS and Word template) into
one `Theme`; the tailored brief carries it, so a renderer worker needs no loader to use it.
The default theme holds nothing: every renderer then keeps the bundled look unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Logo:
    """The organisation's logo: a file of the theme folder, and its bytes."""

    name: str
    """File name inside the theme folder (`logo.svg`)."""
    media_type: str
    """`image/svg+xml` or `image/png`."""
    data: bytes


@dataclass(frozen=True)
class ThemeWords:
    """What a theme says in one language: letterhead, signature block, author property."""

    organisation: tuple[str, ...] = ()
    signature: tuple[str, ...] = ()
    author: str | None = None


@dataclass(frozen=True)
class Theme:
    """The organisation's look; every field left empty keeps the bundled default."""

    folder: str | None = field(default=None, metadata={"canonical": False})
    """Absolute path of the theme folder (the PDF's fetcher serves files under it), if any.

    Left out of the brief's canonical JSON: the same theme elsewhere makes the same documents."""
    organisation: tuple[str, ...] = ()
    """The organisation's name, then its address lines, as the letterhead prints them."""
    signature: tuple[str, ...] = ()
    """The cover note's signature block (empty: the brief's organisation signs)."""
    author: str | None = None
    """The documents' author property (None: the brief's organisation)."""
    translations: tuple[tuple[str, ThemeWords], ...] = ()
    """The words above in each other language the theme gives; `in_language` picks them."""
    accent: str | None = None
    """Accent colour as `#rrggbb` (rules, numbers, labels, the country-note edge)."""
    body_font: str | None = None
    """Font family of the body text."""
    heading_font: str | None = None
    """Font family of headings, labels and the running heads."""
    logo: Logo | None = None
    css: str = ""
    """Extra CSS for the HTML and PDF, after the bundled stylesheet."""
    word_template: bytes | None = None
    """A Word style reference of the organisation's own, replacing the bundled one."""

    def in_language(self, language: str) -> Theme:
        """Return the theme as a brief in `language` prints it: that language's words where the
        theme gives them, the source language's elsewhere."""
        words = dict(self.translations).get(language)
        if words is None:
            return replace(self, translations=()) if self.translations else self
        return replace(
            self,
            organisation=words.organisation or self.organisation,
            signature=words.signature or self.signature,
            author=words.author or self.author,
            translations=(),
        )

    @property
    def is_default(self) -> bool:
        """Return whether the theme changes nothing."""
        return self == Theme(folder=self.folder)


DEFAULT_THEME = Theme()
"""The bundled look."""


CSS_TINT = 0.09
"""How much of the accent the page's tint (`--accent-tint`) keeps: print.css's #e9f2f2."""


def tint(accent: str, share: float) -> str:
    """Return `accent` (`#rrggbb` or `rrggbb`) mixed with white, keeping `share` of it, as `RRGGBB`."""
    value = accent.lstrip("#")
    channels = [int(value[i : i + 2], 16) for i in (0, 2, 4)]
    mixed = [round(c * share + 255 * (1 - share)) for c in channels]
    return "".join(f"{c:02X}" for c in mixed)
