"""Print typography per language: the small rules a copy editor applies by hand.

markdown-it-py's typographer does the quotes and apostrophes of parsed text (with the
language's quote marks, `QUOTES`); `typeset()` does the rest, on parsed text and on the plain
fields (titles, labels) alike:

- an en dash in numeric ranges: 2010-2019 -> 2010–2019, pp. 12-14 -> pp. 12–14 (never inside
  a date such as 2024-01-15, nor in names such as COVID-19);
- a non-breaking space after "p."/"pp." and between a number and its unit or currency
  ("USD 463 m", "43 %"), so a line never ends between them;
- curly apostrophes and quotes in plain fields too ("the state's" -> "the state’s").
"""

from __future__ import annotations

import re

NBSP = "\u00a0"

QUOTES: dict[str, str] = {"en": "“”‘’", "ru": "«»„“", "de": "„“‚‘", "fr": "«»‹›"}
"""Double open, double close, single open, single close, per language (English by default)."""

_RANGE = re.compile(r"(?<![\w\-–./])(\d{1,4})-(\d{1,4})(?![\w\-–/]|\.\d)")
_PAGE = re.compile(r"\b(pp?|para|ch|sec)\. (?=[\dIVXivx])")
_UNITS = (
    r"%|‰|bn|m|km|km²|km2|m³|m3|kg|t|Mt|MW|GW|GWh|TWh|kWh|°C|ha|mm|cm|mln|million|billion|"
    r"USD|EUR|RUB|CNY|KZT|KGS|TJS|UZS|TMT|PEN|CLP|BOB|"
    r"трлн|млрд|млн|тыс\.|км|кг|mlrd|trln"  # the scale words of Russian and the states' languages
)
_BEFORE_UNIT = re.compile(rf"(\d) (?=(?:{_UNITS})(?![\w]))")
_CURRENCY = re.compile(r"\b(USD|EUR|RUB|CNY|US\$|\$|€|£) (?=\d)")
_TAG = re.compile(r"(<[^<>]*>)")
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_DOUBLE = re.compile(r'"([^"\n]+)"')
_SINGLE = re.compile(r"(?<![\w])'([^'\n]+)'(?!\w)")


def quotes(language: str) -> str:
    """Return the four quote marks of `language`."""
    return QUOTES.get(language.split("-")[0].lower(), QUOTES["en"])


def typeset(text: str, language: str = "en", *, smart_quotes: bool = False) -> str:
    """Return `text` with the language's typographic rules applied (see the module)."""
    text = _RANGE.sub("\\1–\\2", text)
    text = _PAGE.sub(lambda m: m.group(1) + "." + NBSP, text)
    text = _CURRENCY.sub(lambda m: m.group(1) + NBSP, text)
    text = _BEFORE_UNIT.sub("\\1" + NBSP, text)
    if smart_quotes:
        # raw markup typed into a field prints as typed: quotes inside a tag stay straight
        pieces = _TAG.split(text)
        return "".join(p if i % 2 else _smart(p, language) for i, p in enumerate(pieces))
    return text


def _smart(text: str, language: str) -> str:
    marks = quotes(language)
    open2, close2, open1, close1 = marks[0], marks[1], marks[2], marks[3]
    text = _APOSTROPHE.sub("’", text)
    text = _DOUBLE.sub(lambda m: open2 + m.group(1) + close2, text)
    text = _SINGLE.sub(lambda m: open1 + m.group(1) + close1, text)
    return text.replace("'", "’")


def bind_last_words(text: str) -> str:
    """Return `text` with its last space non-breaking: "(World Bank, 2020a)" never splits there."""
    head, sep, tail = text.rpartition(" ")
    return head + NBSP + tail if sep and head else text
