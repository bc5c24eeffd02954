"""What an official receives is written for that official: their name, title, form of address,
the marking and the letterhead in their language, the copy dated by its edition."""

from __future__ import annotations

import datetime as dt
import email
import re
import shutil
import sqlite3
import subprocess
from email import policy
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from typer.testing import CliRunner

from briefgen.cli import app
from briefgen.distribution import DistributionRequest, distribute
from briefgen.distribution.addressee import addressee
from briefgen.document.words import say, words
from briefgen.editions.release import release
from briefgen.errors import DistributionError, InputError
from briefgen.models import Recipient
from briefgen.sources.loading import load_sources
from conftest import CENTRAL_ASIA, publish_in_russian, replace_in
from smtp_server import SmtpServer

runner = CliRunner()
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
FILE_NAME = re.compile(r"[\w.-]+\.(?:pdf|docx|html)\b")
CODES = {"COVID"}
"""Latin in Russian usage: codes, as a Russian text writes them (COVID-19)."""


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def message_of(path: Path) -> email.message.EmailMessage:
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(message, email.message.EmailMessage)
    return message


def note_of(message: email.message.EmailMessage) -> str:
    """Return a message's cover note, its lines ended as text (the message has CRLF)."""
    return str(message.get_body(("plain",)).get_content()).replace("\r\n", "\n")


def decoded(raw: str) -> str:
    """Return a header as a mail client shows it (RFC 2047 words joined as the RFC says)."""
    return str(make_header(decode_header(raw)))


def kept_in_latin(folder: Path) -> set[str]:
    """Return the Latin words the Russian translation itself keeps: proper names («Kazakh Invest»)."""
    found: set[str] = set()
    for path in (folder / "translations/ru.po", folder.parent / "countries/translations/ru.po"):
        with path.open("rb") as handle:
            for message in read_po(handle, "ru"):
                if message.id and isinstance(message.string, str):
                    text = re.sub(r"\[@[^\]]*\]|\{\w+\}", " ", message.string)
                    found |= set(LATIN_WORD.findall(text))
    return found


def latin_words_of_a_russian_page(text: str, folder: Path) -> set[str]:
    """Return the Latin words of a Russian brief that are neither proper names nor codes.

    The reference list and author-date citations name works and their authors as published
    (Russian bibliographic practice keeps a foreign work's own language), so they are left out.
    """
    flat = " ".join(text.replace("\u2010 ", "").replace("\u00ad ", "").split())
    flat = flat.split(say("ru", "references"))[0]
    from briefgen.translation.apply import localise

    loaded = localise(load_sources(folder), "ru")  # its labels as Russian prints them («Yau, 2020а»)
    for label in sorted(loaded.bibliography.labels.values(), key=len, reverse=True):
        flat = flat.replace(label, " ")  # a work's author-date label: its authors' names
    flat = FILE_NAME.sub(" ", flat)
    allowed = kept_in_latin(folder) | CODES
    return {w for w in LATIN_WORD.findall(flat) if w not in allowed and len(w) > 1}


@pytest.fixture(scope="module")
def outbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled brief's newest release distributed to the outbox, on a fresh copy."""
    root = tmp_path_factory.mktemp("letters")
    shutil.copytree(CENTRAL_ASIA.parent, root / "briefs", ignore=shutil.ignore_patterns("ledger.sqlite*"))
    folder = root / "briefs" / "china-central-asia"
    report = distribute(DistributionRequest(folder, channel="outbox", out=root / "build", jobs=1))
    assert {d.status for d in report.deliveries} == {"in-outbox"}, report.deliveries
    return folder


@pytest.mark.slow
def test_every_russian_official_gets_a_letter_and_a_copy_with_no_english_word(outbox: Path) -> None:
    loaded = load_sources(outbox)
    russian = [r for r in loaded.recipients or () if r.language == "ru"]
    assert len(russian) == 8
    for recipient in russian:
        message = message_of(outbox / "outbox/e2" / f"{recipient.id}.eml")
        subject, to = decoded(message["Subject"]), decoded(message.get("To", ""))
        body = note_of(message)
        own = addressee(recipient, "en")
        assert own.greeting.startswith("Уважаем") and own.greeting.endswith("!") and "(-" not in body
        assert own.greeting in body and "\n".join(own.address) in body
        assert own.address[0].startswith(("Директору", "Начальнику", "Заместителю"))  # the dative
        assert subject.startswith("[НЕ ДЛЯ ПУБЛИКАЦИИ] Курс Китая") and "экз. №" in subject
        assert "ДСП" not in body and "СЛУЖЕБНОГО" not in body
        # (what changed since the recipient's edition is quoted with its citations: the works' labels)
        letter = " ".join([subject, to.split("<")[0], body])
        assert latin_words_of_a_russian_page(letter, outbox) == set(), recipient.id
        for part in message.iter_attachments():
            if part.get_filename().endswith(".pdf"):
                copy = outbox / "pdf" / part.get_filename()
                copy.parent.mkdir(exist_ok=True)
                copy.write_bytes(part.get_content())
                text = pdf_text(copy)
                assert "Экз. №" in text and "Адресат:" in text
                assert latin_words_of_a_russian_page(text, outbox) == set(), recipient.id


@pytest.mark.slow
def test_every_english_official_gets_a_letter_and_a_copy_with_no_cyrillic(outbox: Path) -> None:
    loaded = load_sources(outbox)
    english = [r for r in loaded.recipients or () if r.language == "en"]
    assert len(english) == 5
    for recipient in english:
        message = message_of(outbox / "outbox/e2" / f"{recipient.id}.eml")
        body = note_of(message)
        assert decoded(message["Subject"]).startswith("[NOT FOR PUBLICATION] China’s Pursuit")
        assert f"Dear {recipient.courtesy_title}," in body and "Yours sincerely," in body
        assert "dated 1 March 2021" in body  # the copy is dated by its edition's release
        assert not CYRILLIC.search(body), recipient.id
        pdf = next(p for p in message.iter_attachments() if p.get_filename().endswith(".pdf"))
        copy = outbox / "pdf" / pdf.get_filename()
        copy.parent.mkdir(exist_ok=True)
        copy.write_bytes(pdf.get_content())
        assert not CYRILLIC.search(pdf_text(copy)), recipient.id


@pytest.mark.slow
def test_a_russian_letter_reads_as_an_official_letter_to_that_person(outbox: Path) -> None:
    text = note_of(message_of(outbox / "outbox/e2/kz-economy-director-investment.eml"))
    lines = text.splitlines()
    assert lines[:6] == [
        "НЕ ДЛЯ ПУБЛИКАЦИИ",
        "",
        "Директору Департамента инвестиционной политики",
        "Министерства национальной экономики",
        "Республики Казахстан",
        "",
    ]
    assert lines[6] == "Уважаемый господин директор!"
    assert "Направляем Вам экземпляр № 002 издания 2" in text  # capitalised polite form
    assert "от 1 марта 2021\u202fг., подготовленной для Правительства Республики Казахстан." in text
    assert "В записке содержатся три рекомендации Вашему Правительству." in text  # the count in words
    assert lines[-2:] == [
        words("ru")["cover_closing"],
        "Программа политических исследований по Центральной Азии",
    ]
    salutation = note_of(message_of(outbox / "outbox/e2/kg-economy-deputy-minister.eml"))
    assert "Уважаемый господин заместитель министра!" in salutation


# ---------- the sources: every recipient's own wording, every language's marking ----------


def _recipient(**fields: object) -> Recipient:
    base: dict[str, object] = {"id": "x", "name": "N", "title": "T", "institution": "I", "country": "PE"}
    return Recipient.model_validate({**base, **fields})


@pytest.mark.unit
def test_a_russian_greeting_agrees_with_the_gender_of_the_form_of_address() -> None:
    common = {
        "name": {"en": "Ms A. Petrova", "ru": "А. Петрова"},
        "title": {"en": "Director", "ru": "Директор"},
        "institution": {"en": "Ministry", "ru": "Министерство"},
        "language": "ru",
    }
    she = addressee(_recipient(**common, courtesy_title={"ru": "госпожа Петрова"}, gender="feminine"), "en")
    he = addressee(_recipient(**common, courtesy_title={"ru": "господин директор"}, gender="masculine"), "en")
    assert (she.greeting, he.greeting) == ("Уважаемая госпожа Петрова!", "Уважаемый господин директор!")
    whole = addressee(_recipient(**common, salutation={"ru": "Уважаемая Анна Сергеевна!"}), "en")
    assert whole.greeting == "Уважаемая Анна Сергеевна!"
    # the default address block: name, then the title unless the name says it, then the institution
    assert she.address == ("А. Петрова", "Директор", "Министерство")
    english = addressee(_recipient(name="Director, Water Department", title="Director"), "en")
    assert (
        english.address == ("Director, Water Department", "I")
        and english.greeting == "Dear Director, Water Department,"
    )


def _problems(folder: Path) -> list[str]:
    """Return each error loading `folder` finds, as `FILE:LINE:COL: field: message` (file by name)."""
    with pytest.raises(InputError) as caught:
        load_sources(folder)
    return [
        f"{p.file.name}:{p.line}:{p.column}: {p.field}: {p.message}"
        for p in caught.value.problems
        if p.severity == "error"
    ]


@pytest.mark.unit
def test_a_russian_reader_with_only_english_wording_is_an_error_at_its_line(andes: Path) -> None:
    publish_in_russian(andes)
    (andes / "recipients.yaml").write_text(
        "- id: pe-ru\n"
        "  name: Vice-Minister for Water\n"
        "  title: {en: Vice-Minister, ru: Заместитель министра}\n"
        "  institution: {en: Ministry of Agriculture}\n"
        "  gender: masculine\n"
        "  country: PE\n"
        "  language: ru\n",
        encoding="utf-8",
    )
    problems = _problems(andes)
    assert len(problems) == 2, problems
    name, institution = problems
    assert name.startswith("recipients.yaml:2:9: [0].name: pe-ru reads 'ru', but name is a plain")
    assert institution.startswith("recipients.yaml:4:16: [0].institution: pe-ru reads 'ru'")
    assert "{en: …, ru: …}" in name


@pytest.mark.unit
def test_a_russian_greeting_without_a_gender_or_salutation_is_an_error(andes: Path) -> None:
    publish_in_russian(andes)
    (andes / "recipients.yaml").write_text(
        "- {id: pe-ru, name: {ru: Заместитель министра}, title: {ru: Заместитель министра},\n"
        "   institution: {ru: Министерство}, country: PE, language: ru}\n",
        encoding="utf-8",
    )
    [problem] = _problems(andes)
    assert "recipients.yaml:1:8: [0].id: pe-ru reads 'ru', whose greeting agrees with the gender" in problem
    assert "gender: masculine" in problem and "salutation: {ru: …}" in problem


@pytest.mark.unit
def test_a_marking_with_one_wording_in_a_two_language_brief_is_an_error_naming_the_missing_language(
    andes: Path,
) -> None:
    replace_in(andes / "brief.yaml", "language: en", "languages: [en, ru]")
    [problem] = _problems(andes)
    line = next(
        n
        for n, text in enumerate((andes / "brief.yaml").read_text().splitlines(), 1)
        if text.startswith("marking:")
    )
    assert problem.startswith(f"brief.yaml:{line}:10: marking: the brief is published in en, ru")
    assert "no wording for ru (a plain string is the en wording only)" in problem
    assert "never translated by a catalog" in problem


@pytest.mark.unit
def test_a_marking_that_forbids_email_stops_an_smtp_run_before_anything_is_sent_or_recorded(
    andes: Path, tmp_path: Path
) -> None:
    replace_in(
        andes / "brief.yaml",
        "marking: OFFICIAL-SENSITIVE",
        "marking: {wording: {en: RESTRICTED}, email: false}",
    )
    (andes / "recipients.yaml").write_text(
        "- {id: pe-minister, name: Minister, title: Minister, institution: Ministry, country: PE, email: pe@example.org}\n"
        "- {id: bo-archive, name: Archive, title: Records Office, institution: Ministry, country: BO}\n"
        "- {id: cl-head, name: Head, title: Director, institution: DGA, country: CL, email: cl@example.org}\n",
        encoding="utf-8",
    )
    release(andes)
    ledger = tmp_path / "ledger.sqlite"
    with SmtpServer() as server:
        result = runner.invoke(
            app,
            [
                "distribute",
                str(andes),
                "--smtp",
                server.address,
                "--from",
                "analyst@example.org",
                "--ledger",
                str(ledger),
                "--out",
                str(tmp_path / "build"),
            ],
        )
    assert result.exit_code == 1
    assert "marked “RESTRICTED”, which does not allow email" in result.stderr
    assert "2 recipient(s) (pe-minister, cl-head)" in result.stderr and "bo-archive" not in result.stderr
    assert "nothing was sent or recorded" in result.stderr and "--channel outbox" in result.stderr
    assert server.messages == []
    if ledger.exists():  # nothing recorded as sent, or at all
        with sqlite3.connect(ledger) as db:
            assert db.execute("SELECT count(*) FROM copies").fetchone() == (0,)
    assert not (tmp_path / "build").exists()


@pytest.mark.unit
def test_the_subject_carries_the_marking_of_the_copys_language() -> None:
    from briefgen.models import Brief

    brief = Brief.model_validate(
        {
            "id": "b",
            "title": "T",
            "organisation": "O",
            "date": "2024-01-01",
            "languages": ["en", "ru"],
            "marking": {"en": "NOT FOR PUBLICATION", "ru": "НЕ ДЛЯ ПУБЛИКАЦИИ"},
            "summary": "S",
            "countries": ["PE"],
        }
    )
    assert (brief.marking_in("en"), brief.marking_in("ru")) == ("NOT FOR PUBLICATION", "НЕ ДЛЯ ПУБЛИКАЦИИ")
    assert brief.handling is not None and brief.handling.email and brief.handling.outbox


# ---------- release dates ----------


@pytest.mark.slow
def test_two_releases_on_different_days_show_their_own_date_on_page_one_and_in_the_cover_note(
    andes: Path, tmp_path: Path
) -> None:
    (andes / "recipients.yaml").write_text(
        "- {id: pe-minister, name: Minister, title: Minister, institution: Ministry, country: PE}\n",
        encoding="utf-8",
    )
    release(andes, today=lambda: dt.date(2024, 5, 6))
    replace_in(andes / "brief.yaml", "Droughts follow El Niño years.", "Droughts follow most El Niño years.")
    release(andes, today=lambda: dt.date(2024, 9, 30))
    seen = {}
    for edition in (1, 2):
        outbox = tmp_path / f"outbox{edition}"
        report = distribute(
            DistributionRequest(
                andes,
                edition=edition,
                outbox=outbox,
                out=tmp_path / "build",
                jobs=1,
                ledger=tmp_path / "l.sqlite",
            )
        )
        [delivery] = report.deliveries
        pdf = next(f for f in delivery.files if f.suffix == ".pdf")
        first_page = " ".join(pdf_text(pdf).split("\f")[0].split())
        note = note_of(message_of(outbox / "pe-minister.eml"))
        seen[edition] = (first_page, note)
    first, second = seen[1], seen[2]
    assert "Edition 1 · 6 May 2024" in first[0] and "Edition 2 · 30 September 2024" in second[0]
    assert "Analysis as of 1 March 2024" in first[0]  # brief.yaml's date: the analysis, beside it
    assert "of edition 1 of “Water Security in the Andes”,\ndated 6 May 2024," in first[1]
    assert "of edition 2 of “Water Security in the Andes”,\ndated 30 September 2024," in second[1]


@pytest.mark.unit
def test_release_prints_the_date_it_records(andes: Path) -> None:
    result = runner.invoke(app, ["release", str(andes), "--date", "2024-04-02"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("released edition 1 on 2024-04-02: ")
    assert "brief.yaml is now at edition 2" in result.stdout


@pytest.mark.unit
def test_distribution_refuses_nothing_when_the_marking_allows_email(andes: Path) -> None:
    from briefgen.distribution.select import refuse_what_the_marking_forbids

    brief = load_sources(andes).brief
    recipient = _recipient(email="pe@example.org")
    refuse_what_the_marking_forbids(
        brief, 1, [recipient], {"x": "email"}
    )  # OFFICIAL-SENSITIVE: email allowed
    replace_in(
        andes / "brief.yaml", "marking: OFFICIAL-SENSITIVE", "marking: {wording: {en: X}, outbox: false}"
    )
    with pytest.raises(DistributionError, match="does not allow outbox"):
        refuse_what_the_marking_forbids(load_sources(andes).brief, 1, [recipient], {"x": "outbox"})
