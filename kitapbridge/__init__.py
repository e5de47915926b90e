"""kitapbridge.

legacy school catalogs to UTF-8 MARC21, a national union catalog, SRU, OAI-PMH, Z39.50 and RFID.
"""

__version__ = "0.1.0"
