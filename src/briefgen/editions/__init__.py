"""Editions: release the working sources as edition N, and say what changed between two editions.

Reading a released edition back is the sources' job (`briefgen.sources.frozen`); writing one
(`release`) and comparing two (`diff`) are here, above tailoring and translation, which both
use.
"""
