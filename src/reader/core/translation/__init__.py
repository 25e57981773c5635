"""Sentence translation over installed models, fast and cached.

The fast path never imports ``argostranslate.translate`` (seconds at start-up).
For each direction it loads the model's CTranslate2 model and SentencePiece
model(s) once, and translates all pending sentences in large ``translate_batch``
calls (sentences sorted by length and grouped up to ``max_batch_tokens``), with
the decoding options argostranslate uses, so an Argos package's output matches
``argostranslate.translate`` sentence for sentence. The other families (OPUS-MT,
NLLB-200, M2M-100) run through the same engine; only their tokens differ, and
core/model_families.py knows those.

Packages the fast path cannot handle (a BPE tokenizer, a multilingual package,
or no direct package so a pivot is needed) go through argostranslate's own
classes instead, with the reason logged.

Results are cached in the store keyed by package name and version, direction,
decoding options and the sentence's hash: reopening an article never calls the
model, and removing or upgrading a model drops only its entries.

The package's modules: ``outcomes`` (what a translation is), ``ctranslate2_engine``
(the fast path), ``argos_engine`` (argostranslate's own), ``steered`` (the glossary's
part) and ``translations`` (engines per direction in front of the cache). Every name
is re-exported here.
"""

from __future__ import annotations

from reader.core.translation.argos_engine import ArgosEngine as ArgosEngine
from reader.core.translation.argos_engine import fast_path_problem as fast_path_problem
from reader.core.translation.ctranslate2_engine import CTranslate2Engine as CTranslate2Engine
from reader.core.translation.ctranslate2_engine import Decoded as Decoded
from reader.core.translation.outcomes import CACHE_FORMAT as CACHE_FORMAT
from reader.core.translation.outcomes import LARGEST_BEAM as LARGEST_BEAM
from reader.core.translation.outcomes import LENGTH_PENALTY as LENGTH_PENALTY
from reader.core.translation.outcomes import MAX_ALTERNATIVES as MAX_ALTERNATIVES
from reader.core.translation.outcomes import NoModelError as NoModelError
from reader.core.translation.outcomes import Outcome as Outcome
from reader.core.translation.outcomes import Translator as Translator
from reader.core.translation.outcomes import larger_beam as larger_beam
from reader.core.translation.outcomes import sentence_hash as sentence_hash
from reader.core.translation.translations import ResultCallback as ResultCallback
from reader.core.translation.translations import Translations as Translations
