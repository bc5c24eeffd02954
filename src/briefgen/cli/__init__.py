"""The command line: one module per command, heavy imports only inside the command that runs.

Errors meet their exit status in one place, `briefgen.errors.reported`, which
`BriefgenGroup.invoke` calls: a `BriefgenError` prints as one line (an `InputError` as its list
of problems) and exits with the status its class carries; Ctrl-C ends any command with one line
and status 130. No command maps exit codes.
"""

from __future__ import annotations

import sys
from typing import Any

import typer
from typer.core import TyperGroup

from briefgen.cli import build, distribute, editions, explain, init, schema, serve, translate, validate
from briefgen.errors import INTERRUPTED


class BriefgenGroup(TyperGroup):
    """Run a command; turn what briefgen raises on purpose into a message and an exit status."""

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        """Read the command line; a Ctrl-C meanwhile (Typer imports as it reads) ends with one line.

        Typer turns a KeyboardInterrupt while it reads the arguments into status 130 and no word.
        """
        try:
            return super().make_context(*args, **kwargs)
        except KeyboardInterrupt:
            print("briefgen: interrupted", file=sys.stderr)
            raise typer.Exit(INTERRUPTED) from None

    def invoke(self, ctx: Any) -> Any:
        from briefgen.errors import BriefgenError, reported

        try:
            return super().invoke(ctx)
        except BriefgenError as exc:
            raise typer.Exit(reported(exc)) from None
        except KeyboardInterrupt:
            print("briefgen: interrupted", file=sys.stderr)
            raise typer.Exit(INTERRUPTED) from None


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


def main() -> None:
    """Run the command line."""
    try:
        app()
    except KeyboardInterrupt:  # pressed while the command line itself was starting
        print("briefgen: interrupted", file=sys.stderr)
        sys.exit(INTERRUPTED)
