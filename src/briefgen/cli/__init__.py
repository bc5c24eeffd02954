"""The command line: one module per command, heavy imports only inside the command that runs.

A command returns its exit status (nothing: 0; 1 when something it reports failed) or raises.
How a command ends is decided in one place, `briefgen.errors.exit_status`, which
`BriefgenGroup.invoke` calls for what a command raises and `briefgen.errors.ending` for what
happens around the command line: a `BriefgenError` prints as one line (an `InputError` as its
list of problems) and exits with the status its class carries; Ctrl-C ends any command with one
line and status 130. No command maps exit codes or handles Ctrl-C itself.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from briefgen.cli import (
    build,
    distribute,
    editions,
    explain,
    init,
    review,
    schema,
    serve,
    track,
    translate,
    validate,
)


class BriefgenGroup(TyperGroup):
    """Run a command; turn its status, and what briefgen raises on purpose, into an exit status."""

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        """Read the command line; a Ctrl-C meanwhile (Typer imports as it reads) ends with one line.

        Typer turns a KeyboardInterrupt while it reads the arguments into status 130 and no word.
        """
        from briefgen.errors import exit_status

        try:
            return super().make_context(*args, **kwargs)
        except KeyboardInterrupt as exc:
            raise typer.Exit(exit_status(exc) or 1) from None

    def invoke(self, ctx: Any) -> Any:
        from briefgen.errors import BriefgenError, exit_status

        try:
            status = super().invoke(ctx)
        except (BriefgenError, KeyboardInterrupt, BrokenPipeError) as exc:
            raise typer.Exit(exit_status(exc) or 1) from None
        if isinstance(status, int) and status:
            raise typer.Exit(status)
        return status


app = typer.Typer(
    name="briefgen",
    cls=BriefgenGroup,
    help="Tailored policy briefings for each government, from recommendations kept as YAML.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("validate")(validate.validate)
app.command("schema")(schema.schema)
app.command("explain")(explain.explain)
app.command("build")(build.build)
app.command("translate")(translate.translate)
app.command("release")(editions.release)
app.command("diff")(editions.diff)
app.command("distribute")(distribute.distribute)
app.command("ledger")(distribute.ledger)
app.command("outdated")(distribute.outdated)
app.command("init")(init.init)
app.add_typer(init.new_app, name="new")
app.command("serve")(serve.serve)
app.command("review")(review.review)
app.command("track")(track.track)


def main() -> None:
    """Run the command line; end the process as `briefgen.errors.ending` says."""
    from briefgen.errors import ending

    with ending():
        app()
