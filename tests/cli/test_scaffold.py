"""`briefgen init` starts a project that validates and builds; `briefgen new …` adds files that validate."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel

from briefgen.models import Brief, CountryProfile, Recommendation, Source
from briefgen.models.country import Fact
from briefgen.models.recommendation import Action, Audience, Evidence, Trigger
from briefgen.models.schemas import KINDS, schema_text

EXAMPLE = Path("briefs") / "example-brief"


def briefgen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefgen", *args], cwd=cwd, capture_output=True, text=True, check=False
    )


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


@pytest.fixture
def project(tmp_path: Path) -> Path:
    result = briefgen("init", "project", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return tmp_path / "project"


@pytest.mark.slow
def test_init_makes_a_project_that_validates_and_builds_as_created(project: Path) -> None:
    assert files_under(project) == sorted(
        [
            ".gitignore",
            ".vscode/settings.json",
            "briefs/countries/PT.yaml",
            "briefs/countries/sources.yaml",
            "briefs/example-brief/brief.yaml",
            "briefs/example-brief/recommendations/protect-outdoor-workers.yaml",
            "briefs/example-brief/recommendations/warn-before-heat-waves.yaml",
            "briefs/example-brief/sources.yaml",
            *(f"schemas/{kind}.schema.json" for kind in KINDS),
        ]
    )
    checked = briefgen("validate", cwd=project)
    assert checked.returncode == 0, checked.stderr
    assert checked.stderr == ""  # not even a warning
    assert "example-brief: ok, edition 1: 2 recommendations, 1 country, 3 sources" in checked.stdout
    built = briefgen("build", cwd=project)
    assert built.returncode == 0, built.stderr
    out = project / "build" / "example-brief" / "e1"
    assert (out / "en" / "example-brief-PT-e1.pdf").read_bytes().startswith(b"%PDF")
    assert (out / "en" / "example-brief-PT-e1.docx").read_bytes().startswith(b"PK")
    # both recommendations apply to the example country under the active scenario
    explained = briefgen("explain", str(EXAMPLE), "--country", "PT", cwd=project)
    assert "INCLUDED (2)" in explained.stdout, explained.stdout


def test_the_example_profile_says_its_facts_are_illustrative(project: Path) -> None:
    profile = (project / "briefs" / "countries" / "PT.yaml").read_text(encoding="utf-8")
    assert "ILLUSTRATIVE" in profile
    labels = re.findall(r"label: (.*)", profile)
    assert labels and all(label.endswith("(illustrative)") for label in labels)


def _fields(*models: type[BaseModel]) -> set[str]:
    return {field.alias or name for model in models for name, field in model.model_fields.items()}


@pytest.mark.parametrize(
    ("files", "models"),
    [
        (["briefs/example-brief/brief.yaml"], (Brief,)),
        (
            [
                "briefs/example-brief/recommendations/warn-before-heat-waves.yaml",
                "briefs/example-brief/recommendations/protect-outdoor-workers.yaml",
            ],
            (Recommendation, Audience, Trigger, Action, Evidence),
        ),
        (["briefs/countries/PT.yaml"], (CountryProfile, Fact)),
        (["briefs/example-brief/sources.yaml"], (Source,)),
    ],
)
def test_the_example_files_explain_every_field(
    project: Path, files: list[str], models: tuple[type[BaseModel], ...]
) -> None:
    text = "\n".join((project / f).read_text(encoding="utf-8") for f in files)
    comments = "\n".join(line.split("#", 1)[1] for line in text.splitlines() if "#" in line)
    missing = [name for name in _fields(*models) if not re.search(rf"\b{name}\b", text)]
    assert missing == []
    assert len(comments.split()) > 60  # the comments say what the fields are for


def test_every_file_points_editors_at_the_schemas_written_from_the_models(project: Path) -> None:
    for kind in KINDS:
        assert (project / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8") == schema_text(kind)
    for path in (project / "briefs").rglob("*.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        found = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert found, f"{path}: {first}"
        schema = (path.parent / found.group(1)).resolve()
        assert schema.is_file() and schema.parent == (project / "schemas").resolve()
    settings = json.loads((project / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    for schema in settings["yaml.schemas"]:
        assert (project / schema).is_file()


def test_the_gitignore_keeps_builds_ledgers_and_outboxes_out_of_version_control(project: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    sources = files_under(project)
    ignored = [
        "build/example-brief/e1/manifest.json",
        "briefs/example-brief/ledger.sqlite",
        "briefs/example-brief/ledger.sqlite-wal",
        "briefs/example-brief/outbox/e1/copy.eml",
    ]
    kept = ["briefs/example-brief/distribution.json"]  # the ledger's record: committed with the sources
    for name in [*ignored, *kept]:
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text("x", encoding="utf-8")
    result = subprocess.run(
        ["git", "check-ignore", *ignored, *kept, *sources],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert sorted(result.stdout.split()) == sorted(ignored)


def test_init_refuses_to_overwrite_anything_and_writes_nothing(tmp_path: Path) -> None:
    mine = tmp_path / "briefs" / "example-brief" / "sources.yaml"
    mine.parent.mkdir(parents=True)
    mine.write_text("my own: sources\n", encoding="utf-8")
    result = briefgen("init", cwd=tmp_path)
    assert result.returncode == 1
    assert "briefs/example-brief/sources.yaml already exists; nothing was written" in result.stderr
    assert "Traceback" not in result.stderr
    assert files_under(tmp_path) == ["briefs/example-brief/sources.yaml"]
    assert mine.read_text(encoding="utf-8") == "my own: sources\n"


def test_init_works_in_a_folder_that_holds_other_files(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("ours\n", encoding="utf-8")
    assert briefgen("init", ".", cwd=tmp_path).returncode == 0
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == "ours\n"
    assert (tmp_path / EXAMPLE / "brief.yaml").is_file()


def test_new_recommendation_in_a_brief_folder_adds_a_commented_file_that_validates(project: Path) -> None:
    brief = project / EXAMPLE
    result = briefgen("new", "recommendation", "fund-cooling-centres", cwd=brief)
    assert result.returncode == 0, result.stderr
    path = brief / "recommendations" / "fund-cooling-centres.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../../schemas/recommendation.schema.json\n")
    assert "id: fund-cooling-centres\ntitle: Fund cooling centres\n" in text
    checked = briefgen("validate", cwd=project)
    assert checked.returncode == 0, checked.stderr
    assert "3 recommendations" in checked.stdout
    # from its recommendations folder, or from anywhere with --brief
    assert briefgen("new", "recommendation", "second", cwd=brief / "recommendations").returncode == 0
    assert briefgen("new", "recommendation", "third", "--brief", str(EXAMPLE), cwd=project).returncode == 0
    assert briefgen("validate", cwd=project).returncode == 0


def test_new_refuses_an_id_that_is_not_a_slug_as_a_usage_error(project: Path) -> None:
    before = files_under(project)
    for args in (
        ("new", "recommendation", "Bad_Id", "--brief", str(EXAMPLE)),
        ("new", "recommendation", "../escape", "--brief", str(EXAMPLE)),
        ("new", "brief", "My Brief"),
        ("new", "country", "QQ"),
        ("new", "country", "FRA"),
    ):
        result = briefgen(*args, cwd=project)
        assert result.returncode == 2, (args, result.stderr)
        assert "Traceback" not in result.stderr
    assert "must be a lowercase id" in briefgen("new", "brief", "My Brief", cwd=project).stderr
    assert files_under(project) == before


def test_new_recommendation_outside_a_brief_folder_is_a_usage_error(project: Path) -> None:
    result = briefgen("new", "recommendation", "lost", cwd=project)
    assert result.returncode == 2
    assert "run this inside a brief folder" in result.stderr


def test_new_refuses_to_overwrite_a_file(project: Path) -> None:
    path = project / EXAMPLE / "recommendations" / "warn-before-heat-waves.yaml"
    before = path.read_bytes()
    result = briefgen("new", "recommendation", "warn-before-heat-waves", "--brief", str(EXAMPLE), cwd=project)
    assert result.returncode == 1
    assert "warn-before-heat-waves.yaml already exists" in result.stderr
    assert path.read_bytes() == before


def test_new_country_and_new_brief_add_files_that_validate(project: Path) -> None:
    result = briefgen("new", "country", "es", cwd=project)
    assert result.returncode == 0, result.stderr
    profile = (project / "briefs" / "countries" / "ES.yaml").read_text(encoding="utf-8")
    assert 'code: ES\nname: "Spain"\n' in profile
    assert "languages: [es]" in profile
    result = briefgen("new", "brief", "water-2030", "--country", "ES", "--country", "PT", cwd=project)
    assert result.returncode == 0, result.stderr
    brief = project / "briefs" / "water-2030"
    assert "countries: [ES, PT]" in (brief / "brief.yaml").read_text(encoding="utf-8")
    # the PT profile cites a work of the shared bibliography: the new brief finds it there
    assert "example-statistics" not in (brief / "sources.yaml").read_text(encoding="utf-8")
    checked = briefgen("validate", str(Path("briefs") / "water-2030"), cwd=project)
    assert checked.returncode == 0, checked.stderr
    assert "water-2030: ok, edition 1: 0 recommendations, 2 countries, 1 source" in checked.stdout
    # a recommendation added to it validates with it
    assert briefgen("new", "recommendation", "first-step", cwd=brief).returncode == 0
    assert briefgen("validate", cwd=project).returncode == 0


def test_new_brief_needs_a_profile_for_each_country(project: Path) -> None:
    result = briefgen("new", "brief", "elsewhere", "--country", "FR", cwd=project)
    assert result.returncode == 2
    assert "no profile for FR" in result.stderr
    assert not (project / "briefs" / "elsewhere").exists()


def test_new_files_outside_a_project_with_schemas_have_no_schema_line(tmp_path: Path) -> None:
    brief = tmp_path / "solo"
    brief.mkdir()
    (brief / "brief.yaml").write_text("id: solo\n", encoding="utf-8")
    assert briefgen("new", "recommendation", "alone", cwd=brief).returncode == 0
    text = (brief / "recommendations" / "alone.yaml").read_text(encoding="utf-8")
    assert not text.startswith("# yaml-language-server")
    assert text.startswith("# A recommendation")
