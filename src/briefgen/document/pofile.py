"""Read a GNU gettext PO file: the one reader for the fixed words, a brief's catalogs and the tools.

A second entry for the same text is kept in `catalog.duplicates` (line, context, first line):
Babel merges it into the first without a word.

Strict where Babel forgives: its reader drops the first and last characters of an unquoted
`msgstr`, so a line that is neither a comment nor a keyword with a quoted string is refused here
before Babel sees it, and a translation is never silently cut. Each entry's previous English
(`#| msgid`, which Babel keeps as a translator comment) is given back as its `previous_id`.
"""

from __future__ import annotations

import io
import re
from functools import cache
from typing import TYPE_CHECKING, Any

from briefgen.errors import PoSyntaxError

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

__all__ = ["PoSyntaxError", "read_po"]


_PO_STRING = r'"(?:[^"\\]|\\.)*"'
_PO_LINE = re.compile(rf"^(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?{_PO_STRING}\s*$")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


def read_po(data: bytes, language: str) -> Catalog:
    """Return the catalog `data` holds, for `language`; raise `PoSyntaxError` where it does not parse."""
    from babel.messages.pofile import PoFileError, unescape

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PoSyntaxError(1, f"not UTF-8 ({exc.reason} at byte {exc.start})") from None
    bad = _syntax_error(text)
    if bad is not None:
        raise PoSyntaxError(*bad)
    from babel.messages.pofile import PoFileParser

    catalog: Catalog = _strict_catalog()(locale=language.replace("-", "_"))
    try:
        PoFileParser(catalog, abort_invalid=True).parse(io.BytesIO(data))
    except PoFileError as exc:
        raise PoSyntaxError(exc.lineno + 1, str(exc)) from None
    except ValueError as exc:
        raise PoSyntaxError(1, str(exc)) from None
    for message in [*catalog, *catalog.obsolete.values()]:
        previous = [c for c in message.user_comments if c.startswith("|")]
        if not previous:
            continue
        message.user_comments = [c for c in message.user_comments if not c.startswith("|")]
        joined = " ".join(c[1:].strip() for c in previous)
        if joined.startswith("msgid "):
            parts = _QUOTED.findall(joined.split("msgid_plural", 1)[0])
            message.previous_id = ["".join(unescape(f'"{p}"') for p in parts)]
    return catalog


def _syntax_error(text: str) -> tuple[int, str] | None:
    """Return the first line that is neither a comment nor a keyword with a quoted string."""
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not _PO_LINE.match(stripped):
            shown = stripped if len(stripped) <= 60 else stripped[:57] + "..."
            return number, f"expected a keyword and a quoted string, or a quoted string, not {shown!r}"
    return None


@cache
def _strict_catalog() -> Any:
    """Return a Babel catalog class that remembers a second entry for the same text.

    Made on first use, so that loading a brief without translations does not import Babel.
    """
    from babel.messages.catalog import Catalog as PoCatalog

    class StrictCatalog(PoCatalog):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.duplicates: list[tuple[int, str, int]] = []

        def __setitem__(self, id: Any, message: Any) -> None:
            first = self.get(id, message.context) if id else None
            if first is not None:
                self.duplicates.append((message.lineno or 1, message.context or "", first.lineno or 1))
            super().__setitem__(id, message)

    return StrictCatalog
