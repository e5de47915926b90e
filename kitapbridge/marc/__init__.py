"""MARC: reading, encoding detection, crosswalks, normalisation, validation and writing.

RUSMARC and UNIMARC are converted to MARC21. This package knows nothing of the database.
"""
