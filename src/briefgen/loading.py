"""Load a brief folder into models, collecting every problem instead of stopping at the first.

Layout (see DESIGN.md): `<briefs>/<brief-id>/brief.yaml`, `recommendations/*.yaml`,
`sources.yaml`, optional `recipients.yaml`, and the shared profiles in `<briefs>/countries/`.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar, get_args

from pydantic import BaseModel, RootModel, ValidationError

from briefgen.citations import Bibliography
from briefgen.doctree import RichText
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
from briefgen.models.common import SLUG_PATTERN
from briefgen.yamlsource import Loc, Positions, YamlDocument, read_yaml

M = TypeVar("M", bound=BaseModel)

COUNTRIES_DIR = "countries"


@dataclass
class LoadedBrief:
    """Every source one brief needs, validated, with where each came from."""

    root: Path
    brief: Brief
    recommendations: tuple[Recommendation, ...]
    countries: Mapping[str, CountryProfile]
    sources: Mapping[str, Source]
    recipients: tuple[Recipient, ...] | None
    files: dict[str, Path] = field(default_factory=dict)
    """Source file of each part: `brief`, `sources`, `recipients`, `rec:<id>`, `country:<CODE>`."""
    positions: dict[Path, Positions] = field(default_factory=dict, repr=False)
    warnings: list[Problem] = field(default_factory=list)
    previous: LoadedBrief | None = None
    """The latest released edition before this one: what "Changes since edition N" compares with."""
    translations: dict[str, Any] = field(default_factory=dict, repr=False)
    """Each translation language's catalogs (`briefgen.translation.catalogs.LanguageCatalogs`)."""
    government_of: dict[str, str] = field(default_factory=dict)
    """In a translated brief: each state's name as it follows "the Government of"."""
    institution_names: dict[str, str] = field(default_factory=dict)
    """In a translated brief: each addressed institution's translated name."""
    untranslated: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """In a translated brief: per country, the entries left in the source language."""
    _texts: dict[str, RichText] = field(default_factory=dict, repr=False, compare=False)

    @property
    def id(self) -> str:
        """Return the brief's id."""
        return self.brief.id

    @cached_property
    def bibliography(self) -> Bibliography:
        """Return the brief's works with their author-date labels."""
        return Bibliography.of(self.sources)

    def rich(self, text: str) -> RichText:
        """Return a text field parsed into the document tree; each text is parsed once."""
        from briefgen.text import parse

        parsed = self._texts.get(text)
        if parsed is None:
            parsed = self._texts[text] = parse(text, self.bibliography.cite)
        return parsed

    def problem(
        self, part: str, loc: Loc, message: str, *, key: bool = False, severity: str = "error"
    ) -> Problem:
        """Return a problem located at `loc` in the file of `part`."""
        path = self.files[part]
        positions = self.positions.get(path) or Positions(path)
        return positions.problem(loc, message, key=key, severity=severity)


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
    from briefgen.validation import check_brief  # cross-file rules, after every file is read

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

    sources_path = root / "sources.yaml"
    files["sources"] = sources_path
    sources: dict[str, Source] = {}
    if sources_path.is_file():
        parsed = _read(sources_path, Sources, problems, positions)
        sources = dict(parsed.root) if parsed is not None else {}
    else:
        problems.append(
            Problem(sources_path, 1, 1, "", "a brief folder needs a sources.yaml (it may be `{}`)")
        )

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


def _read(path: Path, model: type[M], problems: list[Problem], positions: dict[Path, Positions]) -> M | None:
    document, found = read_yaml(path)
    problems.extend(found)
    if document is None:
        return None
    positions[path] = document.positions
    return validate_document(document, model, problems)


def validate_document(document: YamlDocument, model: type[M], problems: list[Problem]) -> M | None:
    """Validate one file's data against `model`, turning pydantic's errors into problems."""
    try:
        return model.model_validate(document.data)
    except ValidationError as exc:
        problems.extend(_problems_from(exc, document, model))
        return None


def _problems_from(exc: ValidationError, document: YamlDocument, model: type[BaseModel]) -> list[Problem]:
    grouped: dict[Loc, list[str]] = {}
    keyed: set[Loc] = set()
    for error in exc.errors(include_url=False):
        loc = _data_loc(error["loc"], document.data)
        message = _message(error, loc, model)
        if error["type"] in ("extra_forbidden", "missing"):
            keyed.add(loc)
        messages = grouped.setdefault(loc, [])
        if message not in messages:
            messages.append(message)
    problems = []
    for loc, messages in grouped.items():
        problems.append(document.positions.problem(loc, "; or ".join(messages), key=loc in keyed))
    return problems


def _data_loc(loc: tuple[Any, ...], data: Any) -> Loc:
    """Map pydantic's error location (with union tags) onto the path in the YAML data."""
    out: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(part, str) and part.startswith("@"):
            continue  # a union tag (see models.conditions), not a YAML key
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            out.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part.isidentifier():
            out.append(part)  # a missing field: the key that should be there
            node = None
        # anything else is a union branch or tag name pydantic adds: not a YAML key
    return tuple(out)


_PATTERN_HINTS = {
    SLUG_PATTERN: "must be a lowercase id: letters, digits and single hyphens, like `my-id` (no `/`, `..` or spaces)",
    r"^[A-Z]{2}$": "must be an upper-case ISO 3166-1 alpha-2 country code, like `FR`",
    r"^[a-z][a-z0-9_]*$": "must be a snake_case name, like `trade_with_eu`",
}


def _message(error: Any, loc: Loc, model: type[BaseModel]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown field" + _did_you_mean(loc, model)
    if kind == "missing":
        return "required field is missing"
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        if pattern in _PATTERN_HINTS:
            return f"{_show(error['input'])} {_PATTERN_HINTS[pattern]}"
        if pattern.startswith("^(country|scenario)"):
            return (
                f"{_show(error['input'])} must start with `country.` or `scenario.` followed by a fact name"
            )
        return f"{_show(error['input'])} has the wrong form"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    return (
        f"{error['msg']} (found {_show(error['input'])})"
        if not isinstance(error["input"], dict | list)
        else str(error["msg"])
    )


def _did_you_mean(loc: Loc, model: type[BaseModel]) -> str:
    """Suggest the nearest field that the mapping holding the unknown key really allows."""
    if not loc:
        return ""
    allowed = _fields_at(model, loc[:-1])
    close = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.75)
    return f"; did you mean '{close[0]}'?" if close else ""


def _fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """Return the field names (aliases) of the models that can stand at `loc` under `model`.

    Each step into a field follows its annotation to the models it may hold; a step that names
    no field (a list index, a country code or fact name used as a key) stays with them.
    """
    current = _models_in(model.model_fields["root"].annotation) if issubclass(model, RootModel) else {model}
    for part in loc:
        stepped = set()
        for cls in current:
            field = cls.model_fields.get(str(part)) or next(
                (f for f in cls.model_fields.values() if f.alias == part), None
            )
            if field is not None:
                stepped |= _models_in(field.annotation)
        current = stepped or current
    return sorted({f.alias or name for cls in current for name, f in cls.model_fields.items()})


def _models_in(annotation: Any) -> set[type[BaseModel]]:
    """Return the models an annotation can hold: `list[Evidence]`, `Condition`, `dict[str, Fact]`…."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return {annotation}
    return {model for arg in get_args(annotation) for model in _models_in(arg)}


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
