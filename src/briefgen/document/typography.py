"""Print typography per language: the small rules a copy editor applies by hand.

markdown-it-py's typographer does the quotes and apostrophes of parsed text (with the
language's quote marks, `QUOTES`); `typeset()` does the rest, on parsed text and on the plain
fields (titles, labels) alike:

- an en dash in numeric ranges: 2010-2019 -> 2010–2019, pp. 12-14 -> pp. 12–14, 12-36 months
  -> 12–36 months (never inside a date such as 2024-01-15, nor in names such as COVID-19); an
  open range "2012-present" -> "2012–present" in English, and in Russian the form a Russian
  editor writes, «2012 — наст. время»;
- a non-breaking space after "p."/"pp." and between a number and its unit or currency
  ("USD 463 m", "43 %"), so a line never ends between them;
- curly apostrophes and quotes in plain fields too ("the state's" -> "the state’s");
- in Russian (and the Cyrillic state languages, `DASH_LANGUAGES`), a dash between words is an
  em dash "—" with a non-breaking space before it, so no line starts with one; in Russian a
  one-letter preposition or conjunction (в, с, к, о, у, и, а, я) is bound to the next word, so
  no line ends with one; "2020 г.", "с. 12", "№ 3" never split; quotes inside «ёлочки» are
  „лапки“.
"""

from __future__ import annotations

import re

NBSP = "\u00a0"

QUOTES: dict[str, str] = {
    "en": "“”‘’",
    "ru": "«»„“",
    "kk": "«»„“",
    "ky": "«»„“",
    "tg": "«»„“",
    "tk": "«»„“",
    "uz": "«»„“",
    "de": "„“‚‘",
    "fr": "«»‹›",
}
"""Double open, double close, single open, single close, per language (English by default).

One style per language, the one its fixed-word catalog uses: the languages of the region print
«ёлочки» with „лапки“ inside, as Russian does, `tk` and `uz` in Latin letters included."""

DASH_LANGUAGES = frozenset({"ru", "kk", "ky", "tg"})
"""Languages whose dash between words is a spaced em dash (—) that never starts a line."""

_RANGE = re.compile(r"(?<![\w\-–./])(\d{1,4})-(\d{1,4})(?![\w\-–/]|\.\d)")
_OPEN_RANGE = re.compile(r"(?<![\w\-–./])(\d{4})\s?[-–]\s?(present)\b")
_SPACED_RANGE = re.compile(r"(?<![\w\-–./])(\d{4}) [-–—] (\d{4})(?![\w\-–/])")
_OPEN_RANGE_RU = re.compile(
    r"(?<![\w\-–./])(?:([сС]) )?(\d{4})(?: ?гг?\.)?\s*[-–—]\s*(?:по\s+)?(?:настоящее\s+время|наст\.\s*(?:время|вр\.))"
)
_PAGE = re.compile(r"\b(pp?|para|ch|sec|fig|с|гл|рис|разд|т)\. (?=[\dIVXivx])")
_UNITS = (
    r"%|‰|bn|m|km|km²|km2|m³|m3|kg|t|Mt|MW|GW|GWh|TWh|kWh|°C|ha|mm|cm|mln|million|billion|"
    r"USD|EUR|RUB|CNY|KZT|KGS|TJS|UZS|TMT|PEN|CLP|BOB|"
    r"трлн|млрд|млн|тыс\.|км|кг|mlrd|trln|г\.|гг\.|жылғы|ж\.|yil"  # scale words and "year"
)
_BEFORE_UNIT = re.compile(rf"(\d) (?=(?:{_UNITS})(?![\w]))")
_CURRENCY = re.compile(r"\b(USD|EUR|RUB|CNY|US\$|\$|€|£|№) (?=\d)")
_TAG = re.compile(r"(<[^<>]*>)")
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_DOUBLE = re.compile(r'"([^"\n]+)"')
_SINGLE = re.compile(r"(?<![\w])'([^'\n]+)'(?!\w)")
# a dash between words (not between two numbers: "2010 – 2019" is a range typed loosely)
_DASH = re.compile(r"(?<=[^\W\d]|[.,;:!?»“)\]…%])[ \u00a0]+(?:—|–|--?)[ \u00a0]+")
# the dash that opens a piece of text after an inline element ("</em> — …")
_DASH_FIRST = re.compile(r"^[ ](?:—|–|--?)[ ]")
# a one-letter word before the next one, or at the end of a piece before an inline element
_ONE_LETTER = re.compile(r"(?<![\w\-‐.])([вВсСкКоОуУиИаАяЯ]) (?=\S|$)")


def quotes(language: str) -> str:
    """Return the four quote marks of `language`."""
    return QUOTES.get(_primary(language), QUOTES["en"])


def typeset(text: str, language: str = "en", *, smart_quotes: bool = False) -> str:
    """Return `text` with the language's typographic rules applied (see the module)."""
    primary = _primary(language)
    open_range = _OPEN_RANGE_RU.sub(_open_range_ru, text) if primary == "ru" else None
    text = open_range if open_range is not None else _OPEN_RANGE.sub("\\1–\\2", text)
    text = _SPACED_RANGE.sub("\\1–\\2", text)
    text = _RANGE.sub("\\1–\\2", text)
    text = _PAGE.sub(lambda m: m.group(1) + "." + NBSP, text)
    text = _CURRENCY.sub(lambda m: m.group(1) + NBSP, text)
    text = _BEFORE_UNIT.sub("\\1" + NBSP, text)
    if smart_quotes:
        # raw markup typed into a field prints as typed: quotes inside a tag stay straight
        pieces = _TAG.split(text)
        text = "".join(p if i % 2 else _smart(p, language) for i, p in enumerate(pieces))
    return bind(text, primary)


def _open_range_ru(match: re.Match[str]) -> str:
    """«с 2012 г. по настоящее время» after «с», «2012 — наст. время» otherwise."""
    since, year = match.group(1), match.group(2)
    if since:
        return f"{since} {year}{NBSP}г. по настоящее время"
    return f"{year}{NBSP}— наст. время"


def bind(text: str, language: str) -> str:
    """Return `text` with the spaces the language never breaks at made non-breaking.

    Idempotent, and safe on a piece of a paragraph: the parser applies it again to each
    paragraph's runs once they are joined, where a line break of the source met a dash.
    """
    primary = _primary(language)
    if primary in DASH_LANGUAGES:
        text = _DASH_FIRST.sub(NBSP + "— ", _DASH.sub(NBSP + "— ", text))
    if primary == "ru":
        text = _ONE_LETTER.sub("\\1" + NBSP, text)
    if primary == "uz":
        text = apostrophes_uz(text)
    return nest_quotes(text, primary)


def nest_quotes(text: str, language: str) -> str:
    """Return `text` with quotes inside quotes in the inner style: «a «b» c» -> «a „b“ c».

    Text whose outer marks do not balance (a piece of a paragraph) is left as it is.
    """
    marks = quotes(language)
    outer_open, outer_close, inner_open, inner_close = marks[0], marks[1], marks[2], marks[3]
    if (
        outer_open == outer_close
        or outer_open not in text
        or text.count(outer_open) != text.count(outer_close)
    ):
        return text
    out = []
    depth = 0
    for char in text:
        if char == outer_open:
            out.append(inner_open if depth else char)
            depth += 1
        elif char == outer_close:
            depth -= 1
            out.append(inner_close if depth else char)
        else:
            out.append(char)
    return "".join(out)


def _primary(language: str) -> str:
    return language.split("-")[0].lower()


def _smart(text: str, language: str) -> str:
    marks = quotes(language)
    open2, close2, open1, close1 = marks[0], marks[1], marks[2], marks[3]
    text = _APOSTROPHE.sub("’", text)
    text = _DOUBLE.sub(lambda m: open2 + m.group(1) + close2, text)
    text = _SINGLE.sub(lambda m: open1 + m.group(1) + close1, text)
    return text.replace("'", "’")


_UZ_LETTER_MARK = re.compile(r"(?<=[OoGg])['‘’`ʼ]")
_UZ_GLOTTAL = re.compile(r"(?<=\w)['’`](?=\w)")


def apostrophes_uz(text: str) -> str:
    """Return `uz` (Latin) text with its two apostrophes as the orthography spells them.

    oʻ and gʻ take the turned comma ʻ (U+02BB), the character Babel's `uz` data uses
    (Oʻzbekiston), never the quotation mark ‘ (U+2018); the tutuq belgisi between letters
    (maʼlumot) takes ʼ (U+02BC).
    """
    return _UZ_GLOTTAL.sub("ʼ", _UZ_LETTER_MARK.sub("ʻ", text))


def bind_last_words(text: str) -> str:
    """Return `text` with its last space non-breaking: "(World Bank, 2020a)" never splits there."""
    head, sep, tail = text.rpartition(" ")
    return head + NBSP + tail if sep and head else text
