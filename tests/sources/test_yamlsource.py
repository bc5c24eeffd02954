"""The YAML reader refuses what is malformed or dangerous, and says where."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.sources.yamlsource import MAX_FILE_BYTES, parse_yaml, read_yaml


def problems_of(text: str) -> list[str]:
    document, problems = parse_yaml(text, Path("f.yaml"))
    # the document is kept (without the bad parts) unless the whole file had to be refused
    if document is None:
        assert [p for p in problems if p.severity == "error"]
    return [f"{p.line}:{p.column}: {p.field}: {p.message}" for p in problems]


@pytest.mark.unit
def test_it_keeps_the_line_and_column_of_every_key_and_value() -> None:
    document, problems = parse_yaml("a: 1\nb:\n  - x\n  - {c: 2}\n", Path("f.yaml"))
    assert not problems and document is not None
    assert document.data == {"a": 1, "b": ["x", {"c": 2}]}
    assert document.positions.locate(("b", 1, "c")) == (4, 9)
    assert document.positions.locate(("b", 1, "c"), key=True) == (4, 6)
    assert document.positions.locate(("b", 0)) == (3, 5)


@pytest.mark.unit
def test_it_refuses_anchors_and_aliases_so_a_billion_laughs_cannot_expand() -> None:
    bomb = 'a: &a ["lol", "lol"]\nb: &b [*a, *a]\nc: [*b, *b]\n'
    assert problems_of(bomb) == ["1:4: : YAML anchors (&name) are not allowed in sources"]


@pytest.mark.unit
def test_it_refuses_a_lone_alias() -> None:
    assert problems_of("a: *x\n") == ["1:4: : YAML aliases (*name) are not allowed in sources"]


@pytest.mark.unit
def test_it_refuses_python_tags_instead_of_running_them() -> None:
    found = problems_of("a: !!python/object/apply:os.system [echo hi]\n")
    assert found == [
        "1:4: a: YAML tag !!python/object/apply:os.system is not allowed;"
        " only !!str, !!int, !!float, !!bool and !!null are"
    ]


@pytest.mark.unit
def test_it_reports_malformed_yaml_with_its_line() -> None:
    found = problems_of("title: ok\nsteps: [one, two\nnext: 1\n")
    assert len(found) == 1 and found[0].startswith("3:5: : malformed YAML:")


@pytest.mark.unit
def test_it_reports_a_duplicate_key_where_the_second_stands() -> None:
    assert problems_of("id: a\ntitle: t\nid: b\n") == ["3:1: id: duplicate key"]


@pytest.mark.unit
def test_it_refuses_an_escaped_control_character_in_text_with_its_field() -> None:
    assert problems_of('a:\n  b: "bell \\x07 here"\n') == [
        "2:6: a.b: control character U+0007 is not allowed in text"
    ]


@pytest.mark.unit
def test_it_refuses_a_raw_control_character() -> None:
    found = problems_of("a: x\x0cy\n")
    assert found == ["1:5: : malformed YAML: control character U+000C is not allowed"]


@pytest.mark.unit
def test_it_refuses_deep_nesting_before_it_can_exhaust_the_stack() -> None:
    found = problems_of("[" * 5000 + "]" * 5000)
    assert found == ["1:41: : nesting deeper than 40 levels"]


@pytest.mark.unit
def test_it_refuses_several_documents_in_one_file() -> None:
    assert problems_of("a: 1\n---\nb: 2\n") == ["2:1: : a source file holds one YAML document, not several"]


@pytest.mark.unit
def test_it_reads_yaml_1_2_so_norway_stays_a_country_code() -> None:
    document, _ = parse_yaml("countries: [NO, SE]\nflag: yes\n", Path("f.yaml"))
    assert document is not None and document.data == {"countries": ["NO", "SE"], "flag": "yes"}


@pytest.mark.unit
def test_it_refuses_a_file_that_is_not_utf8_with_the_line_of_the_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: ok\nname: Bogot\xe1\n".encode("latin-1"))
    document, problems = read_yaml(path)
    assert document is None
    assert [(p.line, p.column, p.message) for p in problems] == [
        (2, 12, "file is not UTF-8 (byte 0xe1); save it as UTF-8")
    ]


@pytest.mark.unit
def test_it_refuses_a_file_over_the_size_limit_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"summary: " + b"x" * MAX_FILE_BYTES + b"\n")
    document, problems = read_yaml(path)
    assert document is None and problems[0].message.startswith("file is 5.2 MB; the limit is 5 MB")


@pytest.mark.unit
def test_an_empty_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("# nothing\n")
    assert [p.message for p in read_yaml(path)[1]] == ["file is empty"]
