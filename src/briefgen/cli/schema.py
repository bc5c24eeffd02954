"""`briefgen schema`: JSON Schema for each kind of source file, from the models."""

from __future__ import annotations

from pathlib import Path

import typer


def schema(
    out: Path = typer.Option(Path("schemas"), "--out", help="Folder to write the schemas to."),
) -> None:
    """Write a JSON Schema for each source file kind, for editors with the YAML language server."""
    from briefgen.errors import check_output_folder, writing_to
    from briefgen.models.schemas import write_schemas

    check_output_folder(out, "--out")
    with writing_to(out):
        paths = write_schemas(out)
    for path in paths:
        typer.echo(str(path))
