"""A leader kept exactly as the source wrote it.

pymarc's ``Leader`` refuses any text that is not 24 characters, but readers must
keep what they found (``seed-format-marc`` ``standburg.xml`` has a 23-character
leader, an OAI-PMH export has none) so that normalisation can repair it and say
what it repaired.
"""

from __future__ import annotations

import pymarc


class LeaderAsFound(pymarc.Leader):
    """A ``pymarc.Leader`` without the length check; ``str()`` gives the text as found."""

    def __init__(self, leader: str) -> None:
        self.leader = leader
