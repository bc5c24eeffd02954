"""The name of each text field of the sources: `<file>:<field path>`.

`recommendations/deepen-balancing.yaml:action.steps[2]`, `brief.yaml:sections[1].body`,
`KZ.yaml:facts.trade.label`: the same key names a text as the PO catalogs' `msgctxt`, as the
anchors of a Word brief (so a reviewer's comment finds its way back), and as a review report.
The file is relative to the brief's folder, or to the countries folder for a profile.
"""

from __future__ import annotations

import re

from briefgen.sources.yamlsource import Loc, dotted

BRIEF_FILE = "brief.yaml"
RECOMMENDATIONS_DIR = "recommendations"

_STEP = re.compile(r"\.?([^.\[\]]+)|\[(\d+)\]")


def recommendation_file(rec_id: str) -> str:
    """Return a recommendation's file as keys name it: `recommendations/<id>.yaml`."""
    return f"{RECOMMENDATIONS_DIR}/{rec_id}.yaml"


def profile_file(code: str) -> str:
    """Return a country profile's file as keys name it: `<CODE>.yaml`."""
    return f"{code}.yaml"


def field_key(file: str, loc: Loc) -> str:
    """Return the key of the field at `loc` of `file`: `recommendations/x.yaml:action.steps[2]`."""
    return f"{file}:{dotted(loc)}"


def parse_key(key: str) -> tuple[str, Loc]:
    """Return the file and field path a key names; raise ValueError for one that names none."""
    file, sep, path = key.partition(":")
    if not sep or not file.endswith(".yaml") or not path:
        raise ValueError(f"not a field key: {key!r}")
    loc: list[str | int] = []
    at = 0
    for match in _STEP.finditer(path):
        if match.start() != at:
            raise ValueError(f"not a field key: {key!r}")
        name, index = match.groups()
        loc.append(int(index) if index is not None else name)
        at = match.end()
    if at != len(path):
        raise ValueError(f"not a field key: {key!r}")
    return file, tuple(loc)
