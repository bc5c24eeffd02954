"""Every official gets each copy exactly once: concurrent runs, kills, lost and broken ledgers,
flaky mail servers. Each test counts what arrived per recipient, at the server or in the outbox.

The distribution runs that race or are killed are real `briefgen` processes; the mail server is
aiosmtpd on loopback (tests/smtp_server.py).
"""

from __future__ import annotations

import contextlib
import email
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from email import policy
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefgen.cli import app
from briefgen.distribution import DistributionRequest, distribute
from briefgen.distribution.message import message_id
from briefgen.editions.release import release
from conftest import FIXTURES
from smtp_server import SmtpServer

BRIEFGEN = Path(sys.executable).with_name("briefgen")
SENDER = "analyst@ministry-watch.example.org"
COUNTRIES = ("PE", "BO", "CL")
runner = CliRunner()


def recipients_yaml(count: int, *, outbox_every: int = 0) -> str:
    """Return a distribution list of `count` officials (HTML copies: quick to prepare)."""
    lines = []
    for i in range(1, count + 1):
        by_outbox = outbox_every and i % outbox_every == 0
        address = "" if by_outbox else f", email: r{i:03d}@example.org"
        lines.append(
            f"- {{id: r{i:03d}, name: Official {i}, title: Adviser {i}, institution: Ministry of Water,"
            f" country: {COUNTRIES[i % 3]}, language: en{address}, formats: [html]}}"
        )
    return "\n".join(lines) + "\n"


def make_project(root: Path, count: int, *, outbox_every: int = 0) -> Path:
    """Copy the fixture briefs under `root`, give andes-water `count` recipients, release edition 1."""
    shutil.copytree(FIXTURES / "briefs", root / "briefs")
    brief = root / "briefs" / "andes-water"
    (brief / "recipients.yaml").write_text(
        recipients_yaml(count, outbox_every=outbox_every), encoding="utf-8"
    )
    release(brief)
    return brief


@pytest.fixture
def brief(tmp_path: Path) -> Path:
    """andes-water with six officials: r003 and r006 by outbox, the others by email."""
    return make_project(tmp_path, 6, outbox_every=3)


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("BRIEFGEN_")}


def start(brief: Path, *args: str) -> subprocess.Popen[str]:
    """Start `briefgen distribute` in its own process group, from the project folder."""
    project = brief.parent.parent
    return subprocess.Popen(
        [str(BRIEFGEN), "distribute", str(brief), "--out", str(project / "build"), "-j1", *args],
        cwd=project,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=180)
    assert "Traceback" not in err, err
    return process.returncode, out, err


def briefgen(brief: Path, *args: str) -> tuple[int, str, str]:
    return finish(start(brief, *args))


def kill_group(process: subprocess.Popen[str]) -> None:
    """SIGKILL the run and everything it started; wait until none of it is left."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    for _ in range(200):
        left = in_group(process.pid)
        if not left:
            return
        time.sleep(0.05)
    raise AssertionError(f"processes left running in group {process.pid}: {left}")


def in_group(group: int) -> list[int]:
    """Return the live processes of a process group (from /proc: field 5 of stat is the group)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[2]) == group and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def ledger_rows(brief: Path) -> dict[str, sqlite3.Row]:
    db = sqlite3.connect(brief / "ledger.sqlite")
    db.row_factory = sqlite3.Row
    try:
        return {row["recipient"]: row for row in db.execute("SELECT * FROM copies WHERE edition = 1")}
    finally:
        db.close()


def eml_files(*outboxes: Path) -> Counter[str]:
    """Return how many `.eml` messages each recipient has, across the outboxes."""
    return Counter(p.stem for outbox in outboxes if outbox.is_dir() for p in outbox.glob("*.eml"))


def part_files(project: Path) -> list[Path]:
    return [p for p in project.rglob("*.part")]


def recipient_ids(count: int) -> list[str]:
    return [f"r{i:03d}" for i in range(1, count + 1)]


EMAIL_IDS = ["r001", "r002", "r004", "r005"]
OUTBOX_IDS = ["r003", "r006"]


# --- one distribution at a time --------------------------------------------------------------


def test_two_runs_at_once_into_two_outboxes_write_each_message_once(tmp_path: Path) -> None:
    brief = make_project(tmp_path, 13, outbox_every=1)
    first = start(brief, "--outbox", "ob1")
    second = start(brief, "--outbox", "ob2")
    results = [finish(first), finish(second)]
    for (code, _, err), other in zip(results, (second, first), strict=True):
        assert code == 0 or (
            code == 1 and f"another distribution of this brief is running (pid {other.pid})" in err
        )
    assert eml_files(tmp_path / "ob1", tmp_path / "ob2") == Counter(dict.fromkeys(recipient_ids(13), 1))
    assert {row["status"] for row in ledger_rows(brief).values()} == {"in-outbox"}


def test_two_runs_at_once_by_email_send_each_message_once(brief: Path) -> None:
    with SmtpServer() as server:
        runs = [start(brief, "--smtp", server.address, "--from", SENDER) for _ in range(2)]
        codes = [finish(run)[0] for run in runs]
    assert sorted(codes) in ([0, 0], [0, 1])
    assert server.per_recipient() == Counter(dict.fromkeys(EMAIL_IDS, 1))
    assert eml_files(brief / "outbox" / "e1") == Counter(dict.fromkeys(OUTBOX_IDS, 1))


def test_three_runs_at_once_over_200_recipients_send_200_messages_with_200_stable_ids(tmp_path: Path) -> None:
    brief = make_project(tmp_path, 200)
    with SmtpServer() as server:
        runs = [start(brief, "--smtp", server.address, "--from", SENDER, "--wait", "150") for _ in range(3)]
        results = [finish(run) for run in runs]
    assert [code for code, _, _ in results] == [0, 0, 0], [err for _, _, err in results]
    assert sorted(out.splitlines()[-1] for _, out, _ in results) == [
        "andes-water edition 1: 200 sent",
        "andes-water edition 1: 200 skipped",
        "andes-water edition 1: 200 skipped",
    ]
    assert server.per_recipient() == Counter(dict.fromkeys(recipient_ids(200), 1))
    ids = server.message_ids()
    assert len(ids) == len(set(ids)) == 200
    rows = ledger_rows(brief)
    for message in server.messages:
        row = rows[str(message["X-Briefgen-Recipient"])]
        assert row["status"] == "sent" and row["message_id"] == message["Message-ID"]
        assert message["Message-ID"] == message_id(
            "andes-water", 1, row["recipient"], row["copy_number"], "ministry-watch.example.org"
        )
    assert sorted(row["copy_number"] for row in rows.values()) == list(range(1, 201))


# --- message ids ------------------------------------------------------------------------------


@pytest.mark.unit
def test_a_copy_has_the_same_message_id_every_time_and_each_copy_its_own() -> None:
    assert message_id("b", 1, "r", 1) == message_id("b", 1, "r", 1)
    assert message_id("b", 1, "r", 1).endswith("@briefgen.invalid>")
    others = {message_id("b", 1, "r", 2), message_id("b", 2, "r", 1), message_id("b", 1, "s", 1)}
    assert len(others | {message_id("b", 1, "r", 1)}) == 4


# --- outcomes the mail server leaves unknown ---------------------------------------------------


def run(brief: Path, **options: object):  # type: ignore[no-untyped-def]
    options.setdefault("sender", SENDER)
    given = {k: tuple(v) if isinstance(v, list) else v for k, v in options.items()}
    return distribute(DistributionRequest(brief, out=brief.parent.parent / "build", jobs=1, **given))  # type: ignore[arg-type]


@pytest.mark.unit
def test_a_refused_address_is_that_recipients_failure_and_the_rest_go(brief: Path) -> None:
    with SmtpServer() as server:
        server.recorder.reject.add("r002@example.org")
        first = run(brief, smtp=server.address)
        assert [d.recipient for d in first.by_status("failed")] == ["r002"]
        assert "550" in first.by_status("failed")[0].error
        assert sorted(d.recipient for d in first.by_status("sent")) == ["r001", "r004", "r005"]
        server.recorder.reject.clear()
        second = run(brief, smtp=server.address)
    assert [d.recipient for d in second.by_status("sent")] == ["r002"]
    assert server.per_recipient() == Counter(dict.fromkeys(EMAIL_IDS, 1))


@pytest.mark.unit
def test_a_connection_cut_before_the_250_is_unknown_and_resent_only_when_asked(brief: Path) -> None:
    with SmtpServer() as server:
        server.recorder.drop_before_reply.add("r002@example.org")
        first = run(brief, smtp=server.address)
        (unknown,) = first.by_status("unknown")
        assert unknown.recipient == "r002" and "before the server confirmed it" in unknown.error
        assert "--resend-unknown" in unknown.note and unknown.message_id in unknown.note
        assert server.per_recipient() == Counter(dict.fromkeys(EMAIL_IDS, 1))  # no automatic retry

        again = run(brief, smtp=server.address)
        assert [d.recipient for d in again.by_status("unknown")] == ["r002"] and again.needs_attention
        assert server.per_recipient()["r002"] == 1

        resent = run(brief, smtp=server.address, resend_unknown=True)
        assert [d.recipient for d in resent.by_status("sent")] == ["r002"]
    ids = server.message_ids("r002")
    assert len(ids) == 2 and ids[0] == ids[1]  # the same Message-ID: a mail system drops the duplicate
    assert ledger_rows(brief)["r002"]["status"] == "sent"


@pytest.mark.unit
def test_a_server_that_dies_after_the_third_message_leaves_it_unknown_and_the_rest_failed(
    brief: Path,
) -> None:
    with SmtpServer() as server:
        server.recorder.die_after = 3
        first = run(brief, smtp=server.address)
    statuses = {d.recipient: d.status for d in first.deliveries}
    # messages go country by country (BO: r001, r004; CL: r002, r005): the third is r002's
    assert statuses == {
        "r001": "sent",
        "r004": "sent",
        "r002": "unknown",
        "r005": "failed",
        **dict.fromkeys(OUTBOX_IDS, "in-outbox"),
    }
    assert "cannot reach the mail server" in first.by_status("failed")[0].error
    with SmtpServer() as revived:
        second = run(brief, smtp=revived.address)
    assert [d.recipient for d in second.by_status("sent")] == ["r005"]
    assert [d.recipient for d in second.by_status("unknown")] == ["r002"]
    assert server.per_recipient() + revived.per_recipient() == Counter(dict.fromkeys(EMAIL_IDS, 1))


@pytest.mark.unit
def test_an_unknown_copy_checked_by_the_analyst_is_recorded_as_sent(brief: Path) -> None:
    with SmtpServer() as server:
        server.recorder.drop_before_reply.add("r001@example.org")
        run(brief, smtp=server.address)
        result = runner.invoke(
            app,
            [
                "distribute",
                str(brief),
                "--out",
                str(brief.parent.parent / "build"),
                "--smtp",
                server.address,
                "--from",
                SENDER,
                "--mark-sent",
                "r001",
            ],
        )
    assert result.exit_code == 0, result.output
    assert "r001: copy 001 recorded as sent, as you confirmed" in result.stdout
    assert server.per_recipient()["r001"] == 1 and ledger_rows(brief)["r001"]["status"] == "sent"


def test_a_run_killed_while_the_server_takes_a_message_leaves_it_unknown_never_sent_twice(
    brief: Path,
) -> None:
    with SmtpServer() as server:
        holder: list[subprocess.Popen[str]] = []

        def kill_on_second(message: email.message.Message) -> None:
            if len(server.messages) == 2:
                os.killpg(holder[0].pid, signal.SIGKILL)  # the message is stored; its 250 never arrives

        server.recorder.on_message = kill_on_second
        holder.append(start(brief, "--smtp", server.address, "--from", SENDER))
        holder[0].wait(timeout=120)
        assert holder[0].returncode == -signal.SIGKILL
        kill_group(holder[0])
        server.recorder.on_message = None
        assert ledger_rows(brief)["r004"]["status"] == "sending"  # BO goes first: r001, then r004

        code, out, _ = briefgen(brief, "--smtp", server.address, "--from", SENDER)
        assert code == 1
        assert "r004: an earlier run stopped while sending edition 1, copy 004; its outcome is unknown" in out
        assert "unknown  r004 (BO, en) copy 004 by email" in out and "--resend-unknown" in out
        assert server.per_recipient() == Counter(dict.fromkeys(EMAIL_IDS, 1))

        code, out, _ = briefgen(brief, "--smtp", server.address, "--from", SENDER, "--resend-unknown")
        assert code == 0 and "andes-water edition 1: 1 sent, 5 skipped" in out
    ids = server.message_ids("r004")
    assert len(ids) == 2 and len(set(ids)) == 1
    assert {r["status"] for r in ledger_rows(brief).values()} == {"sent", "in-outbox"}


def test_runs_killed_at_random_moments_are_finished_by_the_next_with_each_copy_once(
    tmp_path: Path, rng: random.Random
) -> None:
    brief = make_project(tmp_path, 24, outbox_every=2)
    outbox = brief / "outbox" / "e1"
    chance = rng
    with SmtpServer() as server:
        for _ in range(4):
            process = start(brief, "--smtp", server.address, "--from", SENDER)
            time.sleep(chance.uniform(0.3, 2.0))
            kill_group(process)
        code, out, err = briefgen(brief, "--smtp", server.address, "--from", SENDER)
        rows = ledger_rows(brief)
        unknown = {rid for rid, row in rows.items() if row["status"] == "unknown"}
        assert code == (1 if unknown else 0), out + err
        assert part_files(tmp_path) == []
        emailed = [f"r{i:03d}" for i in range(1, 25, 2)]
        arrived = server.per_recipient()
        for rid in emailed:
            assert arrived[rid] == 1 or (rid in unknown and arrived[rid] <= 1), (rid, arrived[rid])
        assert eml_files(outbox) == Counter({f"r{i:03d}": 1 for i in range(2, 25, 2)})
        assert {rows[f"r{i:03d}"]["status"] for i in range(2, 25, 2)} == {"in-outbox"}

        code, _, _ = briefgen(brief, "--smtp", server.address, "--from", SENDER, "--resend-unknown")
        assert code == 0
    for rid in emailed:
        assert len(set(server.message_ids(rid))) == 1 and server.per_recipient()[rid] >= 1
    assert {row["status"] for row in ledger_rows(brief).values()} == {"sent", "in-outbox"}


@pytest.mark.unit
def test_a_message_written_to_the_outbox_before_a_kill_is_recorded_not_written_again(brief: Path) -> None:
    run(brief, channel="outbox")
    eml = brief / "outbox" / "e1" / "r004.eml"
    before = eml.stat()
    # the state a kill leaves between the rename of the .eml and the ledger's commit
    db = sqlite3.connect(brief / "ledger.sqlite")
    db.execute("UPDATE copies SET status = 'written' WHERE recipient = 'r004'")
    db.commit()
    db.close()
    record = brief / "distribution.json"  # which follows the ledger's commits: it says "written" too
    record.write_text(
        record.read_text(encoding="utf-8").replace(
            '"recipient": "r004", "copy": 4, "status": "in-outbox"',
            '"recipient": "r004", "copy": 4, "status": "written"',
        ),
        encoding="utf-8",
    )
    (eml.parent / ".r005.eml.x1y2.part").write_bytes(b"half a message")
    copies = brief.parent.parent / "build" / "andes-water" / "e1" / "copies" / "r001"
    (copies / ".andes-water-BO-e1-copy001.html.abc.part").write_bytes(b"half a copy")
    report = run(brief, channel="outbox")
    assert [d.recipient for d in report.by_status("in-outbox")] == ["r004"]
    assert report.notes == ["removed 2 half-written file(s) an interrupted run left"]
    after = eml.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert eml_files(eml.parent) == Counter(dict.fromkeys(recipient_ids(6), 1))
    assert part_files(brief.parent.parent) == []


@pytest.mark.unit
def test_a_ctrl_c_that_c_code_cleared_stops_the_run_before_the_next_copy_and_the_next_run_finishes(
    brief: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command's handler notes every Ctrl-C; a run asks before each copy goes, so one that a
    library swallowed stops it there, and the next run sends the rest, each copy once."""
    from briefgen import errors
    from briefgen.distribution.channels import CHANNELS, Outbox

    class InterruptedOutbox(Outbox):
        def deliver(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            sent = super().deliver(*args, **kwargs)
            monkeypatch.setattr(errors, "_interrupted", True)  # as briefgen.command's handler notes it
            return sent

    monkeypatch.setitem(CHANNELS, "outbox", InterruptedOutbox)
    with pytest.raises(KeyboardInterrupt):
        run(brief, channel="outbox")
    outbox = brief / "outbox" / "e1"
    assert len(eml_files(outbox)) == 1  # of six
    monkeypatch.setattr(errors, "_interrupted", False)
    monkeypatch.setitem(CHANNELS, "outbox", Outbox)
    run(brief, channel="outbox")
    assert eml_files(outbox) == Counter(dict.fromkeys(recipient_ids(6), 1))
    assert part_files(brief.parent.parent) == []


# --- the ledger cannot be lost quietly -------------------------------------------------------


def cli(brief: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(
        app,
        [
            *args,
            str(brief),
            *(["--out", str(brief.parent.parent / "build"), "-j1"] if args[0] == "distribute" else []),
        ],
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout + result.stderr


@pytest.mark.unit
def test_a_deleted_ledger_stops_the_next_run_until_a_new_one_is_asked_for(brief: Path) -> None:
    run(brief, channel="outbox")
    (brief / "ledger.sqlite").unlink()
    code, output = cli(brief, "distribute", "--channel", "outbox")
    assert code == 1
    assert (
        f"the ledger {brief / 'ledger.sqlite'} is missing, but copies of andes-water were already made"
        in output
    )
    assert "Restore the ledger from a backup" in output and "--new-ledger" in output
    code, output = cli(brief, "distribute", "--channel", "outbox", "--dry-run")
    assert code == 0 and "a real run would stop here: the ledger" in output
    assert eml_files(brief / "outbox" / "e1") == Counter(dict.fromkeys(recipient_ids(6), 1))
    code, output = cli(brief, "distribute", "--channel", "outbox", "--new-ledger")
    assert code == 0 and "6 written to outbox" in output


def break_ledger(brief: Path, how: str) -> None:
    path = brief / "ledger.sqlite"
    if how == "random bytes":
        path.write_bytes(random.Random(5).randbytes(8192))
    elif how == "truncated":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2 + 100])
    elif how == "a directory":
        path.unlink()
        path.mkdir()
    elif how == "a foreign database":
        path.unlink()
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE accounts (id INTEGER, balance REAL)")
        db.commit()
        db.close()
    elif how == "a symbolic link":
        path.rename(brief / "elsewhere.sqlite")
        path.symlink_to(brief / "elsewhere.sqlite")


@pytest.mark.unit
@pytest.mark.parametrize(
    "how", ["random bytes", "truncated", "a directory", "a foreign database", "a symbolic link"]
)
def test_a_broken_ledger_is_an_error_naming_it_for_every_command(brief: Path, how: str) -> None:
    run(brief, channel="outbox")
    break_ledger(brief, how)
    for command in (["distribute", "--channel", "outbox"], ["ledger"], ["outdated"]):
        code, output = cli(brief, *command)
        assert code == 1, (command, output)
        assert str(brief / "ledger.sqlite") in output
        assert "restore it from a backup" in output


def test_a_broken_ledger_ends_the_real_command_without_a_traceback(brief: Path) -> None:
    (brief / "ledger.sqlite").write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 16)
    for command in ("distribute", "ledger", "outdated"):
        completed = subprocess.run(
            [str(BRIEFGEN), command, str(brief)],
            cwd=brief.parent.parent,
            capture_output=True,
            text=True,
            env=clean_env(),
        )
        assert completed.returncode == 1 and "Traceback" not in completed.stderr
        assert "is not a briefgen ledger or is damaged" in completed.stderr


@pytest.mark.unit
def test_a_first_version_ledger_is_brought_up_to_date_and_keeps_its_history(brief: Path) -> None:
    db = sqlite3.connect(brief / "ledger.sqlite")
    db.executescript(
        """
        CREATE TABLE copies (brief TEXT NOT NULL, edition INTEGER NOT NULL, recipient TEXT NOT NULL,
          copy_number INTEGER NOT NULL, country TEXT NOT NULL, channel TEXT NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('prepared', 'sent', 'failed')), error TEXT, message_id TEXT,
          prepared_at TEXT NOT NULL, sent_at TEXT, attempts INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY (brief, edition, recipient), UNIQUE (brief, edition, copy_number));
        CREATE TABLE files (brief TEXT NOT NULL, edition INTEGER NOT NULL, recipient TEXT NOT NULL,
          format TEXT NOT NULL, path TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL,
          PRIMARY KEY (brief, edition, recipient, format),
          FOREIGN KEY (brief, edition, recipient) REFERENCES copies (brief, edition, recipient));
        INSERT INTO copies VALUES ('andes-water', 1, 'r001', 1, 'BO', 'email', 'sent', NULL, '<old@x>',
          '2025-01-01T00:00:00+00:00', '2025-01-01T00:00:00+00:00', 1);
        INSERT INTO copies VALUES ('andes-water', 1, 'r003', 2, 'BO', 'outbox', 'sent', NULL, '<old2@x>',
          '2025-01-01T00:00:00+00:00', '2025-01-01T00:00:00+00:00', 1);
        """
    )
    db.close()
    with SmtpServer() as server:
        report = run(brief, smtp=server.address)
    assert {d.recipient: d.status for d in report.deliveries}["r001"] == "skipped"
    assert {d.recipient: d.status for d in report.deliveries}["r003"] == "skipped"
    rows = ledger_rows(brief)
    assert rows["r003"]["status"] == "in-outbox"  # an outbox file is not a sent message
    assert sorted(server.per_recipient()) == ["r002", "r004", "r005"]
    db = sqlite3.connect(brief / "ledger.sqlite")
    assert db.execute("PRAGMA user_version").fetchone()[0] == 2
    assert db.execute("PRAGMA application_id").fetchone()[0] == 0x62726C67


# --- one recipient's problem is that recipient's --------------------------------------------


@pytest.mark.unit
def test_a_line_break_in_a_recipients_name_is_a_validation_error_with_file_and_line(brief: Path) -> None:
    (brief / "recipients.yaml").write_text(
        '- id: spy\n  name: "X\\r\\nBcc: spy@evil.example"\n  title: Adviser\n  institution: "Ministry\\u2028Two"\n'
        "  country: PE\n  email: x@example.org\n",
        encoding="utf-8",
    )
    for command in (["validate"], ["distribute", "--smtp", "127.0.0.1:9", "--from", SENDER]):
        code, output = cli(brief, *command)
        assert code == 1
        assert "recipients.yaml:2:9: [0].name: a line break (U+000D) cannot go in a mail header" in output
        assert "recipients.yaml:4:16: [0].institution: a line break (U+2028)" in output


def test_a_full_disk_ends_the_run_with_a_clear_message_and_the_next_run_finishes(brief: Path) -> None:
    project = brief.parent.parent
    copies = project / "build" / "andes-water" / "e1" / "copies"
    copies.mkdir(parents=True)
    # the copies folder on a 40 KB file system: the third copy finds the disk full
    command = (
        f"mount -t tmpfs -o size=40k tmpfs {copies} && exec {BRIEFGEN} distribute {brief}"
        f" --out {project / 'build'} --channel outbox -j2"
    )
    full = subprocess.run(
        ["unshare", "--mount", "--map-root-user", "sh", "-c", command],
        cwd=project,
        capture_output=True,
        text=True,
        env=clean_env(),
    )
    assert full.returncode == 1 and "Traceback" not in full.stderr, full.stderr
    assert "No space left on device; the run stopped here" in full.stderr
    assert "run again to finish" in full.stderr
    statuses = Counter(row["status"] for row in ledger_rows(brief).values())
    assert set(statuses) <= {"in-outbox", "prepared", "written"}
    code, _, _ = briefgen(brief, "--channel", "outbox")
    assert code == 0
    assert eml_files(brief / "outbox" / "e1") == Counter(dict.fromkeys(recipient_ids(6), 1))
    assert part_files(project) == []


@pytest.mark.unit
def test_an_edition_number_beyond_what_the_ledger_holds_is_a_clear_error(brief: Path) -> None:
    code, output = cli(brief, "distribute", "--edition", "9223372036854775808", "--channel", "outbox")
    assert code == 1 and "edition 9223372036854775808 is out of range" in output


# --- outbox and sender, as analysts need them -------------------------------------------------


@pytest.mark.unit
def test_outbox_messages_are_drafts_and_written_to_outbox_is_not_sent(brief: Path) -> None:
    report = run(brief, channel="outbox", sender=None)
    assert [d.status for d in report.deliveries] == ["in-outbox"] * 6
    message = email.message_from_bytes((brief / "outbox/e1/r001.eml").read_bytes(), policy=policy.default)
    assert (
        message["X-Unsent"] == "1"
        and message["From"] is None
        and message["To"] == "Official 1 <r001@example.org>"
    )
    code, output = cli(brief, "ledger")
    assert code == 0 and "r001 " in output and " BO  en  no edition  [edition 1 written to outbox]" in output
    code, output = cli(brief, "outdated")
    assert "r001 (BO, en): holds no edition, newest is 1 [edition 1 written to outbox]" in output


@pytest.mark.unit
def test_an_outbox_alone_takes_every_copy_when_no_mail_server_is_given(brief: Path) -> None:
    code, output = cli(brief, "distribute", "--outbox", str(brief.parent.parent / "ob"))
    assert code == 0 and "andes-water edition 1: 6 written to outbox" in output
    assert eml_files(brief.parent.parent / "ob") == Counter(dict.fromkeys(recipient_ids(6), 1))


@pytest.mark.unit
def test_email_needs_a_sender_and_a_server_and_the_dry_run_says_so(brief: Path) -> None:
    code, output = cli(brief, "distribute", "--dry-run")
    assert code == 0
    assert "planned  r001 (BO, en) copy --- by email" in output
    assert "needs a mail server, and none is given (--smtp HOST:PORT or BRIEFGEN_SMTP)" in output
    assert "planned  r003 (PE, en) copy --- by outbox" in output
    code, output = cli(brief, "distribute", "--smtp", "127.0.0.1:9")
    assert (
        code == 1
        and "4 recipient(s) (r001, r002, r004, r005) get email, and no sender address is given" in output
    )
    code, output = cli(brief, "distribute", "--smtp", "127.0.0.1:9", "--from", "x@y\r\nBcc: z@w.org")
    assert code == 2 and "contains a line break or control character" in output
    assert not (brief / "outbox").exists()


@pytest.mark.unit
def test_a_planted_symlink_outbox_is_refused_and_nothing_is_written_through_it(
    brief: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path.parent / f"{tmp_path.name}-elsewhere"
    elsewhere.mkdir()
    (brief / "outbox").symlink_to(elsewhere, target_is_directory=True)
    code, output = cli(brief, "distribute", "--channel", "outbox")
    assert code == 1 and "goes through the symbolic link" in output and "refusing to write" in output
    assert list(elsewhere.iterdir()) == []
    code, output = cli(brief, "distribute", "--channel", "outbox", "--outbox", str(elsewhere))
    assert code == 1 and "lies outside the project folder" in output
    shutil.rmtree(elsewhere)
