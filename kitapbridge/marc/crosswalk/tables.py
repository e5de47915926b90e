"""Code tables of the RUSMARC/UNIMARC → MARC21 crosswalk (data only, no logic).

Sources: ``docs/standards/sources-and-crosswalks.md`` §3 (the agreed mapping), the UNIMARC code
lists of fields 100/105/106 and the MARC 21 Bibliographic 008 (Books) definitions. Each table maps a
source code to a MARC21 code; a code missing from a table becomes blank (or is reported, where the
crosswalk says so).
"""

from __future__ import annotations

# --- Leader --------------------------------------------------------------------------------------

#: Leader/05 record status. UNIMARC ``o`` (previously issued higher level) becomes corrected.
RECORD_STATUS: dict[str, str] = {"n": "n", "c": "c", "d": "d", "o": "c", "p": "p"}

#: Leader/06 type of record (§3.1).
RECORD_TYPE: dict[str, str] = {
    "a": "a",
    "b": "t",
    "c": "c",
    "d": "d",
    "e": "e",
    "f": "f",
    "g": "g",
    "i": "i",
    "j": "j",
    "k": "k",
    "l": "m",
    "m": "p",
    "r": "r",
}

#: Leader/07 bibliographic level: the same codes in both formats.
BIBLIOGRAPHIC_LEVEL: frozenset[str] = frozenset("aimsc")

#: Leader/17 encoding level (§3.1, RSL jsonata table).
ENCODING_LEVEL: dict[str, str] = {" ": " ", "1": "2", "2": "8", "3": "5"}

#: Leader/18 descriptive cataloguing form (§3.1): we rebuild ISBD punctuation, so ISBD input stays
#: ISBD; non-ISBD input stays non-ISBD; ``x`` (not applicable) becomes unknown.
DESCRIPTIVE_FORM: dict[str, str] = {" ": "i", "i": "i", "n": " ", "x": "u"}

# --- 008 from 100 $a -----------------------------------------------------------------------------

#: 100 $a/8 type of publication date → 008/06 (§3.2).
DATE_TYPE: dict[str, str] = {
    "a": "c",
    "b": "d",
    "c": "u",
    "d": "s",
    "e": "r",
    "f": "q",
    "g": "m",
    "h": "t",
    "i": "p",
    "j": "e",
}

#: 100 $a/17 target audience (first of three codes) → 008/22 (§3.2).
TARGET_AUDIENCE: dict[str, str] = {
    "a": "j",
    "b": "a",
    "c": "b",
    "d": "c",
    "e": "d",
    "k": "e",
    "m": "g",
    "u": " ",
    "|": "|",
}

#: 100 $a/20 government publication → 008/28.
GOVERNMENT_PUBLICATION: dict[str, str] = {
    "a": "f",
    "b": "s",
    "c": "l",
    "d": "l",
    "e": "m",
    "f": "i",
    "g": "o",
    "h": "o",
    "u": "u",
    "y": " ",
    "z": "z",
    "|": "|",
}

# --- 008 from 105 $a and 106 $a ------------------------------------------------------------------

#: 105 $a/0-3 illustration codes → 008/18-21. Same letters except ``o`` (illuminations) → ``p``;
#: ``y`` (no illustrations) and codes MARC21 lacks become blank.
ILLUSTRATION: dict[str, str] = {
    "a": "a",
    "b": "b",
    "c": "c",
    "d": "d",
    "e": "e",
    "f": "f",
    "g": "g",
    "h": "h",
    "i": "i",
    "j": "j",
    "k": "k",
    "l": "l",
    "m": "m",
    "o": "p",
    "|": "|",
}

#: 105 $a/4-7 form of contents → 008/24-27 nature of contents.
NATURE_OF_CONTENTS: dict[str, str] = {
    "a": "b",
    "b": "c",
    "c": "i",
    "d": "a",
    "e": "d",
    "f": "e",
    "g": "r",
    "i": "s",
    "j": "p",
    "k": "j",
    "l": "u",
    "m": "m",
    "n": "l",
    "p": "t",
    "r": "n",
    "s": "z",
    "t": "6",
    "|": "|",
}

#: 105 $a/8, /9, /10 conference, festschrift, index indicators → 008/29, /30, /31.
YES_NO: dict[str, str] = {"0": "0", "1": "1", "|": "|"}

#: 105 $a/11 literary form → 008/33.
LITERARY_FORM: dict[str, str] = {
    "a": "1",
    "b": "d",
    "c": "e",
    "d": "h",
    "e": "i",
    "f": "j",
    "g": "p",
    "h": "s",
    "i": "d",
    "y": "0",
    "z": "u",
    "|": "|",
}

#: 105 $a/12 biography → 008/34.
BIOGRAPHY: dict[str, str] = {"a": "a", "b": "b", "c": "c", "d": "d", "y": " ", "|": "|"}

#: 106 $a form of item → 008/23. Regular print is blank in MARC21 books.
FORM_OF_ITEM: dict[str, str] = {"d": "d", "f": "f", "r": " ", "|": "|"}

# --- Countries and languages ---------------------------------------------------------------------

#: ISO 3166-1 alpha-2 (102 $a) → MARC country code (008/15-17, 044 $a). Former USSR states,
#: neighbours and the countries whose publishers are common in Kazakh school libraries.
COUNTRY: dict[str, str] = {
    "KZ": "kz",
    "RU": "ru",
    "SU": "ur",
    "UA": "un",
    "BY": "bw",
    "UZ": "uz",
    "KG": "kg",
    "TJ": "ta",
    "TM": "tk",
    "AZ": "aj",
    "AM": "ai",
    "GE": "gs",
    "MD": "mv",
    "LV": "lv",
    "LT": "li",
    "EE": "er",
    "MN": "mp",
    "CN": "cc",
    "TR": "tu",
    "IR": "ir",
    "AF": "af",
    "PK": "pk",
    "IN": "ii",
    "JP": "ja",
    "KR": "ko",
    "IL": "is",
    "EG": "ua",
    "DE": "gw",
    "FR": "fr",
    "GB": "xxk",
    "US": "xxu",
    "CA": "xxc",
    "AU": "at",
    "IT": "it",
    "ES": "sp",
    "PT": "po",
    "NL": "ne",
    "BE": "be",
    "CH": "sz",
    "AT": "au",
    "PL": "pl",
    "CZ": "xr",
    "SK": "xo",
    "HU": "hu",
    "RO": "rm",
    "BG": "bu",
    "RS": "rb",
    "HR": "ci",
    "SI": "xv",
    "GR": "gr",
    "FI": "fi",
    "SE": "sw",
    "NO": "no",
    "DK": "dk",
    "IE": "ie",
}

#: ISO 639-2/T codes that differ from the MARC (= ISO 639-2/B) language codes.
LANGUAGE: dict[str, str] = {
    "bod": "tib",
    "ces": "cze",
    "cym": "wel",
    "deu": "ger",
    "ell": "gre",
    "eus": "baq",
    "fas": "per",
    "fra": "fre",
    "hye": "arm",
    "isl": "ice",
    "kat": "geo",
    "mkd": "mac",
    "mri": "mao",
    "msa": "may",
    "mya": "bur",
    "nld": "dut",
    "ron": "rum",
    "slk": "slo",
    "sqi": "alb",
    "zho": "chi",
}

#: 101 subfield → 041 subfield (§3.2, Moose).
LANGUAGE_SUBFIELDS: dict[str, str] = {"a": "a", "b": "b", "c": "h", "d": "b", "e": "f", "h": "e"}

# --- Tag maps ------------------------------------------------------------------------------------

#: Notes copied as ``$a`` (plus ``$5`` where the source has it) into a MARC21 note field.
NOTES: dict[str, str] = {
    "300": "500",
    "301": "500",
    "302": "500",
    "303": "500",
    "304": "500",
    "305": "500",
    "306": "500",
    "307": "500",
    "308": "500",
    "310": "500",
    "311": "500",
    "312": "500",
    "313": "500",
    "314": "500",
    "315": "500",
    "316": "500",
    "317": "561",
    "320": "504",
    "322": "508",
    "323": "511",
    "324": "534",
    "325": "533",
    "326": "310",
    "328": "502",
    "330": "520",
    "332": "524",
    "333": "521",
    "334": "586",
    "336": "516",
    "337": "538",
    "345": "541",
}

#: Variant titles 510-518, 532, 540 → 246 second indicator (type of title).
VARIANT_TITLE_TYPE: dict[str, str] = {
    "510": "1",
    "512": "4",
    "513": "5",
    "514": "6",
    "515": "7",
    "516": "8",
    "517": "3",
    "518": "3",
    "532": "3",
    "540": "3",
}

#: Linking fields → MARC21 linking entries (§3.3). 410 (series) is handled as 490/8XX instead.
LINKS: dict[str, str] = {
    "411": "762",
    "421": "770",
    "422": "772",
    "423": "777",
    "430": "780",
    "431": "780",
    "432": "780",
    "433": "780",
    "434": "780",
    "435": "780",
    "436": "780",
    "437": "780",
    "440": "785",
    "441": "785",
    "442": "785",
    "443": "785",
    "444": "785",
    "445": "785",
    "446": "785",
    "447": "785",
    "448": "785",
    "451": "775",
    "452": "776",
    "453": "767",
    "454": "765",
    "455": "787",
    "456": "787",
    "461": "773",
    "462": "774",
    "463": "773",
    "464": "774",
    "470": "787",
    "481": "787",
    "482": "787",
    "488": "787",
}

#: Topical/geographic/form subject fields → MARC21 subject tag.
SUBJECTS: dict[str, str] = {"605": "630", "606": "650", "607": "651", "608": "655"}

#: Name subject 600 subfields → 600 (``$a``/``$b``/``$g`` are composed separately).
NAME_SUBJECT_SUBFIELDS: dict[str, str] = {
    "c": "c",
    "d": "b",
    "f": "d",
    "t": "t",
    "j": "v",
    "x": "x",
    "y": "z",
    "z": "y",
    "2": "2",
    "3": "0",
}

#: 605-608 subfields → MARC21 (``$j`` form subdivision → ``$v``, UNIMARC ``$y`` geographic →
#: ``$z`` and ``$z`` chronological → ``$y``).
SUBJECT_SUBFIELDS: dict[str, str] = {
    "a": "a",
    "h": "n",
    "i": "p",
    "l": "l",
    "j": "v",
    "x": "x",
    "y": "z",
    "z": "y",
    "2": "2",
    "3": "0",
}

#: 801 second indicator (function of the agency) → 040 subfield.
CATALOGUING_AGENCY: dict[str, str] = {"0": "a", "1": "c", "2": "d", "3": "d"}

#: Ordinary (non-embedded) subfields of 4XX linking fields → 76X-78X subfields.
LINK_SUBFIELDS: dict[str, str] = {
    "t": "t",
    "a": "a",
    "e": "b",
    "h": "g",
    "i": "g",
    "p": "h",
    "v": "g",
    "x": "x",
    "y": "z",
    "3": "w",
    "0": "w",
    "u": "o",
}

#: Holdings subfields kept in MARC21 852 (RUSMARC 852 and 899; §3.3, §3.6).
HOLDINGS_852: dict[str, dict[str, str]] = {
    "852": {
        "a": "a",
        "b": "b",
        "c": "e",
        "g": "k",
        "j": "j",
        "k": "l",
        "l": "m",
        "p": "n",
        "t": "t",
        "x": "x",
        "y": "z",
        "2": "2",
    },
    "899": {
        "a": "a",
        "b": "b",
        "c": "c",
        "h": "h",
        "i": "i",
        "j": "j",
        "k": "k",
        "l": "l",
        "m": "m",
        "t": "t",
        "x": "x",
        "z": "z",
    },
}

#: Holdings subfields that describe one copy and so go to 876 (barcode ``$p``, inventory ``$a``).
HOLDINGS_876: dict[str, dict[str, str]] = {
    "852": {"m": "p", "n": "a"},
    "899": {"p": "p"},
}

#: UNIMARC ``$7`` script of the field (first two characters) → MARC21 880 ``$6`` script
#: identification code (``/(N`` Cyrillic, ``/(B`` Latin, …).
SCRIPT: dict[str, str] = {
    "ba": "(B",
    "ca": "(N",
    "da": "$1",
    "ea": "$1",
    "fa": "(3",
    "ga": "(S",
    "ha": "(2",
}

# --- Subfield maps of single fields ---------------------------------------------------------------

#: 210/214 subfield → (MARC21 260/264 subfield, ISBD mark before it). Manufacture (210 only)
#: has no marks: MARC21 puts it in parentheses that most exports omit.
IMPRINT: dict[str, tuple[str, str]] = {"a": ("a", ";"), "c": ("b", ":"), "d": ("c", ",")}
MANUFACTURE: dict[str, tuple[str, str]] = {"e": ("e", ""), "g": ("f", ""), "h": ("g", "")}

#: 215 subfield → (300 subfield, ISBD mark before it).
PHYSICAL_DESCRIPTION: dict[str, tuple[str, str]] = {
    "a": ("a", ""),
    "c": ("b", ":"),
    "d": ("c", ";"),
    "e": ("e", "+"),
}

#: 225 (and embedded 200 of a series) subfield → ISBD mark that introduces it.
SERIES_MARKS: dict[str, str] = {"d": "=", "e": ":", "f": "/", "h": ".", "i": ","}

#: 327 completeness (1 complete, 0 incomplete) → 505 ind1 (0 complete, 1 incomplete).
CONTENTS_COMPLETENESS: dict[str, str] = {"0": "1", "1": "0"}

#: 500/501 uniform title subfields → 240/130/730/243.
UNIFORM_TITLE: dict[str, str] = {
    "a": "a",
    "h": "n",
    "i": "p",
    "k": "f",
    "l": "g",
    "m": "l",
    "n": "g",
    "q": "o",
}

#: 011 ISSN subfields → 022 (``$f`` ISSN-L → ``$l``, ``$g`` cancelled ISSN-L → ``$m``).
ISSN: dict[str, str] = {"a": "a", "f": "l", "g": "m", "y": "y", "z": "z"}

#: 072/073 UPC/EAN subfields → 024.
OTHER_STANDARD_NUMBER: dict[str, str] = {"a": "a", "b": "q", "c": "c", "d": "d", "z": "z"}

#: Subject subdivisions: ``$j`` form → ``$v``, UNIMARC ``$y`` place → ``$z``, ``$z`` time → ``$y``.
SUBDIVISIONS: dict[str, str] = {"j": "v", "x": "x", "y": "z", "z": "y"}

#: 4XX written without embedded fields: place ``$c``, publisher ``$n``, date ``$d`` as a 210.
LINK_IMPRINT: dict[str, str] = {"c": "a", "n": "c", "d": "d"}
