"""The distribution ledger: an SQLite record of every copy, who holds it, and how it went.

It lives beside the sources (`briefs/<brief>/ledger.sqlite`, git-ignored), never under
`build/`: it must outlive any build. Every change is one transaction.

A copy is one recipient's numbered copy of one edition (`copies`); it is made of one file per
format (`files`), each recorded with the SHA-256 of the exact bytes sent.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS copies (
    brief        TEXT    NOT NULL,
    edition      INTEGER NOT NULL,
    recipient    TEXT    NOT NULL,
    copy_number  INTEGER NOT NULL,
    country      TEXT    NOT NULL,
    channel      TEXT    NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('prepared', 'sent', 'failed')),
    error        TEXT,
    message_id   TEXT,
    prepared_at  TEXT    NOT NULL,
    sent_at      TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (brief, edition, recipient),
    UNIQUE (brief, edition, copy_number)
);
CREATE TABLE IF NOT EXISTS files (
    brief      TEXT    NOT NULL,
    edition    INTEGER NOT NULL,
    recipient  TEXT    NOT NULL,
    format     TEXT    NOT NULL,
    path       TEXT    NOT NULL,
    sha256     TEXT    NOT NULL,
    size       INTEGER NOT NULL,
    PRIMARY KEY (brief, edition, recipient, format),
    FOREIGN KEY (brief, edition, recipient) REFERENCES copies (brief, edition, recipient)
);
"""


@dataclass(frozen=True)
class CopyFile:
    """One format of a copy, as prepared (and, once sent, as sent)."""

    format: str
    path: str
    sha256: str
    size: int


@dataclass(frozen=True)
class CopyRecord:
    """One recipient's numbered copy of one edition."""

    brief: str
    edition: int
    recipient: str
    copy_number: int
    country: str
    channel: str
    status: str
    error: str | None
    message_id: str | None
    prepared_at: str
    sent_at: str | None
    attempts: int
    files: tuple[CopyFile, ...]


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


class Ledger:
    """Who holds which edition: read and written in transactions."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None, timeout=30)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        # WAL + NORMAL: a commit survives the process being killed at any moment; only a power
        # cut can lose the last commits, and then the next run sends those copies again
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run the block as one transaction: all of it is recorded, or none."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def copies(
        self, brief: str, *, edition: int | None = None, recipient: str | None = None
    ) -> list[CopyRecord]:
        """Return the recorded copies, by edition and copy number."""
        query = "SELECT * FROM copies WHERE brief = ?"
        args: list[object] = [brief]
        if edition is not None:
            query += " AND edition = ?"
            args.append(edition)
        if recipient is not None:
            query += " AND recipient = ?"
            args.append(recipient)
        records = []
        for row in self._db.execute(query + " ORDER BY edition, copy_number", args).fetchall():
            files = self._db.execute(
                "SELECT format, path, sha256, size FROM files WHERE brief = ? AND edition = ? AND recipient = ?"
                " ORDER BY format",
                (row["brief"], row["edition"], row["recipient"]),
            ).fetchall()
            records.append(CopyRecord(**dict(row), files=tuple(CopyFile(**dict(f)) for f in files)))
        return records

    def copy(self, brief: str, edition: int, recipient: str) -> CopyRecord | None:
        """Return one recipient's copy of one edition, if recorded."""
        found = self.copies(brief, edition=edition, recipient=recipient)
        return found[0] if found else None

    def reserve_all(self, brief: str, edition: int, recipients: list[tuple[str, str, str]]) -> dict[str, int]:
        """Return each recipient's copy number, assigning the next free ones in one transaction.

        `recipients` holds (recipient id, country, channel); a recipient who already has a number
        for this edition keeps it.
        """
        numbers: dict[str, int] = {}
        with self.transaction() as db:
            row = db.execute(
                "SELECT MAX(copy_number) FROM copies WHERE brief = ? AND edition = ?", (brief, edition)
            ).fetchone()
            last = int(row[0] or 0)
            for recipient, country, channel in recipients:
                found = db.execute(
                    "SELECT copy_number FROM copies WHERE brief = ? AND edition = ? AND recipient = ?",
                    (brief, edition, recipient),
                ).fetchone()
                if found is not None:
                    numbers[recipient] = int(found[0])
                    continue
                last += 1
                db.execute(
                    "INSERT INTO copies (brief, edition, recipient, copy_number, country, channel, status, prepared_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, 'prepared', ?)",
                    (brief, edition, recipient, last, country, channel, _now()),
                )
                numbers[recipient] = last
        return numbers

    def record_files(self, brief: str, edition: int, copies: list[tuple[str, tuple[CopyFile, ...]]]) -> None:
        """Record the files prepared for copies (replacing an earlier preparation not yet sent)."""
        with self.transaction() as db:
            for recipient, files in copies:
                for f in files:
                    db.execute(
                        "INSERT INTO files (brief, edition, recipient, format, path, sha256, size)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (brief, edition, recipient, format)"
                        " DO UPDATE SET path = excluded.path, sha256 = excluded.sha256, size = excluded.size",
                        (brief, edition, recipient, f.format, f.path, f.sha256, f.size),
                    )

    def record_sent(self, brief: str, edition: int, recipient: str, channel: str, message_id: str) -> None:
        """Mark the copy as sent (or written to the outbox) through `channel`."""
        with self.transaction() as db:
            db.execute(
                "UPDATE copies SET status = 'sent', channel = ?, error = NULL, message_id = ?, sent_at = ?,"
                " attempts = attempts + 1 WHERE brief = ? AND edition = ? AND recipient = ?",
                (channel, message_id, _now(), brief, edition, recipient),
            )

    def record_failed(self, brief: str, edition: int, recipient: str, error: str) -> None:
        """Mark the copy as failed, with the error; a later run tries it again."""
        with self.transaction() as db:
            db.execute(
                "UPDATE copies SET status = 'failed', error = ?, attempts = attempts + 1"
                " WHERE brief = ? AND edition = ? AND recipient = ? AND status != 'sent'",
                (error, brief, edition, recipient),
            )

    def is_sent(self, brief: str, edition: int, recipient: str) -> bool:
        """Return whether this recipient's copy of this edition has been sent."""
        row = self._db.execute(
            "SELECT status FROM copies WHERE brief = ? AND edition = ? AND recipient = ?",
            (brief, edition, recipient),
        ).fetchone()
        return row is not None and row[0] == "sent"

    def held_edition(self, brief: str, recipient: str) -> int | None:
        """Return the newest edition the recipient has been sent, if any."""
        row = self._db.execute(
            "SELECT MAX(edition) FROM copies WHERE brief = ? AND recipient = ? AND status = 'sent'",
            (brief, recipient),
        ).fetchone()
        return int(row[0]) if row and row[0] is not None else None
