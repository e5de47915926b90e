"""Convert whole files: read → convert → write, one record at a time, with a report.

The body of ``kitapbridge convert``; usable from a job as well.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from tqdm import tqdm

from kitapbridge.marc.flavour import Flavour
from kitapbridge.marc.formats import UnknownFormatError
from kitapbridge.marc.issues import RecordError
from kitapbridge.marc.pipeline import Auto, convert_record
from kitapbridge.marc.reading import read_marc_file
from kitapbridge.marc.report import ConversionReport, FileReport
from kitapbridge.marc.writers import OutputFormat, RecordWriter, open_writer

logger = logging.getLogger(__name__)

PROGRESS_MIN_BYTES = 1 << 20
"""Files smaller than this convert too fast for a progress bar to help."""


def convert_files(
    inputs: Iterable[Path],
    output: BinaryIO,
    *,
    to: OutputFormat,
    flavour: Flavour | Auto = "auto",
    encoding: str = "auto",
    progress: bool = False,
) -> ConversionReport:
    """Convert every record of every input into one output stream.

    A file that cannot be opened or is not MARC is noted in the report
    (``FileReport.error``) and the run goes on with the next file.
    """
    report = ConversionReport()
    with open_writer(output, to) as writer:
        for path in inputs:
            file_report = report.start_file(path)
            try:
                _convert_file(path, writer, file_report, flavour, encoding, progress)
            except (OSError, UnknownFormatError) as error:
                file_report.error = str(error)
                logger.warning("%s: not converted: %s", path, error)
    return report


def _convert_file(
    path: Path,
    writer: RecordWriter,
    report: FileReport,
    flavour: Flavour | Auto,
    encoding: str,
    progress: bool,
) -> None:
    size = path.stat().st_size
    with tqdm(
        total=size,
        unit="B",
        unit_scale=True,
        desc=path.name,
        disable=not progress or size < PROGRESS_MIN_BYTES,
    ) as bar:
        for source in read_marc_file(path):
            conversion = convert_record(source, flavour=flavour, encoding=encoding)
            report.add(source, conversion)
            if conversion.record is not None:
                try:
                    writer.write(conversion.record)
                except RecordError as error:
                    report.reject_unwritable(source, error.reason)
            bar.update(max(0, source.offset + len(source.raw) - bar.n))
            if conversion.rejected:
                logger.info(
                    "%s: record %d at byte %d rejected: %s",
                    path,
                    source.index,
                    source.offset,
                    conversion.reject_reason,
                )
