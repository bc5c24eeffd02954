"""Load a brief folder into models, collecting every problem instead of stopping at the first.

Layout (see DESIGN.md): `<briefs>/<brief-id>/brief.yaml`, `recommendations/*.yaml`,
`sources.yaml`, optional `recipients.yaml`, and the shared profiles in `<briefs>/countries/`.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
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
    sources_in_error: frozenset[str] = frozenset()
    """Keys of works that sources.yaml names but could not be read: citing them is no new error."""
    sources_unread: bool = False
    """True when sources.yaml could not be read at all: citations cannot be checked."""
    previous: LoadedBrief | None = None
    """The latest released edition before this one: what "Changes since edition N" compares with."""
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
    if not brief_path.exists():
        return None, [Problem(brief_path, 1, 1, "", "a brief folder needs a brief.yaml")]
    # the project: the folder that holds the briefs folder; no source may lie outside it
    project = root.resolve().parent.parent
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

    sources_path = root / "sources.yaml"
    files["sources"] = sources_path
    sources: dict[str, Source] = {}
    sources_in_error: set[str] = set()
    sources_unread = True
    if sources_path.exists():
        sources_unread = not _read_sources(
            sources_path, project, problems, positions, sources, sources_in_error
        )
    else:
        problems.append(
            Problem(sources_path, 1, 1, "", "a brief folder needs a sources.yaml (it may be `{}`)")
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
        sources_in_error=frozenset(sources_in_error),
        sources_unread=sources_unread,
    )
    complete = not any(p.severity == "error" for p in problems)
    problems.extend(check_brief(loaded, complete=complete))
    return loaded, problems


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
    """Read sources.yaml work by work, so that one bad entry leaves the others usable.

    Return False when the file could not be read at all.
    """
    document, found = read_yaml(path, within=project)
    problems.extend(found)
    if document is None:
        return False
    positions[path] = document.positions
    if not isinstance(document.data, dict):
        validate_document(document, Sources, problems, known=found)
        return False
    for key, value in document.data.items():
        entry = YamlDocument({key: value}, document.positions)
        parsed = validate_document(entry, Sources, problems, known=found)
        if parsed is None:
            in_error.add(str(key))
        else:
            sources.update(parsed.root)
    return True


def validate_document(
    document: YamlDocument, model: type[M], problems: list[Problem], *, known: Sequence[Problem] = ()
) -> M | None:
    """Validate one file's data against `model`, turning pydantic's errors into problems.

    A value the YAML reader already reported (in `known`) was left out; the model's complaint
    about the same field would only repeat it, so it is not reported again.
    """
    try:
        return model.model_validate(document.data)
    except ValidationError as exc:
        reported = {p.field for p in known if p.severity == "error"}
        problems.extend(p for p in _problems_from(exc, document, model) if not _under_any(p.field, reported))
        return None


def _under_any(field: str, fields: set[str]) -> bool:
    return any(field == f or field.startswith((f + ".", f + "[")) for f in fields)


UNREAD_HINT = "only files named *.yaml or *.yml (lower case) directly in recommendations/ are read"


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
                message = f"not read: it is in a subfolder; {UNREAD_HINT}"
                warnings.append(Problem(path, 1, 1, "", message, "warning"))
        elif _looks_like_source(entry.name):
            warnings.append(Problem(entry, 1, 1, "", f"not read: {UNREAD_HINT}", "warning"))
    return warnings


def _looks_like_source(name: str) -> bool:
    lower = name.lower()
    return ".yaml" in lower or ".yml" in lower


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
