"""Load a brief folder into models, collecting every problem instead of stopping at the first.

Layout (see DESIGN.md): `<briefs>/<brief-id>/brief.yaml`, `recommendations/*.yaml`,
`sources.yaml` (or a Zotero export: see bibliography_import), optional `recipients.yaml`, the
optional follow-up `tracking/<CODE>.yaml` (see sources/tracking.py), and the shared profiles in
`<briefs>/countries/`.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from briefgen.document.theme import Theme
from briefgen.errors import InputError, Problem
from briefgen.models import (
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

M = TypeVar("M", bound=BaseModel)


def load_sources(folder: Path | str) -> LoadedBrief:
    """Load and validate one brief folder; raise InputError listing every problem."""
    loaded, problems = _load(Path(folder))
    errors = [p for p in problems if p.severity == "error"]
    if errors or loaded is None:
        raise InputError(problems)
    loaded.warnings.extend(problems)
    return loaded


def _load(root: Path) -> tuple[LoadedBrief | None, list[Problem]]:
    from briefgen.document.text import citations_in
    from briefgen.sources.validation import (  # cross-file rules, after every file is read
        check_brief,
        text_fields,
    )

    problems: list[Problem] = []
    brief_path = root / "brief.yaml"
    if not root.is_dir():
        return None, [Problem(root, 1, 1, "", "no such brief folder")]
    if not brief_path.exists():
        return None, [Problem(brief_path, 1, 1, "", "a brief folder needs a brief.yaml")]
    # the project: the folder that holds the briefs folder; no source may lie outside it
    project = project_folder(root)
    positions: dict[Path, Positions] = {}
    files: dict[str, Path] = {"brief": brief_path}

    def _read(path: Path, model: type[M]) -> M | None:
        return _read_file(path, model, problems, positions, project)

    brief = _read(brief_path, Brief)
    if brief is not None and brief.id != root.name:
        problems.append(
            positions[brief_path].problem(
                ("id",), f"id '{brief.id}' must equal the folder name '{root.name}'"
            )
        )

    theme: Theme | None = None
    theme_path: Path | None = None
    if brief is not None:
        theme, theme_path = load_theme(root, brief, positions[brief_path], problems, positions)
        if theme_path is not None:
            files["theme"] = theme_path

    sources_path, missing = sources_file(root)  # sources.yaml, .json (CSL) or .bib
    files["sources"] = sources_path
    sources: dict[str, Source] = {}
    sources_in_error: set[str] = set()
    sources_unread = True
    problems.extend(missing)
    if not missing:
        sources_unread = not _read_sources(
            sources_path, project, problems, positions, sources, sources_in_error
        )

    recommendations: list[Recommendation] = []
    seen: dict[str, Path] = {}
    rec_files = sorted([*root.glob("recommendations/*.yaml"), *root.glob("recommendations/*.yml")])
    problems.extend(unread_files(root / "recommendations", rec_files))
    for path in rec_files:
        rec = _read(path, Recommendation)
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
        files[f"rec:{rec.id}"] = path
        recommendations.append(rec)

    countries: dict[str, CountryProfile] = {}
    countries_dir = root.parent / COUNTRIES_DIR
    shared_sources: dict[str, Source] = {}
    shared_path = countries_dir / SHARED_SOURCES
    if shared_path.is_file():
        files["shared-sources"] = shared_path
        # work by work, as the brief's own: one bad entry is one problem, not one per citation
        if not _read_sources(shared_path, project, problems, positions, shared_sources, sources_in_error):
            sources_unread = True  # reported once; the citations it would have answered are not checked
    for i, code in enumerate(brief.countries if brief else []):
        path = countries_dir / f"{code}.yaml"
        if code in countries:
            problems.append(positions[brief_path].problem(("countries", i), f"{code} is listed twice"))
            continue
        if not path.exists():
            problems.append(
                positions[brief_path].problem(("countries", i), f"no profile for {code}: expected {path}")
            )
            continue
        profile = _read(path, CountryProfile)
        if profile is None:
            continue
        if profile.code != path.stem:
            problems.append(
                positions[path].problem(
                    ("code",), f"code '{profile.code}' must equal the file name '{path.stem}'"
                )
            )
        files[f"country:{code}"] = path
        countries[code] = profile

    recipients_path = root / "recipients.yaml"
    recipients: tuple[Recipient, ...] | None = None
    if recipients_path.exists():
        files["recipients"] = recipients_path
        parsed_recipients = _read(recipients_path, Recipients)
        recipients = tuple(parsed_recipients.root) if parsed_recipients is not None else None

    from briefgen.sources.tracking import (
        TRACKING_DIR,
        cited_in_clean_files,
        read_tracking,
        tracking_files,
        unchecked_texts,
    )

    problems.extend(unread_files(root / TRACKING_DIR, tracking_files(root)))
    tracking, tracking_texts = read_tracking(
        root, brief.countries if brief else (), project, problems, positions, files
    )

    if brief is None:
        return None, _naming_brief(problems, countries_dir, root.name)
    loaded = LoadedBrief(
        root=root,
        brief=brief,
        recommendations=tuple(recommendations),
        countries=countries,
        sources=sources,
        recipients=recipients,
        files=files,
        positions=positions,
        shared_sources=shared_sources,
        sources_in_error=frozenset(sources_in_error),
        sources_unread=sources_unread,
        tracking=tracking,
        tracking_texts=tracking_texts,
    )
    if shared_sources:
        texts = [*text_fields(loaded, tracking=False), *unchecked_texts(loaded)]
        cited = [item.key for _, _, text in texts for item, _ in citations_in(text)]
        cited += [item.source for rec in loaded.recommendations for item in rec.evidence]
        cited += [e.source for items in tracking.values() for item in items for e in item.evidence]
        cited += list(cited_in_clean_files(loaded))
        loaded.shared_used = tuple(shared_keys_used(loaded, cited))
    if theme is not None:
        loaded.theme = theme
    complete = not any(p.severity == "error" for p in problems)
    problems.extend(check_brief(loaded, complete=complete))
    from briefgen.sources.catalogs import read_translations

    problems.extend(read_translations(loaded))
    return loaded, _naming_brief(problems, countries_dir, brief.id)


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
