"""Pairwise decision: are two records the same edition?

Rules, not a trained model (dedup.md §4, Melinda-style): each feature adds signed points
capped at 1.0, a veto (dedup.md §2: format, year, edition, part, series number, pages,
language, title) marks a *different* edition and blocks auto-linking, and two thresholds
turn the score into a ``MatchDecision``. Every decision carries its per-feature evidence
so reviewers see why. A false merge costs more than a missed one: a shared ISBN alone
never reaches the upper threshold, and no pair with a veto is ever auto-linked.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, Levenshtein

from kitapbridge.dedup.features import MatchRecord
from kitapbridge.dedup.normalize import (
    editions_conflict,
    is_government_printer,
    pages_compatible,
    publishing_nation,
)

RULE_VERSION = "2026-11-22.4"
"""Stored with each cluster membership so a rule change can be traced and re-run."""


class MatchDecision(StrEnum):
    """The verdict on a pair of records."""

    MATCH = "match"
    REVIEW = "review"
    NO_MATCH = "no-match"


class Veto(StrEnum):
    """A difference that means another edition (dedup.md §2)."""

    FORMAT = "format"
    YEAR = "year"
    EDITION = "edition"
    PART = "part"
    SERIES_NUMBER = "series-number"
    PAGES = "pages"
    LANGUAGE = "language"
    TITLE = "title"
    TITLE_NUMBER = "title-number"
    VOLUMES = "volumes"


@dataclass(frozen=True, slots=True)
class FeatureScore:
    """One feature's contribution: its name, the points added, and a short reason."""

    feature: str
    points: float
    reason: str


class ReprintYears(StrEnum):
    """How two records of one description but two printed years are decided."""

    APART = "apart"
    """Every year difference no printing or copyright date explains is another edition
    (dedup.md §2 as written: Russian/Kazakh practice, holdings counted per year)."""
    BY_PRACTICE = "by-practice"
    """As ``APART`` when either record was catalogued under Russian or Kazakh practice;
    between two other records, years one apart are read as two printings of one
    manifestation (LC-PCC PS for RDA 1.11) when title, main entry, publisher and exact
    extent all agree and nothing else differs."""


@dataclass(frozen=True)
class MatchPolicy:
    """Thresholds on the summed points; set on goldfinch-val only (see eval_goldfinch.py).

    ``reprint_years`` defaults to ``APART``: on goldfinch-val ``BY_PRACTICE`` links more
    labelled matches but also false ones at a worse rate than any other rule here, and
    the labels themselves split such pairs both ways (eval_goldfinch.py prints both).
    """

    match_threshold: float = 0.7
    review_threshold: float = 0.4
    reprint_years: ReprintYears = ReprintYears.APART


DEFAULT_POLICY = MatchPolicy()


def match_policy(reprint_years: str) -> MatchPolicy:
    """The default policy with the configured ``ReprintYears`` (a setting's text)."""
    try:
        years = ReprintYears(reprint_years)
    except ValueError:
        choices = ", ".join(y.value for y in ReprintYears)
        message = f"reprint years policy {reprint_years!r} is not one of: {choices}"
        raise ValueError(message) from None
    return replace(DEFAULT_POLICY, reprint_years=years)


YEAR_DIFFERS = -1.0
"""Points for two different, unexplained years (the pair is vetoed as well).

Kept low enough that such pairs stay out of the review queue too: Kazakh and Russian
schools hold a stereotyped textbook reprint of every year, and sending each pair of
years to staff (-0.4 would) floods the queue with pairs the policy already decides."""


@dataclass(frozen=True)
class MatchEvidence:
    """A decision with the score behind it and every feature's contribution."""

    decision: MatchDecision
    score: float
    features: tuple[FeatureScore, ...]
    vetoes: tuple[Veto, ...] = field(default=())

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready form for the review queue."""
        return {
            "decision": str(self.decision),
            "score": round(self.score, 4),
            "vetoes": [str(v) for v in self.vetoes],
            "features": [
                {"feature": f.feature, "points": round(f.points, 4), "reason": f.reason}
                for f in self.features
            ],
        }


def compare(a: MatchRecord, b: MatchRecord, policy: MatchPolicy = DEFAULT_POLICY) -> MatchEvidence:
    """Score a pair and decide; symmetric in ``a`` and ``b``."""
    title = _title(a, b)
    if title.points < 0 and not (a.isbns & b.isbns or a.identifiers & b.identifiers):
        # Different titles and no shared number: nothing else can lift this pair to
        # review (every other feature together adds less than the title takes), so
        # most blocked pairs stop here.
        return MatchEvidence(MatchDecision.NO_MATCH, title.points, (title,), (Veto.TITLE,))
    scores = [
        title,
        _author(a, b),
        _responsibility(a, b),
        _identifiers(a, b),
        _year(a, b),
        _pages(a, b),
        _publisher(a, b),
        _series(a, b),
    ]
    vetoes = tuple(_vetoes(a, b, scores[0]))
    if (
        vetoes == (Veto.YEAR,)
        and policy.reprint_years is ReprintYears.BY_PRACTICE
        and _printings_of_one_manifestation(a, b, scores)
    ):
        printing = FeatureScore("year", 0.0, f"{a.year} vs {b.year}, printings a year apart")
        scores = [printing if s.feature == "year" else s for s in scores]
        vetoes = ()
    score = min(1.0, sum(s.points for s in scores))
    if a.school and a.school == b.school and a.local_id != b.local_id:
        # One school's catalogue holding two records for one edition is usually a
        # copy-level split by the school; staff decide (dedup.md §4, same-school).
        same_school = FeatureScore("school", 0.0, f"two records of one school ({a.school})")
        scores.append(same_school)
        score = min(score, policy.match_threshold - 0.01)
    if vetoes:
        decision = (
            MatchDecision.REVIEW if score >= policy.match_threshold else MatchDecision.NO_MATCH
        )
    elif score >= policy.match_threshold:
        decision = MatchDecision.MATCH
    elif score >= policy.review_threshold:
        decision = MatchDecision.REVIEW
    else:
        decision = MatchDecision.NO_MATCH
    return MatchEvidence(decision, score, tuple(scores), vetoes)


PRINTING_YEARS_APART = 1
"""Years two printings may lie apart under ``ReprintYears.BY_PRACTICE``: a run printed late
in one year and dated the next, or the next impression. Wider gaps on goldfinch-val
are as often new editions as reprints."""


def _printings_of_one_manifestation(
    a: MatchRecord, b: MatchRecord, scores: list[FeatureScore]
) -> bool:
    """True when two years are the only difference of two otherwise identical descriptions.

    Neither record may come from Russian or Kazakh practice, where the year of a
    stereotyped reprint is catalogued as an edition of its own.
    """
    if a.russian_kazakh_practice or b.russian_kazakh_practice:
        return False
    if a.year is None or b.year is None or abs(a.year - b.year) > PRINTING_YEARS_APART:
        return False
    points = {s.feature: s.points for s in scores}
    same_extent = (a.pages is not None and a.pages == b.pages) or (
        a.pages is None and b.pages is None and a.volumes is not None and a.volumes == b.volumes
    )
    return (
        same_extent
        and points["title"] >= 0.45
        and points["author"] >= 0.15
        and points["publisher"] > 0
    )


def title_distance(a: MatchRecord, b: MatchRecord) -> float:
    """Normalised edit distance of the title proper skeletons (0 = equal)."""
    return Levenshtein.normalized_distance(a.title, b.title)


def _title(a: MatchRecord, b: MatchRecord) -> FeatureScore:
    full_a, full_b = a.title + a.subtitle, b.title + b.subtitle
    if not full_a or not full_b:
        return FeatureScore("title", 0.0, "no title to compare")
    if full_a == full_b:
        return FeatureScore("title", 0.6, "title and subtitle equal")
    typos_only = _differ_by_typos(a.title_words, b.title_words)
    distance = Levenshtein.normalized_distance(full_a, full_b)
    if distance <= 0.05 and typos_only:
        return FeatureScore("title", 0.5, f"title and subtitle {1 - distance:.0%} alike")
    if a.title == b.title and a.title:
        if not a.subtitle or not b.subtitle:
            return FeatureScore("title", 0.45, "title equal, subtitle on one side only")
        if _subtitles_alike(a, b):
            return FeatureScore("title", 0.45, "title equal, subtitles alike")
        return FeatureScore("title", 0.35, "title equal, subtitles differ")
    distance = title_distance(a, b)
    if distance <= 0.1 and _differ_by_typos(a.title_proper_words, b.title_proper_words):
        return FeatureScore("title", 0.3, f"title {1 - distance:.0%} alike")
    prefix = _common_prefix_share(full_a, full_b)
    if prefix >= 0.95:
        # One cataloguer transcribed the other title proper without its subtitle.
        return FeatureScore("title", 0.4, "one title begins the other")
    if typos_only and fuzz.ratio(full_a, full_b) >= 85:
        # "Daniel Boone, pioneer of Kentucky" / "Daniel Boone : the pioneer of Kentucky".
        return FeatureScore("title", 0.4, "titles differ only in short words or typos")
    reordered = fuzz.token_sort_ratio(" ".join(a.title_words), " ".join(b.title_words))
    if reordered >= 95 and min(len(a.title_words), len(b.title_words)) >= 3:
        # The same words split otherwise between title and subtitle, or parallel
        # titles in the other order ("Autumn brocade = Kinshu" / "Kinshu = Autumn brocade");
        # two words swapped ("bar : foo", Melinda case 03) are too little to tell.
        return FeatureScore("title", 0.4, "same title words in another order")
    if prefix >= 0.9:
        return FeatureScore("title", 0.2, "titles begin alike")
    if _words_contained(a.title_words, b.title_words):
        return FeatureScore("title", 0.2, "one title's words all in the other")
    if _begins_with_words(a.title_words, b.title_words):
        return FeatureScore("title", 0.2, "one title's words begin the other")
    if _generic_title_begins_other(a, b):
        return FeatureScore("title", GENERIC_TITLE, "a one-word title begins the other")
    return FeatureScore("title", -1.0, f"titles differ ({1 - distance:.0%} alike)")


GENERIC_TITLE = 0.2
"""Points for a one-word title proper that is the other title's first word: no more than
a title that begins the other, so author, year, extent and publisher must agree too."""


NAME_STEM = 5
"""Leading letters of a title word that must recur in the shorter record's names."""


def _generic_title_begins_other(a: MatchRecord, b: MatchRecord) -> bool:
    """True when one title is a single word the other begins with, and the rest of the
    longer title names the shorter record's author, body or conference.

    "Report." by "Ontario. Commission on the Dehorning of Cattle" / "Report of the Ontario
    commission on the dehorning of cattle", "Works" by Richardson / "The works of Samuel
    Richardson", «Сочинения» by «Пушкин» / «Сочинения Пушкина»: one
    cataloguer left the name out of the title proper because the heading carries it
    (AACR2 practice). A bare "Report" against "Report of …" naming someone else is no
    evidence either way and stays a title veto.
    """
    short, long = sorted((a, b), key=lambda r: len(r.title_words))
    if len(short.title_words) != 1 or len(long.title_words) < 2:
        return False
    word = short.title_words[0]
    if len(word) < 4 or long.title_words[0] != word:
        return False
    named = " ".join((short.author, *short.names, short.responsibility))
    # A five-letter stem, so Russian and Kazakh case endings still meet («Института» in
    # the title, «Институт» in the heading; "Pushkina" / "Pushkin").
    return any(len(w) >= NAME_STEM and w[:NAME_STEM] in named for w in long.title_words[1:])


def _begins_with_words(words_a: tuple[str, ...], words_b: tuple[str, ...]) -> bool:
    """True when the shorter title, two words or more, is the longer one's first words.

    "Hoof beats" / "Hoof beats from Virginia and other lands": one cataloguer stopped at
    the title proper's first phrase. Typos count as equal ("subcomittee"). A one-word
    title ("Report", "Proceedings") proves nothing on its own
    (``_generic_title_begins_other``).
    """
    shorter, longer = sorted((words_a, words_b), key=len)
    if len(shorter) < 2 or sum(map(len, shorter)) < 8 or len(shorter) == len(longer):
        return False
    return _differ_by_typos(shorter, longer[: len(shorter)])


SUBTITLES_ALIKE = 90
"""rapidfuzz ``token_set_ratio`` of the subtitle words from which two subtitles are one
subtitle transcribed with more or fewer words ("My nightgown & slippers, and other
humorous works" / "My nightgown and slippers, and other humorous works, prose and
poetical")."""


def _subtitles_alike(a: MatchRecord, b: MatchRecord) -> bool:
    sub_a = " ".join(a.title_words[len(a.title_proper_words) :])
    sub_b = " ".join(b.title_words[len(b.title_proper_words) :])
    return fuzz.token_set_ratio(sub_a, sub_b) >= SUBTITLES_ALIKE


def _words_contained(words_a: tuple[str, ...], words_b: tuple[str, ...]) -> bool:
    """True when every word of the shorter title recurs in the longer and says enough.

    Catches a subtitle or an "of West-Houghton" dropped from the middle; a shorter title
    of fewer than four real words ("Report", "The Dardanelles") proves nothing.
    """
    shorter, longer = sorted((set(words_a), set(words_b)), key=len)
    return shorter <= longer and sum(len(w) >= 4 for w in shorter) >= 4


def _differ_by_typos(words_a: tuple[str, ...], words_b: tuple[str, ...]) -> bool:
    """True when every word on one side only has a near twin on the other side only.

    "Geologic" / "Geological" or a dropped letter are typos; "West Virginia" /
    "Washington" at the end of two census titles are different publications.
    """
    only_a = set(words_a) - set(words_b)
    only_b = set(words_b) - set(words_a)
    if not only_a or not only_b:
        # A word missing on one side: accepted when it is short (an article, "and").
        return all(len(w) <= 3 for w in only_a | only_b)
    for word in only_a:
        if not any(Levenshtein.distance(word, other) <= max(1, len(word) // 4) for other in only_b):
            return False
    return True


def _common_prefix_share(x: str, y: str) -> float:
    shorter = min(len(x), len(y))
    if shorter < 12:
        return 0.0
    common = 0
    for cx, cy in zip(x, y, strict=False):
        if cx != cy:
            break
        common += 1
    return common / shorter


def _author(a: MatchRecord, b: MatchRecord) -> FeatureScore:
    born_together = bool(a.author_dates and b.author_dates) and (
        a.author_dates[0] == b.author_dates[0]
    )
    if a.author and a.author == b.author:
        if _initials_conflict(a.author_initials, b.author_initials) and not born_together:
            return FeatureScore("author", -0.3, "same surname, other initials")
        return FeatureScore("author", 0.2, "same main entry")
    if len(a.author_dates) == 2 and a.author_dates == b.author_dates:
        # Born and died in the same years: one person under a pseudonym or a married
        # name ("Merriman, Henry Seton, 1862-1903" / "Scott, Hugh Stowell, 1862-1903").
        return FeatureScore("author", 0.1, "main entries of the same life dates")
    if not a.author and not b.author:
        if a.names & b.names:
            return FeatureScore("author", 0.1, "shared added entry")
        return FeatureScore("author", 0.0, "no main entry on either")
    # One cataloguer's main entry is often the other's added entry or only in 245 $c.
    if _named_in(a.author, b) or _named_in(b.author, a):
        return FeatureScore("author", 0.15, "main entry named in the other record")
    if a.author and b.author:
        # OSA counts a swapped pair of letters as one edit: "Dibdin" / "Didbin".
        typos = OSA.normalized_distance(a.author, b.author)
        same_initials = bool(a.author_initials) and a.author_initials == b.author_initials
        if typos <= 0.2 or (typos <= 0.25 and same_initials):
            return FeatureScore("author", 0.1, "main entries alike")
        shorter, longer = sorted((a.author, b.author), key=len)
        if len(shorter) >= 6 and longer.startswith(shorter):
            # "NATO Advanced Study Institute" / "… on the Origin of the Solar System".
            return FeatureScore("author", 0.1, "one main entry begins the other")
        personal = not (a.corporate_author or b.corporate_author)
        initials_agree = bool(a.author_initials and b.author_initials) and not _initials_conflict(
            a.author_initials, b.author_initials
        )
        if personal and initials_agree and len(shorter) >= 5 and longer.endswith(shorter):
            # A compound surname entered under its last part: "Crichton Smith, Iain" /
            # "Smith, Iain Crichton", «Берлин-Либерман» / «Либерман».
            return FeatureScore("author", 0.1, "one surname ends the other")
        if a.corporate_author or b.corporate_author:
            # Corporate headings change with the body's name and hierarchy ("United
            # States. Environmental Data Service" / "Environmental Research Laboratories").
            return FeatureScore("author", -0.1, "corporate main entries differ")
        return FeatureScore("author", -0.4, "main entries differ")
    return FeatureScore("author", -0.05, "main entry on one side only")


def _initials_conflict(x: str, y: str) -> bool:
    """True when neither person's initials include the other's.

    "Gordon, King" / "Gordon, J. King" and "Lowndes, Belloc" / "Lowndes, Marie Belloc" name
    one person with a forename left out; "Barnes, Arthur J." / "Barnes, Lovisa Ellen" two.
    """
    if not x or not y:
        return False
    shorter, longer = sorted((x, y), key=len)
    return not set(shorter) <= set(longer)


def _named_in(surname: str, other: MatchRecord) -> bool:
    return bool(surname) and (surname in other.names or surname in other.responsibility)


def _responsibility(a: MatchRecord, b: MatchRecord) -> FeatureScore:
    if not a.responsibility or not b.responsibility:
        return FeatureScore("responsibility", 0.0, "statement on one side or none")
    distance = Levenshtein.normalized_distance(a.responsibility, b.responsibility)
    if distance <= 0.2:
        return FeatureScore("responsibility", 0.1, "statements of responsibility alike")
    return FeatureScore("responsibility", 0.0, "statements of responsibility differ")


def _identifiers(a: MatchRecord, b: MatchRecord) -> FeatureScore:
    if a.identifiers & b.identifiers:
        return FeatureScore("identifiers", 0.3, "shared control number")
    if a.isbns & b.isbns:
        return FeatureScore("isbn", 0.25, "shared valid ISBN")
    if a.isbns and b.isbns:
        if (a.isbns | a.invalid_isbns) & (b.isbns | b.invalid_isbns):
            return FeatureScore("isbn", 0.1, "valid ISBN of one equals a cancelled ISBN of other")
        return FeatureScore("isbn", -0.5, "both have valid ISBNs, none shared")
    if a.invalid_isbns & b.invalid_isbns:
        return FeatureScore("isbn", 0.1, "same invalid ISBN")
    return FeatureScore("isbn", 0.0, "no ISBN to compare")


def _year(a: MatchRecord, b: MatchRecord) -> FeatureScore:
    if a.year is None or b.year is None:
        return FeatureScore("year", 0.0, "year unknown on one side")
    if a.year == b.year:
        return FeatureScore("year", 0.1, f"both {a.year}")
    if years_explained(a, b):
        return FeatureScore("year", 0.0, f"{a.year} vs {b.year}, a printing or copyright date")
    if years_within_supplied_date(a, b):
        return FeatureScore("year", 0.0, f"{a.year} vs {b.year}, a supplied date off by little")
    if spans_overlap(a, b):
        return FeatureScore("year", 0.0, f"{a.year} vs {b.year}, one set's years of issue")
    return FeatureScore("year", YEAR_DIFFERS, f"{a.year} vs {b.year}")


def years_explained(a: MatchRecord, b: MatchRecord) -> bool:
    """True when one record states the other's year as its own printing or copyright date.

    "1913, c1912" and "c1912", or 008 t19131912 and 1912: RDA and BFAS make a changed
    printing or copyright date alone no new manifestation (dedup.md §2). A year stated on
    neither side ("1906" vs "1907") stays a difference: another impression, catalogued
    apart as Kazakh and Russian practice does for stereotyped reprints.
    """
    return a.year in b.years_stated or b.year in a.years_stated


SUPPLIED_YEAR_TOLERANCE = 2
"""Years a supplied date («[1911?]») may be off from the other record's and still be read
as the same publication (dedup.md §3.3: prefer the transcribed value)."""


def years_within_supplied_date(a: MatchRecord, b: MatchRecord) -> bool:
    """True when one side's year is a cataloguer's supplied date within tolerance.

    "[1987?]" against "1986": the cataloguer inferred the year, and inferences are often
    a year or two off. Two years both printed on the items (a stereotyped reprint of
    2015 and of 2016) stay a difference.
    """
    if a.year is None or b.year is None or not (a.year_supplied or b.year_supplied):
        return False
    return abs(a.year - b.year) <= SUPPLIED_YEAR_TOLERANCE


def spans_overlap(a: MatchRecord, b: MatchRecord) -> bool:
    """True when both records describe a multipart set issued over years that overlap.

    "1866-1871" and "1867-1880" of one five-volume set, «1984–1986» and «1985–1986» of a
    collected works: each record is dated by the first volume its library received, and
    both runs are one publication. A whole set reissued later («1984–1986» and
    «1990–1992») does not overlap and stays another edition.
    """
    if not a.publication_span or not b.publication_span:
        return False
    first_a, last_a = a.publication_span
    first_b, last_b = b.publication_span
    return first_a <= last_b and first_b <= last_a


def _pages(a: MatchRecord, b: MatchRecord) -> FeatureScore:
    if a.pages is None and b.pages is None and a.volumes is not None and a.volumes == b.volumes:
        # A set's extent is its number of volumes ("14 v."): as telling as a page count.
        return FeatureScore("pages", 0.1, f"both in {a.volumes} volumes")
    if a.pages is None or b.pages is None:
        return FeatureScore("pages", 0.0, "extent unknown on one side")
    if a.pages == b.pages:
        return FeatureScore("pages", 0.15, f"both {a.pages} pages")
    if pages_compatible(a.pages, b.pages):
        return FeatureScore("pages", 0.05, f"{a.pages} vs {b.pages} pages, within tolerance")
    return FeatureScore("pages", -1.0, f"{a.pages} vs {b.pages} pages")


def _other_countries(a: MatchRecord, b: MatchRecord) -> bool:
    """True when both places of publication are known and lie in two countries."""
    return bool(a.country and b.country) and (
        publishing_nation(a.country) != publishing_nation(b.country)
    )


def _publisher(a: MatchRecord, b: MatchRecord) -> FeatureScore:
    if not a.publisher or not b.publisher:
        if _other_countries(a, b):
            return FeatureScore("publisher", -0.3, f"published in {a.country} vs {b.country}")
        return FeatureScore("publisher", 0.0, "publisher on one side or none")
    words_a = {w for w in a.publisher.split() if len(w) > 2}
    words_b = {w for w in b.publisher.split() if len(w) > 2}
    joined_a, joined_b = a.publisher.replace(" ", ""), b.publisher.replace(" ", "")
    if words_a & words_b or Levenshtein.normalized_distance(joined_a, joined_b) <= 0.25:
        return FeatureScore("publisher", 0.1, "publishers alike")
    if _misspelt_word_shared(words_a, words_b):
        return FeatureScore("publisher", 0.1, "publishers alike but for a typo")
    if joined_a in _initialisms(b.publisher) or joined_b in _initialisms(a.publisher):
        return FeatureScore("publisher", 0.1, "one publisher the initials of the other")
    if not _other_countries(a, b) and (
        is_government_printer(a.publisher) or is_government_printer(b.publisher)
    ):
        # Government documents name the issuing agency or the government printer; a
        # London HMSO issue against a New York trade edition is another publication.
        return FeatureScore("publisher", 0.0, "a government printer against an agency")
    # BFAS: another publisher may make another manifestation (co-editions, reissues).
    if _other_countries(a, b):
        return FeatureScore(
            "publisher", -0.5, f"publishers differ, published in {a.country} vs {b.country}"
        )
    return FeatureScore("publisher", -0.3, "publishers differ")


def _misspelt_word_shared(words_a: set[str], words_b: set[str]) -> bool:
    """True when a long publisher word on one side has a one-letter twin on the other.

    "Scibner" / "Scribner", "Putman" / "Putnam", "Hennebery" / "Henneberry".
    """
    return any(
        len(x) >= 5 and len(y) >= 5 and Levenshtein.distance(x, y) <= 2 and x[0] == y[0]
        for x in words_a
        for y in words_b
    )


def _initialisms(publisher: str) -> set[str]:
    """Initials of a publisher's words, all and only of the long ones.

    "American Society of Civil Engineers" → ``asoce`` and ``asce``; "U.S. Govt. Print.
    Off." → ``usgpo``, the "U.S. G.P.O." of another record.
    """
    words = publisher.split()
    return {"".join(w[0] for w in words), "".join(w[0] for w in words if len(w) > 2)} - {""}


def _series(a: MatchRecord, b: MatchRecord) -> FeatureScore:
    if a.series and b.series and a.series == b.series:
        return FeatureScore("series", 0.05, "same series")
    return FeatureScore("series", 0.0, "series not shared")


SERIES_ALIKE = 85
"""rapidfuzz ``partial_ratio`` from which two series titles name one series: "Elizabethan
Shakespeare" and "The Elizabethan Shakespeare", "Novelist's library" and "Roscoe's
novelist's library"."""


def _other_series(a: MatchRecord, b: MatchRecord) -> bool:
    """True when the two records' first series statements name two different series.

    Their numbers then count in two numberings ("Bollingen series ; 27" and
    "Princeton/Bollingen paperbacks ; 181" on one book) and prove nothing.
    """
    if not a.series or not b.series:
        return False
    return fuzz.partial_ratio(a.series, b.series) < SERIES_ALIKE


def series_numbers_conflict(x: str, y: str) -> bool:
    """True when two 490 ``$v`` keys (``part_designation``) name different issues.

    Years in the numbering ("1820-1875, v. 14") are the series' span, not the issue, and
    a year against an issue number ("1980" / "no. 17") is two numbering schemes; one
    cataloguer transcribing more of the numbering ("v. 46, no. 4" / "no. 4") is no other
    issue as long as the shorter run of numbers occurs, in order, in the longer.
    """
    if not x or not y or x == y:
        return False
    numbers_x, numbers_y = _issue_numbers(x), _issue_numbers(y)
    if not numbers_x and not numbers_y:
        return True  # numbered by year alone ("1998" / "1999"), and the years differ
    shorter, longer = sorted((numbers_x, numbers_y), key=len)
    if not shorter:
        # One numbered by year ("lecture ; 1980"), the other by issue ("no. 17"): two
        # numbering schemes, no evidence of two issues.
        return False
    return not any(
        longer[i : i + len(shorter)] == shorter for i in range(len(longer) - len(shorter) + 1)
    )


def _issue_numbers(key: str) -> tuple[str, ...]:
    return tuple(
        n for n in key.split(".") if not (n.isdigit() and len(n) == 4 and 1450 <= int(n) <= 2100)
    )


def _title_numbers_conflict(x: tuple[str, ...], y: tuple[str, ...]) -> bool:
    """True when both titles carry numbers and neither's numbers include the other's.

    "Fifty paintings, 1905-1913" and the same with ": … exhibition, May 14-June 12, 1955"
    added are one title; «Алгебра. 7 класс» and «Алгебра. 8 класс» are not.
    """
    if not x or not y:
        return False
    return not (set(x) <= set(y) or set(y) <= set(x))


def _part_transcribed_elsewhere(a: MatchRecord, b: MatchRecord) -> bool:
    """True when one record's part designation is in the other's title, just not in $n/$p.

    "Miscellanies. $n Fourth series" and "Miscellanies : $b fourth series" name one
    book. Only named parts qualify, and only when found in the other record's title or
    statement of responsibility; a volume number never does (a set's volume against the
    set, «Т. 2» against a record without a volume).
    """
    if a.parts and b.parts:
        return False
    parted, other = (a, b) if a.parts else (b, a)
    text = "".join(other.title_words) + other.responsibility
    # Numbered parts stay strict: «Т. 2» against «… : 2 класс» must not pass.
    return all(
        not any(c.isdigit() for c in part) and len(part) >= 3 and part in text
        for part in parted.parts
    )


def _whole_sets(a: MatchRecord, b: MatchRecord) -> bool:
    """True when both records describe a whole set in the same number of volumes.

    "Prairie farms and prairie folk. $n v.1" in "2 v." against the same title in "2 v.":
    an extent of the whole set says the record describes the set, and a volume number
    in its title is the volume the cataloguer had in hand. A record of one volume gives
    that volume's pages, and then the part veto stands («Абай жолы. 1-кітап», 432 б.).
    """
    return (
        a.pages is None
        and b.pages is None
        and a.volumes is not None
        and a.volumes >= 2
        and a.volumes == b.volumes
    )


def _edition_left_out(a: MatchRecord, b: MatchRecord) -> bool:
    """True when one record has no edition statement but is otherwise the same printing.

    Same year, same page count (or, for a set, the same number of volumes): the other
    cataloguer transcribed "2d ed." from the title page and this one did not. A revised
    edition out in the year of the one it revises, with the very same extent, is too rare
    to outweigh this common omission.
    """
    one_sided = a.edition.stated != b.edition.stated
    same_extent = (a.pages is not None and a.pages == b.pages) or (
        # A multi-volume set (no page count on either side) in the same number of volumes.
        a.pages is None and b.pages is None and a.volumes is not None and a.volumes == b.volumes
    )
    return one_sided and a.year is not None and a.year == b.year and same_extent


def _vetoes(a: MatchRecord, b: MatchRecord, title: FeatureScore) -> list[Veto]:
    vetoes: list[Veto] = []
    if a.record_type != b.record_type:
        vetoes.append(Veto.FORMAT)
    years_differ = a.year is not None and b.year is not None and a.year != b.year
    explained = years_explained(a, b) or years_within_supplied_date(a, b) or spans_overlap(a, b)
    if years_differ and not explained:
        vetoes.append(Veto.YEAR)
    if editions_conflict(a.edition, b.edition) and not _edition_left_out(a, b):
        vetoes.append(Veto.EDITION)
    if a.parts != b.parts and not (_part_transcribed_elsewhere(a, b) or _whole_sets(a, b)):
        vetoes.append(Veto.PART)
    if series_numbers_conflict(a.series_number, b.series_number) and not _other_series(a, b):
        vetoes.append(Veto.SERIES_NUMBER)
    if a.volumes != b.volumes and a.volumes is not None and b.volumes is not None:
        vetoes.append(Veto.VOLUMES)
    if a.pages is not None and b.pages is not None and not pages_compatible(a.pages, b.pages):
        vetoes.append(Veto.PAGES)
    if a.languages and b.languages and not a.languages & b.languages:
        vetoes.append(Veto.LANGUAGE)
    if title.points < 0:
        vetoes.append(Veto.TITLE)
    elif _title_numbers_conflict(a.title_numbers, b.title_numbers):
        vetoes.append(Veto.TITLE_NUMBER)
    return vetoes
