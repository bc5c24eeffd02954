"""The command line: one module per command, heavy imports only inside the command that runs."""

from __future__ import annotations

import sys

import typer

from briefgen.cli import build, distribute, editions, explain, schema, validate

app = typer.Typer(
    name="briefgen",
    help="Tailored policy briefings for each government, from recommendations kept as YAML.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("validate")(validate.validate)
app.command("schema")(schema.schema)
app.command("explain")(explain.explain)
app.command("build")(build.build)
app.command("release")(editions.release)
app.command("diff")(editions.diff)
app.command("distribute")(distribute.distribute)
app.command("ledger")(distribute.ledger)
app.command("outdated")(distribute.outdated)


def main() -> None:
    """Run the command line; bad input ends with its report and exit status 1, never a traceback."""
    from briefgen.cli.common import print_problems
    from briefgen.errors import BriefgenError, InputError, UsageError

    try:
        app()
    except InputError as exc:
        print_problems(exc.problems)
        sys.exit(1)
    except UsageError as exc:
        print(f"briefgen: {exc}", file=sys.stderr)
        sys.exit(2)
    except BriefgenError as exc:
        print(f"briefgen: {exc}", file=sys.stderr)
        sys.exit(1)
