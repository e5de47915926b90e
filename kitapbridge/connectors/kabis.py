"""КАБИС: its ISO 2709 export and its HTML «Печатать список» (print list).

The desktop KABIS client (a Visual Basic 6 program) writes an ``.htm`` list
from its «Печатать список» command; that is often the only structured output
a school has (standards doc §1.2). The list is a table read through the
built-in ``kabis_print_list`` profile, whose header synonyms cover the
desktop list's Russian captions and the web KABIS column names (``idbk``,
``bbk``, ``pub_info``, ``sigla``, ``copy_location`` …). Column semantics are
unconfirmed on real exports; a school's own profile can replace it.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from kitapbridge.connectors.base import SourceSystem
from kitapbridge.connectors.marc_file import MarcFileConnector
from kitapbridge.connectors.table_profile import TableProfile, builtin_profile, load_profile
from kitapbridge.connectors.table_readers import Table, read_html_table
from kitapbridge.connectors.tabular import TabularConnector

HTML_SUFFIXES = (".htm", ".html")


class KabisExport(MarcFileConnector):
    """A KABIS ISO 2709 or MARCXML export; the local id is the 001."""

    def __init__(self, path: str | Path, *, source_name: str = "") -> None:
        super().__init__(path, SourceSystem.KABIS, source_name=source_name)


class KabisPrintList(TabularConnector):
    """A KABIS HTML print list; ``raw`` of each record is its table row's HTML."""

    def __init__(self, path: str | Path, profile: TableProfile | str | Path | None = None) -> None:
        path = Path(path)
        if profile is None:
            resolved = builtin_profile("kabis_print_list")
        elif isinstance(profile, TableProfile):
            resolved = profile
        else:
            resolved = load_profile(profile)
        super().__init__(path, resolved, SourceSystem.KABIS, partial(_open_list, path, resolved))


def _open_list(path: Path, profile: TableProfile) -> Table:
    return read_html_table(path, encoding=profile.encoding)
