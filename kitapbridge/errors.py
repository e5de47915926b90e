"""The one base class every kitapbridge exception derives from.

Callers at a boundary (an import run, an SRU response, the CLI) catch
``KitapbridgeError`` to report any domain failure without swallowing bugs.
"""


class KitapbridgeError(Exception):
    """Base of all domain errors raised by kitapbridge."""
