"""«Кітапхана 4.02» (also «Библиотека 4.x»): its table exports in CSV, XLSX or DBF.

Nothing public documents the program (standards doc §1.3), so its exports
are read through a mapping profile; the built-in ``kitaphana_default``
profile knows the Russian and Kazakh column names we expect, and a school's
own TOML profile replaces it when its columns differ.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from kitapbridge.connectors.base import SourceSystem
from kitapbridge.connectors.errors import ConnectorError
from kitapbridge.connectors.table_profile import TableProfile, builtin_profile, load_profile
from kitapbridge.connectors.table_readers import Table, read_csv, read_dbf, read_xlsx
from kitapbridge.connectors.tabular import TabularConnector

TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".dbf")


class KitaphanaTable(TabularConnector):
    """One exported table; the reader is chosen by the file suffix.

    ``profile`` is a ``TableProfile``, a path to a TOML profile, or ``None``
    for the built-in default.
    """

    def __init__(self, path: str | Path, profile: TableProfile | str | Path | None = None) -> None:
        path = Path(path)
        resolved = _profile(profile)
        super().__init__(
            path, resolved, SourceSystem.KITAPHANA, partial(open_table, path, resolved)
        )


def open_table(path: Path, profile: TableProfile) -> Table:
    """The table reader for ``path``'s suffix, with the profile's encoding and delimiter."""
    suffix = path.suffix.lower()
    if suffix in {".csv", ".tsv", ".txt"}:
        delimiter = profile.delimiter or ("\t" if suffix == ".tsv" else None)
        return read_csv(path, encoding=profile.encoding, delimiter=delimiter)
    if suffix == ".xlsx":
        return read_xlsx(path)
    if suffix == ".dbf":
        return read_dbf(path, encoding=profile.encoding)
    raise ConnectorError(str(path), f"not a table export (expected one of {TABLE_SUFFIXES})")


def _profile(profile: TableProfile | str | Path | None) -> TableProfile:
    if profile is None:
        return builtin_profile("kitaphana_default")
    if isinstance(profile, TableProfile):
        return profile
    return load_profile(profile)
