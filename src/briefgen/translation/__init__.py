"""Translations of a brief through GNU gettext PO catalogs (Babel's `babel.messages`).

`fields` says which texts of the sources are translatable and names each (`msgctxt`
`recommendations/x.yaml:action.steps[2]`); `catalogs` reads and checks the PO files (and
freezes them into an edition); `update` writes them for translators (`briefgen translate`);
`apply` gives a brief in another language: the same sources with every text translated.
"""
