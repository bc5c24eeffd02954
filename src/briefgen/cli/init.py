"""`briefgen init` and `briefgen new …`: start a project, add a recommendation, brief, country or assessment."""

from __future__ import annotations

from pathlib import Path

import typer

new_app = typer.Typer(
    help="Add one commented file (or assessment) that validates: a recommendation, brief, country profile or assessment.",
    no_args_is_help=True,
)


def init(
    folder: Path = typer.Argument(Path("."), help="Folder to make the project in (created if need be)."),
) -> None:
    """Start a project: an example brief with two recommendations, a country profile, schemas.

    Refuses to overwrite anything: if one of its files exists, nothing is written.
    """
    from briefgen.scaffold import init_project

    for path in init_project(folder):
        typer.echo(str(path))
    where = "" if folder == Path(".") else f"cd {folder} && "
    typer.echo(f"\nNext: {where}briefgen validate && briefgen build   (documents go to build/)")


@new_app.command("recommendation")
def new_recommendation(
    rec_id: str = typer.Argument(..., metavar="ID", help="The recommendation's id, a lowercase slug."),
    brief: Path | None = typer.Option(
        None, "--brief", help="The brief folder. Left out: the brief folder you are in."
    ),
) -> None:
    """Add recommendations/ID.yaml to a brief."""
    from briefgen.scaffold import find_brief, new_recommendation

    typer.echo(str(new_recommendation(find_brief(Path("."), brief), rec_id)))


@new_app.command("brief")
def new_brief(
    brief_id: str = typer.Argument(..., metavar="ID", help="The brief's id, a lowercase slug."),
    country: list[str] = typer.Option(
        [], "--country", help="A country it is made for (repeatable). Left out: every profile there is."
    ),
    project: Path = typer.Option(Path("."), "--project", help="The project folder (holding briefs/)."),
) -> None:
    """Add briefs/ID/ with a brief.yaml and an empty sources.yaml."""
    from briefgen.scaffold import new_brief as make

    for path in make(project, brief_id, country):
        typer.echo(str(path))


@new_app.command("country")
def new_country(
    code: str = typer.Argument(..., metavar="CODE", help="ISO 3166-1 alpha-2 code, like FR."),
    project: Path = typer.Option(Path("."), "--project", help="The project folder (holding briefs/)."),
) -> None:
    """Add briefs/countries/CODE.yaml, with the country's name and languages filled in."""
    from briefgen.scaffold import new_country as make

    typer.echo(str(make(project, code)))


@new_app.command("assessment")
def new_assessment(
    code: str = typer.Argument(..., metavar="CODE", help="The country assessed, like KZ."),
    rec_id: str = typer.Argument(..., metavar="ID", help="The recommendation assessed."),
    brief: Path | None = typer.Option(
        None, "--brief", help="The brief folder. Left out: the brief folder you are in."
    ),
) -> None:
    """Add an assessment to tracking/CODE.yaml: what a government did with a recommendation."""
    from briefgen.scaffold import find_brief
    from briefgen.scaffold import new_assessment as make

    typer.echo(str(make(find_brief(Path("."), brief), code, rec_id)))
