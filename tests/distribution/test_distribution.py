"""Distribution: numbered, stamped copies reach each official once, and the ledger says so."""

from __future__ import annotations

import email
import re
import shutil
import sqlite3
import subprocess
from email import policy
from pathlib import Path

import pikepdf
import pytest
from docx import Document
from typer.testing import CliRunner

from accessibility import assert_accessible_docx, assert_accessible_pdf
from briefgen.cli import app
from briefgen.distribution import DistributionRequest, distribute
from briefgen.distribution.status import holdings, outdated
from briefgen.editions.release import release
from briefgen.errors import DistributionError, UsageError
from conftest import libreoffice, replace_in
from smtp_server import SmtpServer

runner = CliRunner()

RECIPIENTS = """\
- {id: pe-vice-minister, name: Vice-Minister for Water, title: Vice-Minister, institution: Ministry of Agriculture, country: PE, email: pe1@example.org, formats: [pdf, docx]}
- {id: pe-env-adviser, name: Senior Adviser, title: Senior Adviser, institution: Министерство окружающей среды, country: PE, email: pe2@example.org}
- {id: bo-director, name: Director of Water Resources, title: Director-General, institution: Ministry of Environment and Water, country: BO, email: bo1@example.org}
- {id: bo-archive, name: Archive, title: Records Office, institution: Ministry of Foreign Affairs, country: BO}
- {id: cl-head, name: Head of the Water Directorate, title: Director, institution: Dirección General de Aguas, country: CL, email: cl1@example.org, formats: [pdf, html]}
- {id: cl-deputy, name: Deputy Director, title: Deputy Director, institution: Dirección General de Aguas, country: CL, email: cl2@example.org}
"""
SENDER = "analyst@example.org"
EMAIL_IDS = ["pe-vice-minister", "pe-env-adviser", "bo-director", "cl-head", "cl-deputy"]


@pytest.fixture
def released(andes: Path) -> Path:
    (andes / "recipients.yaml").write_text(RECIPIENTS, encoding="utf-8")
    release(andes)
    return andes


def run(folder: Path, tmp_path: Path, **options: object):  # type: ignore[no-untyped-def]
    options.setdefault("sender", SENDER)
    given = {k: tuple(v) if isinstance(v, list) else v for k, v in options.items()}
    return distribute(DistributionRequest(folder, out=tmp_path / "build", jobs=1, **given))  # type: ignore[arg-type]


def pdf_page_texts(path: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [page for page in text.split("\f") if page.strip()]


def received(server: SmtpServer) -> dict[str, list[email.message.Message]]:
    by_recipient: dict[str, list[email.message.Message]] = {}
    for message in server.messages:
        by_recipient.setdefault(message["X-Briefgen-Recipient"], []).append(message)
    return by_recipient


def test_every_recipient_gets_exactly_one_message_with_its_formats(released: Path, tmp_path: Path) -> None:
    with SmtpServer() as server:
        report = run(released, tmp_path, smtp=server.address)
    got = received(server)
    assert sorted(got) == sorted(EMAIL_IDS)
    assert all(len(messages) == 1 for messages in got.values())
    names = {rid: sorted(part.get_filename() for part in got[rid][0].iter_attachments()) for rid in got}
    assert names["pe-vice-minister"] == ["andes-water-PE-e1-copy001.docx", "andes-water-PE-e1-copy001.pdf"]
    assert names["cl-head"] == ["andes-water-CL-e1-copy005.html", "andes-water-CL-e1-copy005.pdf"]
    assert names["cl-deputy"] == ["andes-water-CL-e1-copy006.pdf"]
    assert "copy 002 of edition 1" in got["pe-env-adviser"][0].get_body(("plain",)).get_content()
    assert [d.status for d in report.deliveries].count("sent") == 5
    assert [d.recipient for d in report.by_status("in-outbox")] == ["bo-archive"]


def test_the_stamped_pdf_names_its_recipient_and_copy_on_every_page(released: Path, tmp_path: Path) -> None:
    with SmtpServer() as server:
        report = run(released, tmp_path, smtp=server.address)
    delivery = next(d for d in report.deliveries if d.recipient == "pe-env-adviser")
    pdf = next(p for p in delivery.files if p.suffix == ".pdf")
    assert_accessible_pdf(pdf)  # the stamp is an artifact over the brief's own tagged pages
    pages = pdf_page_texts(pdf)
    assert len(pages) >= 2
    for page in pages:
        assert "Copy 002 · Prepared for Senior Adviser, Министерство окружающей среды" in page
        assert "Copy 001" not in page  # the copy stamped before it left no trace
    original = tmp_path / "build/andes-water/e1/en/andes-water-PE-e1.pdf"
    with pikepdf.open(pdf) as stamped, pikepdf.open(original) as source:
        assert "/StructTreeRoot" in stamped.Root and stamped.Root.Lang == source.Root.Lang
        assert str(stamped.docinfo["/Title"]) == str(source.docinfo["/Title"])
        assert len(stamped.pages) == len(source.pages)
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts
    # the stamp: one line, at least 12 mm inside the paper edge, below everything else on the page
    bbox = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    words = [
        (float(m[1]), float(m[2]), float(m[3]), float(m[4]), m[5])
        for m in re.finditer(
            r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', bbox
        )
    ]
    stamp = [w for w in words if w[4] in {"Copy", "002", "Senior", "Adviser,"}]
    assert len({round(w[1]) for w in stamp}) == 1  # one line
    mm = 72 / 25.4
    page_height = 841.89
    assert all(page_height - w[3] >= 12 * mm for w in stamp)
    assert all(w[0] >= 12 * mm for w in stamp) and all(595.28 - w[2] >= 12 * mm for w in stamp)
    top, bottom = stamp[0][1], stamp[0][3]
    crossing = [w for w in words if round(w[1]) != round(top) and w[1] < bottom and w[3] > top]
    assert not crossing  # nothing of the page (footer, marking) touches it


def test_the_docx_copy_carries_the_line_in_its_footer_clear_of_the_header_band(
    released: Path, tmp_path: Path
) -> None:
    with SmtpServer() as server:
        report = run(released, tmp_path, smtp=server.address)
    docx = next(p for d in report.deliveries for p in d.files if p.suffix == ".docx")
    assert_accessible_docx(docx)
    section = Document(str(docx)).sections[0]
    line = "Copy 001 · Prepared for Vice-Minister, Ministry of Agriculture"
    for footer in (section.footer, section.first_page_footer):  # a row of its own, under the page foot
        assert [cell.text for cell in footer.tables[-1].rows[-1].cells] == [line] * 3  # one merged cell
    # and LibreOffice shows it, under the page foot, on every page
    libreoffice("pdf", tmp_path / "lo", docx, profile=tmp_path / "profile")
    pages = pdf_page_texts(tmp_path / "lo" / docx.with_suffix(".pdf").name)
    for page in pages:
        foot = [row.strip() for row in page.splitlines() if row.strip()][-2:]
        assert foot[0].startswith("Water Security in the Andes · Peru") and foot[1] == line, foot
    assert all(line not in p.text for p in section.first_page_header.paragraphs + section.header.paragraphs)
    assert section.footer_distance is not None and section.footer_distance.mm >= 12


def test_recipients_without_email_get_an_eml_in_the_outbox_that_mail_clients_read(
    released: Path, tmp_path: Path
) -> None:
    with SmtpServer() as server:
        run(released, tmp_path, smtp=server.address)
    eml = released / "outbox" / "e1" / "bo-archive.eml"
    message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message["Subject"] == "[OFFICIAL-SENSITIVE] Water Security in the Andes: edition 1, copy 004"
    attachments = list(message.iter_attachments())
    assert [a.get_filename() for a in attachments] == ["andes-water-BO-e1-copy004.pdf"]
    assert attachments[0].get_content().startswith(b"%PDF-")
    assert "Dear Archive," in message.get_body(("plain",)).get_content()


def test_running_again_sends_nothing_already_sent(released: Path, tmp_path: Path) -> None:
    with SmtpServer() as server:
        run(released, tmp_path, smtp=server.address)
        second = run(released, tmp_path, smtp=server.address)
    assert len(server.messages) == 5
    assert {d.status for d in second.deliveries} == {"skipped"}


def test_a_server_that_drops_mid_run_leaves_a_rerun_to_send_exactly_the_rest(
    released: Path, tmp_path: Path
) -> None:
    with SmtpServer() as server:
        server.recorder.drop_after = 3
        first = run(released, tmp_path, smtp=server.address)
        assert len(server.messages) == 3
        assert len(first.by_status("failed")) == 2 and not first.by_status("unknown")
        server.recorder.refusing, server.recorder.drop_after = False, None
        second = run(released, tmp_path, smtp=server.address)
    got = received(server)
    assert sorted(got) == sorted(EMAIL_IDS) and all(len(m) == 1 for m in got.values())
    assert sorted(d.recipient for d in second.by_status("sent")) == sorted(
        d.recipient for d in first.by_status("failed")
    )
    db = sqlite3.connect(released / "ledger.sqlite")
    rows = dict(db.execute("SELECT recipient, message_id FROM copies WHERE status = 'sent'").fetchall())
    assert len(rows) == 5
    for rid, messages in got.items():
        assert rows[rid] == messages[0]["Message-ID"]
        sent = {part.get_filename(): part.get_payload(decode=True) for part in messages[0].iter_attachments()}
        for name, sha in db.execute("SELECT path, sha256 FROM files WHERE recipient = ?", (rid,)).fetchall():
            import hashlib

            assert hashlib.sha256(sent[Path(name).name]).hexdigest() == sha


@pytest.mark.unit
def test_a_dry_run_sends_nothing_and_records_nothing(released: Path, tmp_path: Path) -> None:
    with SmtpServer() as server:
        report = run(released, tmp_path, smtp=server.address, dry_run=True)
    assert server.messages == []
    assert {d.status for d in report.deliveries} == {"planned"}
    assert (
        not (released / "ledger.sqlite").exists()
        or sqlite3.connect(released / "ledger.sqlite").execute("SELECT COUNT(*) FROM copies").fetchone()[0]
        == 0
    )
    assert not (released / "outbox").exists()


def test_outdated_is_right_after_a_new_release_and_outdated_distribution_clears_it(
    released: Path, tmp_path: Path
) -> None:
    with SmtpServer() as server:
        run(released, tmp_path, smtp=server.address)
        # the outbox holds a draft for bo-archive: written, not known to be sent
        (waiting,) = outdated(released, released / "ledger.sqlite")
        assert waiting.holding.recipient == "bo-archive"
        assert waiting.holding.pending == "edition 1 written to outbox"
        # the analyst sent the draft from their own mail client, and says so
        run(released, tmp_path, mark_sent=["bo-archive"], recipients=["bo-archive"])
        assert outdated(released, released / "ledger.sqlite") == []
        replace_in(
            released / "recommendations/protect-glacier-basins.yaml",
            "Glacier area fell by a third",
            "Glacier area fell by 42%",
        )
        release(released)
        late = outdated(released, released / "ledger.sqlite")
        assert sorted(o.holding.recipient for o in late) == sorted([*EMAIL_IDS, "bo-archive"])
        pe = next(o for o in late if o.holding.recipient == "pe-vice-minister")
        assert (pe.holding.edition, pe.newest) == (1, 2)
        assert any(
            "evidence updated: “Glacier area fell by a third since the 1980s” → “Glacier area fell by 42%"
            in line
            for line in pe.changes
        )
        cl = next(o for o in late if o.holding.recipient == "cl-head")
        assert cl.changes == ("Nothing in the CL brief changed since edition 1.",)
        server.messages.clear()
        run(released, tmp_path, smtp=server.address, outdated=True)
        assert len(server.messages) == 5
    assert [o.holding.pending for o in outdated(released, released / "ledger.sqlite")] == [
        "edition 2 written to outbox"
    ]
    held = {h.recipient: h.edition for h in holdings(released, released / "ledger.sqlite")}
    assert held == {**dict.fromkeys(EMAIL_IDS, 2), "bo-archive": 1}


def test_the_cover_note_of_a_second_edition_lists_what_changed_for_that_country(
    released: Path, tmp_path: Path
) -> None:
    replace_in(
        released / "recommendations/protect-glacier-basins.yaml",
        "Glacier area fell by a third",
        "Glacier area fell by 42%",
    )
    release(released)
    with SmtpServer() as server:
        run(released, tmp_path, smtp=server.address, recipients=["pe-env-adviser", "cl-deputy"])
    notes = {m["X-Briefgen-Recipient"]: m.get_body(("plain",)).get_content() for m in server.messages}
    assert (
        "Changes since edition 1:" in notes["pe-env-adviser"]
        and "Glacier area fell by 42%" in notes["pe-env-adviser"]
    )
    # nothing changed for Chile: its note says nothing about changes
    assert "Changes since" not in notes["cl-deputy"] and "changed" not in notes["cl-deputy"]
    assert "prepared for the Government of the Republic of Chile." in notes["cl-deputy"]


@pytest.mark.unit
def test_distribution_needs_a_released_edition_and_known_recipients(andes: Path, tmp_path: Path) -> None:
    with pytest.raises(DistributionError, match="no released edition"):
        run(andes, tmp_path)
    release(andes)
    with pytest.raises(UsageError, match="no recipient nobody"):  # a wrong command, not wrong files
        run(andes, tmp_path, recipients=["nobody"])


def test_ledger_and_outdated_commands(released: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["outdated", str(released)])
    assert (
        result.exit_code == 0 and "pe-vice-minister (PE, en): holds no edition, newest is 1" in result.stdout
    )
    with SmtpServer() as server:
        sent = runner.invoke(
            app,
            [
                "distribute",
                str(released),
                "--smtp",
                server.address,
                "--from",
                SENDER,
                "--out",
                str(tmp_path / "b"),
            ],
        )
    assert sent.exit_code == 0, sent.output
    assert "andes-water edition 1: 5 sent, 1 written to outbox" in sent.stdout
    table = runner.invoke(app, ["ledger", str(released)]).stdout
    assert "pe-vice-minister" in table and "en  edition 1, copy 001 (docx, pdf) by email" in table
    assert "bo-archive" in table and "no edition  [edition 1 written to outbox]" in table
    assert runner.invoke(app, ["outdated", str(released)]).stdout.strip() == (
        "bo-archive (BO, en): holds no edition, newest is 1 [edition 1 written to outbox]\n"
        "    - Holds no edition yet; edition 1 would be the first."
    )


@pytest.mark.unit
def test_email_recipients_without_a_server_is_a_clear_error(released: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["distribute", str(released), "--out", str(tmp_path / "b")], env={"BRIEFGEN_SMTP": ""}
    )
    assert result.exit_code == 1
    assert (
        "5 recipient(s) (pe-vice-minister, pe-env-adviser, bo-director, cl-head, cl-deputy) get email"
        in result.stderr
    )
    assert "no mail server is given: give it with --smtp HOST:PORT" in result.stderr
    assert "--channel outbox" in result.stderr


@pytest.mark.unit
def test_the_bundled_brief_has_a_distribution_list_of_role_titles(tmp_path: Path) -> None:
    from briefgen.sources.loading import load_sources
    from conftest import CENTRAL_ASIA

    loaded = load_sources(CENTRAL_ASIA)
    assert loaded.recipients is not None
    per_country: dict[str, int] = {}
    for r in loaded.recipients:
        per_country[r.country] = per_country.get(r.country, 0) + 1
        assert r.email is None or r.email.endswith("@example.org")
    assert set(per_country) == set(loaded.brief.countries)
    assert all(2 <= n <= 4 for n in per_country.values())
    shutil.rmtree(tmp_path, ignore_errors=True)
