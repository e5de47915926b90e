"""MARC: reading, encoding detection, crosswalks, normalisation, validation and writing.

RUSMARC and UNIMARC are converted to MARC21. This package knows nothing of the database.
"""

from kitapbridge.marc.batch import convert_files as convert_files
from kitapbridge.marc.conversion import Conversion as Conversion
from kitapbridge.marc.flavour import Flavour as Flavour
from kitapbridge.marc.formats import MarcFormat as MarcFormat
from kitapbridge.marc.formats import UnknownFormatError as UnknownFormatError
from kitapbridge.marc.issues import Issue as Issue
from kitapbridge.marc.issues import RecordError as RecordError
from kitapbridge.marc.issues import Severity as Severity
from kitapbridge.marc.pipeline import convert_record as convert_record
from kitapbridge.marc.pipeline import decode_source as decode_source
from kitapbridge.marc.reading import read_marc_file as read_marc_file
from kitapbridge.marc.report import ConversionReport as ConversionReport
from kitapbridge.marc.writers import OutputFormat as OutputFormat
from kitapbridge.marc.writers import open_writer as open_writer
