"""Numbers, dates and fact values written the way the brief's language writes them (Babel)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal, format_percent, list_currencies

from briefgen.document.typography import NBSP
from briefgen.models import Fact
from briefgen.models.common import Scalar


@lru_cache(maxsize=64)
def locale_for(language: str) -> Locale:
    """Return the Babel locale for a language tag, falling back to English."""
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


DATE_PATTERNS: dict[str, str] = {
    "en": "d MMMM y",  # British order, as think tanks outside the US print it
    "kk": "y 'жылғы' d MMMM",  # 2020 жылғы 15 қараша (Babel: 2020 ж. 15 қараша)
    "uz": "y-'yil' d-MMMM",  # 2020-yil 15-noyabr (Babel: 15-noyabr, 2020)
}
"""Dates as the language's official documents write them, where Babel's long format differs
(a CLDR pattern with Babel's month names); other languages take Babel's long format."""

MONTHS_TG = (
    "январи",
    "феврали",
    "марти",
    "апрели",
    "майи",
    "июни",
    "июли",
    "августи",
    "сентябри",
    "октябри",
    "ноябри",
    "декабри",
)
"""`tg` month names with the izofa a date takes: «15 ноябри соли 2020» (Babel: 15 Ноябр 2020)."""


def long_date(day: dt.date, language: str) -> str:
    """Return a date in full as the language's official documents write it: "15 November 2020",
    «15 ноября 2020 г.», «2020 жылғы 15 қараша», «15 ноябри соли 2020», «2020-yil 15-noyabr»."""
    locale = locale_for(language)
    if locale.language == "tg":
        return f"{day.day} {MONTHS_TG[day.month - 1]} соли {day.year}"
    pattern = DATE_PATTERNS.get(locale.language)
    return format_date(day, pattern or "long", locale=locale)


def percent(share: float, language: str) -> str:
    """Return a share (0 to 1) as a whole percentage in the locale's form: "34%", «34 %»."""
    return str(format_percent(share, format="#,##0%", locale=locale_for(language)))


def month_year(day: dt.date, language: str) -> str:
    """Return the month of a date: "March 2021" ("март 2021 г.")."""
    return str(format_skeleton("yMMMM", day, locale=locale_for(language)))


def number(value: float, language: str) -> str:
    """Return a number with the locale's separators, at most two decimals."""
    return str(format_decimal(value, format="#,##0.##", locale=locale_for(language)))


def fact_value(fact: Fact, language: str) -> str:
    """Return a fact's value as the profile table shows it, unit included."""
    current = fact.current
    return scalar_value(current if current is not None else "", fact.unit, language)


def scalar_value(value: Scalar, unit: str | None, language: str) -> str:
    """Return a value with its unit: "43%", "USD 13 bn" (in English; "13 USD bn" in Russian), "yes"."""
    if isinstance(value, bool):
        from briefgen.document.words import words

        return words(language)["yes" if value else "no"]
    if isinstance(value, int | float):
        if unit == "share":
            return str(format_percent(value, format="#,##0.#%", locale=locale_for(language)))
        text = number(value, language)
        if unit == "percent":
            return f"{text}%"
        return with_unit(text, unit, language) if unit else text
    return f"{value} {unit}" if unit and unit != "share" else value


def with_unit(text: str, unit: str, language: str) -> str:
    """Return a number written with its unit, where the language puts it.

    A unit that starts with a currency code ("USD bn") goes where the language's own currency
    format (Babel's) puts the currency: "USD 13 bn" in English, as prose writes it; after the
    number elsewhere ("13 USD bn"). Any other unit follows the number: "120 km". The number
    is bound to its neighbours with no-break spaces, so a line never separates them.
    """
    code, _, rest = unit.partition(" ")
    if code in _currency_codes() and _currency_first(language):
        return f"{code}{NBSP}{text}{NBSP}{rest}" if rest else f"{code}{NBSP}{text}"
    return f"{text}{NBSP}{unit}"  # a line never ends between a number and its unit


@lru_cache(maxsize=1)
def _currency_codes() -> frozenset[str]:
    return frozenset(list_currencies())


@lru_cache(maxsize=64)
def _currency_first(language: str) -> bool:
    pattern = locale_for(language).currency_formats["standard"]
    return "\u00a4" in pattern.prefix[0]  # ¤, the currency's place in the pattern


def humanise(name: str) -> str:
    """Return a snake_case fact name as words: "trade_with_eu" -> "Trade with eu"."""
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]
