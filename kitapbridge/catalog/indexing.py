"""What a MARC21 record contributes to the term index, and its sort keys.

Words go through ``kitapbridge.text.skeleton_words``, so Kazakh Cyrillic, 2021
Kazakh Latin and older Latin spellings, any case and homoglyph-polluted words
all meet: «Қазақ» is indexed as ``kazak`` and found by "qazaq", "ҚАЗАҚ" or
"kazak". Queries are folded by the same function (``catalog.search``).

Classification notations (UDC 080, BBK 084) are kept whole, case-folded and
without spaces, so "821.512.122*" is a prefix search on the notation.
ISBNs are indexed in both ISBN-10 and ISBN-13 forms, digits only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from operator import mul
from typing import NamedTuple

import pymarc
from stdnum import issn as stdnum_issn

from kitapbridge.catalog.models import SearchIndex
from kitapbridge.text import skeleton_words, strip_nonfiling

MAX_KEY_LENGTH = 200
"""Terms, phrases and sort keys are cut to the column width; longer titles still match by word."""

_NOT_ISBN_CHARACTER = re.compile(r"[^\dXx]")
_ISBN13_WEIGHTS = (1, 3) * 6
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
_WORD_CACHE_LIMIT = 200_000

# (tags, subfield codes) per index. Subject and name headings take their
# descriptive subfields; $0/$2/$4/$9 (authority links, source, relator, local) are not words.
_WORD_FIELDS: dict[SearchIndex, tuple[tuple[str, ...], str]] = {
    SearchIndex.TITLE: (("130", "240", "245", "246", "730", "740"), "abnp"),
    SearchIndex.CREATOR: (("100", "110", "111", "700", "710", "711"), "abcdq"),
    SearchIndex.SUBJECT: (
        ("600", "610", "611", "630", "648", "650", "651", "653", "655"),
        "abcdtvxyz",
    ),
    SearchIndex.PUBLISHER: (("260", "264"), "b"),
}
_WORD_TAGS: dict[str, tuple[SearchIndex, str]] = {
    tag: (search_index, codes)
    for search_index, (tags, codes) in _WORD_FIELDS.items()
    for tag in tags
}
CASED_INDEXES = {
    SearchIndex.TITLE: SearchIndex.TITLE_CASED,
    SearchIndex.CREATOR: SearchIndex.CREATOR_CASED,
    SearchIndex.SUBJECT: SearchIndex.SUBJECT_CASED,
    SearchIndex.PUBLISHER: SearchIndex.PUBLISHER_CASED,
}
"""Each word index's case-keeping phrase index (CQL ``/respectCase``)."""
_CASED_WORD = re.compile(r"\w+")
_NOTE_TAGS = ("500", "520")
TYPE_OF_RECORD = {
    "a": "text",
    "t": "text",
    "c": "notated music",
    "d": "notated music",
    "e": "cartographic",
    "f": "cartographic",
    "g": "moving image",
    "i": "sound recording nonmusical",
    "j": "sound recording musical",
    "k": "still image",
    "m": "software multimedia",
    "o": "kit",
    "p": "mixed material",
    "r": "three dimensional object",
}
"""Leader/06 → type of record (the words of the MARC 21 code list, as DC ``type`` shows)."""
FORM_OF_ITEM = {
    "a": "microform",
    "b": "microform",
    "c": "microform",
    "d": "large print",
    "f": "braille",
    "o": "electronic",
    "q": "electronic",
    "r": "regular print reproduction",
    "s": "electronic",
}
"""008/23 (books, serials, mixed materials) → form of item."""
_FORM_AT_23 = frozenset("atp")
# The first of these (in record order: main entry before added entries) gives the sort key.
_SORT_CREATOR_TAGS = frozenset({"100", "110", "111", "700", "710"})
_CODE_TAGS = frozenset({"001", "020", "022", "035", "041", "080", "084"})
# Tags whose second indicator counts non-filing characters (an article to skip).
_NONFILING_IND2 = frozenset({"130", "240", "245", "730"})


@dataclass
class RecordIndex:
    """A record's index entries: unique (index, word) terms and whole-field phrases."""

    terms: set[tuple[int, str]] = field(default_factory=set)
    phrases: set[tuple[int, str]] = field(default_factory=set)
    sort_title: str = ""
    sort_creator: str = ""
    sort_year: int = 0


class WordFolder:
    """``skeleton_words`` with a per-word memo, and a per-field memo of the entries built on it.

    A national catalog repeats a small vocabulary millions of times; folding each
    distinct whitespace-separated word once makes indexing several times faster.
    Folding word by word equals folding the whole text, because ``fold`` turns
    punctuation into spaces and never joins words. Whole fields repeat too (authors,
    publishers, subject headings): their terms and phrases are built once per text.
    """

    def __init__(self) -> None:
        self._memo: dict[str, list[str]] = {}
        self._fields: dict[tuple[SearchIndex, str], _FieldEntries | None] = {}

    def words(self, text: str) -> list[str]:
        result: list[str] = []
        memo = self._memo
        for raw in strip_nonfiling(text).split():
            folded = memo.get(raw)
            if folded is None:
                if len(memo) >= _WORD_CACHE_LIMIT:
                    memo.clear()
                folded = memo[raw] = [w[:MAX_KEY_LENGTH] for w in skeleton_words(raw)]
            result.extend(folded)
        return result

    def field(self, search_index: SearchIndex, text: str) -> _FieldEntries | None:
        """What a word field with this text contributes to ``search_index`` (None: no words)."""
        key = (search_index, text)
        try:
            return self._fields[key]
        except KeyError:
            pass
        if len(self._fields) >= _WORD_CACHE_LIMIT:
            self._fields.clear()
        words = self.words(text)
        entries = None
        if words:
            cased = cased_phrase(text)
            entries = _FieldEntries(
                terms=tuple({(search_index, word): None for word in words}),
                phrase=(search_index, _phrase(words)),
                cased=(CASED_INDEXES[search_index], cased) if cased else None,
                sort_key=" ".join(words)[:MAX_KEY_LENGTH],
            )
        self._fields[key] = entries
        return entries


class _FieldEntries(NamedTuple):
    terms: tuple[tuple[int, str], ...]
    phrase: tuple[int, str]
    cased: tuple[int, str] | None
    sort_key: str
    """The words joined by single spaces: the sort key when this field gives it."""


def index_record(record: pymarc.Record, folder: WordFolder | None = None) -> RecordIndex:
    """The term-index entries and sort keys of one MARC21 record."""
    folder = folder or WordFolder()
    entry = RecordIndex()
    terms = entry.terms
    first_008: str | None = None  # as ``record.get("008")`` would give it
    for marc_field in record.fields:  # one pass: this runs for every record imported
        tag = marc_field.tag
        target = _WORD_TAGS.get(tag)
        if target is None:
            if tag in _CODE_TAGS:
                _index_code_field(marc_field, terms)
            elif tag in _NOTE_TAGS:
                _index_note(marc_field, entry, folder)
            elif tag == "008" and first_008 is None:
                first_008 = marc_field.data or ""
            continue
        if tag == "264" and marc_field.indicator2 not in {"1", " "}:
            continue  # 264 ind2 1 = publication; 0/2/3/4 are not the publisher
        search_index, codes = target
        field_entries = folder.field(search_index, _field_text(marc_field, codes))
        if field_entries is None:
            continue
        terms.update(field_entries.terms)
        entry.phrases.add(field_entries.phrase)
        if field_entries.cased:
            entry.phrases.add(field_entries.cased)
        if tag == "245" and not entry.sort_title:
            entry.sort_title = field_entries.sort_key
        elif tag in _SORT_CREATOR_TAGS and not entry.sort_creator:
            entry.sort_creator = field_entries.sort_key
    fixed = first_008 or ""
    language = fixed[35:38].strip().casefold()
    if len(language) == 3 and language.isalpha():
        terms.add((SearchIndex.LANGUAGE, language))
    terms.difference_update(_EMPTY_CODES)
    entry.phrases.update(
        (SearchIndex.TYPE, _phrase(folder.words(t))) for t in resource_types(record, fixed)
    )
    entry.sort_year = publication_year(record, fixed)
    if entry.sort_year:
        terms.add((SearchIndex.DATE, str(entry.sort_year)))
    return entry


_EMPTY_CODES = frozenset(
    {
        (SearchIndex.UDC, ""),
        (SearchIndex.BBK, ""),
        (SearchIndex.ISSN, ""),
        (SearchIndex.CONTROL_NUMBER, ""),
    }
)


def _index_code_field(marc_field: pymarc.Field, terms: set[tuple[int, str]]) -> None:
    tag = marc_field.tag
    if tag == "001":
        if marc_field.data and marc_field.data.strip():
            terms.add((SearchIndex.CONTROL_NUMBER, notation_key(marc_field.data)))
    elif tag == "020":
        for value in _values(marc_field, "az"):
            terms.update((SearchIndex.ISBN, form) for form in isbn_forms(value))
    elif tag == "022":
        terms.update((SearchIndex.ISSN, issn_form(value)) for value in _values(marc_field, "ayz"))
    elif tag == "035":
        terms.update(
            (SearchIndex.CONTROL_NUMBER, notation_key(v)) for v in _values(marc_field, "a")
        )
    elif tag == "041":
        terms.update((SearchIndex.LANGUAGE, code) for code in _packed_languages(marc_field))
    elif tag == "080":
        terms.update((SearchIndex.UDC, notation_key(v)) for v in _values(marc_field, "a"))
    elif _is_bbk(marc_field):
        terms.update((SearchIndex.BBK, notation_key(v)) for v in _values(marc_field, "a"))


def _values(marc_field: pymarc.Field, codes: str) -> list[str]:
    return [sub.value for sub in marc_field.subfields if sub.code in codes and sub.value.strip()]


def _packed_languages(marc_field: pymarc.Field) -> list[str]:
    # Old practice packs several codes into one $a ("kazrus").
    codes: list[str] = []
    for value in _values(marc_field, "a"):
        packed = value.strip().casefold()
        codes.extend(
            packed[start : start + 3]
            for start in range(0, len(packed) - 2, 3)
            if packed[start : start + 3].isalpha()
        )
    return codes


def _is_bbk(marc_field: pymarc.Field) -> bool:
    scheme = (marc_field.get("2") or "").casefold()
    return "bbk" in scheme or "ббк" in scheme


def notation_key(value: str) -> str:
    """A notation or identifier as one comparable key: NFKC, case-folded, no spaces."""
    return "".join(unicodedata.normalize("NFKC", value).casefold().split())[:MAX_KEY_LENGTH]


def isbn_forms(value: str) -> list[str]:
    """An ISBN as digits, in its ISBN-13 and (when one exists) ISBN-10 forms.

    Checked with the ISO 2108 check digits by hand rather than with stdnum's
    ``isbn`` module, which validates the number again in each conversion: this
    runs for every record of every import. An invalid ISBN is kept as its digits,
    so a misprinted number on the book can still be searched as printed.
    """
    digits = _NOT_ISBN_CHARACTER.sub("", value.split("(")[0]).upper()
    if len(digits) == 10 and digits[-1] == _isbn10_check(digits[:9]):
        body = "978" + digits[:9]
        return sorted({body + _isbn13_check(body), digits})
    if len(digits) == 13 and digits[:3] in {"978", "979"} and digits[-1] == _isbn13_check(digits):
        if digits.startswith("978"):
            return sorted({digits, digits[3:12] + _isbn10_check(digits[3:12])})
        return [digits]
    return [digits] if digits else []


def _isbn10_check(body: str) -> str:
    if not body.isdigit():
        return ""
    remainder = sum((10 - n) * int(d) for n, d in enumerate(body)) % 11
    return "0123456789X"[(11 - remainder) % 11]


def _isbn13_check(digits: str) -> str:
    body = digits[:12]
    if not body.isdigit():
        return ""
    total = sum(map(mul, map(int, body), _ISBN13_WEIGHTS))
    return str((10 - total % 10) % 10)


def issn_form(value: str) -> str:
    """An ISSN as its eight characters without the hyphen."""
    return stdnum_issn.compact(value.strip().split(" ")[0]).upper()


def publication_year(record: pymarc.Record, fixed: str | None = None) -> int:
    """Date 1 of 008/07-10 when it is a year, else the first year in 260/264 $c.

    ``fixed`` is the record's 008 data when the caller has already found it.
    """
    if fixed is None:
        fixed = _fixed_data(record)
    if len(fixed) >= 11 and fixed[7:11].isdigit():
        return int(fixed[7:11])
    for value in _subfield_values(record, ("264", "260"), "c"):
        match = _YEAR.search(value)
        if match:
            return int(match.group(1))
    return 0


def _index_note(marc_field: pymarc.Field, entry: RecordIndex, folder: WordFolder) -> None:
    """A note (500/520 $a) is a phrase of the phrase-only dc.description index."""
    words = folder.words(" ".join(marc_field.get_subfields("a")))
    if words:
        entry.phrases.add((SearchIndex.DESCRIPTION, _phrase(words)))


def resource_types(record: pymarc.Record, fixed: str | None = None) -> list[str]:
    """dc.type terms: the type of record (leader/06, words of the MARC code list) and,
    for books, serials and mixed materials, the form of item (008/23)."""
    leader = str(record.leader)
    found = []
    kind = TYPE_OF_RECORD.get(leader[6:7])
    if kind:
        found.append(kind)
    if leader[6:7] in _FORM_AT_23:
        form = FORM_OF_ITEM.get((_fixed_data(record) if fixed is None else fixed)[23:24])
        if form:
            found.append(form)
    return found


def cased_phrase(text: str) -> str:
    """A field's words as written (NFC, case kept; punctuation as spaces), space-padded."""
    words = _CASED_WORD.findall(unicodedata.normalize("NFC", text))
    return (" " + " ".join(words) + " ")[:MAX_KEY_LENGTH] if words else ""


def phrase_key(words: Iterable[str]) -> str:
    """The skeleton words of a field, space-padded, as stored in ``index_phrases``."""
    return _phrase(list(words))


def _phrase(words: list[str]) -> str:
    return (" " + " ".join(words) + " ")[:MAX_KEY_LENGTH]


def _fixed_data(record: pymarc.Record) -> str:
    control = record.get("008")
    return (control.data or "") if control is not None else ""


def _field_text(marc_field: pymarc.Field, codes: str) -> str:
    text = " ".join([sub.value for sub in marc_field.subfields if sub.code in codes])
    if marc_field.tag in _NONFILING_IND2 and marc_field.indicator2.isdigit():
        text = strip_nonfiling(text, int(marc_field.indicator2))
    return text


def _subfields(marc_field: pymarc.Field) -> Iterator[tuple[str, str]]:
    for subfield in marc_field.subfields:
        yield subfield.code, subfield.value


def _subfield_values(record: pymarc.Record, tags: tuple[str, ...], codes: str) -> Iterator[str]:
    for marc_field in record.get_fields(*tags):
        for code, value in _subfields(marc_field):
            if code in codes and value.strip():
                yield value
