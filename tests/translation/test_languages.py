"""Every official reads the brief in their own language: catalogs, translations, builds, copies."""

from __future__ import annotations

import datetime as dt
import email
import html
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest
from babel.messages.pofile import read_po
from pypdf import PdfReader
from typer.testing import CliRunner

from accessibility import assert_accessible_docx, assert_accessible_pdf
from briefgen.cli import app
from briefgen.document.words import ENGLISH, LANGUAGES, PLACEHOLDER, PLURALS, Name, say, say_count, words
from briefgen.sources.loading import load_sources
from briefgen.translation.update import po_bytes
from conftest import CENTRAL_ASIA, CENTRAL_ASIA_WORKING, REPO, libreoffice, replace_in
from smtp_server import SmtpServer

runner = CliRunner()
COUNTRIES = ["KG", "KZ", "TJ", "TM", "UZ"]
W = CENTRAL_ASIA_WORKING  # the working edition: where a build of the working sources goes
E = f"e{W}"
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
# the English fixed words that must never reach a Russian page (the labels and phrases)
ENGLISH_FIXED = [
    "Executive summary",
    "At a glance",
    "Recommendations",
    "When this applies",
    "Applies because",
    "Indicators to watch",
    "What to do",
    "Evidence",
    "Horizon",
    "Addressed to",
    "References",
    "Edition",
    "Prepared for the Government",
    "Changes since edition",
    "Page ",
    "Highlights",
    "Sources",
    "DRAFT",
    "The brief makes",
    "accessed",
]


def pdf_text(path: Path, first: int | None = None, last: int | None = None) -> str:
    pages = ["-f", str(first), "-l", str(last)] if first else []
    return subprocess.run(
        ["pdftotext", *pages, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def build(*args: str) -> object:
    return runner.invoke(app, ["build", *args, "--quiet"])


@pytest.fixture(scope="module")
def russian(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled brief built in Russian, PDF and DOCX, every country."""
    out = tmp_path_factory.mktemp("ru")
    result = build(str(CENTRAL_ASIA), "--language", "ru", "--format", "pdf,docx", "--out", str(out))
    assert result.exit_code == 0, result.output
    return out / "china-central-asia" / E / "ru"


# ---------- the fixed words ----------


@pytest.mark.unit
def test_every_shipped_catalog_translates_every_key_with_its_placeholders() -> None:
    for language in LANGUAGES[1:]:
        path = REPO / "src/briefgen/document/locale" / language / "LC_MESSAGES/briefgen.po"
        with path.open("rb") as f:
            catalog = read_po(f)
        found = {m.context: m for m in catalog if m.id}
        assert set(found) == set(ENGLISH) | set(PLURALS), language
        for key, english in ENGLISH.items():
            message = found[key]
            assert message.id == english and message.string and not message.fuzzy, (language, key)
            assert set(PLACEHOLDER.findall(message.string)) == set(PLACEHOLDER.findall(english)), (
                language,
                key,
            )
        header = path.read_text(encoding="utf-8").split("msgid", 1)[0]
        assert ("NEEDS REVIEW BY A NATIVE SPEAKER" in header) == (language != "ru"), language


@pytest.mark.unit
def test_russian_plurals_take_three_forms_by_gettext_rule() -> None:
    assert say_count("ru", "cover_count", 1) == "В записке содержится 1 рекомендация Вашему Правительству."
    assert say_count("ru", "cover_count", 3) == "В записке содержатся 3 рекомендации Вашему Правительству."
    assert say_count("ru", "cover_count", 5) == "В записке содержатся 5 рекомендаций Вашему Правительству."
    assert say_count("ru", "cover_count", 21).startswith("В записке содержится 21 рекомендация")
    assert (
        say_count("ru", "cover_count", 3, spelled=True)
        == "В записке содержатся три рекомендации Вашему Правительству."
    )
    assert say_count("en", "cover_count", 2) == "The brief makes 2 recommendations to your government."


@pytest.mark.unit
def test_the_review_s_wording_corrections_are_in_the_catalogs() -> None:
    """The corrections a translator and editor for the region's governments made, word for word."""
    # the box names a recommendation by its number; a revision is «внесены изменения», never «изменены …»
    assert (
        say("ru", "change_revised", rec=2, fields="название")
        == "Рекомендация 2: внесены изменения в название."
    )
    assert say("ru", "change_new_evidence", rec=2, claim="К", citation="Ц").startswith(
        "Рекомендация 2: новый факт: "
    )
    assert say("ru", "change_evidence_withdrawn", rec=2, claim="К", citation="Ц").startswith(
        "Рекомендация 2: факт исключён: "
    )
    kazakhstan = Name("Казахстан", {"dative": "Казахстану"})
    assert say("ru", "alt_compare", country=kazakhstan, others="Кыргызстан").startswith(
        "Данные по Казахстану выделены цветом"
    )
    gap = say_count("ru", "alt_gap", 1, country=Name("Туркменистан", {"dative": "Туркменистану"}), years=2011)
    assert say("ru", "alt_gaps", gaps=gap) == "Нет данных по Туркменистану за 2011 г."  # one full stop
    assert (
        say_count("ru", "cover_count", 3, spelled=True)
        == "В записке содержатся три рекомендации Вашему Правительству."
    )
    assert (say("kk", "highlights"), say("ky", "highlights"), say("tk", "highlights")) == (
        "Негізгі деректер",
        "Негизги фактылар",
        "Esasy maglumatlar",
    )
    assert [say(language, "what") for language in ("kk", "ky", "tg", "tk", "uz")] == [
        "Ұсынылатын шаралар",
        "Сунушталган чаралар",
        "Чораҳои пешниҳодшаванда",
        "Teklip edilýän çäreler",
        "Tavsiya etilayotgan choralar",
    ]
    for language, polite in (("kk", "Сіздің"), ("ky", "Сиздин"), ("tk", "Siziň")):
        assert polite in say(language, "cover_handling"), language
    for language in LANGUAGES[1:]:
        assert " — " in say(language, "draft") and "–" not in say(language, "draft"), language
        header = (REPO / "src/briefgen/document/locale" / language / "LC_MESSAGES/briefgen.po").read_text(
            encoding="utf-8"
        )
        assert ("NEEDS REVIEW BY A NATIVE SPEAKER" in header) == (language != "ru"), language


@pytest.mark.unit
def test_russian_phrases_hold_for_a_feminine_or_neuter_name() -> None:
    """Nothing fixed or translated agrees with the name's gender: «Данные по Монголии выделены»,
    «Монголия имеет перед Китаем задолженность», never «выделен(а)» or «должен»."""
    from briefgen.translation.update import read_po_file

    mongolia = Name("Монголия", {"dative": "Монголии"})
    said = say("ru", "alt_compare", country=mongolia, others="Китай")
    assert said.startswith("Данные по Монголии выделены цветом") and "(а)" not in said
    masculine = re.compile(r"^(?:\w+л|должен|обязан|выделен|поддержал)\b", re.IGNORECASE)
    for message in read_po_file(REPO / "briefs/countries/translations/ru.po", "ru"):
        if message.context and (message.context.endswith(".sentence") or ".label" in message.context):
            assert not masculine.match(str(message.string)), (message.context, message.string)
    for key in ("applies_facts", "applies_facts_scenario", "alt_compare", "alt_recipient"):
        assert not re.search(r"\{country\} \w+(?:л|ен)\b", words("ru")[key]), key


@pytest.mark.unit
def test_turkmen_ordinals_follow_the_vowels_of_the_number() -> None:
    assert say("tk", "recommendation", number=1) == "1-nji maslahat"  # bir
    assert say("tk", "recommendation", number=6) == "6-njy maslahat"  # alty
    assert say("tk", "edition", edition=10) == "10-njy neşir"  # on
    assert say("tk", "figure", number=20) == "20-nji surat"  # ýigrimi
    assert say("tk", "recommendation", number=126) == "126-njy maslahat"  # ýüz ýigrimi alty
    assert say("ru", "edition", edition=6) == "Издание 6"  # no other language is touched


@pytest.mark.unit
def test_uzbek_suffixes_attach_to_the_number_and_one_apostrophe_spells_o_and_g() -> None:
    assert say("uz", "because_gt", label="Qarz", value="43%", threshold="30%") == "Qarz: 43%, 30%dan yuqori"
    assert say("uz", "because_lt", label="Qarz", value="3%", threshold="10%").endswith("10%dan past")
    catalog = (REPO / "src/briefgen/document/locale/uz/LC_MESSAGES/briefgen.po").read_text(encoding="utf-8")
    translations = "\n".join(line for line in catalog.splitlines() if not line.startswith(("msgid", "#")))
    assert "‘" not in translations and "oʻ" in say("uz", "why") + say("uz", "no") + translations
    assert say("uz", "no") == "yoʻq"


@pytest.mark.unit
def test_dates_are_written_as_each_language_s_official_documents_write_them() -> None:
    from briefgen.document.formatting import long_date

    day = dt.date(2020, 11, 15)
    assert long_date(day, "kk") == "2020 жылғы 15 қараша"
    assert long_date(day, "tg") == "15 ноябри соли 2020"
    assert long_date(day, "uz") == "2020-yil 15-noyabr"
    assert long_date(day, "ru") == "15 ноября 2020\u202fг."
    assert long_date(day, "en") == "15 November 2020"
    assert long_date(dt.date(2021, 5, 5), "tg") == "5 майи соли 2021"


@pytest.mark.unit
def test_words_fall_back_to_english_for_a_language_without_a_catalog() -> None:
    assert words("de")["summary"] == "Executive summary"
    assert say("ru-RU", "edition", edition=3) == "Издание 3"


# ---------- brief.yaml's languages ----------


@pytest.mark.unit
def test_the_old_single_language_field_reads_as_a_list(andes: Path) -> None:
    loaded = load_sources(andes)
    assert loaded.brief.languages == [loaded.brief.language]


@pytest.mark.unit
def test_an_unknown_language_code_is_a_validation_error(andes: Path) -> None:
    text = (andes / "brief.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^language: .*$", "", text) + "languages: [en, xx]\n"
    (andes / "brief.yaml").write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(andes)])
    assert result.exit_code == 1
    assert "brief.yaml" in result.output and "unknown language code 'xx'" in result.output


@pytest.mark.unit
def test_a_recipient_whose_language_the_brief_lacks_fails_validation(central_asia_copy: Path) -> None:
    recipients = central_asia_copy / "recipients.yaml"
    lines = recipients.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip() == "language: ru")
    lines[index] = lines[index].replace("ru", "tk")
    recipients.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(central_asia_copy)])
    assert result.exit_code == 1
    assert f"recipients.yaml:{index + 1}:" in result.output
    assert "reads 'tk', but the brief is published in en, ru only" in result.output


# ---------- the Russian documents ----------


def test_russian_pdf_of_every_country_is_russian_throughout(russian: Path) -> None:
    for code in COUNTRIES:
        pdf = russian / f"china-central-asia-{code}-{E}.pdf"
        text = pdf_text(pdf)
        body = text.split("Список литературы")[0]  # the works cited keep their own titles
        pages = [page for page in body.split("\f") if page.strip()]
        assert pages and all(CYRILLIC.search(page) for page in pages), code
        for english in ENGLISH_FIXED:
            assert english not in body, (code, english)
        assert "Подготовлено для " in text
        assert "新型大国关系" in text  # the Chinese phrase stays Chinese
        with pikepdf.open(pdf) as document:
            assert str(document.Root.Lang) == "ru"
            assert "/StructTreeRoot" in document.Root


@pytest.mark.slow
def test_every_russian_document_passes_pdf_ua_and_word_accessibility_checks(russian: Path) -> None:
    for code in COUNTRIES:
        assert_accessible_pdf(russian / f"china-central-asia-{code}-{E}.pdf")
        assert_accessible_docx(russian / f"china-central-asia-{code}-{E}.docx")


def test_prepared_for_uses_the_translated_genitive_of_the_official_name(russian: Path) -> None:
    expected = {
        "KZ": "Правительства Республики Казахстан",
        "KG": "Кабинета Министров Кыргызской Республики",  # its name in November 2021
        "TM": "Кабинета Министров Туркменистана",
    }
    for code, phrase in expected.items():
        first = " ".join(pdf_text(russian / f"china-central-asia-{code}-{E}.pdf", 1, 1).split())
        assert phrase in first, code
        assert "15 ноября 2021 г." in first and f"Издание {W}" in first


def test_russian_sentences_read_as_russian_with_russian_quotes_and_names(
    russian: Path, tmp_path: Path
) -> None:
    # the words a line end hyphenated, whole again
    text = " ".join(re.sub("\u2010\n", "", pdf_text(russian / f"china-central-asia-KG-{E}.pdf")).split())
    # the country lead: whole Russian sentences, the facts' own Russian after the country's name
    assert "Поскольку Кыргызстан находится на маршруте планируемой железной дороги" in text
    assert "правительству страны следует отслеживать внутренние факторы развития Китая" in text
    assert "(рекомендация 1)" in text
    assert "Применяется при сценарии «" in text
    assert "Министерство иностранных дел Кыргызской Республики" in text
    body = re.sub(r"„[^„“]*“", "", text.split("Список литературы")[0])  # „лапки“ inside «ёлочки»
    for mark in ("“", "”", "‘"):
        assert mark not in body, mark
    # where facts decide, the facts' own Russian sentences follow the country's name
    out = tmp_path / "stalls"
    assert (
        build(
            str(CENTRAL_ASIA), "-l", "ru", "-c", "KG", "-s", "china-stalls", "-f", "html", "-o", str(out)
        ).exit_code
        == 0
    )
    html = next(out.rglob(f"*-KG-{E}-china-stalls.html")).read_text(encoding="utf-8")
    assert (
        "Применяется, поскольку Кыргызстан имеет перед Китаем задолженность в\u00a0размере 43%\u00a0своего"
        " внешнего государственного долга (2019)"
        " и получает денежные переводы в размере 29%\u00a0ВВП (2019), при сценарии «Экономика Китая не восстанавливается»."
    ).replace("\u00a0", " ") in html.replace("\u00a0", " ")


def test_the_new_printed_texts_are_extracted_and_untranslated_until_done(
    central_asia_copy: Path, tmp_path: Path
) -> None:
    countries = central_asia_copy.parent / "countries"
    replace_in(
        countries / "KG.yaml", 'sentence: "borders Xinjiang"', 'sentence: "shares a border with Xinjiang"'
    )
    replace_in(
        countries / "KG.yaml",
        "- {name: Ministry of Economy and Commerce of the Kyrgyz Republic, valid_from: 2021-10-13}",
        "- {name: Ministry of Economy and Trade of the Kyrgyz Republic, valid_from: 2021-10-13}",
    )
    replace_in(
        central_asia_copy / "brief.yaml",
        "policy banks lent heavily across the region",
        "policy banks lent heavily across Central Asia",
    )
    check = runner.invoke(app, ["translate", str(central_asia_copy), "--check"])
    assert check.exit_code == 1
    for context in (
        "brief.yaml:sections[2].body",
        "KG.yaml:facts.borders_xinjiang.sentence",
        "KG.yaml:institutions.economy-ministry[2].name",  # its name in November 2021, the brief's date
    ):
        assert context in check.output, context
    strict = build(
        str(central_asia_copy), "-l", "ru", "-c", "KG", "-f", "html", "-o", str(tmp_path / "o"), "--verbose"
    )
    assert strict.exit_code == 1 and "KG.yaml:facts.borders_xinjiang.sentence" in strict.output
    result = runner.invoke(app, ["translate", str(central_asia_copy)])
    assert result.exit_code == 0, result.output
    _, catalog = _po_entry(countries / "translations" / "ru.po", "KG.yaml:facts.borders_xinjiang.sentence")
    fuzzy = {m.context for m in catalog if m.fuzzy}
    assert fuzzy == {
        "KG.yaml:facts.borders_xinjiang.sentence",
        "KG.yaml:institutions.economy-ministry[2].name",
    }


def test_russian_numbers_and_units_come_from_babel_and_the_catalog(russian: Path) -> None:
    text = " ".join(pdf_text(russian / f"china-central-asia-KZ-{E}.pdf").split())
    assert "13 млрд долл. США" in text
    assert "0,3%" in text or "0,3 %" in text
    assert "(Xing, 1996, с. 17)" in text


@pytest.mark.unit
def test_a_currency_unit_goes_where_the_language_writes_its_currency() -> None:
    """English writes "USD 13 bn", as the briefs' own prose does; Russian and the states'
    languages write the currency after the number (Babel's currency formats). Any other unit
    follows the number."""
    from briefgen.document.formatting import scalar_value

    nb = "\u00a0"  # the number bound to its unit (and currency) by no-break spaces
    assert scalar_value(21.99, "USD bn", "en") == f"USD{nb}21.99{nb}bn"
    assert scalar_value(21.99, "USD bn", "ru") == f"21,99{nb}USD bn"
    assert scalar_value(21.99, "USD bn", "kk") == f"21,99{nb}USD bn"
    assert scalar_value(5, "EUR", "en") == f"EUR{nb}5"
    assert scalar_value(120, "km", "en") == f"120{nb}km"
    assert scalar_value(3, "bn tonnes", "en") == f"3{nb}bn tonnes"
    assert scalar_value(21.99, "млрд долл. США", "ru") == f"21,99{nb}млрд долл. США"


def test_russian_docx_of_every_country_says_russian_and_libreoffice_agrees(
    russian: Path, tmp_path: Path
) -> None:
    for code in COUNTRIES:
        with zipfile.ZipFile(russian / f"china-central-asia-{code}-{E}.docx") as docx:
            styles = docx.read("word/styles.xml").decode("utf-8")
            document = docx.read("word/document.xml").decode("utf-8")
            core = docx.read("docProps/core.xml").decode("utf-8")
        assert '<w:lang w:val="ru"/>' in styles, code
        assert "<dc:language>ru</dc:language>" in core
        assert "Подготовлено для " in core  # the properties are translated too
        assert 'w:eastAsia="zh-CN"' in document  # the Chinese run keeps its language
        assert "Executive summary" not in document and "Основные выводы" in document
    libreoffice("odt", tmp_path, russian / f"china-central-asia-KZ-{E}.docx", profile=tmp_path / "lo")
    with zipfile.ZipFile(tmp_path / f"china-central-asia-KZ-{E}.odt") as odt:
        styles = odt.read("styles.xml").decode("utf-8")
    assert 'fo:language="ru"' in styles


def test_the_russian_docx_band_and_footer_keep_the_marking_whole(russian: Path, tmp_path: Path) -> None:
    """Russian words are long: in Word's layout (here LibreOffice's) page one's band keeps the
    marking whole with the draft's words under it, and the title and country, longer than half
    a page's foot, wrap in their own box and never run into the marking, on any page."""
    libreoffice("pdf", tmp_path, russian / f"china-central-asia-KZ-{E}.docx", profile=tmp_path / "profile")
    first = subprocess.run(
        ["pdftotext", "-layout", "-l", "1", str(tmp_path / f"china-central-asia-KZ-{E}.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    # page one's band: the marking whole on its line, the draft's words on the next
    marking = next(n for n, line in enumerate(first) if "ПУБЛИКАЦИИ" in line)
    assert first[marking].rstrip().endswith("НЕ ДЛЯ ПУБЛИКАЦИИ"), first[:4]
    assert first[marking + 1].strip() == "ЧЕРНОВИК — НЕ ДЛЯ РАСПРОСТРАНЕНИЯ", first[:4]
    pages = pdf_text(tmp_path / f"china-central-asia-KZ-{E}.pdf").split("\f")
    feet = [page for page in pages if "Стр." in page]
    assert len(feet) >= 8
    for page in feet:
        words = page.split()
        assert "ПУБЛИКАЦИИ" in words and "Казахстан" in words
        # the marking and the page number each start a word of their own: nothing runs into them
        assert all(word.startswith("ДЛЯ") for word in words if "ДЛЯ" in word), page[-300:]
        assert all(word.startswith("Стр.") for word in words if "Стр." in word), page[-300:]


@pytest.mark.unit
def test_the_glyph_preflight_covers_the_russian_strings() -> None:
    from briefgen.sources.fonts import check_fonts
    from briefgen.translation.apply import localise

    russian = localise(load_sources(CENTRAL_ASIA), "ru")
    assert russian.brief.title.startswith("Курс Китая")
    assert check_fonts(russian) == []


STATE_MARKINGS = {
    "kk": "ЖАРИЯЛАУҒА ЕМЕС",
    "ky": "ЖАРЫЯЛОО ҮЧҮН ЭМЕС",
    "tg": "БАРОИ НАШР НЕСТ",
    "tk": "NEŞIR ÜÇIN DÄL",
    "uz": "NASHR UCHUN EMAS",
}
"""'Not for publication', as an analyst of the region might word it in each state language."""


@pytest.mark.parametrize("language", ["kk", "ky", "tg", "tk", "uz"])
def test_each_state_language_prints_its_fixed_words_on_page_one(
    language: str, central_asia_copy: Path, tmp_path: Path
) -> None:
    replace_in(central_asia_copy / "brief.yaml", "languages: [en, ru]", f"languages: [en, ru, {language}]")
    # a marking is worded by the analyst for each language, never translated by a catalog
    replace_in(
        central_asia_copy / "brief.yaml",
        "ru: НЕ ДЛЯ ПУБЛИКАЦИИ}",
        f"ru: НЕ ДЛЯ ПУБЛИКАЦИИ, {language}: {STATE_MARKINGS[language]}}}",
    )
    out = tmp_path / "out"
    strict = build(str(central_asia_copy), "-l", language, "-c", "KZ", "-f", "pdf", "-o", str(out))
    assert strict.exit_code == 1  # nothing of the brief is translated yet
    result = build(
        str(central_asia_copy),
        "-l",
        language,
        "-c",
        "KZ",
        "-f",
        "pdf",
        "-o",
        str(out),
        "--allow-untranslated",
    )
    assert result.exit_code == 0, result.output
    pdf = out / "china-central-asia" / E / language / f"china-central-asia-KZ-{E}.pdf"
    first = " ".join(pdf_text(pdf, 1, 1).split())
    for key in ("summary", "draft_translation"):
        assert say(language, key) in first, (language, key)
    assert say(language, "edition", edition=W) in first
    assert say(language, "yes") in " ".join(pdf_text(pdf).split())
    # every page says, in its top right corner (beside the running head, in a column of its own),
    # which share of its text is still English: "…: 83% of the text not yet translated"
    pages = len(PdfReader(str(pdf)).pages)
    corners = [
        " ".join(
            subprocess.run(
                [
                    "pdftotext",
                    "-f",
                    str(n),
                    "-l",
                    str(n),
                    "-x",
                    "400",
                    "-y",
                    "0",
                    "-W",
                    "195",
                    "-H",
                    "66",
                    str(pdf),
                    "-",
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
        )
        for n in range(1, pages + 1)
    ]
    before = " ".join(say(language, "draft_translation_share", share="@").split("@")[0].split())
    share = re.compile(re.escape(before) + r"\s?\d{1,3}\s?%")
    assert all(share.search(corner) for corner in corners), (language, corners)
    with pikepdf.open(pdf) as document:
        assert str(document.Root.Lang) == language
    assert_accessible_pdf(pdf)  # the draft-translation corner is page furniture, an artifact


# ---------- the translation cycle ----------


def _po_entry(path: Path, context: str):  # type: ignore[no-untyped-def]
    from briefgen.translation.update import read_po_file

    catalog = read_po_file(path, "ru")
    return next(m for m in catalog if m.context == context), catalog


def test_changing_one_english_step_makes_exactly_that_entry_fuzzy_until_translated(
    central_asia_copy: Path, tmp_path: Path
) -> None:
    brief = central_asia_copy
    po = brief / "translations" / "ru.po"
    context = "recommendations/deepen-balancing.yaml:action.steps[1].text"
    old = "Coordinate among the Central Asian governments before negotiating with China in bilateral and SCO formats."
    new = "Coordinate among the Central Asian governments before every negotiation with China, bilateral or in the SCO."
    rec = brief / "recommendations" / "deepen-balancing.yaml"
    text = rec.read_text(encoding="utf-8")
    assert old in text
    rec.write_text(text.replace(old, new), encoding="utf-8")

    result = runner.invoke(app, ["translate", str(brief)])
    assert result.exit_code == 0, result.output
    assert "ru.po: 167 translated, 1 fuzzy, 0 untranslated" in result.output
    assert "countries/translations/ru.po: 211 translated, 0 fuzzy, 0 untranslated" in result.output
    message, catalog = _po_entry(po, context)
    assert [m.context for m in catalog if m.fuzzy] == [context]
    assert message.id == new and message.previous_id == [old] and message.string
    written = po.read_text(encoding="utf-8")
    assert '#| msgid ""\n#| "Coordinate among the Central Asian governments before negotiating' in written
    assert written.count("#| msgid") == 1
    line = message.lineno

    check = runner.invoke(app, ["translate", str(brief), "--check"])
    assert check.exit_code == 1
    assert f"translations/ru.po:{line}:1: {context}:" in check.output
    assert check.output.count("ru.po:") == 1

    out = tmp_path / "out"
    strict = build(str(brief), "-l", "ru", "-c", "KZ", "-f", "html", "-o", str(out), "--verbose")
    assert strict.exit_code == 1 and f"ru.po:{line}:1: {context}:" in strict.output
    assert (
        "ru: 1 entry fuzzy in " in strict.output
        and "not built: china-central-asia for KZ in ru" in strict.output
    )
    assert not (out / "china-central-asia" / E / "ru").exists()
    refused = runner.invoke(app, ["release", str(brief)])
    assert refused.exit_code == 1 and context in refused.output
    assert not (brief / "editions" / f"{W}.json").exists()

    # the translator updates the entry (a PO editor clears the fuzzy flag and the old msgid)
    message.string = "Согласовывать позиции правительств стран Центральной Азии перед любыми переговорами с Китаем — двусторонними или в ШОС."
    message.flags.discard("fuzzy")
    message.previous_id = []
    po.write_bytes(po_bytes(catalog))

    assert runner.invoke(app, ["translate", str(brief), "--check"]).exit_code == 0
    released = runner.invoke(app, ["release", str(brief)])
    assert released.exit_code == 0, released.output
    # on release day (a build of the working sources before it would be marked a draft)
    working = tmp_path / "working"
    assert (
        build(
            str(brief), "--edition", str(W), "-l", "ru", "-c", "KZ", "-f", "html", "-o", str(working)
        ).exit_code
        == 0
    )
    frozen = (brief / "editions" / f"{W}.json").read_text(encoding="utf-8")
    assert "перед любыми переговорами с Китаем" in frozen

    # the edition gives the bytes it gave on release day, whatever happens to the catalogs since
    po.write_text(po.read_text(encoding="utf-8").replace("перед любыми", "до любых"), encoding="utf-8")
    again = tmp_path / "again"
    assert (
        build(
            str(brief), "--edition", str(W), "-l", "ru", "-c", "KZ", "-f", "html", "-o", str(again)
        ).exit_code
        == 0
    )
    name = f"china-central-asia-KZ-{E}.html"
    before = (working / "china-central-asia" / E / "ru" / name).read_bytes()
    assert (again / "china-central-asia" / E / "ru" / name).read_bytes() == before
    assert "перед любыми переговорами" in before.decode("utf-8")


@pytest.mark.unit
def test_a_translation_that_drops_a_citation_or_footnote_is_reported_with_po_file_and_line(
    central_asia_copy: Path,
) -> None:
    po = central_asia_copy / "translations" / "ru.po"
    message, catalog = _po_entry(po, "brief.yaml:sections[1].body")
    assert "[@xing1996, с. 17]" in message.string
    message.string = message.string.replace(" [@xing1996, с. 17]", "")
    footnoted, _ = _po_entry(po, "brief.yaml:sections[0].body")
    for m in catalog:
        if m.context == footnoted.context:
            m.string = re.sub(r"\^\[[^\]]*\[@yau2020-brief\]\.\]", "", m.string)
    po.write_bytes(po_bytes(catalog))
    message, _ = _po_entry(po, "brief.yaml:sections[1].body")
    footnoted, _ = _po_entry(po, "brief.yaml:sections[0].body")

    result = runner.invoke(app, ["validate", str(central_asia_copy)])
    assert result.exit_code == 1
    assert f"translations/ru.po:{message.lineno}:1: brief.yaml:sections[1].body:" in result.output
    assert "drops citation [@xing1996]" in result.output
    assert f"translations/ru.po:{footnoted.lineno}:1: brief.yaml:sections[0].body:" in result.output
    assert "footnote" in result.output


@pytest.mark.unit
def test_a_po_file_that_does_not_parse_is_reported_with_its_line(central_asia_copy: Path) -> None:
    po = central_asia_copy.parent / "countries" / "translations" / "ru.po"
    lines = po.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("msgstr") and i > 30)
    lines[index] = "msgstr Казахстан без кавычек"
    po.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(central_asia_copy)])
    assert result.exit_code == 1
    assert f"countries/translations/ru.po:{index + 1}:1:" in result.output
    assert "not a valid PO file" in result.output


@pytest.mark.unit
def test_translate_keeps_translations_and_rewrites_nothing_when_nothing_changed(
    central_asia_copy: Path,
) -> None:
    po = central_asia_copy / "translations" / "ru.po"
    before = po.read_bytes()
    result = runner.invoke(app, ["translate", str(central_asia_copy)])
    assert result.exit_code == 0
    assert "ru.po: 168 translated, 0 fuzzy, 0 untranslated" in result.output
    assert po.read_bytes() == before


def test_build_defaults_to_every_declared_language_and_refuses_an_undeclared_one(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["build", str(CENTRAL_ASIA), "-c", "TM", "-f", "html", "-o", str(out), "--json"]
    )
    assert result.exit_code == 0, result.output
    written = sorted(
        Path(p).relative_to(out).as_posix() for p in __import__("json").loads(result.output)["written"]
    )
    assert written == [
        f"china-central-asia/{E}/en/china-central-asia-TM-{E}.html",
        f"china-central-asia/{E}/ru/china-central-asia-TM-{E}.html",
    ]
    refused = runner.invoke(app, ["build", str(CENTRAL_ASIA), "-l", "de", "-o", str(out)])
    assert refused.exit_code == 2 and "not published in de" in refused.output


# ---------- distribution ----------


RECIPIENTS = """\
- {id: kz-en, name: Ms Aliya Serikova, title: Deputy Minister, institution: Ministry of Foreign Affairs, country: KZ, language: en, email: en@example.org}
- id: kz-ru
  name: {en: Ms Aliya Serikova, ru: Алия Серикова}
  title: {en: Deputy Minister, ru: Заместитель министра}
  institution: {en: Ministry of Foreign Affairs, ru: Министерство иностранных дел}
  courtesy_title: {ru: госпожа Серикова}
  gender: feminine
  country: KZ
  language: ru
  email: ru@example.org
  formats: [pdf, docx]
"""


def test_a_recipient_reading_russian_gets_the_russian_copy_and_cover_note(
    central_asia_copy: Path, tmp_path: Path
) -> None:
    from briefgen.distribution import DistributionRequest, distribute

    (central_asia_copy / "recipients.yaml").write_text(RECIPIENTS, encoding="utf-8")
    with SmtpServer() as server:  # the newest release, edition 2, is published in English and Russian
        report = distribute(
            DistributionRequest(
                central_asia_copy,
                smtp=server.address,
                sender="briefs@example.org",
                out=tmp_path / "build",
                jobs=1,
            )
        )
    assert [d.status for d in report.deliveries] == ["sent", "sent"]
    got = {m["X-Briefgen-Recipient"]: m for m in server.messages}
    russian = got["kz-ru"]
    body = russian.get_body(("plain",)).get_content()
    assert "Уважаемая госпожа Серикова!" in body and "(-" not in body
    assert "подготовленной для Правительства Республики Казахстан" in body
    assert "Dear" not in body and "Please find" not in body
    assert "издание 2" in russian["Subject"] and "экз. № 002" in russian["Subject"]
    pdf = next(p for p in russian.iter_attachments() if p.get_filename().endswith(".pdf"))
    with pikepdf.open(io.BytesIO(pdf.get_content())) as document:
        assert str(document.Root.Lang) == "ru"
    stamped = tmp_path / "copy.pdf"
    stamped.write_bytes(pdf.get_content())
    assert_accessible_pdf(stamped)  # the stamp is laid on as an artifact; the tags are the brief's
    docx = next(p for p in russian.iter_attachments() if p.get_filename().endswith(".docx"))
    assert_accessible_docx(docx.get_content())
    first = " ".join(pdf_text(stamped, 1, 1).split())
    assert "Курс Китая на усиление влияния" in first and "Экз. № 002" in first
    assert "Адресат: Заместитель министра, Министерство иностранных дел" in first
    english = got["kz-en"].get_body(("plain",)).get_content()
    assert "Dear Ms Aliya Serikova," in english and "the Republic of Kazakhstan" in english
    assert isinstance(russian, email.message.Message)


@pytest.mark.unit
def test_distribution_refuses_an_edition_not_released_in_a_recipients_language(
    central_asia_copy: Path, tmp_path: Path
) -> None:
    from briefgen.distribution import DistributionRequest, distribute
    from briefgen.errors import DistributionError

    (central_asia_copy / "recipients.yaml").write_text(RECIPIENTS, encoding="utf-8")
    shutil.rmtree(tmp_path / "build", ignore_errors=True)
    with pytest.raises(DistributionError, match="released in en only; kz-ru"):
        distribute(
            DistributionRequest(
                central_asia_copy, edition=1, outbox=tmp_path / "outbox", out=tmp_path / "build", jobs=1
            )
        )


# ---------- set and worded as a native government desk would ----------


def _kazakh_fill(text: str) -> str:
    """Return `text` in stand-in Kazakh: each Latin letter a Kazakh Cyrillic one, every citation,
    `{placeholder}`, link target and URL kept (a generated translation, as a translator's
    complete catalog would be)."""
    latin, cyrillic = "abcdefghijklmnopqrstuvwxyz", "абсдефгһіжқлмнопқрстұвухыз"
    table = {
        **dict(zip(latin, cyrillic, strict=True)),
        **dict(zip(latin.upper(), cyrillic.upper(), strict=True)),
    }
    kept = re.compile(r"\[@[^\]]*\]|\{\w+(?:@\w+)?\}|\]\([^)]*\)|https?://\S+")
    out, position = [], 0
    for match in kept.finditer(text):
        out.append("".join(table.get(c, c) for c in text[position : match.start()]))
        out.append(match.group())
        position = match.end()
    out.append("".join(table.get(c, c) for c in text[position:]))
    return "".join(out)


@pytest.fixture(scope="module")
def kazakh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled brief as a Kazakh edition: `translate --language kk`, the two catalogs filled
    with a generated translation, then built, PDF and DOCX, for Kazakhstan."""
    from briefgen.translation.update import read_po_file

    root = tmp_path_factory.mktemp("kk")
    shutil.copytree(REPO / "briefs", root / "briefs", ignore=shutil.ignore_patterns("*.sqlite*"))
    brief = root / "briefs" / "china-central-asia"
    replace_in(brief / "brief.yaml", "languages: [en, ru]", "languages: [en, ru, kk]")
    # the marking is the sender's own words in each language, never a catalog's: given here
    replace_in(
        brief / "brief.yaml", "ru: НЕ ДЛЯ ПУБЛИКАЦИИ}", "ru: НЕ ДЛЯ ПУБЛИКАЦИИ, kk: ЖАРИЯЛАУҒА ЖАТПАЙДЫ}"
    )
    result = runner.invoke(app, ["translate", str(brief), "--language", "kk"])
    assert result.exit_code == 0, result.output
    catalogs = [brief / "translations" / "kk.po", root / "briefs" / "countries" / "translations" / "kk.po"]
    for po in catalogs:
        catalog = read_po_file(po, "kk")
        for message in catalog:
            if message.id and message.context:
                message.string = _kazakh_fill(str(message.id))
        po.write_bytes(po_bytes(catalog))
    assert runner.invoke(app, ["translate", str(brief), "--language", "kk", "--check"]).exit_code == 0
    out = root / "out"
    built = build(str(brief), "-l", "kk", "-c", "KZ", "-f", "pdf,docx", "-o", str(out))  # strict: complete
    assert built.exit_code == 0, built.output
    return out / "china-central-asia" / f"e{CENTRAL_ASIA_WORKING}" / "kk"


def _latin_words(text: str) -> set[str]:
    words = re.findall(r"[A-Za-z][A-Za-z’'-]*", text.replace("’", "'"))
    return {word.rstrip("'-") for word in words}


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as docx:
        parts = [docx.read(n).decode("utf-8") for n in docx.namelist() if re.match(r"word/.*\.xml$", n)]
    runs = " ".join(" ".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", part)) for part in parts)
    return html.unescape(runs)


def _proper_and_original() -> set[str]:
    """The Latin words a translated brief may print: authors' names, addresses, and what the
    Russian catalogs keep in Latin letters (names and titles Latin in the original)."""
    from briefgen.translation.update import read_po_file

    allowed: set[str] = set()
    loaded = load_sources(CENTRAL_ASIA)
    for work in [*loaded.sources.values(), *loaded.shared_sources.values()]:
        if not isinstance(work.author, str):
            allowed |= _latin_words(" ".join(work.author))
        allowed |= _latin_words(" ".join(re.split(r"[/:.]", work.url or "")))
    for po in (CENTRAL_ASIA / "translations" / "ru.po", REPO / "briefs/countries/translations/ru.po"):
        for message in read_po_file(po, "ru"):
            if message.id and isinstance(message.string, str):
                allowed |= _latin_words(message.string)
    return allowed


@pytest.mark.slow
def test_every_page_of_the_russian_and_kazakh_pdfs_has_the_draft_mark_on_one_diagonal_line(
    russian: Path, kazakh: Path, tmp_path: Path
) -> None:
    """The draft mark is one line along the diagonal, whole, on the page, in every language;
    the running head of pages 2+ is in capitals (Noto Sans has no Cyrillic small capitals)."""
    from pdftext import rotated_glyphs, upright_pages

    pdfs = [(russian / f"china-central-asia-{code}-{E}.pdf", "ru") for code in COUNTRIES]
    pdfs.append((kazakh / f"china-central-asia-KZ-{E}.pdf", "kk"))
    for pdf, language in pdfs:
        mark = say(language, "draft")
        pages = rotated_glyphs(pdf, tmp_path)
        assert len(pages) >= 8, pdf.name
        for number, glyphs in enumerate(pages, start=1):
            where = f"{pdf.name} page {number}"
            # read along the diagonal, the letters spell the mark: two lines over each other would
            # interleave them
            assert glyphs.text == "".join(mark.split()), where
            assert len(glyphs.lines()) == 1, where
            assert glyphs.inside_page(margin=20), where
        for number, lines in enumerate(upright_pages(pdf, tmp_path)[1:], start=2):
            head = lines[0]
            assert mark.upper() in head and mark not in head, (pdf.name, number, head)


@pytest.mark.slow
def test_russian_lines_never_end_with_a_one_letter_word_start_with_a_dash_or_split_a_name(
    russian: Path, tmp_path: Path
) -> None:
    """From the text of every Russian PDF, line by line (the diagonal mark left out): no line
    ends with в, с, к, о, у, и, а, я; none starts with «—»; no hyphenated break in a name (any
    word that starts with a capital letter, so every name of the profiles); never three
    hyphenated lines in a row."""
    from pdftext import HYPHEN, upright_pages

    names = set()
    loaded = load_sources(CENTRAL_ASIA)
    from briefgen.translation.apply import localise

    for profile in localise(loaded, "ru").countries.values():
        names |= set(re.findall(r"\w+", " ".join([profile.name, profile.official_name])))
    hyphenated = 0
    for code in COUNTRIES:
        pdf = russian / f"china-central-asia-{code}-{E}.pdf"
        for number, lines in enumerate(upright_pages(pdf, tmp_path), start=1):
            run = 0
            table = False  # inside "At a glance": its labels end with a raised source letter (а, б, в…)
            for n, line in enumerate(lines):
                where = (code, number, line)
                table = (table or line.lstrip().startswith(say("ru", "fact").upper())) and not (
                    line.lstrip().startswith(say("ru", "sources").upper())
                )
                # (a letter alone on its line is a table's raised source letter, not a word)
                if not table:
                    assert not re.search(r"\S\s+[вВсСкКоОуУиИаАяЯ]$", line), where
                assert not line.lstrip().startswith("—"), where
                if line.endswith(HYPHEN):
                    hyphenated += 1
                    run += 1
                    assert run <= 2, where
                    head = line.split()[-1]
                    tail = lines[n + 1].split()[0] if n + 1 < len(lines) else ""
                    assert not head[:1].isupper(), where
                    assert re.sub(r"\W", "", head + tail) not in names, where
                else:
                    run = 0
    assert hyphenated > 100  # Russian is hyphenated, only where it may be


@pytest.mark.slow
def test_russian_documents_have_no_latin_source_or_locator_word(russian: Path) -> None:
    """Every Latin word of every Russian PDF and DOCX is a name or a title Latin in the original
    (the catalogs keep it so), an author or an address: sources under tables and figures, the
    reference list, locators and note letters are Russian."""
    allowed = _proper_and_original()
    for code in COUNTRIES:
        for text in (
            pdf_text(russian / f"china-central-asia-{code}-{E}.pdf"),
            _docx_text(russian / f"china-central-asia-{code}-{E}.docx"),
        ):
            stray = _latin_words(text) - allowed
            assert not stray, (code, sorted(stray))
            assert not re.search(r"\b(?:p|pp|ch|fig)\.\s?\d", text), code
            assert "General Administration of Customs" not in text and "World Bank" not in text
            assert re.search(r"Yau, 2020[аб]", text)  # the year's letter is Cyrillic
            assert "[Исследование ранних контактов Китая" in " ".join(text.split())  # a description


@pytest.mark.slow
def test_a_kazakh_edition_from_translate_and_its_catalogs_has_no_english_word(kazakh: Path) -> None:
    """`translate --language kk` writes the brief's and the countries' catalogs like Russian;
    filled, they give a Kazakh document with no English word: units, marking, fact labels and
    sources included (only authors' names and addresses stay Latin)."""
    loaded = load_sources(CENTRAL_ASIA)
    names: set[str] = set()
    for work in [*loaded.sources.values(), *loaded.shared_sources.values()]:
        if not isinstance(work.author, str):
            names |= _latin_words(" ".join(work.author))
        names |= _latin_words(" ".join(re.split(r"[/:.]", work.url or "")))
    for text in (
        pdf_text(kazakh / f"china-central-asia-KZ-{E}.pdf"),
        _docx_text(kazakh / f"china-central-asia-KZ-{E}.docx"),
    ):
        assert not _latin_words(text) - names, sorted(_latin_words(text) - names)
        assert say("kk", "summary") in text and "2021 жылғы 15 қараша" in text


@pytest.mark.slow
def test_the_word_draft_mark_has_the_proportions_of_its_text_on_one_line(russian: Path, kazakh: Path) -> None:
    """Word stretches a watermark to its box: the box is as wide as the text is in the heading
    face, at most the page's diagonal, so the letters keep their shape on one line."""
    from briefgen.render.fontmetrics import width_em

    for docx, language in (
        (russian / f"china-central-asia-KZ-{E}.docx", "ru"),
        (kazakh / f"china-central-asia-KZ-{E}.docx", "kk"),
    ):
        with zipfile.ZipFile(docx) as package:
            headers = [
                package.read(n).decode("utf-8") for n in package.namelist() if n.startswith("word/header")
            ]
        shapes = [
            shape
            for header in headers
            for shape in re.findall(
                r'<v:shape [^>]*id="PowerPlusWaterMarkObject\d+".*?</v:shape>', header, re.S
            )
        ]
        assert len(shapes) == 2, docx.name  # page one's header and the others'
        for shape in shapes:
            width = float(re.search(r"width:([\d.]+)pt", shape).group(1))  # type: ignore[union-attr]
            height = float(re.search(r"height:([\d.]+)pt", shape).group(1))  # type: ignore[union-attr]
            text = html.unescape(re.search(r'string="([^"]*)"', shape).group(1))  # type: ignore[union-attr]
            assert text == say(language, "draft") and "\n" not in text
            assert width / height == pytest.approx(width_em(text, "Noto Sans"), rel=0.02)
            assert width <= 620.5
