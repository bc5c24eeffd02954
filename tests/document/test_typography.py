"""Print typography per language: quotes, dashes, non-breaking spaces, as a copy editor sets them."""

from __future__ import annotations

import pytest

from briefgen.document.text import parse
from briefgen.document.typography import NBSP, bind_last_words, typeset


@pytest.mark.parametrize(
    ("typed", "set_"),
    [
        ("from 2010-2019", "from 2010–2019"),
        ("in 2015-16", "in 2015–16"),
        ("pp. 12-14", f"pp.{NBSP}12–14"),
        ("see p. 3", f"see p.{NBSP}3"),
        ("USD 463 m", f"USD{NBSP}463{NBSP}m"),
        ("43 % of GDP", f"43{NBSP}% of GDP"),
        ("10 km away", f"10{NBSP}km away"),
        ("до 13 млрд долл. США", f"до 13{NBSP}млрд долл. США"),  # Russian scale words too
        ("5 тыс. человек", f"5{NBSP}тыс. человек"),
        ("2 mlrd dollar", f"2{NBSP}mlrd dollar"),  # Uzbek and Turkmen in Latin letters
        # left alone: names, dates and versions
        ("COVID-19", "COVID-19"),
        ("on 2024-01-15", "on 2024-01-15"),
        ("China-Kyrgyzstan-Uzbekistan", "China-Kyrgyzstan-Uzbekistan"),
        ("version 1.2-3", "version 1.2-3"),
    ],
)
def test_ranges_pages_and_units(typed: str, set_: str) -> None:
    assert typeset(typed, "en") == set_


def test_english_quotes_and_apostrophes_in_parsed_text() -> None:
    text = parse("China's \"new type\" of 'great power' relations -- and Rogun's dam...", language="en")
    assert text.plain() == "China’s “new type” of ‘great power’ relations – and Rogun’s dam…"


def test_russian_quotes_follow_the_language() -> None:
    assert parse('Он сказал "да"', language="ru").plain() == "Он сказал «да»"
    assert typeset('"да"', "ru", smart_quotes=True) == "«да»"


def test_plain_fields_get_curly_quotes_but_typed_tags_stay_as_typed() -> None:
    assert typeset("China's Pursuit", "en", smart_quotes=True) == "China’s Pursuit"
    assert typeset('<img src="x"> it\'s', "en", smart_quotes=True) == '<img src="x"> it’s'


def test_raw_inline_html_keeps_its_straight_quotes() -> None:
    assert parse('a <span class="x">b</span> "c"').plain() == 'a <span class="x">b</span> “c”'


def test_a_citation_s_last_two_words_are_bound() -> None:
    assert bind_last_words("World Bank, 2020a") == f"World Bank,{NBSP}2020a"
    assert bind_last_words("one") == "one"
