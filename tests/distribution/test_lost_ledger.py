"""A lost ledger is noticed however and wherever `distribute` runs: the distribution record beside
the brief (`distribution.json`, kept by git) survives losing `ledger.sqlite` and `build/`, and a
run that would send a copy the record lists stops until `--new-ledger` is given.

Real `briefgen` processes and a real mail server on loopback (aiosmtpd), counting the messages
that arrive for each official.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from briefgen.editions.release import release
from conftest import FIXTURES
from hardening import BRIEFGEN
from smtp_server import SmtpServer

SENDER = "analyst@ministry-watch.example.org"
OFFICIALS = ("r1", "r2", "r3")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project whose andes-water brief has three officials, each by email, edition 1 released."""
    shutil.copytree(FIXTURES / "briefs", tmp_path / "briefs")
    brief = tmp_path / "briefs" / "andes-water"
    (brief / "recipients.yaml").write_text(
        "".join(
            f"- {{id: {rid}, name: Official {i}, title: Adviser, institution: Ministry of Water,"
            f" country: {country}, language: en, email: {rid}@example.org, formats: [html]}}\n"
            for i, (rid, country) in enumerate(zip(OFFICIALS, ("PE", "BO", "CL"), strict=True), 1)
        ),
        encoding="utf-8",
    )
    release(brief)
    return tmp_path


def distribute(cwd: Path, brief: str, server: SmtpServer, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `briefgen distribute BRIEF` by email from `cwd`, as an analyst would type it there."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFGEN_")}
    result = subprocess.run(
        [BRIEFGEN, "distribute", brief, "--smtp", server.address, "--from", SENDER, "-j1", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def lose_ledger_and_build(project: Path) -> None:
    brief = project / "briefs" / "andes-water"
    for path in brief.glob("ledger.sqlite*"):
        path.unlink()
    for build in (project / "build", project / "briefs" / "build"):
        shutil.rmtree(build, ignore_errors=True)


@pytest.mark.slow
@pytest.mark.parametrize("where", ["the project folder", "inside briefs/"])
def test_losing_the_ledger_and_build_sends_nothing_again_without_new_ledger(
    project: Path, where: str
) -> None:
    with SmtpServer() as server:
        first = distribute(project, "briefs/andes-water", server)
        assert first.returncode == 0, first.stderr
        assert server.per_recipient() == Counter(dict.fromkeys(OFFICIALS, 1))

        lose_ledger_and_build(project)
        cwd, brief = (
            (project, "briefs/andes-water")
            if where == "the project folder"
            else (project / "briefs", "andes-water")
        )
        again = distribute(cwd, brief, server)
        assert again.returncode == 1
        assert "ledger.sqlite is missing, but copies of andes-water were already made" in again.stderr
        assert "distribution.json lists 3 copies (r1 (edition 1, copy 001, sent)" in again.stderr
        assert "--new-ledger" in again.stderr
        assert len(server.messages) == 3  # not one more message

        started_over = distribute(cwd, brief, server, "--new-ledger")
        assert started_over.returncode == 0, started_over.stderr
        assert server.per_recipient() == Counter(dict.fromkeys(OFFICIALS, 2))  # asked for, on purpose


@pytest.mark.slow
def test_an_older_ledger_put_back_does_not_send_the_copies_made_since(project: Path) -> None:
    brief = project / "briefs" / "andes-water"
    with SmtpServer() as server:
        assert distribute(project, "briefs/andes-water", server, "--recipient", "r1").returncode == 0
        backup = project / "ledger-backup.sqlite"
        shutil.copy(brief / "ledger.sqlite", backup)
        assert distribute(project, "briefs/andes-water", server).returncode == 0
        assert server.per_recipient() == Counter(dict.fromkeys(OFFICIALS, 1))

        shutil.copy(backup, brief / "ledger.sqlite")  # the backup of before r2 and r3 got theirs
        again = distribute(project, "briefs/andes-water", server)
        assert again.returncode == 1
        assert "ledger.sqlite is behind: it lacks 2 copies of andes-water" in again.stderr
        assert "r2 (edition 1, copy 002, sent), r3 (edition 1, copy 003, sent)" in again.stderr
        assert len(server.messages) == 3


@pytest.mark.slow
def test_the_record_lists_each_copy_and_where_it_stands_without_addresses(project: Path) -> None:
    brief = project / "briefs" / "andes-water"
    with SmtpServer() as server:
        assert distribute(project, "briefs/andes-water", server).returncode == 0
        sent_ids = sorted(server.message_ids())
    text = (brief / "distribution.json").read_text(encoding="utf-8")
    record = json.loads(text)
    assert record["brief"] == "andes-water"
    assert [(c["edition"], c["recipient"], c["copy"], c["status"]) for c in record["copies"]] == [
        (1, "r1", 1, "sent"),
        (1, "r2", 2, "sent"),
        (1, "r3", 3, "sent"),
    ]
    assert sorted(c["message_id"] for c in record["copies"]) == sent_ids
    assert "@example.org" not in text  # the officials' addresses stay in recipients.yaml


@pytest.mark.slow
def test_a_damaged_record_stops_the_run_with_its_path(project: Path) -> None:
    brief = project / "briefs" / "andes-water"
    with SmtpServer() as server:
        assert distribute(project, "briefs/andes-water", server, "--recipient", "r1").returncode == 0
        (brief / "distribution.json").write_text("{ not json", encoding="utf-8")
        again = distribute(project, "briefs/andes-water", server)
        assert again.returncode == 1
        assert f"the distribution record {brief / 'distribution.json'} is damaged" in again.stderr
        assert len(server.messages) == 1


@pytest.mark.unit
def test_a_record_half_written_by_a_killed_run_is_removed_by_the_next(tmp_path: Path) -> None:
    from briefgen.distribution import record

    brief = tmp_path / "briefs" / "andes-water"
    brief.mkdir(parents=True)
    stale = brief / ".distribution.json.k1ll3d.part"
    stale.write_text('{"version": 1, "cop', encoding="utf-8")
    keep = record.keeper(brief, "andes-water")  # what a run holding the lock makes first
    assert not stale.exists()

    class Held:
        def states(self, brief_id: str) -> list[tuple[int, str, int, str, str]]:
            return [(1, "r1", 1, "sending", "<m@x>")]

    keep(Held())
    assert record.read_record(brief) == [(1, "r1", 1, "sending", "<m@x>")]
    assert [p.name for p in brief.iterdir()] == ["distribution.json"]
