"""Sources: the analysts' YAML read into models and checked, every problem with file and line.

`yamlsource` reads YAML safely with positions, `loading` reads a brief folder into the
`aggregate` (`LoadedBrief`), `diagnostics` words every problem, `validation` holds the
cross-file rules, `fonts` the glyph preflight, `editions` the frozen releases, and
`validate.validate(folder)` runs all of them, for `briefgen validate` and `briefgen build` alike.
"""
