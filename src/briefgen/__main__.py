"""`python -m briefgen` runs the command line."""

from briefgen.launch import main

main()
