"""Text folding shared by the term index and deduplication.

Kazakh Cyrillic ↔ 2021 Latin, homoglyph repair, case and diacritic folding.
"""

from kitapbridge.text.fold import fold as fold
from kitapbridge.text.fold import skeleton as skeleton
from kitapbridge.text.fold import skeleton_words as skeleton_words
from kitapbridge.text.fold import strip_nonfiling as strip_nonfiling
from kitapbridge.text.homoglyphs import mixed_script_words as mixed_script_words
from kitapbridge.text.homoglyphs import repair_homoglyphs as repair_homoglyphs
