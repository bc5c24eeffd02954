"""Random YAML and random text never crash the loader: the answer is always a report."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from briefgen.errors import InputError
from briefgen.sources.loading import load_sources
from briefgen.sources.yamlsource import parse_yaml
from conftest import FIXTURES

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(["KZ", "all", "country.x", "scenario.y", "[@k]", "^[n]", "<b>", "../x", "2020-01-01"]),
)
keys = st.one_of(
    st.sampled_from(
        [
            "id",
            "title",
            "priority",
            "trigger",
            "when",
            "all",
            "any",
            "not",
            "fact",
            "equals",
            "in",
            "gte",
            "evidence",
            "source",
            "countries",
            "audience",
            "action",
            "steps",
            "summary",
            "facts",
            "value",
            "code",
            "name",
            "scenario",
            "scenarios",
            "date",
            "edition",
        ]
    ),
    st.text(max_size=10),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=5)),
    max_leaves=25,
)


def _dump(data: object) -> str:
    from io import StringIO

    stream = StringIO()
    YAML(typ="safe", pure=True).dump(data, stream)
    return stream.getvalue()


@pytest.mark.unit
@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_random_text_gets_a_report_never_an_exception(text: str) -> None:
    document, problems = parse_yaml(text, Path("random.yaml"))
    if document is None:  # refused whole: then it says why
        assert [p for p in problems if p.severity == "error"]
    assert all(p.line >= 1 and p.column >= 1 for p in problems)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=documents, kind=st.sampled_from(["brief", "recommendation", "sources", "country", "recipients"]))
def test_random_documents_in_every_source_file_get_a_report(
    tmp_path_factory, data: object, kind: str
) -> None:
    root = tmp_path_factory.mktemp("fuzz") / "briefs"
    shutil.copytree(FIXTURES / "briefs", root)
    target = {
        "brief": root / "andes-water/brief.yaml",
        "recommendation": root / "andes-water/recommendations/protect-glacier-basins.yaml",
        "sources": root / "andes-water/sources.yaml",
        "country": root / "countries/PE.yaml",
        "recipients": root / "andes-water/recipients.yaml",
    }[kind]
    target.write_text(_dump(data), encoding="utf-8")
    try:
        load_sources(root / "andes-water")
    except InputError as exc:
        assert exc.problems
        assert all(str(p).count(":") >= 3 for p in exc.problems)
