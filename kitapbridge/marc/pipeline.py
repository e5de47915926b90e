"""One record from source to clean MARC21: decode → detect → crosswalk → normalise → validate.

``convert_record`` never raises for bad data: a record that cannot be used comes
back as a rejected ``Conversion`` whose error issue says why, and the caller
(import run, CLI) reports it with the source's index and byte offset.
"""

from __future__ import annotations

import importlib
from typing import Literal

import pymarc

from kitapbridge.connectors.base import SourceRecord
from kitapbridge.marc import decode, encodings, marcjson, marcline, marcxml
from kitapbridge.marc.conversion import Conversion
from kitapbridge.marc.flavour import Flavour, FlavourDecision, FlavourEvidence, detect_flavour
from kitapbridge.marc.formats import MarcFormat
from kitapbridge.marc.iso2709 import parse_record
from kitapbridge.marc.issues import UNREADABLE, Issue, RecordError, Severity
from kitapbridge.marc.mojibake import repair_double_encoding
from kitapbridge.marc.normalise import copy_record, normalise_record
from kitapbridge.marc.validate import validate_record

Auto = Literal["auto"]

_TEXT_PARSERS = {
    MarcFormat.MARCXML.value: marcxml.parse_record_xml,
    MarcFormat.MARCJSON.value: marcjson.parse_record_json,
    MarcFormat.MARCLINE.value: marcline.parse_record_lines,
}


def convert_record(
    source: SourceRecord,
    *,
    flavour: Flavour | Auto = "auto",
    encoding: str = "auto",
) -> Conversion:
    """Convert one source record to normalised, validated MARC21.

    ``flavour`` and ``encoding`` force a reading instead of detecting it per
    record (``encoding`` is one of ``encodings.SUPPORTED_ENCODINGS``; it only
    applies to ISO 2709 bytes, since the other formats carry Unicode already).
    """
    conversion = decode_source(source, flavour=flavour, encoding=encoding)
    record = conversion.record
    if record is None:
        return conversion
    conversion.record = None
    if conversion.flavour is not Flavour.MARC21:
        try:
            crosswalked = _crosswalk(record, conversion)
        except RecordError as error:
            conversion.issues.append(Issue("no-crosswalk", error.reason, Severity.ERROR))
            return conversion
        if crosswalked is None:
            return conversion
        record = crosswalked
    normalised = normalise_record(record, conversion.issues)
    conversion.issues.extend(validate_record(normalised))
    conversion.record = normalised
    return conversion


def decode_source(
    source: SourceRecord, *, flavour: Flavour | Auto = "auto", encoding: str = "auto"
) -> Conversion:
    """The first step of ``convert_record``: the source record decoded, in its own flavour.

    ``Conversion.record`` is the record as the source has it (RUSMARC stays
    RUSMARC, nothing normalised), with the flavour and encoding decided and
    why; ``None`` with an error issue when it cannot be read at all.
    The issues met while cutting the source (``SourceRecord.issues``) come first;
    when one of them is an error the record is rejected with it, unread.
    """
    conversion = Conversion(record=None, issues=list(source.issues))
    if source.record is None and any(i.severity is Severity.ERROR for i in source.issues):
        return conversion
    try:
        conversion.record = _source_record(source, flavour, encoding, conversion)
    except RecordError as error:
        conversion.issues.append(Issue(UNREADABLE, error.reason, Severity.ERROR))
    return conversion


def _source_record(
    source: SourceRecord, flavour: Flavour | Auto, encoding: str, conversion: Conversion
) -> pymarc.Record:
    if source.record is None and source.raw_format == MarcFormat.ISO2709.value:
        return _decode_iso2709(source, flavour, encoding, conversion)
    if source.record is not None:
        record = copy_record(source.record)  # normalisation must not change the source
    else:
        parser = _TEXT_PARSERS.get(source.raw_format)
        if parser is None:
            raise RecordError(f"cannot read raw format {source.raw_format!r}")
        record = parser(source.raw)
    decision = _flavour(decode.record_evidence(record), flavour)
    _note_flavour(decision, conversion)
    conversion.encoding = encodings.UTF8
    conversion.decisions.append(f"encoding utf-8: {source.raw_format} carries Unicode text")
    repaired = _repair_values(record)
    if repaired:
        conversion.issues.append(
            Issue(
                "double-encoded-utf8",
                f"{repaired} values were UTF-8 encoded twice and were repaired",
            )
        )
    return record


def _decode_iso2709(
    source: SourceRecord, flavour: Flavour | Auto, encoding: str, conversion: Conversion
) -> pymarc.Record:
    raw, source.cut = source.cut, None  # used once: a batch of sources holds only its bytes
    if raw is None:
        raw = parse_record(source.raw)
        # A connector may have carried the structural issues of its records already.
        carried = set(conversion.issues)
        conversion.issues.extend(issue for issue in raw.issues if issue not in carried)
    evidence = decode.raw_evidence(raw)
    decision = _flavour(evidence, flavour)
    _note_flavour(decision, conversion)
    if encoding == "auto":
        declared = decode.flavour_declared_encoding(
            evidence.field_100_a, decision.flavour, raw.leader
        )
        declared_by = "Leader/09" if decision.flavour is Flavour.MARC21 else "100 $a/26-29"
        chosen = encodings.detect_encoding(
            decode.values_for_detection(raw),
            declared=declared,
            declared_by=declared_by,
            allow_marc8=decision.flavour is Flavour.MARC21,
        )
        if not chosen.confident:
            conversion.issues.append(Issue("encoding-uncertain", chosen.reason))
        conversion.encoding = chosen.encoding
        conversion.decisions.append(f"encoding {chosen.reason}")
    else:
        conversion.encoding = encodings.canonical_encoding(encoding)
        conversion.decisions.append(f"encoding {conversion.encoding}: given by the caller")
    return decode.decode_record(raw, conversion.encoding, conversion.issues)


def _flavour(evidence: FlavourEvidence, forced: Flavour | Auto) -> FlavourDecision:
    if forced != "auto":
        return FlavourDecision(Flavour(forced), f"{Flavour(forced).value}: given by the caller")
    return detect_flavour(evidence)


def _note_flavour(decision: FlavourDecision, conversion: Conversion) -> None:
    conversion.flavour = decision.flavour
    conversion.decisions.append(f"flavour {decision.reason}")
    if decision.ambiguous:
        conversion.issues.append(Issue("ambiguous-flavour", decision.reason))


def _repair_values(record: pymarc.Record) -> int:
    repaired = 0
    for field in record.fields:
        if field.control_field:
            continue
        for position, (code, value) in enumerate(field.subfields):
            if value and not value.isascii():
                repair = repair_double_encoding(value)
                if repair is not None:
                    field.subfields[position] = pymarc.Subfield(code, repair)
                    repaired += 1
    return repaired


def _crosswalk(record: pymarc.Record, conversion: Conversion) -> pymarc.Record | None:
    """RUSMARC/UNIMARC → MARC21 through ``kitapbridge.marc.crosswalk``; None if it failed.

    Imported here, not at module level, so that reading and MARC21 conversion
    work in an installation (or a branch) without the crosswalk package.
    """
    assert conversion.flavour is not None
    try:
        crosswalk_module = importlib.import_module("kitapbridge.marc.crosswalk")
    except ModuleNotFoundError as error:
        if error.name != "kitapbridge.marc.crosswalk":
            raise
        raise RecordError(
            f"{conversion.flavour.value} record, but the RUSMARC/UNIMARC crosswalk "
            "(kitapbridge.marc.crosswalk) is not installed"
        ) from error
    result = crosswalk_module.crosswalk_to_marc21(record, conversion.flavour)
    conversion.unmapped.extend(result.unmapped)
    conversion.issues.extend(result.issues)
    conversion.decisions.append(f"crosswalk {conversion.flavour.value} → marc21")
    if any(issue.severity is Severity.ERROR for issue in result.issues):
        return None
    return result.record
