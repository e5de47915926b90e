"""ISO 28560 tag codecs, reader drivers and the encoding-station workflow."""
