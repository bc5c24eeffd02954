"""Tailoring: which recommendations, evidence and facts one government's brief holds, and why.

`tailor()` is a pure function of the loaded sources (no I/O, no clock, no randomness) and
returns the finished brief, the changes since the previous edition included. `conditions`
walks triggers, `effects` says what changed for one country, `changes` compares two editions,
`explain` reports each decision.
"""

from briefgen.tailoring.core import tailor

__all__ = ["tailor"]
