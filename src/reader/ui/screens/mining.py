"""Sentence mining: the library's i+1 sentences (one word not known yet), the most
widely used words first, each with its translation; ``a`` makes the word a term with
that sentence as its context, ``enter`` reads the sentence in its article.

Mining analyses every stored sentence once (kept in the mining cache), which for
Korean needs kiwipiepy: it runs whole in the helper process, like the glossary's
occurrences, so the screen stays live while a large library is read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reader.ui.format import plain
from reader.ui.host import ReaderScreen
from reader.ui.widgets.key_hints import KeyHints

if TYPE_CHECKING:
    from reader.core.mining import MinedSentence

MINED_LIMIT = 200
"""Sentences listed: one per word, the most useful words first."""


class MinedList(OptionList):
    """The mined sentences; ``j``/``k`` move as everywhere in reader."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Next sentence", show=False, id="mining_down"),
        Binding("k", "cursor_up", "Previous sentence", show=False, id="mining_up"),
    ]


class MiningScreen(ReaderScreen[None]):
    """i+1 sentences of the whole library, loaded in a worker."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="mining_back"),
        Binding("a", "add", "Add the word", id="mining_add"),
        Binding("enter", "open", "Read it", id="mining_open"),
        Binding("r", "reload", "Again", show=False, id="mining_reload"),
    ]

    DEFAULT_CSS = """
    MiningScreen #mining-summary { height: 1; padding: 0 1; }
    MiningScreen MinedList { height: 1fr; border: none; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.mined: list[MinedSentence] = []
        self.added: set[int] = set()
        """Rows whose word was added as a term here."""

    def compose(self) -> ComposeResult:
        yield Static("Sentence mining: finding sentences with one new word…", id="mining-summary")
        yield MinedList(id="mining-list")
        yield KeyHints([*self.BINDINGS, *MinedList.BINDINGS])

    def on_mount(self) -> None:
        self.sub_title = "Sentence mining"
        self.query_one(MinedList).focus()
        self.load()

    @work(thread=True, exclusive=True, group="mining")
    def load(self) -> None:
        with self.guard("mining sentences"):
            found = self.service.mine_sentences(MINED_LIMIT)
            self.app.call_from_thread(self._show, found)

    def _show(self, found: list[MinedSentence]) -> None:
        self.mined = found
        self.added.clear()
        options = self.query_one(MinedList)
        options.clear_options()
        for number, sentence in enumerate(found):
            options.add_option(Option(mined_label(sentence), id=str(number)))
        summary = (
            f"{len(found)} sentences with exactly one word you do not know yet,"
            " the most widely used words first"
            if found
            else "No sentence with exactly one unknown word yet: read and mark more words."
        )
        self.query_one("#mining-summary", Static).update(summary)
        if found:
            options.highlighted = 0

    @property
    def highlighted(self) -> MinedSentence | None:
        index = self.query_one(MinedList).highlighted
        return self.mined[index] if index is not None and index < len(self.mined) else None

    def action_add(self) -> None:
        """Add the highlighted sentence's word as a term (dictionary gloss, if any)."""
        index = self.query_one(MinedList).highlighted
        chosen = self.highlighted
        if index is None or chosen is None or index in self.added:
            return

        def add() -> None:
            with self.guard("adding the word"):
                result = self.service.add_mined(chosen)
                self.app.call_from_thread(self._added, index, result.term.text)

        self.run_worker(add, thread=True, group="mining-add")

    def _added(self, index: int, text: str) -> None:
        self.added.add(index)
        options = self.query_one(MinedList)
        label = mined_label(self.mined[index])
        label.append("  ✓ added", style="bold")
        options.replace_option_prompt_at_index(index, label)
        self.notify(f"Added {text}.", markup=False, timeout=2)

    @on(OptionList.OptionSelected, "#mining-list")
    def selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        chosen = self.highlighted
        if chosen is not None:
            self.open_article(chosen.article_id, chosen.paragraph, chosen.start)

    def action_reload(self) -> None:
        self.query_one("#mining-summary", Static).update("Finding sentences again…")
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()


def mined_label(sentence: MinedSentence) -> Text:
    """``외교  ×12 articles`` over the sentence with the word marked, and its translation."""
    label = Text(plain(sentence.lemma), style="bold")
    label.append(f"  in {sentence.articles} articles", style="dim")
    if sentence.term_status:
        label.append(f"  [{sentence.term_status}]", style="dim italic")
    text = plain(sentence.text)
    word = plain(sentence.word)
    label.append("\n  ")
    found = text.find(word) if word else -1
    if found >= 0:
        label.append(text[:found])
        label.append(word, style="reverse")
        label.append(text[found + len(word) :])
    else:
        label.append(text)
    if sentence.translation:
        label.append(f"\n  {plain(sentence.translation)}", style="dim")
    return label
