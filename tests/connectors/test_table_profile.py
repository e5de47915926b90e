"""Mapping profiles: the built-in ones load, and every mistake is a clear ``ProfileError``."""

from __future__ import annotations

from pathlib import Path

import pytest

from kitapbridge.connectors import ProfileError
from kitapbridge.connectors.table_profile import (
    ColumnMapping,
    Target,
    builtin_profile,
    load_profile,
    parse_profile,
)

TITLE = '[[columns]]\nnames = ["Атауы"]\ntarget = "245$a"\n'


def test_builtin_kitaphana_profile() -> None:
    profile = builtin_profile("kitaphana_default")
    assert profile.name == "Кітапхана 4.02 (default)"
    assert profile.row_model == "title"
    assert profile.encoding is None
    assert profile.language == "kaz"
    assert len(profile.columns) == 24
    assert profile.columns[0] == ColumnMapping(
        names=("Автор", "Авторы", "Автор(ы)", "Авторлар", "Авторы (через ;)", "AVTOR"),
        target=Target("100", "a", "1 "),
        parser="author",
        split=";",
        then=Target("700", "a", "  "),
    )


def test_builtin_kabis_profile() -> None:
    profile = builtin_profile("kabis_print_list")
    assert profile.local_id == ("idbk", "Код", "Идентификатор")
    assert [c.holding for c in profile.columns if c.holding] == [
        "sigla",
        "shelf_location",
        "inventory_number",
        "barcode",
    ]


def test_profile_file_with_pinned_encoding(tmp_path: Path) -> None:
    path = tmp_path / "school.toml"
    path.write_text(
        '[profile]\nname = "Мектеп 12"\nencoding = "KZ-1048"\nrow_model = "copy"\n'
        'delimiter = ";"\n' + TITLE,
        encoding="utf-8",
    )
    profile = load_profile(path)
    assert (profile.name, profile.encoding, profile.row_model, profile.delimiter) == (
        "Мектеп 12",
        "kz1048",
        "copy",
        ";",
    )


@pytest.mark.parametrize(
    ("text", "key", "reason"),
    [
        (
            "[profile\n",
            "toml",
            "Expected ']' at the end of a table declaration (at line 1, column 9)",
        ),
        ('[profile]\nname = "x"\n', "columns", "a profile needs at least one [[columns]] entry"),
        (
            '[[columns]]\nnames = ["Автор"]\ntarget = "100$a"\n',
            "columns",
            "no column is mapped to the title (245$a)",
        ),
        (
            TITLE + '[[columns]]\nnames = ["Инв"]\n',
            "columns[1]",
            "set exactly one of 'target' and 'holding'",
        ),
        (
            TITLE + '[[columns]]\nnames = ["Инв"]\nholding = "inventory"\n',
            "columns[1].holding",
            "'inventory' is not one of ('barcode', 'inventory_number', 'call_number', "
            "'shelf_location', 'sigla', 'status', 'price', 'currency', 'note')",
        ),
        (
            TITLE + '[[columns]]\nnames = ["Жылы"]\ntarget = "260c"\n',
            "columns[1].target",
            "'260c' is not a subfield like 245$a",
        ),
        (
            TITLE + '[[columns]]\nnames = ["Код"]\ntarget = "001$a"\n',
            "columns[1].target",
            "'001$a': control fields are built by the importer",
        ),
        (
            TITLE + '[[columns]]\nnames = ["Автор"]\ntarget = "100$a"\nindicators = "1"\n',
            "columns[1].indicators",
            "'1': two characters from 0-9, a-z, blank",
        ),
        (
            TITLE + '[[columns]]\nnames = ["Автор"]\ntarget = "100$a"\nparser = "name"\n',
            "columns[1].parser",
            "'name' is not one of ('text', 'title', 'author', 'isbn', 'year', 'imprint', "
            "'subjects', 'language')",
        ),
        (
            TITLE + '[[columns]]\nnames = ["Автор"]\ntarget = "100$a"\nthen = "700$a"\n',
            "columns[1].then",
            "'then' needs 'split' (values after the first)",
        ),
        (
            TITLE + '[[columns]]\nnames = []\ntarget = "100$a"\n',
            "columns[1].names",
            "give at least one header name",
        ),
        (
            TITLE + '[[columns]]\nnames = ["A"]\ntarget = "100$a"\ncolumn = 3\n',
            "columns[1]",
            "unknown keys ['column']; allowed are ['holding', 'indicators', 'names', 'parser', "
            "'required', 'split', 'target', 'then']",
        ),
        (
            '[profile]\nrow_model = "row"\n' + TITLE,
            "profile.row_model",
            "'row' is not one of ('title', 'copy')",
        ),
        (
            '[profile]\nencoding = "kz-2000"\n' + TITLE,
            "profile.encoding",
            "unknown encoding 'kz-2000'",
        ),
        (
            '[profile]\nlanguage = "kk"\n' + TITLE,
            "profile.language",
            "'kk' is not a MARC language code",
        ),
        (
            '[profile]\ndelimiter = ";;"\n' + TITLE,
            "profile.delimiter",
            "';;': one character or 'auto'",
        ),
        (
            '[profile]\ngroup_by = ["title"]\n' + TITLE,
            "profile.group_by",
            "'title' is not a subfield like 245$a",
        ),
    ],
)
def test_profile_errors_name_the_entry(text: str, key: str, reason: str) -> None:
    with pytest.raises(ProfileError) as raised:
        parse_profile(text, "school.toml")
    assert (raised.value.source, raised.value.key) == ("school.toml", key)
    assert str(raised.value) == f"school.toml: {key}: {reason}"


def test_unknown_builtin_and_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="no built-in profile 'irbis'"):
        builtin_profile("irbis")
    with pytest.raises(ProfileError, match="file: cannot be read"):
        load_profile(tmp_path / "missing.toml")
