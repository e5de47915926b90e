"""RUSMARC and UNIMARC → MARC21 crosswalk (``docs/standards/sources-and-crosswalks.md`` §3).

Input is a pymarc record already decoded to Unicode; output is a MARC21 record whose leader,
008 and fields follow the agreed mapping. Every source field is either mapped or kept in the
local field 995 (see :mod:`kitapbridge.marc.crosswalk.local`) and listed in ``unmapped``.
"""

from kitapbridge.marc.crosswalk.core import HANDLED_TAGS, CrosswalkResult, crosswalk_to_marc21
from kitapbridge.marc.crosswalk.local import UNMAPPED_TAG

__all__ = ["HANDLED_TAGS", "UNMAPPED_TAG", "CrosswalkResult", "crosswalk_to_marc21"]
