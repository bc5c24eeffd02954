"""The follow-up files, `briefs/<brief>/tracking/<CODE>.yaml`: read, checked against the rest of
the brief, and kept in a cache so that a large record is parsed once.

Every file is read through the one safe reader and validated like any source. A file whose
bytes have been read and validated before is not parsed again: its validated assessments are
kept in the user's cache folder (`$BRIEFGEN_CACHE_DIR`, else `$XDG_CACHE_HOME/briefgen`, else
`~/.cache/briefgen`), named by the SHA-256 of the file's bytes and of the code that reads
them, as Sphinx keeps parsed sources between builds. Parsing 25,000 assessments with
positions takes about 8 s; reading them back from the cache a fraction of a second. The line
and column of a field are only worked out when a problem or a translator's reference needs
them (`DeferredPositions`), from the same bytes. A file with any problem is never cached.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter, ValidationError

from briefgen.errors import Problem
from briefgen.models import Assessment, Tracking
from briefgen.sources.diagnostics import did_you_mean, validate_document
from briefgen.sources.yamlsource import Loc, Positions, parse_source, read_source_bytes

if TYPE_CHECKING:
    from briefgen.sources.aggregate import LoadedBrief

TRACKING_DIR = "tracking"
CACHE_FORMAT = 1
_CODE = re.compile(r"^[A-Z]{2}$")


class DeferredPositions(Positions):
    """The positions of a file read from the cache: parsed from its bytes when first asked for."""

    def __init__(self, path: Path, raw: bytes) -> None:
        super().__init__(path)
        self._raw: bytes | None = raw

    def _parse(self) -> None:
        if self._raw is None:
            return
        raw, self._raw = self._raw, None
        document, _ = parse_source(raw, self.path)
        if document is not None:
            self.values, self.keys, self.block = (
                document.positions.values,
                document.positions.keys,
                document.positions.block,
            )

    def locate(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        """Return the position of `loc` (parsing the file the first time)."""
        self._parse()
        return super().locate(loc, key=key)

    def locate_in_text(self, loc: Loc, offset: int, text: str) -> tuple[int, int]:
        """Return the position of a character of the text at `loc` (parsing the file the first time)."""
        self._parse()
        return super().locate_in_text(loc, offset, text)


def tracking_files(root: Path) -> list[Path]:
    """Return the brief's tracking files, by name."""
    folder = root / TRACKING_DIR
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


def read_tracking(
    root: Path,
    countries: Iterable[str],
    project: Path,
    problems: list[Problem],
    positions: dict[Path, Positions],
    files: dict[str, Path],
) -> dict[str, tuple[Assessment, ...]]:
    """Read every `tracking/<CODE>.yaml` of the brief in `root`; return each country's assessments.

    The assessments keep the file's order (a problem's place is its index there). A file not
    named after one of the brief's `countries` is a problem and is not read.
    """
    from briefgen.sources.loading import unread_files

    found: dict[str, tuple[Assessment, ...]] = {}
    paths = tracking_files(root)
    problems.extend(unread_files(root / TRACKING_DIR, paths))
    known = list(countries)
    for path in paths:
        code = path.stem
        if not _CODE.match(code) or code not in known:
            more = did_you_mean(code.upper(), known)
            message = (
                f"a tracking file is named by the code of one of the brief's countries "
                f"({', '.join(known)}), like KZ.yaml; '{path.name}' is not{more}"
            )
            problems.append(Problem(path, 1, 1, "", message))
            continue
        assessments = _read_one(path, project, problems, positions)
        if assessments is not None:
            files[f"track:{code}"] = path
            found[code] = tuple(assessments)
    return found


def _read_one(
    path: Path, project: Path, problems: list[Problem], positions: dict[Path, Positions]
) -> list[Assessment] | None:
    raw, refusal = read_source_bytes(path, within=project)
    if raw is None:
        problems.append(Problem(path, 1, 1, "", refusal))
        return None
    key = _cache_key(raw)
    cached = _from_cache(key)
    if cached is not None:
        positions[path] = DeferredPositions(path, raw)
        return cached
    document, found = parse_source(raw, path)
    problems.extend(found)
    if document is None:
        return None
    positions[path] = document.positions
    before = len(problems)
    if isinstance(document.data, list) and not document.data:
        return []
    parsed = validate_document(document, Tracking, problems, known=found)
    if parsed is None:
        return None
    if not found and len(problems) == before:
        _to_cache(key, parsed.root)
    return parsed.root


# --- the cache ------------------------------------------------------------------------------


def cache_folder() -> Path:
    """Return the folder of briefgen's cache (it need not exist)."""
    named = os.environ.get("BRIEFGEN_CACHE_DIR")
    if named:
        return Path(named)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "briefgen"


@cache
def _code_fingerprint() -> bytes:
    """Return a digest of the code that reads and validates a tracking file: a change to it
    makes every cached file stale."""
    from briefgen import __version__
    from briefgen.models import common, tracking
    from briefgen.sources import yamlsource

    digest = hashlib.sha256(f"{CACHE_FORMAT}:{__version__}".encode())
    for module in (tracking, common, yamlsource):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.digest()


def _cache_key(raw: bytes) -> str:
    return hashlib.sha256(_code_fingerprint() + raw).hexdigest()


def _cache_path(key: str) -> Path:
    return cache_folder() / "tracking" / key[:2] / f"{key}.json"


_ADAPTER = TypeAdapter(list[Assessment])


def _from_cache(key: str) -> list[Assessment] | None:
    """Return the assessments cached under `key`, validated again (a cache is never trusted)."""
    try:
        data = _cache_path(key).read_bytes()
    except OSError:
        return None
    try:
        return _ADAPTER.validate_json(data)
    except (ValidationError, ValueError):
        return None


def _to_cache(key: str, assessments: list[Assessment]) -> None:
    """Keep validated assessments for next time; a cache that cannot be written is no error."""
    from briefgen.atomic import write_bytes_atomic

    path = _cache_path(key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(path, _ADAPTER.dump_json(assessments, by_alias=True))
    except OSError:
        pass


# --- cross-file rules -------------------------------------------------------------------------


def step_count(loaded: LoadedBrief, recommendation: str) -> int | None:
    """Return how many steps a recommendation has (None when the brief has no such recommendation)."""
    for rec in loaded.recommendations:
        if rec.id == recommendation:
            return len(rec.action.steps)
    return None


def check_tracking(
    loaded: LoadedBrief, is_known: Callable[[str], bool], *, today: dt.date | None = None
) -> tuple[list[Problem], set[str]]:
    """Return the problems of the tracking files read with the rest of the brief, and the
    works they cite.

    Errors: an unknown recommendation, step, institution or source; a date in the future or
    after the brief's date; two assessments of the same thing on the same day; a status test
    in a condition that names an unknown recommendation, or none outside a recommendation.
    Warning: a recommendation that does not apply to that country, with the reason `explain`
    gives.
    """
    problems: list[Problem] = []
    cited: set[str] = set()
    today = today or dt.date.today()
    brief = loaded.brief
    recs = {r.id: r for r in loaded.recommendations}
    sources = {**loaded.shared_sources, **loaded.sources}
    bibliography = loaded.files["sources"].name if "sources" in loaded.files else "sources.yaml"
    for code, assessments in loaded.tracking.items():
        part = f"track:{code}"
        profile = loaded.countries.get(code)
        seen: dict[tuple[str, str, dt.date], int] = {}
        for i, item in enumerate(assessments):
            rec = recs.get(item.recommendation)
            if rec is None:
                more = did_you_mean(item.recommendation, recs)
                message = f"no recommendation '{item.recommendation}' in this brief{more}"
                problems.append(loaded.problem(part, (i, "recommendation"), message))
            elif item.step is not None:
                steps = len(rec.action.steps)
                if isinstance(item.step, str):
                    message = (
                        f"the steps of '{rec.id}' have no ids; name the step by its number (1 to {steps})"
                        if steps
                        else f"'{rec.id}' has no steps; leave `step` out to assess it as a whole"
                    )
                    problems.append(loaded.problem(part, (i, "step"), message))
                elif item.step > steps:
                    message = f"'{rec.id}' has {steps} step{'s' if steps != 1 else ''}; there is no step {item.step}"
                    problems.append(loaded.problem(part, (i, "step"), message))
            if item.date > today:
                message = f"{item.date.isoformat()} is in the future (today is {today.isoformat()})"
                problems.append(loaded.problem(part, (i, "date"), message))
            elif item.date > brief.date:
                message = (
                    f"{item.date.isoformat()} is after the brief's date ({brief.date.isoformat()}); "
                    "an edition reports only what was known on its date: move brief.yaml's date on"
                )
                problems.append(loaded.problem(part, (i, "date"), message))
            same = (item.recommendation, "" if item.step is None else str(item.step), item.date)
            if same in seen:
                what = f"step {item.step} of " if item.step is not None else ""
                message = (
                    f"{what}'{item.recommendation}' is already assessed on {item.date.isoformat()} "
                    f"(assessment {seen[same] + 1}); one assessment a day"
                )
                problems.append(loaded.problem(part, (i, "date"), message))
            seen.setdefault(same, i)
            if profile is not None and item.lead not in profile.institutions:
                named = ", ".join(profile.institutions) or "none"
                more = did_you_mean(item.lead, profile.institutions)
                message = (
                    f"'{item.lead}' is not an institution of {code}'s profile (it names: {named}){more}; "
                    f"add it under `institutions:` in {code}.yaml"
                )
                problems.append(loaded.problem(part, (i, "lead"), message))
            for j, evidence in enumerate(item.evidence):
                cited.add(evidence.source)
                if not is_known(evidence.source):
                    more = did_you_mean(evidence.source, sources)
                    message = f"source '{evidence.source}' is not in {bibliography}{more}"
                    problems.append(loaded.problem(part, (i, "evidence", j, "source"), message))
        problems.extend(_not_applying(loaded, code, part, assessments))
    problems.extend(_status_tests(loaded, recs))
    return problems, cited


def _not_applying(
    loaded: LoadedBrief, code: str, part: str, assessments: tuple[Assessment, ...]
) -> list[Problem]:
    """Warn of assessments of a recommendation that does not reach this country's brief.

    Not when a status test decided it: a recommendation dropped once fully implemented has
    its assessments still.
    """
    from briefgen.tailoring.core import decide

    if code not in loaded.countries:
        return []
    recs = {r.id: r for r in loaded.recommendations}
    verdicts: dict[str, str | None] = {}
    problems = []
    for i, item in enumerate(assessments):
        rec = recs.get(item.recommendation)
        if rec is None:
            continue
        if rec.id not in verdicts:
            decision = decide(loaded, rec, code)
            by_status = any(leaf.fact.startswith("status.") for leaf in decision.leaves)
            verdicts[rec.id] = None if decision.included or by_status else decision.reason
        reason = verdicts[rec.id]
        if reason is not None:
            message = (
                f"'{rec.id}' is not in {code}'s brief ({reason}); the assessment is kept but not printed"
            )
            problems.append(loaded.problem(part, (i, "recommendation"), message, severity="warning"))
            verdicts[rec.id] = None  # said once per recommendation and file
    return problems


def _status_tests(loaded: LoadedBrief, recs: Mapping[str, Any]) -> list[Problem]:
    """Check the status tests of conditions: each names a recommendation the brief has."""
    from briefgen.models import Passage, StatusTest
    from briefgen.models.conditions import leaves

    problems = []
    conditions: list[tuple[str, Loc, Any, bool]] = []
    for rec in loaded.recommendations:
        if rec.trigger.when is not None:
            conditions.append((f"rec:{rec.id}", ("trigger", "when"), rec.trigger.when, True))
    brief = loaded.brief
    texts: list[tuple[Loc, Any]] = [(("summary",), brief.summary)]
    texts += [(("sections", i, "body"), s.body) for i, s in enumerate(brief.sections)]
    for loc, value in texts:
        for j, item in enumerate(value if isinstance(value, list) else []):
            if isinstance(item, Passage) and item.when is not None:
                conditions.append(("brief", (*loc, j, "when"), item.when, False))
    for part, loc, condition, inside in conditions:
        for test_loc, test in leaves(condition, loc):
            if not isinstance(test, StatusTest):
                continue
            if test.recommendation is None and not inside:
                message = "a status test outside a recommendation names one: `recommendation: <id>`"
                problems.append(loaded.problem(part, test_loc, message))
            elif test.recommendation is not None and test.recommendation not in recs:
                more = did_you_mean(test.recommendation, recs)
                message = f"no recommendation '{test.recommendation}' in this brief{more}"
                problems.append(loaded.problem(part, (*test_loc, "recommendation"), message))
    return problems
