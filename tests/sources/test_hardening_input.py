"""Hostile and careless input: every scalar, citation and source file is checked where it is read.

Each case ends with FILE:LINE:COL problems and exit status 1, never a traceback, and never
reads a file outside the project.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.events import ScalarEvent

from briefgen import load_brief
from briefgen.errors import InputError
from briefgen.sources.yamlsource import MAX_FILE_BYTES, read_yaml
from conftest import FIXTURES, replace_in
from hardening import ends_cleanly, run

# --- scalars -------------------------------------------------------------------------------

SCALAR_CASES = [
    # (file under the brief folder, text, replacement, expected message part)
    ("brief.yaml", "date: 2021-11-15", "date: 2021-02-30", "'2021-02-30' is not a real date"),
    ("brief.yaml", "date: 2021-11-15", "date: 2021-13-45", "'2021-13-45' is not a real date"),
    ("brief.yaml", "date: 2021-11-15", "date: 0000-01-01", "'0000-01-01' is not a real date"),
    ("brief.yaml", "date: 2021-11-15", "date: 2021-01-01T25:00:00", "is not a real date"),
    ("brief.yaml", "date: 2021-11-15", "date: 2021-01-01T10:00:00", "must be a date without a time"),
    ("brief.yaml", "date: 2021-11-15", "date: !!timestamp 2021-02-30", "YAML tag !!timestamp is not allowed"),
    ("brief.yaml", "edition: 3", "edition: true", "edition: Input should be a valid integer (found True)"),
    ("brief.yaml", "edition: 3", 'edition: "2"', "edition: Input should be a valid integer (found '2')"),
    ("brief.yaml", "edition: 3", "edition: !!int abc", "'abc' is not an integer, as its tag !!int says"),
    ("brief.yaml", "edition: 3", "edition: 10000", "edition: Input should be less than or equal to 9999"),
    ("brief.yaml", "edition: 3", "edition: " + "1" * 5001, "is too large; numbers must lie within"),
    (
        "recommendations/deepen-balancing.yaml",
        "priority: 3",
        "priority: true",
        "priority: Input should be a valid integer",
    ),
    (
        "recommendations/deepen-balancing.yaml",
        "priority: 3",
        "priority: !!float abc",
        "'abc' is not a number",
    ),
    (
        "recommendations/deepen-balancing.yaml",
        "priority: 3",
        "priority: !!bool maybe",
        "'maybe' is not true or false",
    ),
    (
        "recommendations/professionalise-business-environment.yaml",
        "gte: 0.3",
        "gte: true",
        "Input should be a valid number",
    ),
    (
        "recommendations/professionalise-business-environment.yaml",
        "gte: 0.3",
        'gte: "0.3"',
        "Input should be a valid number",
    ),
    (
        "recommendations/professionalise-business-environment.yaml",
        "gte: 0.3",
        "gte: .inf",
        "'.inf' is not a finite number",
    ),
    ("../countries/KZ.yaml", "value: 5.0", "value: .nan", "'.nan' is not a finite number"),
    ("../countries/KZ.yaml", "value: 5.0", "value: 1e400", "'1e400' is not a finite number"),
    ("../countries/KZ.yaml", "value: 5.0", "value: 1e26", "'1e26' is too large"),
    ("../countries/KZ.yaml", "value: 5.0", "value: -1e15", "'-1e15' is too large"),
    ("../countries/KZ.yaml", "year: 2001", "year: true", "year: Input should be a valid integer"),
    (
        "sources.yaml",
        "year: 2020",
        "year: !!python/name:os.system",
        "YAML tag !!python/name:os.system is not allowed",
    ),
]


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"), SCALAR_CASES, ids=[c[2][:30] for c in SCALAR_CASES]
)
def test_a_scalar_that_cannot_be_a_value_is_a_located_problem_not_a_traceback(
    central_asia_copy: Path, name: str, old: str, new: str, expected: str
) -> None:
    path = central_asia_copy / name
    replace_in(path, old, new)
    line = (
        path.read_text(encoding="utf-8")
        .splitlines()
        .index(next(x for x in path.read_text(encoding="utf-8").splitlines() if new in x))
        + 1
    )
    stderr = ends_cleanly(run("validate", central_asia_copy), 1)
    problems = [p for p in stderr.splitlines() if expected in p]
    assert problems, stderr
    assert f"{path.name}:{line}:" in problems[0]
    assert stderr.count(f"{path.name}:{line}:") == 1, "one slip, one problem"


def test_numbers_well_inside_the_limits_still_validate(central_asia_copy: Path) -> None:
    replace_in(central_asia_copy.parent / "countries/KZ.yaml", "value: 5.0", "value: 999999999999999")
    ends_cleanly(run("validate", central_asia_copy, "-q"), 0)


# The scalars an analyst, an editor or an attacker can put where a value goes.
_dates = st.builds(
    "{:04d}-{:02d}-{:02d}".format, st.integers(0, 9999), st.integers(0, 99), st.integers(0, 99)
)
_times = st.builds(
    "{}T{:02d}:{:02d}:{:02d}".format, _dates, st.integers(0, 99), st.integers(0, 99), st.integers(0, 99)
)
_words = st.text(alphabet="abcxyz019.-+_eE", min_size=1, max_size=8)
_tags = st.sampled_from(["!!int", "!!float", "!!bool", "!!null", "!!str", "!!timestamp", "!!binary", "!!set"])
BAD_SCALARS = st.one_of(
    _dates,
    _times,
    st.builds("{} {}".format, _tags, st.one_of(_words, _dates)),
    st.integers(1, 5001).map(lambda n: "9" * n),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(
        [
            ".nan",
            ".NaN",
            ".inf",
            "-.inf",
            "1e400",
            "-1e400",
            "1e26",
            "0x7fffffffffffffffff",
            "0o777777777777777777777",
            "true",
            "false",
            "yes",
            "no",
            "null",
            "~",
            "''",
            '"3"',
            "[]",
            "{}",
            "- x",
            "!!python/name:os.system",
        ]
    ),
)
KINDS = {
    "brief": "andes-water/brief.yaml",
    "recommendation": "andes-water/recommendations/prepare-drought-finance.yaml",
    "country": "countries/PE.yaml",
    "sources": "andes-water/sources.yaml",
    "recipients": "andes-water/recipients.yaml",
}


def _scalar_spans(text: str) -> list[tuple[int, int]]:
    """Return where each scalar (key or value) stands in `text`, as character offsets."""
    return [
        (e.start_mark.index, e.end_mark.index)
        for e in YAML(typ="safe", pure=True).parse(text)
        if isinstance(e, ScalarEvent)
    ]


@pytest.fixture(scope="module")
def fuzz_briefs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("scalars") / "briefs"
    shutil.copytree(FIXTURES / "briefs", root)
    return root


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(kind=st.sampled_from(sorted(KINDS)), data=st.data(), scalar=BAD_SCALARS)
def test_any_scalar_in_any_field_of_any_source_gets_a_report_never_a_traceback(
    fuzz_briefs: Path, kind: str, data: st.DataObject, scalar: str
) -> None:
    path = fuzz_briefs / KINDS[kind]
    original = path.read_text(encoding="utf-8")
    spans = _scalar_spans(original)
    start, end = data.draw(st.sampled_from(spans), label="field")
    path.write_text(original[:start] + scalar + original[end:], encoding="utf-8")
    try:
        load_brief(fuzz_briefs / "andes-water")
    except InputError as exc:
        assert exc.errors
        assert all(p.line >= 1 and p.column >= 1 for p in exc.problems)
    finally:
        path.write_text(original, encoding="utf-8")


# --- citations and files that are not read --------------------------------------------------


def test_a_malformed_citation_is_a_problem_with_the_form_that_works(central_asia_copy: Path) -> None:
    rec = central_asia_copy / "recommendations/deepen-balancing.yaml"
    text = rec.read_text(encoding="utf-8")
    replace_in(rec, "rationale: |\n", "rationale: |\n  As [@Xing1996] and [@xing1996 p. 17] show.\n")
    assert "rationale: |" in text
    stderr = ends_cleanly(run("validate", central_asia_copy), 1)
    assert "[@Xing1996] is not a citation briefgen understands; did you mean [@xing1996]?" in stderr
    assert (
        "[@xing1996 p. 17] is not a citation briefgen understands; did you mean [@xing1996, p. 17]?" in stderr
    )
    assert "deepen-balancing.yaml:" in stderr


def test_one_duplicate_work_in_sources_is_one_problem_not_one_per_citation(central_asia_copy: Path) -> None:
    sources = central_asia_copy / "sources.yaml"
    with sources.open("a", encoding="utf-8") as handle:
        handle.write("\nxing1996:\n  type: book\n  author: X\n  title: Y\n  year: 1990\n")
    stderr = ends_cleanly(run("validate", central_asia_copy), 1)
    assert stderr.strip().splitlines()[:-1] == [stderr.strip().splitlines()[0]]
    assert "sources.yaml:" in stderr and "xing1996: duplicate key" in stderr
    assert "1 problem found" in stderr


def test_one_bad_url_in_sources_is_one_problem_not_one_per_citation(central_asia_copy: Path) -> None:
    # the works with a URL are the profiles' shared bibliography now
    replace_in(central_asia_copy.parent / "countries/sources.yaml", "url: https://", "url: htps://")
    stderr = ends_cleanly(run("validate", central_asia_copy), 1)
    assert "names no work" not in stderr and "is not in sources.yaml" not in stderr
    assert "is neither in countries/sources.yaml" not in stderr
    assert "1 problem found" in stderr


def test_a_broken_country_profile_does_not_make_every_fact_test_an_error(central_asia_copy: Path) -> None:
    replace_in(central_asia_copy.parent / "countries/KZ.yaml", "code: KZ", "code: [KZ]")
    stderr = ends_cleanly(run("validate", central_asia_copy), 1)
    assert "defines" not in stderr
    assert "1 problem found" in stderr


@pytest.mark.parametrize("name", ["x.YAML", "x.yaml~", "x.yaml.bak", "sub/x.yaml"])
def test_a_file_that_looks_like_a_recommendation_but_is_not_read_gets_a_warning(
    central_asia_copy: Path, name: str
) -> None:
    target = central_asia_copy / "recommendations" / name
    target.parent.mkdir(exist_ok=True)
    shutil.copy(central_asia_copy / "recommendations/deepen-balancing.yaml", target)
    result = run("validate", central_asia_copy)
    stderr = ends_cleanly(result, 0)
    assert f"recommendations/{name}:1:1: (file): warning: not read" in stderr


# --- sources are regular files inside the project ------------------------------------------


def test_a_link_to_a_file_outside_the_project_is_refused_without_printing_it(central_asia_copy: Path) -> None:
    link = central_asia_copy / "recommendations/x.yaml"
    link.symlink_to("/etc/passwd")
    result = run("validate", central_asia_copy)
    stderr = ends_cleanly(result, 1)
    assert (
        "recommendations/x.yaml:1:1: (file): is a link to /etc/passwd, outside the project folder" in stderr
    )
    assert "root:" not in stderr + result.stdout and "nologin" not in stderr + result.stdout


def test_a_link_to_a_yaml_file_elsewhere_is_not_built_into_the_brief(
    central_asia_copy: Path, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")  # outside the project folder (tmp_path)
    shutil.copy(central_asia_copy / "recommendations/deepen-balancing.yaml", elsewhere / "x.yaml")
    replace_in(elsewhere / "x.yaml", "id: deepen-balancing", "id: x")
    (central_asia_copy / "recommendations/x.yaml").symlink_to(elsewhere / "x.yaml")
    stderr = ends_cleanly(
        run("build", central_asia_copy, "--format", "html", "-o", tmp_path / "out", "-q"), 1
    )
    assert f"x.yaml:1:1: (file): is a link to {elsewhere / 'x.yaml'}, outside the project folder" in stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.html"))


def test_a_link_inside_the_project_is_read(central_asia_copy: Path) -> None:
    rec = central_asia_copy / "recommendations/deepen-balancing.yaml"
    kept = central_asia_copy.parent / "deepen-balancing.yaml"
    rec.rename(kept)
    rec.symlink_to(kept)
    ends_cleanly(run("validate", central_asia_copy, "-q"), 0)


def test_a_link_to_a_device_is_refused_before_reading(central_asia_copy: Path) -> None:
    (central_asia_copy / "recommendations/x.yaml").symlink_to("/dev/zero")
    stderr = ends_cleanly(run("validate", central_asia_copy), 1)
    assert "recommendations/x.yaml:1:1:" in stderr


@pytest.mark.unit
def test_a_device_is_refused_and_never_read() -> None:
    document, problems = read_yaml(Path("/dev/zero"))
    assert document is None
    assert [p.message for p in problems] == [
        "is a character device, not a regular file; a source must be a plain file"
    ]


def test_a_fifo_is_refused_without_waiting_for_a_writer(central_asia_copy: Path) -> None:
    os.mkfifo(central_asia_copy / "recommendations/x.yaml")
    stderr = ends_cleanly(run("validate", central_asia_copy, timeout=60), 1)
    assert "recommendations/x.yaml:1:1: (file): is a FIFO (named pipe), not a regular file" in stderr


def test_a_fifo_as_sources_file_is_refused(central_asia_copy: Path) -> None:
    (central_asia_copy / "sources.yaml").unlink()
    os.mkfifo(central_asia_copy / "sources.yaml")
    stderr = ends_cleanly(run("validate", central_asia_copy, timeout=60), 1)
    assert "sources.yaml:1:1: (file): is a FIFO" in stderr
    assert "names no work" not in stderr


@pytest.mark.unit
def test_the_size_limit_holds_for_the_bytes_read(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: " + b"x" * MAX_FILE_BYTES)
    document, problems = read_yaml(path)
    assert document is None and "the limit is 5 MB" in problems[0].message


@pytest.mark.parametrize("name", ["sources.json", "sources.bib"])
def test_an_imported_bibliography_linked_outside_the_project_is_refused(
    central_asia_copy: Path, name: str
) -> None:
    (central_asia_copy / "sources.yaml").unlink()
    (central_asia_copy / name).symlink_to("/etc/passwd")
    result = run("validate", central_asia_copy)
    stderr = ends_cleanly(result, 1)
    assert f"{name}:1:1: (file): is a link to /etc/passwd, outside the project folder" in stderr
    assert "root:" not in stderr + result.stdout
