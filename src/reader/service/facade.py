"""The one object the CLI and the UI talk to: it owns the store, the engines and the
analyser (wiring and lifecycle), and each of its methods is a function of a domain module
that does the work, taking the service as its first argument:

=====================  ==========================================================
``library``            articles, feeds, subscriptions, refresh, OPML, web pages
``feed_settings``      a feed's own settings (full text, translate, direction, …)
``documents``          local files and pasted text in the Local collection
``glossary``           terms, their patterns and the term index (its cache)
``glossary_files``     glossary import and export (CSV, TSV, Anki decks, sentence cards)
``vocabulary``         matching terms in text, suggestions, difficulty, occurrences
``translating``        directions, translation, glossary steering, own translations
``translating_ahead``  prefetch, articles ready, the new articles of a refresh
``models``             translation models (install, choose, remove)
``dictionary``         offline dictionaries
``mining``             sentence mining (i+1)
``exporting``          bilingual export (Markdown, HTML, EPUB)
``accounts``           feed-server accounts and sync
``queries``            the query language and saved searches
=====================  ==========================================================

A method is the module's function itself (``article = library.article``), so its
signature and docstring are written once, in the module. The domain modules turn the
errors of the core into :class:`~reader.service.errors.ServiceError`.

Everything here is synchronous and thread-safe enough to be called from Textual
thread workers; nothing here imports Textual or Rich.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.analysis import Analyser, InProcessAnalyser
from reader.config import Config, load_config
from reader.core.store import Store
from reader.logfile import attach_log_file
from reader.paths import Paths, get_paths
from reader.service import (
    accounts as sync_accounts,
)
from reader.service import (
    dictionary,
    documents,
    exporting,
    feed_settings,
    glossary,
    glossary_files,
    library,
    mining,
    models,
    queries,
    translating,
    translating_ahead,
    vocabulary,
)

if TYPE_CHECKING:
    from reader.core.dictionary import DictionaryStore
    from reader.core.terms import TermIndex
    from reader.core.translation import Translations
    from reader.core.translation_queue import TranslationQueue


class ReaderService:
    """Facade over the store, feeds, translation and terms (see the module's docstring)."""

    def __init__(
        self,
        paths: Paths | None = None,
        config: Config | None = None,
        *,
        analyser: Analyser | None = None,
    ) -> None:
        self.paths = paths or get_paths()
        self.paths.ensure()
        attach_log_file(self.paths.log_file)  # warnings go to reader.log, not the screen
        self.config = config or load_config(self.paths.config_file)
        self.analyser: Analyser = analyser or InProcessAnalyser()
        """Where every analysis and sentence split is made (the TUI's: a helper process)."""
        self._store: Store | None = None
        self._term_index: TermIndex | None = None
        self._term_index_checked = 0.0
        self._term_signature: tuple[int, str, int] | None = None
        self._translations: Translations | None = None
        self._translation_queue: TranslationQueue | None = None
        self._dictionaries: DictionaryStore | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(self.paths.database)
        return self._store

    def database_problem(self) -> str | None:
        """Why the store cannot be opened (not a database, a newer schema, damaged), or
        None. Opening reads the header and the schema version only: a damaged file is
        not written."""
        import sqlite3

        from reader.core.store import StoreError

        try:
            self.store.query("SELECT id FROM feeds LIMIT 1")
        except (StoreError, sqlite3.DatabaseError) as error:
            return str(error)
        return None

    def close(self) -> None:
        if self._translation_queue is not None:
            self._translation_queue.close()
        if self._store is not None:
            self._store.close()
        if self._dictionaries is not None:
            self._dictionaries.close()

    @property
    def translations(self) -> Translations:
        """One translation engine per direction, in front of the cache."""
        if self._translations is None:
            from reader.core.translation import Translations

            models_dir = self.paths.effective_models_dir()
            self._translations = Translations(
                self.store, models_dir, self.config.translation, self.paths.own_models_dir
            )
        return self._translations

    @property
    def translation_queue(self) -> TranslationQueue:
        """The background translation queue (its worker starts with the first job)."""
        if self._translation_queue is None:
            from reader.core.translation_queue import TranslationQueue

            self._translation_queue = TranslationQueue(self.translations)
        return self._translation_queue

    @property
    def dictionaries(self) -> DictionaryStore:
        """The dictionaries database, opened on first use (a file apart from the store)."""
        if self._dictionaries is None:
            from reader.core.dictionary import DictionaryStore

            self._dictionaries = DictionaryStore(self.paths.dictionaries_database)
        return self._dictionaries

    # -- articles, feeds, refresh, OPML, web pages (library) -----------------------------

    list_articles = library.list_articles
    article = library.article
    count_articles = library.count_articles
    article_ids = library.article_ids
    unread_among = library.unread_among
    mark_read = library.mark_read
    search = library.search
    set_read = library.set_read
    set_starred = library.set_starred
    mark_all_read = library.mark_all_read
    ensure_demo = library.ensure_demo
    feeds = library.feeds
    resolve_feed = library.resolve_feed
    fetch_settings = library.fetch_settings
    add_feed = library.add_feed
    remove_feed = library.remove_feed
    refresh = library.refresh
    retention = library.retention
    import_opml = library.import_opml
    export_opml = library.export_opml
    fetch_full = library.fetch_full
    open_url = library.open_url

    # -- a feed's own settings (feed_settings) -------------------------------------------

    find_feed = feed_settings.find_feed
    set_feed_settings = feed_settings.set_feed_settings
    feed_direction = feed_settings.feed_direction

    # -- local documents and pasted text (documents) -------------------------------------

    open_path = documents.open_path
    store_local_entry = documents.store_local_entry
    save_text = documents.save_text

    # -- terms and the term index (glossary) ---------------------------------------------

    add_term = glossary.add_term
    update_term = glossary.update_term
    set_term_status = glossary.set_term_status
    term = glossary.term
    delete_term = glossary.delete_term
    remove_term = glossary.remove_term
    list_terms = glossary.list_terms
    lemma_for = glossary.lemma_for
    term_index = glossary.term_index
    term_patterns_outdated = glossary.term_patterns_outdated
    refresh_term_patterns = glossary.refresh_term_patterns
    existing_glosses = glossary.existing_glosses
    term_frequencies = glossary.term_frequencies

    # -- glossary import and export (CSV, TSV, Anki) (glossary_files) --------------------

    export_terms = glossary_files.export_terms
    import_terms = glossary_files.import_terms

    # -- matching, suggestions, difficulty, occurrences (vocabulary) ---------------------

    match_terms = vocabulary.match_terms
    article_language = vocabulary.article_language
    article_term_matches = vocabulary.article_term_matches
    suggest_terms = vocabulary.suggest_terms
    article_difficulty = vocabulary.article_difficulty
    article_difficulties = vocabulary.article_difficulties
    index_vocabulary = vocabulary.index_vocabulary
    vocabulary_pending_count = vocabulary.vocabulary_pending_count
    vocabulary_pending = vocabulary.vocabulary_pending
    term_occurrences = vocabulary.term_occurrences

    # -- bilingual export (exporting) ----------------------------------------------------

    export_article = exporting.export_article
    bilingual_document = exporting.bilingual_document

    # -- sentence mining (mining) --------------------------------------------------------

    mine_sentences = mining.mine_sentences
    mine_add = mining.mine_add
    add_mined = mining.add_mined

    # -- offline dictionaries (dictionary) -----------------------------------------------

    dict_install = dictionary.dict_install
    dict_list = dictionary.dict_list
    dict_remove = dictionary.dict_remove
    dict_lookup = dictionary.dict_lookup
    dictionary_glosses = dictionary.dictionary_glosses

    # -- directions, translation, steering, the reader's own translations (translating) ---

    direction_for = translating.direction_for
    split_sentences = translating.split_sentences
    split_paragraphs = translating.split_paragraphs
    split_by_language = translating.split_by_language
    warm_up_analysis = translating.warm_up_analysis
    paragraph_directions = translating.paragraph_directions
    can_translate = translating.can_translate
    translate_paragraphs = translating.translate_paragraphs
    translate_text = translating.translate_text
    translate_article_pairs = translating.translate_article_pairs
    gloss_suggestions = translating.gloss_suggestions
    glossary_for = translating.glossary_for
    translate_sentence_again = translating.translate_sentence_again

    # -- translating ahead: prefetch, new articles of a refresh (translating_ahead) -------

    translation_ready = translating_ahead.translation_ready
    prepare_article = translating_ahead.prepare_article
    translate_articles = translating_ahead.translate_articles
    auto_translate_feed_ids = translating_ahead.auto_translate_feed_ids
    last_article_id = translating_ahead.last_article_id
    new_article_ids = translating_ahead.new_article_ids
    pair_details = staticmethod(translating.pair_details)
    set_term_keep = translating.set_term_keep
    keep_term_text = translating.keep_term_text
    set_sentence_translation = translating.set_sentence_translation
    set_text_translation = translating.set_text_translation
    kept_terms = translating.kept_terms

    # -- translation models (models) -----------------------------------------------------

    models_list = models.models_list
    damaged_models = models.damaged_models
    models_install = models.models_install
    models_remove = models.models_remove
    models_installed = models.models_installed
    model_for = models.model_for
    models_for_direction = models.models_for_direction
    models_use = models.models_use
    models_available = models.models_available

    # -- feed-server accounts (accounts) -------------------------------------------------

    account_add = sync_accounts.account_add
    accounts = sync_accounts.accounts
    account = sync_accounts.account
    account_of_feed = sync_accounts.account_of_feed
    account_remove = sync_accounts.account_remove
    account_sync = sync_accounts.account_sync
    account_push = sync_accounts.account_push

    # -- the query language and saved searches (queries) ---------------------------------

    query_articles = queries.query_articles
    count_query = queries.count_query
    query_article_ids = queries.query_article_ids
    check_query = queries.check_query
    saved_searches = queries.saved_searches
    add_saved_search = queries.add_saved_search
    remove_saved_search = queries.remove_saved_search
    saved_search_unread = queries.saved_search_unread
    query_needs_analysis = queries.query_needs_analysis
    analyse_for_query = queries.analyse_for_query
