"""SRU diagnostics (``info:srw/diagnostic/1/N``) as exceptions.

Every protocol error raised while parsing or running a request is an
:class:`SRUDiagnostic`; the response writer turns it into a ``<diagnostic>`` with
its URI, details and message. Each subclass names one entry of the LoC list and
fills in ``details`` the way the list defines them.
"""

from __future__ import annotations

from kitapbridge.errors import KitapbridgeError

DIAGNOSTIC_URI_PREFIX = "info:srw/diagnostic/1/"


class SRUDiagnostic(KitapbridgeError):
    """A diagnostic from the SRU diagnostics list; fatal unless raised per record."""

    number: int = 1
    message: str = "General system error"

    def __init__(self, details: str | None = None, message: str | None = None) -> None:
        self.details = details
        if message is not None:
            self.message = message
        super().__init__(f"{self.uri}: {self.message}" + (f" ({details})" if details else ""))

    @property
    def uri(self) -> str:
        """``info:srw/diagnostic/1/N``."""
        return f"{DIAGNOSTIC_URI_PREFIX}{self.number}"


class GeneralSystemError(SRUDiagnostic):
    """1: the server failed; details carry debugging information."""

    number, message = 1, "General system error"


class UnsupportedOperation(SRUDiagnostic):
    """4: the operation is not explain, searchRetrieve or scan."""

    number, message = 4, "Unsupported operation"


class UnsupportedVersion(SRUDiagnostic):
    """5: details = the highest version the server supports."""

    number, message = 5, "Unsupported version"


class UnsupportedParameterValue(SRUDiagnostic):
    """6: details = the parameter name."""

    number, message = 6, "Unsupported parameter value"


class MandatoryParameterMissing(SRUDiagnostic):
    """7: details = the parameter name."""

    number, message = 7, "Mandatory parameter not supplied"


class UnsupportedParameter(SRUDiagnostic):
    """8: a parameter this version does not define (details = its name)."""

    number, message = 8, "Unsupported parameter"


class QuerySyntaxError(SRUDiagnostic):
    """10: the query is not CQL."""

    number, message = 10, "Query syntax error"


class UnbalancedParentheses(SRUDiagnostic):
    """13: details = the character offset."""

    number, message = 13, "Invalid or unsupported use of parentheses"


class UnbalancedQuotes(SRUDiagnostic):
    """14: details = the character offset."""

    number, message = 14, "Invalid or unsupported use of quotes"


class UnsupportedContextSet(SRUDiagnostic):
    """15: details = the context set's URI or short name."""

    number, message = 15, "Unsupported context set"


class UnsupportedIndex(SRUDiagnostic):
    """16: details = the index name."""

    number, message = 16, "Unsupported index"


class UnsupportedRelation(SRUDiagnostic):
    """19: details = the relation."""

    number, message = 19, "Unsupported relation"


class UnsupportedRelationModifier(SRUDiagnostic):
    """20: details = the modifier."""

    number, message = 20, "Unsupported relation modifier"


class UnsupportedRelationModifierCombination(SRUDiagnostic):
    """21: details = slash-separated modifiers."""

    number, message = 21, "Unsupported combination of relation modifers"


class UnsupportedIndexRelation(SRUDiagnostic):
    """22: details = index and relation, space-separated."""

    number, message = 22, "Unsupported combination of relation and index"


class NonSpecialCharacterEscaped(SRUDiagnostic):
    """26: details = the escaped character."""

    number, message = 26, "Non special character escaped in term"


class EmptyTermUnsupported(SRUDiagnostic):
    """27: ``""`` has no defined meaning here."""

    number, message = 27, "Empty term unsupported"


class MaskingCharacterNotSupported(SRUDiagnostic):
    """28: ``*``/``?`` in a term of an index that compares values in order."""

    number, message = 28, "Masking character not supported"


class MaskedWordsTooShort(SRUDiagnostic):
    """29: details = the minimum word length before a mask."""

    number, message = 29, "Masked words too short"


class AnchoringCharacterNotSupported(SRUDiagnostic):
    """31: ``^`` used where no word relation gives it a meaning."""

    number, message = 31, "Anchoring character not supported"


class AnchoringCharacterInUnsupportedPosition(SRUDiagnostic):
    """32: details = the character offset."""

    number, message = 32, "Anchoring character in unsupported position"


class TermInvalidFormat(SRUDiagnostic):
    """36: the term cannot be a value of the index (a year that is not a number)."""

    number, message = 36, "Term in invalid format for index or relation"


class ProximityNotSupported(SRUDiagnostic):
    """39: ``prox`` with modifiers the catalog cannot evaluate."""

    number, message = 39, "Proximity not supported"


class UnsupportedProximityRelation(SRUDiagnostic):
    """40: details = the relation of ``distance``."""

    number, message = 40, "Unsupported proximity relation"


class UnsupportedProximityDistance(SRUDiagnostic):
    """41: details = the distance."""

    number, message = 41, "Unsupported proximity distance"


class UnsupportedProximityUnit(SRUDiagnostic):
    """42: details = the unit."""

    number, message = 42, "Unsupported proximity unit"


class UnsupportedBooleanModifier(SRUDiagnostic):
    """46: details = the modifier."""

    number, message = 46, "Unsupported boolean modifier"


class QueryFeatureUnsupported(SRUDiagnostic):
    """48: details = the feature."""

    number, message = 48, "Query feature unsupported"


class ResultSetDoesNotExist(SRUDiagnostic):
    """51: details = the result set id (expired or never issued)."""

    number, message = 51, "Result set does not exist"


class TooManyMatchingRecords(SRUDiagnostic):
    """60: details = the maximum number of records the feature handles."""

    number, message = 60, "Too many matching records"


class FirstRecordOutOfRange(SRUDiagnostic):
    """61: startRecord is past the end of the result."""

    number, message = 61, "First record position out of range"


class RecordTemporarilyUnavailable(SRUDiagnostic):
    """64: a surrogate: this one record could not be produced now."""

    number, message = 64, "Record temporarily unavailable"


class UnknownSchema(SRUDiagnostic):
    """66: details = the schema as requested."""

    number, message = 66, "Unknown schema for retrieval"


class RecordNotInSchema(SRUDiagnostic):
    """67: a surrogate: this record cannot be rendered in that schema."""

    number, message = 67, "Record not available in this schema"


class UnsupportedRecordPacking(SRUDiagnostic):
    """71: recordPacking (1.x) / recordXMLEscaping (2.0) value not xml/string."""

    number, message = 71, "Unsupported record packing"


class XPathRetrievalUnsupported(SRUDiagnostic):
    """72: SRU 1.1 recordXPath."""

    number, message = 72, "XPath retrieval unsupported"


class SortNotSupported(SRUDiagnostic):
    """80: sorting was asked for where the server cannot sort."""

    number, message = 80, "Sort not supported"


class UnsupportedSortPath(SRUDiagnostic):
    """88: details = the sort key the server cannot sort by."""

    number, message = 88, "Unsupported path for sort"


class TooManySortKeys(SRUDiagnostic):
    """84: details = the maximum number of sort keys."""

    number, message = 84, "Too many sort keys"


class UnsupportedSortCase(SRUDiagnostic):
    """91: details = the case option."""

    number, message = 91, "Unsupported case"


class MissingValueActionUnsupported(SRUDiagnostic):
    """92: details = the missing-value action."""

    number, message = 92, "Unsupported missing value action"


class SortInQueryAndProtocol(SRUDiagnostic):
    """96: both CQL ``sortBy`` and the ``sortKeys`` parameter were given."""

    number, message = 96, "Sort specified both in query and protocol: error"


class StylesheetsNotSupported(SRUDiagnostic):
    """110: SRU 2.0 ``renderedBy=server``; we never render on the server."""

    number, message = 110, "Stylesheets not supported"


class ResponsePositionOutOfRange(SRUDiagnostic):
    """120: scan responsePosition beyond maximumTerms + 1."""

    number, message = 120, "Response position out of range"


class TooManyTermsRequested(SRUDiagnostic):
    """121: details = the maximum number of terms."""

    number, message = 121, "Too many terms requested"


class DatabaseDoesNotExist(SRUDiagnostic):
    """235: details = the database (school ISIL) requested."""

    number, message = 235, "Database does not exist"
