"""JSON Schema for each kind of source file, generated from the models."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from briefgen.atomic import write_text_atomic
from briefgen.models import Brief, CountryProfile, Recipients, Recommendation, Sources, Tracking
from briefgen.models.theme import ThemeSettings

KINDS: dict[str, type[BaseModel]] = {
    "brief": Brief,
    "recommendation": Recommendation,
    "country": CountryProfile,
    "sources": Sources,
    "recipients": Recipients,
    "theme": ThemeSettings,
    "tracking": Tracking,
}


def schema_for(kind: str) -> dict[str, object]:
    """Return the JSON Schema of one source file kind."""
    model = KINDS[kind]
    document = model.model_json_schema(by_alias=True, mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"briefgen/{kind}.schema.json",
        **document,
    }


def schema_text(kind: str) -> str:
    """Return the JSON Schema of one source file kind as the text of its file."""
    return json.dumps(schema_for(kind), indent=2, ensure_ascii=False) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    """Write `<kind>.schema.json` for every kind into `folder`; return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind in KINDS:
        path = folder / f"{kind}.schema.json"
        write_text_atomic(path, schema_text(kind))
        paths.append(path)
    return paths
