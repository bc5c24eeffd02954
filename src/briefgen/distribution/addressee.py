"""What a copy and its cover note say about their recipient, in the recipient's own language.

A recipient's name, title and institution, the greeting and the address block are given in
recipients.yaml per language (`{en: …, ru: …}`; a plain string is the brief's source language).
Validation makes sure each recipient has them in the language they read, so nothing here ever
falls back to another language or prints a placeholder such as «(-ая)».
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from briefgen.document.words import greeting
from briefgen.models import Recipient
from briefgen.models.common import in_language


@dataclass(frozen=True)
class Addressee:
    """A recipient as their copy and letter name them, in their language."""

    language: str
    name: str
    title: str
    institution: str
    greeting: str
    """The cover note's greeting, with its punctuation: "Dear Director," / «Уважаемый господин директор!»."""
    address: tuple[str, ...]
    """The cover note's address block, line by line."""


def addressee(recipient: Recipient, source: str) -> Addressee:
    """Return how `recipient`'s copy and letter name them; `source` is the brief's source language.

    Raises ValueError when recipients.yaml lacks their language (validation reports it first).
    """
    language = recipient.language

    def wording(field: str, value: Any) -> Any:
        found = in_language(value, language, source)
        if found is None:
            raise ValueError(f"{recipient.id}: {field} is not given in '{language}', the language they read")
        return found

    name = wording("name", recipient.name)
    title = wording("title", recipient.title)
    institution = wording("institution", recipient.institution)
    salutation = in_language(recipient.salutation, language, source)
    if salutation is None:
        courtesy = in_language(recipient.courtesy_title, language, source) or name
        salutation = greeting(language, courtesy, recipient.gender)
    lines = in_language(recipient.addressee, language, source)
    if not lines:
        # a role title ("Director, Department of …") already says the position
        says_title = title.casefold() in name.casefold()
        lines = [name, *([] if says_title else [title]), institution]
    return Addressee(language, name, title, institution, salutation, tuple(lines))


def shown(value: Any, source: str) -> str:
    """Return a recipient's field as the analyst's own lists show it: in the source language
    when it is given there, else in the first language it is given in."""
    if isinstance(value, dict):
        return str(value.get(source) or next(iter(value.values())))
    return str(value)
