"""Connectors: one module per legacy source system, each an iterator of ``SourceRecord``."""

from kitapbridge.connectors.base import Connector as Connector
from kitapbridge.connectors.base import Holding as Holding
from kitapbridge.connectors.base import HoldingStatus as HoldingStatus
from kitapbridge.connectors.base import SourceRecord as SourceRecord
from kitapbridge.connectors.base import SourceSystem as SourceSystem
from kitapbridge.connectors.errors import ConnectorError as ConnectorError
from kitapbridge.connectors.errors import ProfileError as ProfileError
from kitapbridge.connectors.factory import open_connector as open_connector
from kitapbridge.connectors.kabis import KabisExport as KabisExport
from kitapbridge.connectors.kabis import KabisPrintList as KabisPrintList
from kitapbridge.connectors.kitaphana import KitaphanaTable as KitaphanaTable
from kitapbridge.connectors.marc_file import MarcFileConnector as MarcFileConnector
from kitapbridge.connectors.marc_sql import MarcSqlDatabase as MarcSqlDatabase
from kitapbridge.connectors.marc_sql import MarcSqlExport as MarcSqlExport
from kitapbridge.connectors.table_profile import TableProfile as TableProfile
from kitapbridge.connectors.table_profile import load_profile as load_profile
