"""Blocking keys and candidate pairs, including what happens to an oversized block."""

from dedup_records import book

from kitapbridge.dedup.blocking import (
    BlockingStats,
    blocking_keys,
    candidate_pairs,
    short_title_key,
)
from kitapbridge.dedup.features import match_record


def test_keys_of_a_kazakh_record_are_script_neutral() -> None:
    cyrillic = match_record(
        1,
        book("Қазақ әдебиетінің тарихы", subtitle="оқулық", author="Кәкішев, Т.",
             isbns=("978-601-10-0003-1",), year=2008, pages="320 б."),
    )  # fmt: skip
    latin = match_record(
        2,
        book("Qazaq ädebietınıñ tarihy", subtitle="oqulyq", author="Käkışev, T.",
             isbns=("978-601-10-0003-1",), year=2008, pages="320 b."),
    )  # fmt: skip
    assert blocking_keys(cyrillic) == [
        "isbn:9786011000031",
        "ta:kazakadebietinintarihyokulyk|kakisev",
        "ty:kazakadebiet|2008",
        "it:9786011000031|kazaka",
        "tpa:kazakadebietinintari|kakisev",
        "ap:kakisev|320",
        "typ:kaza|2008|320",
        "ayp:kakisev|2008|320",
    ]
    assert blocking_keys(latin) == blocking_keys(cyrillic)


def test_short_title_key_stops_after_four_long_words() -> None:
    record = match_record(1, book("История Казахстана с древнейших времен до наших дней"))
    assert short_title_key(record) == "istoriiakazahstanasdrevneisihvremen"


def test_oversized_blocks_are_compared_by_sorted_neighbourhood() -> None:
    # Six «Математика» editions of six years: one `ta:` block of six records.
    records = [
        match_record(n, book("Математика", year=2010 + n, pages=f"{100 + n} б.")) for n in range(6)
    ]
    stats = BlockingStats()
    pairs = candidate_pairs(records, max_block_size=3, window=1, stats=stats)
    assert pairs == [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)]
    assert stats.oversized_blocks == 1
    assert stats.largest_block == 6
    assert candidate_pairs(records, max_block_size=6) == [
        (i, j) for i in range(6) for j in range(i + 1, 6)
    ]


def test_incremental_blocking_keeps_only_pairs_with_a_new_record() -> None:
    records = [match_record(n, book("Әліппе", year=2016)) for n in range(4)]
    assert candidate_pairs(records, only=frozenset({3})) == [(0, 3), (1, 3), (2, 3)]


def test_a_subtitle_on_one_side_and_a_year_apart_still_meet_but_other_authors_do_not() -> None:
    # Goldfinch val: "The ministry to the congregation" [1898] / "…; lectures on
    # homiletics" [1897] shared no key before ``tpa:``/``ap:``.
    bare = match_record(
        0, book("The ministry to the congregation", author="Kern, John A.", year=1898,
                pages="xiv, 551 p.", language="eng")
    )  # fmt: skip
    subtitled = match_record(
        1, book("The ministry to the congregation", subtitle="lectures on homiletics",
                author="Kern, John Adam", year=1897, pages="xvii, 551 p.", language="eng")
    )  # fmt: skip
    other_author = match_record(
        2, book("The ministry to the congregation", subtitle="sermons", author="Brown, A.",
                year=1890, pages="300 p.", language="eng")
    )  # fmt: skip
    assert candidate_pairs([bare, subtitled, other_author]) == [(0, 1)]
