"""Load a brief folder into models, collecting every problem instead of stopping at the first.

Layout (see DESIGN.md): `<briefs>/<brief-id>/brief.yaml`, `recommendations/*.yaml`,
`sources.yaml` (or a Zotero export: see bibliography_import), optional `recipients.yaml`, and
the shared profiles in `<briefs>/countries/`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

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
from briefgen.sources.yamlsource import Positions, YamlDocument, read_yaml

M = TypeVar("M", bound=BaseModel)

COUNTRIES_DIR = "countries"


def briefs_under(folder: Path) -> list[Path]:
    """Return every brief folder (one holding brief.yaml) directly under `folder`."""
    return sorted(p.parent for p in folder.glob("*/brief.yaml") if p.parent.name != COUNTRIES_DIR)


def load_brief(folder: Path | str) -> LoadedBrief:
    """Load and validate one brief folder; raise InputError listing every problem."""
    loaded, problems = _load(Path(folder))
    errors = [p for p in problems if p.severity == "error"]
    if errors or loaded is None:
        raise InputError(problems)
    loaded.warnings.extend(problems)
    return loaded


def _load(root: Path) -> tuple[LoadedBrief | None, list[Problem]]:
    from briefgen.sources.validation import check_brief  # cross-file rules, after every file is read

    problems: list[Problem] = []
    brief_path = root / "brief.yaml"
    if not root.is_dir():
        return None, [Problem(root, 1, 1, "", "no such brief folder")]
    if not brief_path.is_file():
        return None, [Problem(brief_path, 1, 1, "", "a brief folder needs a brief.yaml")]
    positions: dict[Path, Positions] = {}
    files: dict[str, Path] = {"brief": brief_path}

    brief = _read(brief_path, Brief, problems, positions)
    if brief is not None and brief.id != root.name:
        problems.append(
            positions[brief_path].problem(
                ("id",), f"id '{brief.id}' must equal the folder name '{root.name}'"
            )
        )

    sources_path, missing = sources_file(root)  # sources.yaml, .json (CSL) or .bib
    files["sources"] = sources_path
    sources: dict[str, Source] = {}
    problems.extend(missing)
    if not missing:
        parsed = _read(sources_path, Sources, problems, positions, read_sources)
        sources = dict(parsed.root) if parsed is not None else {}

    recommendations: list[Recommendation] = []
    seen: dict[str, Path] = {}
    rec_files = sorted([*root.glob("recommendations/*.yaml"), *root.glob("recommendations/*.yml")])
    for path in rec_files:
        rec = _read(path, Recommendation, problems, positions)
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
    for i, code in enumerate(brief.countries if brief else []):
        path = countries_dir / f"{code}.yaml"
        if code in countries:
            problems.append(positions[brief_path].problem(("countries", i), f"{code} is listed twice"))
            continue
        if not path.is_file():
            problems.append(
                positions[brief_path].problem(("countries", i), f"no profile for {code}: expected {path}")
            )
            continue
        profile = _read(path, CountryProfile, problems, positions)
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
    if recipients_path.is_file():
        files["recipients"] = recipients_path
        parsed_recipients = _read(recipients_path, Recipients, problems, positions)
        recipients = tuple(parsed_recipients.root) if parsed_recipients is not None else None

    if brief is None:
        return None, problems
    loaded = LoadedBrief(
        root=root,
        brief=brief,
        recommendations=tuple(recommendations),
        countries=countries,
        sources=sources,
        recipients=recipients,
        files=files,
        positions=positions,
    )
    complete = not any(p.severity == "error" for p in problems)
    problems.extend(check_brief(loaded, complete=complete))
    from briefgen.translation.catalogs import read_translations

    problems.extend(read_translations(loaded))
    return loaded, problems


def _read(
    path: Path,
    model: type[M],
    problems: list[Problem],
    positions: dict[Path, Positions],
    reader: Callable[[Path], tuple[YamlDocument | None, list[Problem]]] = read_yaml,
) -> M | None:
    document, found = reader(path)
    problems.extend(found)
    if document is None:
        return None
    positions[path] = document.positions
    return validate_document(document, model, problems)
