"""`briefgen schema`: JSON Schemas that editors can use, kept in step with the models."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from briefgen.cli import app
from conftest import REPO

KINDS = {
    "brief": ["briefs/*/brief.yaml"],
    "recommendation": ["briefs/*/recommendations/*.yaml"],
    "country": ["briefs/countries/[A-Z][A-Z].yaml"],
    "sources": ["briefs/*/sources.yaml"],
    "recipients": ["briefs/*/recipients.yaml"],
    "theme": ["tests/fixtures/themes/*/theme.yaml"],
    "tracking": ["briefs/*/tracking/*.yaml"],
}


@pytest.mark.unit
def test_schema_writes_one_schema_per_source_kind(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["schema", "--out", str(tmp_path)])
    assert result.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{k}.schema.json" for k in KINDS)


@pytest.mark.unit
def test_the_committed_schemas_are_current(tmp_path: Path) -> None:
    CliRunner().invoke(app, ["schema", "--out", str(tmp_path)])
    for kind in KINDS:
        committed = (REPO / "schemas" / f"{kind}.schema.json").read_text()
        assert committed == (tmp_path / f"{kind}.schema.json").read_text(), f"run `briefgen schema` ({kind})"


@pytest.mark.unit
@pytest.mark.parametrize("kind", list(KINDS))
def test_every_bundled_source_file_satisfies_its_schema(kind: str) -> None:
    schema = json.loads((REPO / "schemas" / f"{kind}.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    files = [p for pattern in KINDS[kind] for p in REPO.glob(pattern)]
    assert files
    for path in files:
        data = json.loads(json.dumps(YAML(typ="safe", pure=True).load(path), default=str))
        jsonschema.validate(data, schema)


@pytest.mark.unit
def test_the_schema_carries_the_field_docs_and_rejects_unknown_keys() -> None:
    schema = json.loads((REPO / "schemas" / "recommendation.schema.json").read_text())
    assert schema["additionalProperties"] is False
    assert schema["properties"]["priority"]["description"].startswith("1 is most urgent")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"id": "x", "titel": "typo"}, schema)
