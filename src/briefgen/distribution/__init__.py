"""Distribution: numbered copies for each official, delivered by email or outbox, in a ledger.

`distribute(request)` is the workflow: choose the recipients (`select`), make sure the country
briefs of the edition are built, stamp one copy per recipient (`copies`), deliver it by its
channel (`channels`), and record every step in the ledger (`ledger`), so that running it again
sends nothing already sent and a run cut short is finished by the next (`run`).
"""

from __future__ import annotations

from collections.abc import Callable

from briefgen.distribution.report import Delivery, DistributionReport
from briefgen.distribution.request import DistributionRequest
from briefgen.distribution.select import LEDGER_FILE, default_ledger


def distribute(
    request: DistributionRequest, progress: Callable[[Delivery], None] | None = None
) -> DistributionReport:
    """Prepare, deliver and record each recipient's copy of one released edition, exactly once.

    One run at a time holds the brief's ledger (a second one waits `request.wait` seconds, then
    stops with "another distribution … is running"). A dry run reads the ledger and changes
    nothing.
    """
    import briefgen.distribution.record as distribution_record
    from briefgen.distribution.ledger import Ledger, open_existing
    from briefgen.distribution.lock import distribution_lock
    from briefgen.distribution.run import refuse_a_lost_ledger, run
    from briefgen.distribution.select import dry_run, plan
    from briefgen.errors import LedgerError

    chosen = plan(request)
    if request.dry_run:
        reader = open_existing(chosen.ledger)
        try:
            report = dry_run(chosen, request, reader)
        finally:
            if reader is not None:
                reader.close()
        try:
            refuse_a_lost_ledger(chosen, request)
        except LedgerError as exc:
            report.notes.append(f"a real run would stop here: {exc}")
        return report
    with distribution_lock(chosen.ledger, wait=request.wait):
        refuse_a_lost_ledger(chosen, request)
        # every step the ledger commits is written to the record beside the brief, which git keeps
        keeper = distribution_record.keeper(request.folder, chosen.brief_id)
        with Ledger(chosen.ledger, on_commit=keeper) as ledger:
            return run(chosen, request, ledger, progress)


__all__ = [
    "LEDGER_FILE",
    "Delivery",
    "DistributionReport",
    "DistributionRequest",
    "default_ledger",
    "distribute",
]
