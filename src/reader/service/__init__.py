"""The service the CLI and the UI talk to: :class:`ReaderService` (see
:mod:`reader.service.facade`) and the names its callers use, re-exported here."""

from reader.core.documents import MAX_LOCAL_FILE_BYTES
from reader.service.dictionary import MAX_LOOKUP_CHARS
from reader.service.errors import LicenceNotAcceptedError, ServiceError, licence_notice
from reader.service.facade import ReaderService
from reader.service.queries import MAX_SAVED_SEARCH_NAME
from reader.service.results import (
    AddFeedResult,
    DictionaryGloss,
    FullTextResult,
    GlossSuggestion,
    ImportResult,
    KeptTranslation,
    MinedTerm,
    ModelUse,
    OpenResult,
    OpmlImportResult,
    PairDetails,
    SentencePair,
    TermResult,
    Translation,
)

__all__ = [
    "MAX_LOCAL_FILE_BYTES",
    "MAX_LOOKUP_CHARS",
    "MAX_SAVED_SEARCH_NAME",
    "AddFeedResult",
    "DictionaryGloss",
    "FullTextResult",
    "GlossSuggestion",
    "ImportResult",
    "KeptTranslation",
    "LicenceNotAcceptedError",
    "MinedTerm",
    "ModelUse",
    "OpenResult",
    "OpmlImportResult",
    "PairDetails",
    "ReaderService",
    "SentencePair",
    "ServiceError",
    "TermResult",
    "Translation",
    "licence_notice",
]
