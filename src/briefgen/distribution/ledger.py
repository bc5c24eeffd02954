"""The distribution ledger: an SQLite record of every copy, who holds it, and how it went.

It lives beside the sources (`briefs/<brief>/ledger.sqlite`, git-ignored), never under
`build/`: it must outlive any build. Every change is one transaction that takes the write lock
first (`BEGIN IMMEDIATE`), and every commit reaches the disk before the next step
(`synchronous=FULL`), because the ledger is what stops a copy from being sent twice.

A copy is one recipient's numbered copy of one edition (`copies`); it is made of one file per
format (`files`), each recorded with the SHA-256 of the exact bytes sent. A copy moves through

    prepared -> written -> sending -> sent | failed | unknown        (email)
    prepared -> written -> in-outbox                                 (outbox)

"prepared": its number and Message-ID are reserved; "written": its files are in place;
"sending": it is being handed to the mail server; "failed": the server refused it (safe to try
again); "unknown": the connection was lost after the message was handed over, so it may have
arrived: it is not sent again without a decision; "in-outbox": written to the outbox as an
`.eml` file for the analyst's mail client, which is not the same as sent.

The file carries a marker (`PRAGMA application_id`, `user_version`), so a file that is not a
briefgen ledger, or is damaged, is refused with its path instead of being read or overwritten.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from briefgen.errors import LedgerError

APPLICATION_ID = 0x62726C67  # "brlg": a briefgen ledger
SCHEMA_VERSION = 2
"""1: the first ledger (no marker, no language); 2: states sending/unknown/in-outbox, language."""

STATUSES = ("prepared", "written", "sending", "sent", "failed", "unknown", "in-outbox")
DONE = ("sent", "in-outbox")
"""States after which a run leaves the copy alone."""
STATUS_LABELS = {"in-outbox": "written to outbox"}
"""How a status reads in messages, where its token does not read well."""

MAX_INTEGER = 2**63 - 1
"""The largest edition or copy number SQLite stores."""

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS copies (
    brief        TEXT    NOT NULL,
    edition      INTEGER NOT NULL,
    recipient    TEXT    NOT NULL,
    copy_number  INTEGER NOT NULL,
    country      TEXT    NOT NULL,
    language     TEXT    NOT NULL DEFAULT '',
    channel      TEXT    NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ({", ".join(f"'{s}'" for s in STATUSES)})),
    error        TEXT,
    message_id   TEXT,
    delivered_to TEXT,
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

RESTORE = "restore it from a backup (see 'Backing up the ledger' in the README)"


def status_label(status: str) -> str:
    """Return how a copy's status reads: `in-outbox` is "written to outbox"."""
    return STATUS_LABELS.get(status, status)


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
    language: str
    channel: str
    status: str
    error: str | None
    message_id: str | None
    delivered_to: str | None
    prepared_at: str
    sent_at: str | None
    attempts: int
    files: tuple[CopyFile, ...]


@dataclass(frozen=True)
class Reservation:
    """A recipient's place in the ledger for one edition, as `Ledger.reserve_all` returns it."""

    copy_number: int
    message_id: str
    status: str


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _damaged(path: Path, detail: object) -> LedgerError:
    return LedgerError(
        f"{path} is not a briefgen ledger or is damaged ({detail}): {RESTORE}; "
        "or move it away and start a new ledger on purpose with `distribute --new-ledger`"
    )


def check_ledger_path(path: Path) -> bool:
    """Return whether a ledger file exists at `path`; raise LedgerError if what is there is no file."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise LedgerError(f"cannot read the ledger {path}: {exc.strerror}") from None
    if stat.S_ISLNK(info.st_mode):
        raise LedgerError(
            f"{path} is a symbolic link, not a ledger file: refusing to follow it; replace the link "
            "with the ledger file itself, or restore it from a backup (see 'Backing up the ledger' in the README)"
        )
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise LedgerError(f"{path} is {kind}, not a ledger file: {RESTORE}")
    return True


class Ledger:
    """Who holds which edition: read and written in transactions."""

    def __init__(
        self, path: Path, *, create: bool = True, on_commit: Callable[[Ledger], None] | None = None
    ) -> None:
        """Open the ledger at `path` (creating it when `create` and missing), checking what it is.

        `on_commit` is called after each transaction this ledger commits (the distribution
        record follows it: `distribution.record.keeper`), before the next step can begin.
        """
        self.path = path
        self._on_commit: Callable[[Ledger], None] | None = None
        exists = check_ledger_path(path)
        if not exists and not create:
            raise LedgerError(f"there is no ledger at {path}")
        if not exists:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise LedgerError(f"cannot create the ledger {path}: {exc.strerror}") from None
        try:
            self._db = sqlite3.connect(path, isolation_level=None, timeout=10)
        except sqlite3.Error as exc:
            raise _damaged(path, exc) from None
        try:
            self._db.row_factory = sqlite3.Row
            self._setup()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            if _is_busy(exc):
                raise LedgerError(f"the ledger {path} is busy: {exc}; try again in a moment") from None
            raise _damaged(path, exc) from None
        except LedgerError:
            self._db.close()
            raise
        self._on_commit = on_commit

    def _setup(self) -> None:
        db = self._db
        # the first read is where SQLite finds out that a file is not a database at all
        application_id = int(db.execute("PRAGMA application_id").fetchone()[0])
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if application_id not in (0, APPLICATION_ID):
            raise _damaged(self.path, f"application id {application_id:#x} is not briefgen's")
        if application_id == 0 and tables and not {"copies", "files"} <= tables:
            raise _damaged(self.path, f"it holds the tables {', '.join(sorted(tables))}")
        if version > SCHEMA_VERSION:
            raise LedgerError(
                f"{self.path} was written by a newer briefgen (ledger version {version}); "
                "update briefgen to use it"
            )
        check = db.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise _damaged(self.path, check)
        db.execute("PRAGMA journal_mode=WAL")
        # FULL: each commit is on disk before the next message goes, even across a power cut
        db.execute("PRAGMA synchronous=FULL")
        if application_id == APPLICATION_ID and version == SCHEMA_VERSION:
            db.execute("PRAGMA foreign_keys=ON")
            return
        with self.transaction():
            # read again inside the write lock: another process may have set it up meanwhile
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "copies" in tables and version < 2:
                self._upgrade_from_1()
            else:
                _create_tables(db)
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.execute("PRAGMA foreign_keys=ON")

    def _upgrade_from_1(self) -> None:
        """Bring a first-version ledger (no language; outbox copies recorded as sent) up to date."""
        db = self._db
        columns = {row[1] for row in db.execute("PRAGMA table_info(copies)")}
        needed = {"brief", "edition", "recipient", "copy_number", "country", "channel", "status"}
        if not needed <= columns:
            raise _damaged(self.path, "its copies table is not a briefgen ledger's")
        db.execute("ALTER TABLE copies RENAME TO copies_v1")
        db.execute("ALTER TABLE files RENAME TO files_v1")
        _create_tables(db)
        db.execute(
            "INSERT INTO copies (brief, edition, recipient, copy_number, country, language, channel, status,"
            " error, message_id, prepared_at, sent_at, attempts)"
            " SELECT brief, edition, recipient, copy_number, country, '', channel,"
            " CASE WHEN status = 'sent' AND channel = 'outbox' THEN 'in-outbox' ELSE status END,"
            " error, message_id, prepared_at, sent_at, attempts FROM copies_v1"
        )
        db.execute("INSERT INTO files SELECT * FROM files_v1")
        db.execute("DROP TABLE files_v1")
        db.execute("DROP TABLE copies_v1")

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
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        try:
            yield self._db
        except sqlite3.Error as exc:
            self._rollback()
            raise self._error(exc) from None
        except BaseException:
            self._rollback()
            raise
        try:
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise self._error(exc) from None
        if self._on_commit is not None:
            self._on_commit(self)

    def _rollback(self) -> None:
        if self._db.in_transaction:
            # if ROLLBACK fails too, the transaction went with the error: nothing was committed
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")

    def _error(self, exc: sqlite3.Error) -> LedgerError:
        if _is_busy(exc):
            return LedgerError(f"the ledger {self.path} is busy: {exc}; try again in a moment")
        if isinstance(exc, sqlite3.OperationalError):
            return LedgerError(
                f"cannot write the ledger {self.path}: {exc}; nothing of the last step was recorded"
            )
        return _damaged(self.path, exc)

    def _query(self, sql: str, args: tuple[object, ...] | list[object] = ()) -> list[sqlite3.Row]:
        try:
            return list(self._db.execute(sql, args).fetchall())
        except sqlite3.Error as exc:
            raise self._error(exc) from None

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
        for row in self._query(query + " ORDER BY edition, copy_number", args):
            files = self._query(
                "SELECT format, path, sha256, size FROM files WHERE brief = ? AND edition = ? AND recipient = ?"
                " ORDER BY format",
                (row["brief"], row["edition"], row["recipient"]),
            )
            records.append(CopyRecord(**dict(row), files=tuple(CopyFile(**dict(f)) for f in files)))
        return records

    def copy(self, brief: str, edition: int, recipient: str) -> CopyRecord | None:
        """Return one recipient's copy of one edition, if recorded."""
        found = self.copies(brief, edition=edition, recipient=recipient)
        return found[0] if found else None

    def states(self, brief: str) -> list[tuple[int, str, int, str, str]]:
        """Return where each copy of `brief` stands: (edition, recipient, copy number, status, Message-ID)."""
        rows = self._query(
            "SELECT edition, recipient, copy_number, status, message_id FROM copies WHERE brief = ?"
            " ORDER BY edition, copy_number",
            (brief,),
        )
        return [(int(r[0]), str(r[1]), int(r[2]), str(r[3]), str(r[4] or "")) for r in rows]

    def has_copies(self, brief: str) -> bool:
        """Return whether the ledger records any copy of `brief`."""
        return bool(self._query("SELECT 1 FROM copies WHERE brief = ? LIMIT 1", (brief,)))

    def reserve_all(
        self, brief: str, edition: int, recipients: list[tuple[str, str, str, str, str]]
    ) -> dict[str, Reservation]:
        """Return each recipient's copy number and Message-ID, assigning the next free ones in one transaction.

        `recipients` holds (recipient id, country, language, channel, Message-ID domain); a
        recipient who already has a number for this edition keeps it, and its Message-ID.
        """
        from briefgen.distribution.message import message_id

        reserved: dict[str, Reservation] = {}
        with self.transaction() as db:
            row = db.execute(
                "SELECT MAX(copy_number) FROM copies WHERE brief = ? AND edition = ?", (brief, edition)
            ).fetchone()
            last = int(row[0] or 0)
            for recipient, country, language, channel, domain in recipients:
                found = db.execute(
                    "SELECT copy_number, message_id, status FROM copies"
                    " WHERE brief = ? AND edition = ? AND recipient = ?",
                    (brief, edition, recipient),
                ).fetchone()
                if found is not None:
                    number = int(found[0])
                    mid = found[1] or message_id(brief, edition, recipient, number, domain)
                    db.execute(
                        "UPDATE copies SET message_id = ?, language = ? WHERE brief = ? AND edition = ?"
                        " AND recipient = ?",
                        (mid, language, brief, edition, recipient),
                    )
                    reserved[recipient] = Reservation(number, mid, str(found[2]))
                    continue
                last += 1
                mid = message_id(brief, edition, recipient, last, domain)
                db.execute(
                    "INSERT INTO copies (brief, edition, recipient, copy_number, country, language, channel,"
                    " status, message_id, prepared_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'prepared', ?, ?)",
                    (brief, edition, recipient, last, country, language, channel, mid, _now()),
                )
                reserved[recipient] = Reservation(last, mid, "prepared")
        return reserved

    def record_written(
        self, brief: str, edition: int, copies: list[tuple[str, tuple[CopyFile, ...]]]
    ) -> None:
        """Record the files written for copies not yet delivered (replacing an earlier preparation)."""
        with self.transaction() as db:
            for recipient, files in copies:
                for f in files:
                    db.execute(
                        "INSERT INTO files (brief, edition, recipient, format, path, sha256, size)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (brief, edition, recipient, format)"
                        " DO UPDATE SET path = excluded.path, sha256 = excluded.sha256, size = excluded.size",
                        (brief, edition, recipient, f.format, f.path, f.sha256, f.size),
                    )
                db.execute(
                    "UPDATE copies SET status = 'written' WHERE brief = ? AND edition = ? AND recipient = ?"
                    " AND status IN ('prepared', 'written', 'failed', 'unknown')",
                    (brief, edition, recipient),
                )

    def _set(self, sql: str, args: tuple[object, ...]) -> None:
        with self.transaction() as db:
            db.execute(sql, args)

    def record_sending(self, brief: str, edition: int, recipient: str, channel: str, to: str | None) -> None:
        """Mark the copy as being handed over: if the run dies now, the next one calls it unknown."""
        self._set(
            "UPDATE copies SET status = 'sending', channel = ?, delivered_to = ?, attempts = attempts + 1"
            " WHERE brief = ? AND edition = ? AND recipient = ?",
            (channel, to, brief, edition, recipient),
        )

    def record_sent(self, brief: str, edition: int, recipient: str, channel: str) -> None:
        """Mark the copy as sent: the mail server confirmed it (or the analyst did)."""
        self._set(
            "UPDATE copies SET status = 'sent', channel = ?, error = NULL, sent_at = ?"
            " WHERE brief = ? AND edition = ? AND recipient = ? AND status != 'sent'",  # first sent time kept
            (channel, _now(), brief, edition, recipient),
        )

    def record_in_outbox(self, brief: str, edition: int, recipient: str, path: Path) -> None:
        """Mark the copy as written to the outbox, at `path`: waiting for the analyst to send it."""
        self._set(
            "UPDATE copies SET status = 'in-outbox', channel = 'outbox', delivered_to = ?, error = NULL,"
            " sent_at = ?, attempts = attempts + 1 WHERE brief = ? AND edition = ? AND recipient = ?",
            (str(path), _now(), brief, edition, recipient),
        )

    def record_failed(self, brief: str, edition: int, recipient: str, error: str) -> None:
        """Mark the copy as failed (nothing went), with the error; a later run tries it again."""
        self._set(
            "UPDATE copies SET status = 'failed', error = ?"
            " WHERE brief = ? AND edition = ? AND recipient = ? AND status NOT IN ('sent', 'in-outbox')",
            (error, brief, edition, recipient),
        )

    def record_unknown(self, brief: str, edition: int, recipient: str, error: str) -> None:
        """Mark the copy as unknown: it may have gone; it waits for a decision."""
        self._set(
            "UPDATE copies SET status = 'unknown', error = ?"
            " WHERE brief = ? AND edition = ? AND recipient = ? AND status NOT IN ('sent', 'in-outbox')",
            (error, brief, edition, recipient),
        )

    def settle_interrupted(self, brief: str) -> list[CopyRecord]:
        """Turn the copies a stopped run left "sending" into "unknown", and return them."""
        stuck = [c for c in self.copies(brief) if c.status == "sending"]
        with self.transaction() as db:
            for c in stuck:
                db.execute(
                    "UPDATE copies SET status = 'unknown', error = ? WHERE brief = ? AND edition = ?"
                    " AND recipient = ? AND status = 'sending'",
                    (
                        "an earlier run stopped while handing this message to the mail server",
                        brief,
                        c.edition,
                        c.recipient,
                    ),
                )
        return stuck

    def is_sent(self, brief: str, edition: int, recipient: str) -> bool:
        """Return whether this recipient's copy of this edition has been sent."""
        rows = self._query(
            "SELECT status FROM copies WHERE brief = ? AND edition = ? AND recipient = ?",
            (brief, edition, recipient),
        )
        return bool(rows) and rows[0][0] == "sent"

    def held_edition(self, brief: str, recipient: str) -> int | None:
        """Return the newest edition the recipient has been sent, if any."""
        rows = self._query(
            "SELECT MAX(edition) FROM copies WHERE brief = ? AND recipient = ? AND status = 'sent'",
            (brief, recipient),
        )
        return int(rows[0][0]) if rows and rows[0][0] is not None else None


def _create_tables(db: sqlite3.Connection) -> None:
    # statement by statement: executescript() would commit the open transaction first
    for statement in SCHEMA.split(";"):
        if statement.strip():
            db.execute(statement)


def _is_busy(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc)


def open_existing(path: Path) -> Ledger | None:
    """Return the ledger at `path` for reading, or None when there is none (nothing is created)."""
    return Ledger(path, create=False) if check_ledger_path(path) else None
