"""The distribution record: which copies of a brief went out, in a small file git keeps.

The ledger (`ledger.sqlite`) is the full account of every copy, but it is a database beside the
sources that git ignores: it can be deleted, lost with a laptop, or replaced by an older backup,
and with it goes the knowledge that stops a copy from being sent twice. So every step the ledger
commits is also written, atomically, to `briefs/<brief>/distribution.json`: one line per copy
(edition, recipient, copy number, where it stands, Message-ID), nothing about the officials
beyond their ids. Commit it with the sources; it is small and changes only when copies move.

Before a run touches the ledger, the record is compared with it (`check_ledger`): a copy the
record lists that the ledger does not hold, or holds at an earlier step (prepared while the
record says sent), means the ledger was lost or is an older one, and the run stops, wherever it
is started from, whatever became of `build/` and the outbox; `--new-ledger` starts again on
purpose, and the record then follows the new ledger.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import briefgen.reading as reading
from briefgen.atomic import write_text_atomic
from briefgen.errors import LedgerError
from briefgen.sources.layout import project_folder

RECORD_FILE = "distribution.json"
_VERSION = 1
_GONE_OUT = ("sending", "sent", "unknown", "in-outbox")
"""Steps at which a copy may have reached its recipient."""
_NOT_YET = ("prepared", "written")
"""Steps at which a run sends the copy (again)."""

Row = tuple[int, str, int, str, str]
"""(edition, recipient, copy number, status, Message-ID): one copy as the record keeps it."""


def record_path(folder: Path) -> Path:
    """Return where the record of the brief in `folder` is kept: beside its sources."""
    return folder / RECORD_FILE


def read_record(folder: Path) -> list[Row]:
    """Return the copies the record lists (none when there is no record); LedgerError if it is unreadable."""
    path = record_path(folder)
    try:
        data = json.loads(reading.read_text(path, reading.RECORD, within=project_folder(folder)))
        return [
            (int(c["edition"]), str(c["recipient"]), int(c["copy"]), str(c["status"]), str(c["message_id"]))
            for c in data["copies"]
        ]
    except reading.UnreadableFile as exc:
        if exc.missing:
            return []
        raise LedgerError(f"the distribution record {path} {exc.reason}") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise LedgerError(
            f"the distribution record {path} is damaged ({type(exc).__name__}: {exc}); restore it with "
            f"git (`git checkout -- {path}`), or start a new ledger on purpose with --new-ledger"
        ) from None


def write_record(folder: Path, brief_id: str, rows: Iterable[Row], *, written: str | None = None) -> str:
    """Write the record of `brief_id`'s copies atomically; return its text.

    Content equal to `written` (what this run wrote last), or to the file, is not written again.
    """
    path = record_path(folder)
    about = (
        "Written by `briefgen distribute` at each step: the copies that went out. Keep it under "
        "version control beside the sources: if the ledger is lost, it stops a second copy."
    )
    copies = [_line(row) for row in sorted(rows)]
    # one line per copy, so that git shows a copy's move as one changed line
    listed = "".join(f"\n  {line}," for line in copies).rstrip(",") + ("\n " if copies else "")
    text = (
        "{\n"
        f' "version": {_VERSION},\n'
        f' "brief": {json.dumps(brief_id)},\n'
        f' "about": {json.dumps(about)},\n'
        f' "copies": [{listed}]\n'
        "}\n"
    )
    if text == written:
        return text
    if written is None:
        try:
            if reading.read_text(path, reading.RECORD, within=project_folder(folder)) == text:
                return text
        except reading.UnreadableFile:
            pass
    write_text_atomic(path, text)
    return text


@lru_cache(maxsize=1 << 16)
def _line(row: Row) -> str:
    """Return one copy's line of the record. The record is written whole after every step of
    every copy, so a run of N copies writes N lines N times: each line is made once."""
    edition, recipient, number, status, message_id = row
    return json.dumps(
        {
            "edition": edition,
            "recipient": recipient,
            "copy": number,
            "status": status,
            "message_id": message_id,
        },
        ensure_ascii=False,
    )


def keeper(folder: Path, brief_id: str) -> Callable[[Any], None]:
    """Return what the ledger calls after each commit: write the brief's copies into the record.

    Made by a run that holds the distribution lock, which first removes the temporary file a
    run killed while writing the record left (`.distribution.json.*.part`): no other run writes it.
    """
    for stale in folder.glob(f".{RECORD_FILE}.*.part"):
        stale.unlink(missing_ok=True)

    last: list[str | None] = [None]

    def keep(ledger: Any) -> None:
        last[0] = write_record(folder, brief_id, ledger.states(brief_id), written=last[0])

    return keep


def check_ledger(folder: Path, brief_id: str, ledger_file: Path, held: Iterable[Row]) -> None:
    """Raise LedgerError when the ledger (holding `held`) lacks copies the record says were made."""
    recorded = read_record(folder)
    if not recorded:
        return
    now = {(e, r): s for e, r, _, s, _ in held}
    behind = [
        (e, r, n, s)
        for e, r, n, s, _ in recorded
        if (e, r) not in now or (s in _GONE_OUT and now[(e, r)] in _NOT_YET)
    ]
    if not behind:
        return
    listed = [row for row in behind if row[3] in _GONE_OUT] or behind
    shown = ", ".join(f"{r} (edition {e}, copy {n:03d}, {s})" for e, r, n, s in listed[:3])
    more = f" and {len(listed) - 3} more" if len(listed) > 3 else ""
    count = f"{len(behind)} cop{'y' if len(behind) == 1 else 'ies'}"
    if not ledger_file.exists():
        state = f"is missing, but copies of {brief_id} were already made"
    elif not now:
        state = f"is empty, but copies of {brief_id} were already made"
    else:
        state = f"is behind: it lacks {count} of {brief_id}, or has them at an earlier step"
    raise LedgerError(
        f"the ledger {ledger_file} {state}: the distribution record {record_path(folder)} lists {count} "
        f"({shown}{more}). The ledger was lost, or is an older copy, and going on would send them again. "
        "Restore the ledger from a backup (see 'Backing up the ledger' in the README); or, to start a new "
        "ledger on purpose, knowing every recipient will get a new copy, run again with --new-ledger"
    )
