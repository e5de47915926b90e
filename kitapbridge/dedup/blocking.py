"""Blocking: which pairs of records are worth comparing at all.

Every record gets a few keys (dedup.md §4); records sharing a key form a block and only
pairs inside a block are scored, so the number of comparisons grows with the number of
records times the block sizes, not with its square.

* ``isbn:`` each valid ISBN-13;
* ``id:`` each other control number (LCCN, OCLC, national bibliography numbers);
* ``ta:`` RecordManager's short title key plus the author surname;
* ``ty:`` the first 12 characters of the title proper skeleton plus each year the record
  could still link with (below), so records with no author meet across a supplied date;
* ``typ:`` / ``ayp:`` the first 4 title characters (or the author) plus year and page
  count, for typos early in the title;
* ``tpa:`` the first 20 characters of the title proper (245 $a) plus the author, and
  ``ap:`` author plus page count, each with every year the record could still link
  with: a subtitle on one side only, a misspelt title, or a year apart (a printing or
  copyright year, a supplied date, dedup.md §3.3) still meet;
* ``it:`` ISBN plus the first 6 title characters, which keeps a reprint's or set's huge
  ISBN block useful after it is cut down (below).

**Huge blocks.** Generic titles («Математика», «Әліппе») and ISBNs copied onto hundreds of
records make blocks whose all-pairs cost is quadratic. A block larger than
``max_block_size`` is not compared all-pairs: its records are sorted by their full title
skeleton, year and pages, and each is compared with the next ``window`` records only
(sorted neighbourhood). Records that truly match sort next to each other on those
values; the narrower keys (``ta:``, ``it:``) still compare them in full. The number of
cut blocks is reported in ``BlockingStats``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from kitapbridge.dedup.features import MatchRecord
from kitapbridge.dedup.scoring import SUPPLIED_YEAR_TOLERANCE

DEFAULT_MAX_BLOCK_SIZE = 100
"""All-pairs comparison up to this many records in a block (RecordManager allows 101 hits)."""

DEFAULT_WINDOW = 10
"""Neighbours compared per record inside a block that is too big for all pairs."""

_SHORT_KEY_WORDS = 3
_SHORT_KEY_CHARS = 35


@dataclass
class BlockingStats:
    """What blocking produced: blocks, oversized blocks, and distinct candidate pairs."""

    blocks: int = 0
    oversized_blocks: int = 0
    largest_block: int = 0
    candidate_pairs: int = 0


def short_title_key(record: MatchRecord) -> str:
    """RecordManager's short title key on the skeleton words of the title proper.

    Words are added until more than three words longer than three letters or more than
    35 characters have been taken, so subtitles and long-title typos do not split blocks.
    """
    taken: list[str] = []
    long_words = 0
    for word in record.title_words:
        taken.append(word)
        long_words += len(word) > 3
        if long_words > _SHORT_KEY_WORDS or sum(map(len, taken)) > _SHORT_KEY_CHARS:
            break
    return "".join(taken)


def blocking_keys(record: MatchRecord) -> list[str]:
    """The block keys of one record (see the module docstring)."""
    keys = [f"isbn:{isbn}" for isbn in sorted(record.isbns)]
    keys.extend(f"id:{identifier}" for identifier in sorted(record.identifiers))
    title = record.title or record.subtitle
    if title:
        keys.append(f"ta:{short_title_key(record)}|{record.author}")
        keys.extend(f"ty:{title[:12]}|{year}" for year in _comparable_years(record))
        keys.extend(f"it:{isbn}|{title[:6]}" for isbn in sorted(record.isbns))
        for year in _comparable_years(record):
            # The title proper alone: a subtitle on one side only changes the short
            # title key. Same author and extent whatever the title's spelling.
            if record.title and record.author:
                keys.append(f"tpa:{record.title[:20]}|{record.author}|{year}")
            if record.author and record.pages is not None:
                keys.append(f"ap:{record.author}|{record.pages}|{year}")
        if record.year is not None and record.pages is not None:
            # Typos early in the title: same start, year and extent; or same author,
            # year and extent.
            keys.append(f"typ:{title[:4]}|{record.year}|{record.pages}")
            if record.author:
                keys.append(f"ayp:{record.author}|{record.year}|{record.pages}")
    return keys


def _comparable_years(record: MatchRecord) -> list[str]:
    """Every year the scorer would not veto against this record's year, as key parts.

    The year itself, every year the record states (printing, copyright: see
    ``years_explained``) and, for a supplied date, the years within
    ``SUPPLIED_YEAR_TOLERANCE``. Keys built on these years bring together exactly the
    pairs a year apart that can still link, and keep a textbook's yearly reprints, which
    the year veto separates anyway, in blocks of their own.
    """
    if record.year is None:
        return [""]
    years = {record.year, *record.years_stated}
    if record.year_supplied:
        tolerance = SUPPLIED_YEAR_TOLERANCE
        years.update(range(record.year - tolerance, record.year + tolerance + 1))
    return [str(y) for y in sorted(years)]


def build_blocks(records: Iterable[MatchRecord]) -> dict[str, list[int]]:
    """Block key → positions (indexes into ``records``) of the records carrying it."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for position, record in enumerate(records):
        for key in blocking_keys(record):
            blocks[key].append(position)
    return blocks


def candidate_pairs(
    records: Sequence[MatchRecord],
    *,
    only: frozenset[int] | None = None,
    max_block_size: int = DEFAULT_MAX_BLOCK_SIZE,
    window: int = DEFAULT_WINDOW,
    stats: BlockingStats | None = None,
) -> list[tuple[int, int]]:
    """Distinct position pairs ``(i, j)``, ``i < j``, that share a block.

    With ``only`` (positions of new or changed records), a pair is kept only when at
    least one side is in it: the incremental run compares new records with everything
    but does not recompare old pairs.
    """
    stats = stats if stats is not None else BlockingStats()
    size = len(records)
    seen: set[int] = set()
    # The copies of one edition usually share all their keys, so most blocks repeat
    # another block's members exactly: pair them once.
    blocks = {tuple(p) for p in build_blocks(records).values() if len(p) >= 2}
    for block in blocks:
        positions = list(block)
        stats.blocks += 1
        stats.largest_block = max(stats.largest_block, len(positions))
        if len(positions) > max_block_size:
            stats.oversized_blocks += 1
            pairs: Iterator[tuple[int, int]] = _windowed_pairs(records, positions, window)
        else:
            pairs = _all_pairs(positions)
        for i, j in pairs:
            if only is not None and i not in only and j not in only:
                continue
            seen.add(min(i, j) * size + max(i, j))
    stats.candidate_pairs = len(seen)
    return [divmod(code, size) for code in sorted(seen)]


def _all_pairs(positions: list[int]) -> Iterator[tuple[int, int]]:
    for offset, i in enumerate(positions):
        for j in positions[offset + 1 :]:
            yield i, j


def _windowed_pairs(
    records: Sequence[MatchRecord], positions: list[int], window: int
) -> Iterator[tuple[int, int]]:
    ordered = sorted(
        positions,
        key=lambda p: (
            records[p].title + records[p].subtitle,
            records[p].year or 0,
            records[p].pages or 0,
        ),
    )
    for offset, i in enumerate(ordered):
        for j in ordered[offset + 1 : offset + 1 + window]:
            yield i, j
