"""RUSMARC and UNIMARC → MARC21 crosswalk (``docs/standards/sources-and-crosswalks.md`` §3).

Input is a pymarc record already decoded to Unicode; output is a MARC21 record whose leader,
008 and fields follow the agreed mapping. Every source field is either mapped or kept in the
local field 995 (layout in :mod:`kitapbridge.marc.crosswalk.local`) and its tag listed in
``CrosswalkResult.unmapped``; subfields a mapped field cannot carry are named in an
``unmapped-subfield`` issue.

Decisions where §3 leaves a choice (checked against RSL's own MARC21 exports where possible):

* 210 → 260 (as RSL/RKP export); 214 → 264 with the same function indicator.
* ISBD punctuation is added in 245/250/260/264/300/490 (Leader/18 ``i``); RSL omits some of it.
* ISBN is stored compact (no hyphens); a bad checksum goes to 020 ``$z`` with an issue.
  RUSMARC 010 ``$9`` (print run) becomes a 500 note «Тираж N экз.».
* Relators: ``$e`` Russian term from the RUSMARC code list + ``$4`` MARC21 code (RSL writes
  ГОСТ abbreviations such as «сост.» instead).
* 321 → 510 (``4`` when ``$c`` gives a location), as RSL does.
* 410 → 800/810/830 + 490 ``1``; 461/463 → 773, 464 → 774 (Leader/19 ``a`` for a set,
  ``c`` for a part linked to its set). The part's 245 is its own 200, as in RSL part records,
  except when 200 is only a designation («Ч. 9», «Т. 2»): then 245 ``$a`` is the set title
  from 461/463 and the designation ``$n`` (MARC21 dependent title).
* ``$6``/``$7`` alternate-script pairs → regular field + 880 linked by ``$6``.
* 886 ``2_ $2 marc21`` (MARC21 fields RSL carried through RUSMARC) are restored as they were.
* RUSMARC 852/899 → 852 per location; barcode (852 ``$m``, 899 ``$p``) and inventory number
  (852 ``$n``) → one 876 per copy. In UNIMARC, 899 is a local field and goes to 995.
* RUSMARC 686 without ``$2`` is taken as ``rubbkd``; ИРБИС 908 author mark → 084 ``$b``.
* 830 (cataloguer's note), 135/140 (coded data without a MARC21 book equivalent), 790 and all
  9XX go to 995. Our own organisation code in 040 ``$d`` is the pipeline's job (no settings here).
"""

from kitapbridge.marc.crosswalk.core import (
    HANDLED_TAGS,
    CrosswalkError,
    CrosswalkResult,
    crosswalk_to_marc21,
)
from kitapbridge.marc.crosswalk.local import UNMAPPED_TAG

__all__ = [
    "HANDLED_TAGS",
    "UNMAPPED_TAG",
    "CrosswalkError",
    "CrosswalkResult",
    "crosswalk_to_marc21",
]
