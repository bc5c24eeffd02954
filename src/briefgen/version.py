"""briefgen's version, in a module of its own so that any layer can name it without the public API."""

__version__ = "0.1.0"
