"""The follow-up's test helpers: two assessments of the Andes fixture, a tracking file, validate's lines."""

from __future__ import annotations

import os
import re
from pathlib import Path

from typer.testing import CliRunner

from briefgen.cli import app

runner = CliRunner()

LIMITED = """\
- recommendation: protect-glacier-basins
  date: 2023-05-10
  status: limited
  summary: >-
    The environment ministry mapped two of the basins. Mining permits near glacier tongues
    were not yet limited.
  lead: environment-ministry
  evidence:
    - {claim: Two basin maps were published., source: unesco-2021-report, locator: "14"}
  assessor: Fixture Institute follow-up team
"""

SOME = """\
- recommendation: protect-glacier-basins
  date: 2024-06-01
  status: some
  summary: The ministry mapped every basin [@rabatel2013]. A mining rule is before Congress.
  lead: environment-ministry
  evidence:
    - {claim: All basin maps are published., source: unesco-2021-atlas, locator: "4"}
  assessor: Fixture Institute follow-up team
"""


def track_file(brief: Path, code: str, text: str) -> Path:
    """Write `tracking/<code>.yaml` of a brief; return its path."""
    path = brief / "tracking" / f"{code}.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(folder: Path) -> tuple[int, list[str]]:
    """Run validate; return its exit code and the located problem lines, paths from the briefs folder."""
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    base = os.path.relpath(folder.parent) + os.sep
    lines = [x.replace(base, "") for x in result.stderr.splitlines() if re.match(r"^\S+:\d+:\d+: ", x)]
    return result.exit_code, lines
