"""briefgen: tailored policy briefings for each government, from recommendations kept as YAML.

The public API: `load_brief(folder)` reads and validates a brief, `tailor(loaded, country)`
makes one government's brief, and `briefgen.build.build(request)` renders briefs to files (a
package, not re-exported here, so that `briefgen.build` always names it).
"""

__version__ = "0.1.0"

# No import runs here, not even `from __future__` (which imports a module): the `briefgen`
# command (`briefgen.command`) imports this package first, and a Ctrl-C must find no module
# half-imported before its own handler is in place. Hence the quoted annotations.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from briefgen.document.model import TailoredBrief
    from briefgen.sources.aggregate import LoadedBrief


def load_brief(folder: "Any") -> "LoadedBrief":
    """Load and validate a brief folder; raise InputError listing every problem."""
    from briefgen.sources.frozen import load_working

    return load_working(folder)


def tailor(loaded: "LoadedBrief", country: str, scenario: "str | None" = None) -> "TailoredBrief":
    """Return one government's brief under a scenario (default: the brief's active one)."""
    from briefgen.tailoring import tailor as _tailor

    return _tailor(loaded, country, scenario)


__all__ = ["__version__", "load_brief", "tailor"]
