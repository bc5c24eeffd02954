"""Print typography per language: quotes, dashes, non-breaking spaces, as a copy editor sets them."""

from __future__ import annotations

import pytest

from briefgen.document.text import parse
from briefgen.document.typography import NBSP, bind_last_words, typeset


@pytest.mark.unit
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


@pytest.mark.unit
def test_english_quotes_and_apostrophes_in_parsed_text() -> None:
    text = parse("China's \"new type\" of 'great power' relations -- and Rogun's dam...", language="en")
    assert text.plain() == "China’s “new type” of ‘great power’ relations – and Rogun’s dam…"


@pytest.mark.unit
def test_russian_quotes_follow_the_language() -> None:
    assert parse('Он сказал "да"', language="ru").plain() == "Он сказал «да»"
    assert typeset('"да"', "ru", smart_quotes=True) == "«да»"


@pytest.mark.unit
def test_plain_fields_get_curly_quotes_but_typed_tags_stay_as_typed() -> None:
    assert typeset("China's Pursuit", "en", smart_quotes=True) == "China’s Pursuit"
    assert typeset('<img src="x"> it\'s', "en", smart_quotes=True) == '<img src="x"> it’s'


@pytest.mark.unit
def test_raw_inline_html_keeps_its_straight_quotes() -> None:
    assert parse('a <span class="x">b</span> "c"').plain() == 'a <span class="x">b</span> “c”'


@pytest.mark.unit
def test_a_citation_s_last_two_words_are_bound() -> None:
    assert bind_last_words("World Bank, 2020a") == f"World Bank,{NBSP}2020a"
    assert bind_last_words("one") == "one"


# ---------- ranges, and Russian as a Russian editor sets it ----------


@pytest.mark.unit
@pytest.mark.parametrize(
    ("typed", "language", "set_"),
    [
        ("Horizon 12-36 months", "en", "Horizon 12–36 months"),
        ("3-5 years", "en", "3–5 years"),
        ("The Xi administration (2012-present)", "en", "The Xi administration (2012–present)"),
        ("2010 - 2019", "en", "2010–2019"),
        ("3-5 лет", "ru", "3–5 лет"),
        ("в 2010-2019 гг.", "ru", f"в{NBSP}2010–2019{NBSP}гг."),
        ("(2012-наст. время)", "ru", f"(2012{NBSP}— наст. время)"),
        ("(2012 – настоящее время)", "ru", f"(2012{NBSP}— наст. время)"),
        ("с 2012 - по настоящее время", "ru", f"с{NBSP}2012{NBSP}г. по настоящее время"),
    ],
)
def test_numeric_ranges_take_an_en_dash_and_open_ranges_the_language_s_form(
    typed: str, language: str, set_: str
) -> None:
    assert typeset(typed, language) == set_


@pytest.mark.unit
def test_a_russian_one_letter_word_never_ends_a_line_and_a_dash_never_starts_one() -> None:
    set_ = typeset("Китай - партнёр, а Пекин – столица и центр в регионе с 1991 года", "ru")
    assert set_ == (
        f"Китай{NBSP}— партнёр, а{NBSP}Пекин{NBSP}— столица и{NBSP}центр в{NBSP}регионе с{NBSP}1991 года"
    )
    # at the end of a piece before an inline element ("в *Пекине*"), and a dash after one
    assert typeset("в ", "ru") == f"в{NBSP}"
    assert typeset(" — и так далее", "ru") == f"{NBSP}— и{NBSP}так далее"
    # English keeps its own spaced en dash, and its one-letter words
    assert typeset("China – a partner", "en") == "China – a partner"


@pytest.mark.unit
def test_quotes_inside_russian_quotes_are_lapki() -> None:
    assert typeset("«Пояс и путь: «новый» проект»", "ru") == f"«Пояс и{NBSP}путь: „новый“ проект»"
    assert parse('Он назвал "проект "века""', language="ru").plain() == "Он назвал «проект „века“»"
    assert typeset("«не закрыта", "ru") == "«не закрыта"  # unbalanced: a piece of a paragraph


@pytest.mark.unit
def test_each_state_language_has_one_quotation_style_the_one_its_catalog_uses() -> None:
    from briefgen.document.typography import QUOTES
    from briefgen.document.words import LANGUAGES, words

    for language in LANGUAGES[1:]:
        opened, closed = QUOTES[language][0], QUOTES[language][1]
        phrases = " ".join(words(language).values())
        assert opened in phrases and closed in phrases, language
        for other in "“”„‘’":
            if other not in QUOTES[language]:
                assert other not in phrases, (language, other)


@pytest.mark.unit
def test_uzbek_spells_o_and_g_with_the_turned_comma_and_the_glottal_stop_with_the_apostrophe() -> None:
    assert typeset("O'zbekiston va ma'lumot, Ko‘rsatkich", "uz") == "Oʻzbekiston va maʼlumot, Koʻrsatkich"
    assert typeset("O'zbekiston", "en", smart_quotes=True) == "O’zbekiston"  # English keeps its own


# ---------- hyphenation by hand, and the heading face's measure ----------


@pytest.mark.unit
def test_print_hyphenation_marks_ordinary_words_and_never_a_name() -> None:
    from briefgen.render.hyphenation import SHY, keep_whole, soft_hyphens

    page = (
        '<html lang="ru"><head><style>p { x: "государственного" }</style><title>Государство</title></head>'
        "<body><p>Казахстан поддерживает государственного партнёра в Синьцзяне</p></body></html>"
    )
    marked = soft_hyphens(page, "ru")
    assert marked.startswith('<html lang="ru" class="soft-hyphens">')
    body = marked.split("<body>")[1]
    assert "Казахстан" in body and "Синьцзяне" in body  # names: no break offered
    words = {word.replace(SHY, ""): word for word in body.split("<")[1].split(">")[1].split()}
    for word in ("поддерживает", "государственного", "партнёра"):
        pieces = words[word].split(SHY)
        # at least three letters before and after any break
        assert len(pieces) > 1 and len(pieces[0]) >= 3 and len(pieces[-1]) >= 3, words[word]
    assert SHY not in marked.split("<body>")[0]  # not in the stylesheet, not in the title
    assert soft_hyphens(page.replace('lang="ru"', 'lang="en"'), "en") == page.replace(
        'lang="ru"', 'lang="en"'
    )
    whole = keep_whole(marked, {words["государственного"]})
    assert "государственного" in whole and words["поддерживает"] in whole


@pytest.mark.unit
def test_every_text_of_a_russian_page_is_bound_fixed_words_included() -> None:
    from briefgen.render.hyphenation import bind_text

    page = '<html><style>a - b</style><body><p class="x">Подготовлено в <em>Пекине</em> - и только</p></body></html>'
    bound = bind_text(page, "ru")
    assert f"Подготовлено в{NBSP}<em>Пекине</em>{NBSP}— и{NBSP}только" in bound
    assert "<style>a - b</style>" in bound


@pytest.mark.slow
def test_the_draft_mark_is_sized_from_its_text_to_fit_one_line_on_the_diagonal() -> None:
    """Measured in the heading face fontconfig picks (fc-match): a short mark at 34 pt, a long
    one smaller, never longer than the diagonal of the text block; Noto Sans has small capitals
    for Latin and none for Cyrillic."""
    from briefgen.render.fontmetrics import DIAGONAL_MM, diagonal_type, has_small_caps

    english, russian = (
        diagonal_type("DRAFT – not for distribution", "Noto Sans"),
        diagonal_type("ЧЕРНОВИК — не для распространения", "Noto Sans"),
    )
    assert english[0] == 34.0 and 25 < russian[0] < 34
    assert russian[1] <= DIAGONAL_MM * 72 / 25.4 + 1
    long = diagonal_type("ДОЛБООР — таратууга арналган эмес, ички колдонуу үчүн гана", "Noto Sans")
    assert long[0] < russian[0] and long[1] <= DIAGONAL_MM * 72 / 25.4 + 1
    assert has_small_caps("OFFICIAL · DRAFT – not for distribution", "Noto Sans")
    assert not has_small_caps("ЧЕРНОВИК — не для распространения", "Noto Sans")
