"""Pydantic models of the source files; no I/O.


Each model's validator is built in pydantic-core (Rust) as its module is imported, and every
model module is imported here, the theme's included. A Ctrl-C that comes while pydantic-core
builds one is swallowed there (printed as "Exception ignored in: '^#[0-9A-Fa-f]{6}$'") and can
leave a validator that refuses every value: valid ids then "have the wrong form". So Ctrl-C is
held back (blocked, not lost) while the models are built, and takes effect just after.
"""

import signal as _signal

_held = _signal.pthread_sigmask(_signal.SIG_BLOCK, {_signal.SIGINT})
try:
    import pydantic_core as _pydantic_core  # noqa: F401  (a Ctrl-C in its own import is a PanicException)

    import briefgen.models.theme as _theme  # noqa: F401
    from briefgen.models.brief import (
        Author,
        Brief,
        FigureSpec,
        Marking,
        Passage,
        ProfileChoice,
        Scenario,
        Section,
    )
    from briefgen.models.conditions import AllOf, AnyOf, Condition, FactTest, NotOf, SeriesTest, StatusTest
    from briefgen.models.country import CountryProfile, Fact, Highlight, OfficialName, Term, terms
    from briefgen.models.recipient import Recipient, Recipients
    from briefgen.models.recommendation import Action, Audience, Evidence, Recommendation, Step, Trigger
    from briefgen.models.source import Source, Sources
    from briefgen.models.tracking import Assessment, AssessmentEvidence, Tracking
finally:
    _signal.pthread_sigmask(_signal.SIG_SETMASK, _held)

__all__ = [
    "Action",
    "AllOf",
    "AnyOf",
    "Assessment",
    "AssessmentEvidence",
    "Audience",
    "Author",
    "Brief",
    "Condition",
    "CountryProfile",
    "Evidence",
    "Fact",
    "FactTest",
    "FigureSpec",
    "Highlight",
    "Marking",
    "NotOf",
    "OfficialName",
    "Passage",
    "ProfileChoice",
    "Recipient",
    "Recipients",
    "Recommendation",
    "Scenario",
    "Section",
    "SeriesTest",
    "Source",
    "Sources",
    "StatusTest",
    "Step",
    "Term",
    "Tracking",
    "Trigger",
    "terms",
]
