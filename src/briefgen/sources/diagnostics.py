"""Problems, told as an analyst needs them: pydantic's errors turned into FILE:LINE:COL lines.

The one place that words a validation error and the one "did you mean" every check uses.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar, get_args

from pydantic import BaseModel, RootModel, ValidationError

from briefgen.errors import Problem
from briefgen.models.common import SLUG_PATTERN
from briefgen.models.theme import FONT_FAMILY_PATTERN, HEX_COLOUR_PATTERN
from briefgen.sources.yamlsource import Loc, YamlDocument

M = TypeVar("M", bound=BaseModel)


def did_you_mean(word: str, candidates: Iterable[str], *, cutoff: float = 0.6, prefix: str = "") -> str:
    """Return "; did you mean 'x'?" for the candidate nearest `word`, or "" when none is near."""
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=cutoff)
    return f"; did you mean '{prefix}{close[0]}'?" if close else ""


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
    HEX_COLOUR_PATTERN: 'must be a colour as "#rrggbb", like "#0f5257" (quoted: YAML reads # as a comment)',
    FONT_FAMILY_PATTERN: "must be a font family name as `fc-list : family` prints it, like `DejaVu Serif`",
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
    return did_you_mean(str(loc[-1]), _fields_at(model, loc[:-1]), cutoff=0.75)


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
