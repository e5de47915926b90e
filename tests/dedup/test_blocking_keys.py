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
        "tpa:kazakadebietinintari|kakisev|2008",
        "ap:kakisev|320|2008",
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


def test_a_subtitle_on_one_side_and_a_supplied_year_apart_still_meet() -> None:
    # Goldfinch val: "The ministry to the congregation" [1898] / "…; lectures on
    # homiletics" [1897] shared no key before ``tpa:``/``ap:``.
    bare = book("The ministry to the congregation", author="Kern, John A.", year=1898,
                pages="xiv, 551 p.", language="eng")  # fmt: skip
    bare["260"]["c"] = "[1898]"
    subtitled = book("The ministry to the congregation", subtitle="lectures on homiletics",
                     author="Kern, John Adam", year=1897, pages="xvii, 551 p.",
                     language="eng")  # fmt: skip
    other_author = book("The ministry to the congregation", subtitle="sermons",
                        author="Brown, A.", year=1890, pages="300 p.", language="eng")  # fmt: skip
    records = [match_record(i, r) for i, r in enumerate((bare, subtitled, other_author))]
    assert candidate_pairs(records) == [(0, 1)]


def test_yearless_keys_carry_every_year_the_record_could_still_link_with() -> None:
    # A printed year: that year only, so a textbook's yearly reprints (vetoed anyway)
    # get no block across years. A supplied year: two years either side. A copyright
    # year the record states: that year too.
    printed = match_record(0, book("Математика", author="Абылкасымова, А. Е.", year=2015,
                                   pages="272 б."))  # fmt: skip
    supplied_record = book("Математика", author="Абылкасымова, А. Е.", year=2015,
                           pages="272 б.")  # fmt: skip
    supplied_record["260"]["c"] = "[2015?]"
    copyright_record = book("Математика", author="Абылкасымова, А. Е.", year=2015,
                            pages="272 б.")  # fmt: skip
    copyright_record["260"]["c"] = "2015, c2013."

    def tpa(record_id: int, record: object) -> list[str]:
        keys = blocking_keys(match_record(record_id, record))  # type: ignore[arg-type]
        return [k.rpartition("|")[2] for k in keys if k.startswith("tpa:")]

    assert [k for k in blocking_keys(printed) if k.startswith(("tpa:", "ap:"))] == [
        "tpa:matematika|abylkasymova|2015",
        "ap:abylkasymova|272|2015",
    ]
    assert tpa(1, supplied_record) == ["2013", "2014", "2015", "2016", "2017"]
    assert tpa(2, copyright_record) == ["2013", "2015"]
