"""Load a brief folder into models, collecting every problem instead of stopping at the first.

Layout (see DESIGN.md): `<briefs>/<brief-id>/brief.yaml`, `recommendations/*.yaml`,
`sources.yaml` (or a Zotero export: see bibliography_import), optional `recipients.yaml`, the
optional follow-up `tracking/<CODE>.yaml` (see sources/tracking.py), and the shared profiles in
`<briefs>/countries/`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel

from briefgen.document.theme import Theme
from briefgen.errors import InputError, Problem
from briefgen.models import (
    Assessment,
    Brief,
    CountryProfile,
    Recipient,
    Recipients,
    Recommendation,
    Source,
    Sources,
)
from briefgen.sources.aggregate import LoadedBrief
from briefgen.sources.bibliography_import import read_sources, sources_file
from briefgen.sources.diagnostics import validate_document
from briefgen.sources.layout import COUNTRIES_DIR, project_folder
from briefgen.sources.profiles import SHARED_SOURCES, shared_keys_used
from briefgen.sources.theme import load_theme
from briefgen.sources.yamlsource import UNREADABLE, Positions, YamlDocument, read_yaml

if TYPE_CHECKING:
    from briefgen.sources.tracking import TextFacts

M = TypeVar("M", bound=BaseModel)


def load_sources(folder: Path | str) -> LoadedBrief:
    """Load and validate one brief folder; raise InputError listing every problem."""
    loaded, problems = _load(Path(folder))
    errors = [p for p in problems if p.severity == "error"]
    if errors or loaded is None:
        raise InputError(problems)
    loaded.warnings.extend(problems)
    return loaded


@dataclass(frozen=True)
class _Reader:
    """One brief folder being read: where it lies, and what its reads have found so far."""

    root: Path
    project: Path
    """The folder that holds the briefs folder; no source may lie outside it."""
    problems: list[Problem] = field(default_factory=list)
    positions: dict[Path, Positions] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def brief_path(self) -> Path:
        """Return the brief's brief.yaml."""
        return self.root / "brief.yaml"

    def read(self, path: Path, model: type[M]) -> M | None:
        """Read and validate one YAML file, keeping its positions and its problems."""
        return _read_file(path, model, self.problems, self.positions, self.project)


@dataclass
class _Works:
    """The bibliographies read: the brief's own, the shared one, and what could not be read."""

    own: dict[str, Source] = field(default_factory=dict)
    shared: dict[str, Source] = field(default_factory=dict)
    in_error: set[str] = field(default_factory=set)
    """Keys of works a bibliography names but could not read."""
    unread: bool = True
    """True when a bibliography could not be read at all."""


def _load(root: Path) -> tuple[LoadedBrief | None, list[Problem]]:
    """Read every file of the brief folder `root`, then check them together.

    Return the brief (None when brief.yaml could not be read) and every problem found.
    """
    from briefgen.sources.validation import check_brief  # cross-file rules, after every file is read

    brief_path = root / "brief.yaml"
    if not root.is_dir():
        return None, [Problem(root, 1, 1, "", "no such brief folder")]
    if not brief_path.exists():
        return None, [Problem(brief_path, 1, 1, "", "a brief folder needs a brief.yaml")]
    reader = _Reader(root, project_folder(root), files={"brief": brief_path})
    problems = reader.problems
    brief = _read_brief(reader)
    theme = _read_theme(reader, brief) if brief is not None else None
    works = _read_own_sources(reader)
    recommendations = _read_recommendations(reader)
    countries_dir = root.parent / COUNTRIES_DIR
    _read_shared_sources(reader, works, countries_dir / SHARED_SOURCES)
    countries = _read_profiles(reader, brief, countries_dir)
    recipients = _read_recipients(reader)
    tracking, tracking_texts = _read_follow_up(reader, brief)

    if brief is None:
        return None, _naming_brief(problems, countries_dir, root.name)
    loaded = LoadedBrief(
        root=root,
        brief=brief,
        recommendations=tuple(recommendations),
        countries=countries,
        sources=works.own,
        recipients=recipients,
        files=reader.files,
        positions=reader.positions,
        shared_sources=works.shared,
        sources_in_error=frozenset(works.in_error),
        sources_unread=works.unread,
        tracking=tracking,
        tracking_texts=tracking_texts,
    )
    if works.shared:
        loaded.shared_used = _shared_works_cited(loaded)
    if theme is not None:
        loaded.theme = theme
    complete = not any(p.severity == "error" for p in problems)
    problems.extend(check_brief(loaded, complete=complete))
    from briefgen.sources.catalogs import read_translations

    problems.extend(read_translations(loaded))
    return loaded, _naming_brief(problems, countries_dir, brief.id)


def _read_brief(reader: _Reader) -> Brief | None:
    """Read brief.yaml; its id must be its folder's name."""
    brief_path, root = reader.brief_path, reader.root
    brief = reader.read(brief_path, Brief)
    if brief is not None and brief.id != root.name:
        reader.problems.append(
            reader.positions[brief_path].problem(
                ("id",), f"id '{brief.id}' must equal the folder name '{root.name}'"
            )
        )
    return brief


def _read_theme(reader: _Reader, brief: Brief) -> Theme:
    """Read the brief's theme (the default when it has none), noting its theme.yaml among the files."""
    brief_positions = reader.positions[reader.brief_path]
    theme, theme_path = load_theme(reader.root, brief, brief_positions, reader.problems, reader.positions)
    if theme_path is not None:
        reader.files["theme"] = theme_path
    return theme


def _read_own_sources(reader: _Reader) -> _Works:
    """Read the brief's own bibliography: sources.yaml, .json (CSL) or .bib."""
    sources_path, missing = sources_file(reader.root)
    reader.files["sources"] = sources_path
    works = _Works()
    reader.problems.extend(missing)
    if not missing:
        works.unread = not _read_sources(
            sources_path, reader.project, reader.problems, reader.positions, works.own, works.in_error
        )
    return works


def _read_recommendations(reader: _Reader) -> list[Recommendation]:
    """Read recommendations/*.yaml, each id once and equal to its file's name."""
    root, problems, positions = reader.root, reader.problems, reader.positions
    recommendations: list[Recommendation] = []
    seen: dict[str, Path] = {}
    rec_files = sorted([*root.glob("recommendations/*.yaml"), *root.glob("recommendations/*.yml")])
    problems.extend(unread_files(root / "recommendations", rec_files))
    for path in rec_files:
        rec = reader.read(path, Recommendation)
        if rec is None:
            continue
        if rec.id in seen:
            problems.append(
                positions[path].problem(
                    ("id",), f"duplicate recommendation id '{rec.id}' (also in {seen[rec.id].name})"
                )
            )
            continue
        if rec.id != path.stem:
            problems.append(
                positions[path].problem(("id",), f"id '{rec.id}' must equal the file name '{path.stem}'")
            )
        seen[rec.id] = path
        reader.files[f"rec:{rec.id}"] = path
        recommendations.append(rec)
    return recommendations


def _read_shared_sources(reader: _Reader, works: _Works, shared_path: Path) -> None:
    """Read the bibliography the country profiles share, if there is one, into `works`."""
    if not shared_path.is_file():
        return
    reader.files["shared-sources"] = shared_path
    # work by work, as the brief's own: one bad entry is one problem, not one per citation
    if not _read_sources(
        shared_path, reader.project, reader.problems, reader.positions, works.shared, works.in_error
    ):
        works.unread = True  # reported once; the citations it would have answered are not checked


def _read_profiles(reader: _Reader, brief: Brief | None, countries_dir: Path) -> dict[str, CountryProfile]:
    """Read the shared profile of each country of the brief, each listed once, its code its file's name."""
    problems, positions = reader.problems, reader.positions
    countries: dict[str, CountryProfile] = {}
    for i, code in enumerate(brief.countries if brief else []):
        path = countries_dir / f"{code}.yaml"
        if code in countries:
            problems.append(positions[reader.brief_path].problem(("countries", i), f"{code} is listed twice"))
            continue
        if not path.exists():
            problems.append(
                positions[reader.brief_path].problem(
                    ("countries", i), f"no profile for {code}: expected {path}"
                )
            )
            continue
        profile = reader.read(path, CountryProfile)
        if profile is None:
            continue
        if profile.code != path.stem:
            problems.append(
                positions[path].problem(
                    ("code",), f"code '{profile.code}' must equal the file name '{path.stem}'"
                )
            )
        reader.files[f"country:{code}"] = path
        countries[code] = profile
    return countries


def _read_recipients(reader: _Reader) -> tuple[Recipient, ...] | None:
    """Read recipients.yaml, if the brief has one."""
    recipients_path = reader.root / "recipients.yaml"
    if not recipients_path.exists():
        return None
    reader.files["recipients"] = recipients_path
    parsed_recipients = reader.read(recipients_path, Recipients)
    return tuple(parsed_recipients.root) if parsed_recipients is not None else None


def _read_follow_up(
    reader: _Reader, brief: Brief | None
) -> tuple[dict[str, tuple[Assessment, ...]], dict[str, TextFacts]]:
    """Read the follow-up, tracking/<CODE>.yaml: each country's assessments and its texts' checks."""
    from briefgen.sources.tracking import TRACKING_DIR, read_tracking, tracking_files

    root = reader.root
    reader.problems.extend(unread_files(root / TRACKING_DIR, tracking_files(root)))
    return read_tracking(
        root,
        brief.countries if brief else (),
        reader.project,
        reader.problems,
        reader.positions,
        reader.files,
    )


def _shared_works_cited(loaded: LoadedBrief) -> tuple[str, ...]:
    """Return the keys of the shared bibliography the brief cites, wherever it cites them."""
    from briefgen.document.text import citations_in
    from briefgen.sources.tracking import cited_in_clean_files, unchecked_texts
    from briefgen.sources.validation import text_fields

    texts = [*text_fields(loaded, tracking=False), *unchecked_texts(loaded)]
    cited = [item.key for _, _, text in texts for item, _ in citations_in(text)]
    cited += [item.source for rec in loaded.recommendations for item in rec.evidence]
    cited += [e.source for items in loaded.tracking.values() for item in items for e in item.evidence]
    cited += list(cited_in_clean_files(loaded))
    return tuple(shared_keys_used(loaded, cited))


def _naming_brief(problems: list[Problem], shared_dir: Path, brief_id: str) -> list[Problem]:
    """Return the problems, those in a shared file saying which brief was being loaded."""
    shared = shared_dir.resolve()
    out = []
    for problem in problems:
        if problem.file.resolve().is_relative_to(shared):
            problem = replace(problem, message=f"{problem.message} (loading brief '{brief_id}')")
        out.append(problem)
    return out


def _read_file(
    path: Path, model: type[M], problems: list[Problem], positions: dict[Path, Positions], project: Path
) -> M | None:
    document, found = read_yaml(path, within=project)
    problems.extend(found)
    if document is None:
        return None
    positions[path] = document.positions
    return validate_document(document, model, problems, known=found)


def _read_sources(
    path: Path,
    project: Path,
    problems: list[Problem],
    positions: dict[Path, Positions],
    sources: dict[str, Source],
    in_error: set[str],
) -> bool:
    """Read the bibliography work by work, so that one bad entry leaves the others usable.

    Return False when the file could not be read at all.
    """
    document, found = read_sources(path, within=project)
    problems.extend(found)
    if document is None:
        return False
    positions[path] = document.positions
    if not isinstance(document.data, dict):
        validate_document(document, Sources, problems, known=found)
        return False
    for key, value in document.data.items():
        if value is UNREADABLE:  # an imported entry its reader reported: the work exists, unusable
            in_error.add(str(key))
            continue
        entry = YamlDocument({key: value}, document.positions)
        parsed = validate_document(entry, Sources, problems, known=found)
        if parsed is None:
            in_error.add(str(key))
        else:
            sources.update(parsed.root)
    return True


UNREAD_HINT = "only files named *.yaml or *.yml (lower case) directly in {folder}/ are read"


def unread_files(folder: Path, read: list[Path]) -> list[Problem]:
    """Warn of files in `folder` that look like sources but will not be read.

    `x.YAML`, `x.yaml~`, `x.yaml.bak` and files in subfolders are easy to take for
    recommendations; silently leaving them out would drop a recommendation from the brief.
    """
    if not folder.is_dir():
        return []
    taken = set(read)
    warnings = []
    for entry in sorted(folder.iterdir()):
        if entry in taken:
            continue
        if entry.is_dir():
            for path in sorted(p for p in entry.rglob("*") if _looks_like_source(p.name)):
                message = f"not read: it is in a subfolder; {UNREAD_HINT.format(folder=folder.name)}"
                warnings.append(Problem(path, 1, 1, "", message, "warning"))
        elif _looks_like_source(entry.name):
            hint = UNREAD_HINT.format(folder=folder.name)
            warnings.append(Problem(entry, 1, 1, "", f"not read: {hint}", "warning"))
    return warnings


def _looks_like_source(name: str) -> bool:
    lower = name.lower()
    return ".yaml" in lower or ".yml" in lower
