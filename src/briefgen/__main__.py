"""`python -m briefgen` runs the command, as the `briefgen` command does (Ctrl-C included)."""

from briefgen.command import main

main()
