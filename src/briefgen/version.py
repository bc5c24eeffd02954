"""briefgen's version, for any layer to name without importing the public API's modules.

It is written once, in `briefgen/__init__.py`, which imports nothing (see there); importing this
module has loaded that package already, so the version is read from it.
"""

import sys

__version__: str = sys.modules["briefgen"].__version__
