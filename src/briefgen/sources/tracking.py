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
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, StrictBool, StrictInt, StrictStr, TypeAdapter, ValidationError

import briefgen.reading as reading
from briefgen.errors import Problem, UnreadableFile
from briefgen.models import Assessment, Recommendation, Source, Tracking
from briefgen.sources.diagnostics import did_you_mean, validate_document
from briefgen.sources.yamlsource import Loc, Positions, dotted, parse_source

if TYPE_CHECKING:
    from briefgen.sources.aggregate import LoadedBrief

TRACKING_DIR = "tracking"
CACHE_FORMAT = 2
_CODE = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True)
class TextFacts:
    """What the text checks of one tracking file found, kept with it in the cache.

    `clean`: no text uses Markdown the subset lacks or a malformed citation; then only its
    citations' keys need checking against the bibliography (`cited`: field path, key, offset).
    """

    clean: bool
    cited: tuple[tuple[Loc, str, int], ...]


class DeferredPositions(Positions):
    """The positions of a file read from the cache: parsed from its bytes when first asked for.

    The positions of each assessment's `recommendation` come from the cache (`anchors`, the
    i-th for the i-th assessment), so a warning about one needs no parse.
    """

    def __init__(self, path: Path, raw: bytes, anchors: list[tuple[int, int]]) -> None:
        super().__init__(path)
        self._raw: bytes | None = raw
        self._anchors = anchors

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
        """Return the position of `loc` (parsing the file the first time one is not known)."""
        if self._raw is not None and not key and len(loc) == 2 and loc[1] == "recommendation":
            index = loc[0]
            if isinstance(index, int) and 0 <= index < len(self._anchors):
                return self._anchors[index]
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
) -> tuple[dict[str, tuple[Assessment, ...]], dict[str, TextFacts]]:
    """Read every `tracking/<CODE>.yaml` of the brief in `root`; return each country's assessments
    and what the text checks found in its file.

    The assessments keep the file's order (a problem's place is its index there). A file not
    named after one of the brief's `countries` is a problem and is not read (files that are not
    `*.yaml` are the loader's to warn of); with no countries known, none is read or judged.
    """
    found: dict[str, tuple[Assessment, ...]] = {}
    facts: dict[str, TextFacts] = {}
    paths = tracking_files(root)
    known = list(countries)
    if not known:  # brief.yaml unread (its own problem says why): no file name can be judged
        return found, facts
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
        read = _read_one(path, project, problems, positions)
        if read is not None:
            files[f"track:{code}"] = path
            found[code], facts[code] = tuple(read[0]), read[1]
    return found, facts


def texts_of(assessments: Iterable[Assessment]) -> Iterator[tuple[Loc, str]]:
    """Yield the Markdown texts of a file's assessments: (field path, text)."""
    for i, item in enumerate(assessments):
        yield (i, "summary"), item.summary
        for j, evidence in enumerate(item.evidence):
            yield (i, "evidence", j, "claim"), evidence.claim


def text_facts(assessments: Iterable[Assessment]) -> TextFacts:
    """Run the text checks that need no other file on a file's texts; return what they found."""
    from briefgen.document.text import citations_in
    from briefgen.sources.citecheck import malformed_citations
    from briefgen.sources.markdown_subset import unsupported

    clean = True
    cited = []
    for loc, text in texts_of(assessments):
        if clean and (next(iter(unsupported(text)), None) or next(malformed_citations(text, ()), None)):
            clean = False
        cited += [(loc, item.key, offset) for item, offset in citations_in(text)]
    return TextFacts(clean, tuple(cited))


def _read_one(
    path: Path, project: Path, problems: list[Problem], positions: dict[Path, Positions]
) -> tuple[list[Assessment], TextFacts] | None:
    try:
        raw = reading.read_file(path, reading.SOURCE, within=project)
    except reading.UnreadableFile as exc:
        problems.extend(exc.problems)
        return None
    key = _cache_key(raw)
    cached = _from_cache(key)
    if cached is not None:
        assessments, facts, anchors = cached
        positions[path] = DeferredPositions(path, raw, anchors)
        return assessments, facts
    document, found = parse_source(raw, path)
    problems.extend(found)
    if document is None:
        return None
    positions[path] = document.positions
    before = len(problems)
    if isinstance(document.data, list) and not document.data:
        return [], TextFacts(True, ())
    parsed = validate_document(document, Tracking, problems, known=found)
    if parsed is None:
        return None
    facts = text_facts(parsed.root)
    if not found and len(problems) == before:
        anchors = [document.positions.locate((i, "recommendation")) for i in range(len(parsed.root))]
        _to_cache(key, parsed.root, facts, anchors)
    return parsed.root, facts


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
    """Return a digest of the code that reads and checks a tracking file: a change to it makes
    every cached file stale."""
    from briefgen.document import text
    from briefgen.models import common, tracking
    from briefgen.sources import citecheck, markdown_subset, yamlsource

    digest = hashlib.sha256(f"{CACHE_FORMAT}".encode())
    package = Path(__file__).resolve().parents[1] / "__init__.py"  # holds the version
    for path in (
        package,
        *(Path(str(m.__file__)) for m in (tracking, common, yamlsource, text, citecheck, markdown_subset)),
    ):
        digest.update(reading.read_file(path, reading.CODE))
    return digest.digest()


def _cache_key(raw: bytes) -> str:
    return hashlib.sha256(_code_fingerprint() + raw).hexdigest()


def _cache_path(key: str) -> Path:
    return cache_folder() / "tracking" / key[:2] / f"{key}.json"


_ADAPTER = TypeAdapter(list[Assessment])


class _CacheHead(BaseModel):
    """The first line of a cache file: what the text checks found and where each assessment starts."""

    model_config = ConfigDict(extra="forbid")

    clean: StrictBool
    cited: list[tuple[tuple[StrictInt | StrictStr, ...], StrictStr, StrictInt]]
    anchors: list[tuple[StrictInt, StrictInt]]


def _from_cache(key: str) -> tuple[list[Assessment], TextFacts, list[tuple[int, int]]] | None:
    """Return what is cached under `key`, validated again (a cache is never trusted).

    The first line holds what the text checks found and where each assessment starts; the rest
    is the assessments as JSON. pydantic reads and validates each in one pass, with no Python
    for each item (25,000 assessments and their anchors in a large follow-up).
    """
    try:
        head, _, body = reading.read_file(_cache_path(key), reading.RECORD).partition(b"\n")
        meta = _CacheHead.model_validate_json(head)
        facts = TextFacts(meta.clean, tuple(meta.cited))
        anchors = meta.anchors
        assessments = _ADAPTER.validate_json(body)
    except (UnreadableFile, OSError, ValueError, KeyError, TypeError, ValidationError):
        return None  # none yet, or unreadable: the file is read again
    if len(anchors) != len(assessments):
        return None
    return assessments, facts, anchors


def _to_cache(
    key: str, assessments: list[Assessment], facts: TextFacts, anchors: list[tuple[int, int]]
) -> None:
    """Keep a validated file for next time; a cache that cannot be written is no error."""
    from briefgen.atomic import write_bytes_atomic

    meta = {
        "clean": facts.clean,
        "cited": [[list(loc), k, offset] for loc, k, offset in facts.cited],
        "anchors": anchors,
    }
    data = json.dumps(meta, separators=(",", ":")).encode("utf-8") + b"\n" + _ADAPTER.dump_json(assessments)
    path = _cache_path(key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(path, data)
    except OSError:
        pass


def unchecked_texts(loaded: LoadedBrief) -> Iterator[tuple[str, Loc, str]]:
    """Yield the tracking texts that the brief's text checks must still see: those of files
    whose own check found something (a clean file's citations are checked by `check_tracking`)."""
    for code, assessments in loaded.tracking.items():
        facts = loaded.tracking_texts.get(code)
        if facts is None or not facts.clean:
            for loc, text in texts_of(assessments):
                yield f"track:{code}", loc, text


def cited_in_clean_files(loaded: LoadedBrief) -> Iterator[str]:
    """Yield the keys cited in the texts of clean tracking files."""
    for code in loaded.tracking:
        facts = loaded.tracking_texts.get(code)
        if facts is not None and facts.clean:
            yield from (key for _, key, _ in facts.cited)


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
    (That an assessed recommendation does not reach that country's brief is a warning from
    `briefgen.tailoring.progress.assessments_outside_briefs`, which needs tailoring.)
    """
    recs = {r.id: r for r in loaded.recommendations}
    check = _FollowUpCheck(
        loaded=loaded,
        is_known=is_known,
        today=today or dt.date.today(),
        recs=recs,
        sources={**loaded.shared_sources, **loaded.sources},
        bibliography=loaded.files["sources"].name if "sources" in loaded.files else "sources.yaml",
    )
    problems: list[Problem] = []
    cited: set[str] = set()
    for code, assessments in loaded.tracking.items():
        found, keys = _assessment_problems(check, code, assessments)
        problems += found
        cited |= keys
    found, keys = _clean_citation_problems(check)
    problems += found
    cited |= keys
    problems.extend(_status_tests(loaded, recs))
    return problems, cited


@dataclass(frozen=True)
class _FollowUpCheck:
    """What the follow-up's cross-file rules look names up in: the brief's recommendations and works."""

    loaded: LoadedBrief
    is_known: Callable[[str], bool]
    """Whether a cited key names a work (or one whose problems were reported already)."""
    today: dt.date
    recs: Mapping[str, Recommendation]
    sources: Mapping[str, Source]
    """The works the brief may cite: the shared bibliography's, then its own."""
    bibliography: str
    """The name of the brief's bibliography file, as the messages give it."""


def _assessment_problems(
    check: _FollowUpCheck, code: str, assessments: Iterable[Assessment]
) -> tuple[list[Problem], set[str]]:
    """Return the problems of one country's assessments, and the works their evidence cites."""
    loaded = check.loaded
    part = f"track:{code}"
    profile = loaded.countries.get(code)
    problems: list[Problem] = []
    cited: set[str] = set()
    seen: dict[tuple[str, str, dt.date], int] = {}
    # looked up once: this loop runs for every assessment (25,000 in a large follow-up)
    recs, is_known, brief_date = check.recs, check.is_known, loaded.brief.date
    last_day = min(check.today, brief_date)  # no later date is wrong
    for i, item in enumerate(assessments):
        rec = recs.get(item.recommendation)
        if rec is None:
            more = did_you_mean(item.recommendation, recs)
            message = f"no recommendation '{item.recommendation}' in this brief{more}"
            problems.append(loaded.problem(part, (i, "recommendation"), message))
        elif item.step is not None and (wrong := _step_problem(rec, item)) is not None:
            problems.append(loaded.problem(part, (i, "step"), wrong))
        if item.date > last_day and (wrong := _date_problem(item, today=check.today, brief_date=brief_date)):
            problems.append(loaded.problem(part, (i, "date"), wrong))
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
                more = did_you_mean(evidence.source, check.sources)
                message = f"source '{evidence.source}' is not in {check.bibliography}{more}"
                problems.append(loaded.problem(part, (i, "evidence", j, "source"), message))
    return problems, cited


def _step_problem(rec: Recommendation, item: Assessment) -> str | None:
    """Return what is wrong with the step an assessment names, or None (also when it names none)."""
    if item.step is None:
        return None
    steps = len(rec.action.steps)
    if isinstance(item.step, str):
        return (
            f"the steps of '{rec.id}' have no ids; name the step by its number (1 to {steps})"
            if steps
            else f"'{rec.id}' has no steps; leave `step` out to assess it as a whole"
        )
    if item.step > steps:
        return f"'{rec.id}' has {steps} step{'s' if steps != 1 else ''}; there is no step {item.step}"
    return None


def _date_problem(item: Assessment, *, today: dt.date, brief_date: dt.date) -> str | None:
    """Return what is wrong with an assessment's date (in the future, or after the brief's), or None."""
    if item.date > today:
        return f"{item.date.isoformat()} is in the future (today is {today.isoformat()})"
    if item.date > brief_date:
        return (
            f"{item.date.isoformat()} is after the brief's date ({brief_date.isoformat()}); "
            "an edition reports only what was known on its date: move brief.yaml's date on"
        )
    return None


def _clean_citation_problems(check: _FollowUpCheck) -> tuple[list[Problem], set[str]]:
    """Return an error for each citation of a clean tracking file that names no work, and the keys cited.

    A file with problems of its own is left out: its texts go through the brief's own text checks.
    """
    loaded = check.loaded
    problems: list[Problem] = []
    cited: set[str] = set()
    for code, assessments in loaded.tracking.items():  # a clean file's citations: their keys only
        facts = loaded.tracking_texts.get(code)
        if facts is None or not facts.clean:
            continue  # its texts go through the brief's own text checks
        texts: dict[Loc, str] | None = None  # wanted only to place a problem
        for loc, key, offset in facts.cited:
            cited.add(key)
            if not check.is_known(key):
                if texts is None:
                    texts = dict(texts_of(assessments))
                path = loaded.files[f"track:{code}"]
                line, column = loaded.positions[path].locate_in_text(loc, offset, texts[loc])
                more = did_you_mean(key, check.sources)
                message = f"citation [@{key}] names no work in {check.bibliography}{more}"
                problems.append(Problem(path, line, column, dotted(loc), message))
    return problems, cited


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
