"""MARC reading, encoding detection, RUSMARC/UNIMARC crosswalks, normalisation, validation and writing. Knows nothing of the database."""
