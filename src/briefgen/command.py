"""The `briefgen` command's entry point: Ctrl-C from its first instruction, then a plain build or the command line.

Ctrl-C. The console script imports this module before anything else of briefgen, and it imports
nothing but the interpreter's own `_signal`, `os` and `sys`, loaded before Python runs a line.
Until the command can clean up after an interruption (`_run`, under `briefgen.errors.ending`,
which stops its workers and leaves every output whole), there is nothing to clean up: no file written, no
process started. So a Ctrl-C that comes while Python imports the command (a few tenths of a
second, more on a loaded machine) ends the process at once with the line and status a Ctrl-C
gets later, instead of a traceback from the middle of whatever module was importing; and once
the command has ended, a Ctrl-C while the interpreter shuts down does the same, up to its last
exit handler. After that the interpreter itself puts back the system's default for SIGINT (it
undoes the handlers Python set, not one set to "ignore"), and a Ctrl-C there killed the process
without a word and with status -2, its output already written. So the last exit handler lets a
Ctrl-C go: the command has finished, and ends with its own status.

A command started with Ctrl-C ignored (in the background of a script) keeps it ignored, as the
shell means it to be (`IGNORED`): none of the above is set.

Only the command imports this module: a program or a test that imports briefgen keeps its own
Ctrl-C.

A plain build first. The command line (Typer) takes a tenth of a second to import and parse, and
a build with nothing to do takes less than that to find it out. So `briefgen build [BRIEF]
[options]` is read first, with the standard library only, from the same table of options the
command line is made from (`briefgen.build.request`). When its arguments are plain, the build
runs from here (`briefgen.build.command`), and otherwise the command line takes over, unchanged.
Either way, errors and Ctrl-C end the process as `briefgen.errors.ending` says. Every import of
this module's functions is inside them, for the rule above.
"""

import _signal  # type: ignore[import-not-found]  # the interpreter's own: no `enum` to import first
import _thread  # built into the interpreter: a watch thread with nothing to import
import atexit  # built into the interpreter, like `_signal`: nothing to import first
import os
import sys

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: nothing is imported here (see above)
if TYPE_CHECKING:
    from briefgen.build.request import BuildRequest

INTERRUPTED = 130
"""The shell's status for a command ended by SIGINT (128 + 2), as `briefgen.errors` says it."""

_interrupted = False
_PATIENCE_S = 15.0
"""The longest a command takes to stop its workers and leave its outputs whole after a Ctrl-C
(about a second, 1.4 s at most in 200 Ctrl-Cs of a build under load): past it, it ends at once."""
_ended = False
"""Whether the command's own work is over (its line said, if it was interrupted)."""


def _end_now(signum: int, frame: object) -> None:
    """End the process at once, with one line: nothing is running that needs stopping."""
    try:
        os.write(2, b"briefgen: interrupted\n")
    finally:
        os._exit(INTERRUPTED)


def _interrupt(signum: int, frame: object) -> None:
    """Raise KeyboardInterrupt where the command is, as Python does, and remember that it came."""
    global _interrupted
    first, _interrupted = _interrupted, True
    errors = sys.modules.get("briefgen.errors")  # loaded by then; an error it reports is not the sources'
    if errors is not None:
        errors.note_interrupt()
    warnings = sys.modules.get("warnings")
    if warnings is not None:  # a library whose work this cut short may warn of it (pydantic-core's
        warnings.simplefilter("ignore")  # serializer does): the one line says what happened
    if not first:
        _thread.start_new_thread(_watch, (_PATIENCE_S,))
    raise KeyboardInterrupt


def _watch(patience_s: float) -> None:
    """End the process `patience_s` after a Ctrl-C, if its clean-up has not ended it by then.

    Stopping after a Ctrl-C waits for threads and workers; one caught in a lock the interrupt
    left held (a KeyboardInterrupt lands between a lock's acquiring and the `with` block that
    releases it) would wait for ever: a build hung once in 200 Ctrl-Cs, the line unsaid.
    Ending now loses nothing: every output is written whole or not at all (`atomic`), the
    workers end with this process (`build.pool`'s lifeline) and the kernel lets go of its locks.
    """
    timer = _thread.allocate_lock()
    timer.acquire()
    timer.acquire(timeout=patience_s)  # a sleep with nothing imported
    if _ended:  # the line was said; only the interpreter's shutdown is left
        os._exit(INTERRUPTED)
    _end_now(_signal.SIGINT, None)


def _let_go() -> None:
    """Ignore Ctrl-C from here to the end: the command has finished (see above)."""
    _signal.signal(_signal.SIGINT, _signal.SIG_IGN)


IGNORED = _signal.getsignal(_signal.SIGINT) == _signal.SIG_IGN
"""Whether the command was started with Ctrl-C ignored: in the background of a script (`briefgen
build &` in a shell without job control), or by a parent that asked so. It then stays ignored,
as the shell means it to be and as Python's own startup leaves it: a Ctrl-C aimed at the script
in the foreground does not stop a build or a distribution running behind it, and nothing below
is set."""

if not IGNORED:
    _signal.signal(_signal.SIGINT, _end_now)
    atexit.register(_let_go)  # the first registered runs last, after those of every library imported later


def _unraisable(unraisable: "sys.UnraisableHookArgs") -> None:
    """Keep quiet about the Ctrl-C the command is already ending for, where Python cannot pass
    it on: raised in a finaliser (a generator closed as it is let go of), it would be printed as
    "Exception ignored in ..." with a traceback, above the one line. Anything else is printed."""
    if (
        _interrupted
        and unraisable.exc_type is not None
        and issubclass(unraisable.exc_type, KeyboardInterrupt)
    ):
        return
    sys.__unraisablehook__(unraisable)


def main() -> None:
    """Run the `briefgen` command, with Ctrl-C ending it cleanly at every moment."""
    global _ended
    if IGNORED:  # started with Ctrl-C ignored: it stays ignored (see IGNORED)
        _run()
        return
    sys.unraisablehook = _unraisable
    _signal.signal(_signal.SIGINT, _interrupt)
    try:
        _run()
    except SystemExit as exc:
        if _interrupted and exc.code in (0, None):  # the interruption was lost on its way up: see below
            _end_now(_signal.SIGINT, None)
        raise
    except BaseException:
        # an interruption that a library turned into something else on its way up (pydantic-core
        # makes a Ctrl-C during its own import a PanicException) is still the interruption
        if _interrupted:
            _end_now(_signal.SIGINT, None)
        raise
    else:
        # a library that swallowed the KeyboardInterrupt (C code that clears the error) let the
        # command run on; it was still asked to stop, and says so
        if _interrupted:
            _end_now(_signal.SIGINT, None)
    finally:
        # what is left is the interpreter's shutdown: nothing to clean up, nothing to wait for
        _ended = True
        _signal.signal(_signal.SIGINT, _end_now)
        sys.unraisablehook = sys.__unraisablehook__  # no KeyboardInterrupt is raised from here on


def _run() -> None:
    """Run `briefgen`: a plain build runs here; everything else goes to the command line."""
    import gc

    from briefgen.build.collector import tune_for_documents
    from briefgen.errors import ending

    tune_for_documents()
    try:
        with ending():
            args = sys.argv[1:]
            request = None
            if args[:1] == ["build"]:
                from briefgen.build.request import parse_plain

                request = parse_plain(args[1:])
            if request is None:
                from briefgen.cli import main as command_line

                command_line()
            else:
                sys.exit(_plain_build(request))
    finally:
        # Everything the command made is about to be let go of at once: keep the collector from
        # walking it all first (a twentieth of a second after a build, with nothing to find).
        gc.freeze()


def _plain_build(request: "BuildRequest") -> int:
    from dataclasses import replace

    from briefgen.build.command import nothing_to_do, run_command
    from briefgen.sources.layout import brief_folders

    if not request.briefs:  # none named: every brief under ./briefs, as the command line finds them
        request = replace(request, briefs=tuple(brief_folders(None)))
    if nothing_to_do(request):
        return 0
    from briefgen.build.pool import prestart, worker_count  # processes: not for a build with nothing to do

    workers = worker_count(request.jobs)
    if workers > 1:
        prestart(workers)  # its fork server imports the renderers while this process loads
    return run_command(request)
