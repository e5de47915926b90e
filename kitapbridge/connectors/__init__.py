"""Connectors: one module per legacy source system, each an iterator of ``SourceRecord``."""

from kitapbridge.connectors.base import (
    Connector as Connector,
)
from kitapbridge.connectors.base import (
    Holding as Holding,
)
from kitapbridge.connectors.base import (
    HoldingStatus as HoldingStatus,
)
from kitapbridge.connectors.base import (
    SourceRecord as SourceRecord,
)
from kitapbridge.connectors.base import (
    SourceSystem as SourceSystem,
)
