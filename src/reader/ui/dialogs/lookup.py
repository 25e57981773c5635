"""The dictionary lookup of the word under the word cursor: the installed dictionaries'
entries, exact lemma first, then entries that translate it, then compounds, each
with its dictionary named and the dictionaries' licences below.

``a`` turns the word into a term (the annotation form opens with the dictionary's
glosses offered); ``escape``, ``q`` or the lookup key again close it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from reader.ui.format import plain
from reader.ui.host import ReaderModal

if TYPE_CHECKING:
    from reader.core.dictionary import LookupResult

MATCH_HEADINGS = {
    "exact": "",
    "gloss": "Entries that translate it",
    "compound": "Compounds and longer words",
}
MAX_ENTRIES = 30

LookupAnswer = Literal["annotate"] | None
"""What the dialog was closed with: ``annotate`` to make the word a term."""


@dataclass(frozen=True)
class LookupWord:
    """The word looked up, as it stands in the article."""

    text: str
    lang: str


class LookupDialog(ReaderModal[LookupAnswer]):
    """Dictionary entries for one word; the lookup runs in a worker."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,L", "close", "Close", id="lookup_close"),
        Binding("a", "annotate", "Make it a term", id="lookup_annotate"),
        Binding("j,down", "scroll_down", "Down", show=False, id="lookup_down"),
        Binding("k,up", "scroll_up", "Up", show=False, id="lookup_up"),
    ]

    DEFAULT_CSS = """
    LookupDialog { align: center middle; }
    LookupDialog > #lookup-body {
        width: 90%; max-width: 100; height: 80%; border: round $accent;
        background: $surface; padding: 0 1;
    }
    LookupDialog #lookup-title { height: auto; text-style: bold; }
    LookupDialog #lookup-entries { height: 1fr; }
    LookupDialog #lookup-hint { height: 1; color: $foreground 60%; }
    """

    def __init__(self, word: LookupWord) -> None:
        super().__init__()
        self.word = word
        self.result: LookupResult | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="lookup-body"):
            yield Static(Text(plain(self.word.text)), id="lookup-title")
            with VerticalScroll(id="lookup-entries"):
                yield Static(Text("looking up…", style="dim"), id="lookup-text")
            yield Static(Text("a make it a term · esc close · j/k scroll"), id="lookup-hint")

    def on_mount(self) -> None:
        self.look_up()

    @work(thread=True, exclusive=True, group="lookup")
    def look_up(self) -> None:
        """The lemma (from the helper process for Korean), then the dictionaries."""
        word = self.word
        with self.guard("looking up the word"):
            if not self.service.dict_list():
                note = Text("No dictionary installed: run `reader dict install FILE`.")
                self.app.call_from_thread(self._show_text, note)
                return
            lemma = self.service.lemma_for(word.text, word.lang)
            result = self.service.dict_lookup(word.text, limit=MAX_ENTRIES, lemma=lemma)
            self.app.call_from_thread(self._show, result)

    def _show(self, result: LookupResult) -> None:
        self.result = result
        title = Text(plain(result.query), style="bold")
        if result.lemma and result.lemma != result.query:
            title.append(f" → {plain(result.lemma)}")
        self.query_one("#lookup-title", Static).update(title)
        self._show_text(render_lookup(result))

    def _show_text(self, text: Text) -> None:
        self.query_one("#lookup-text", Static).update(text)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_annotate(self) -> None:
        self.dismiss("annotate")

    def action_scroll_down(self) -> None:
        self.query_one("#lookup-entries", VerticalScroll).scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self.query_one("#lookup-entries", VerticalScroll).scroll_up(animate=False)


def render_lookup(result: LookupResult) -> Text:
    """The entries as text: headings per kind of match, senses numbered, sources last.
    Everything from the dictionary file is shown literally (no markup, no controls)."""
    if not result.entries:
        return Text(f"No entry for {plain(result.query)} in the installed dictionaries.")
    text = Text()
    match = "exact"
    for entry in result.entries:
        if entry.match != match:
            match = entry.match
            text.append(f"\n{MATCH_HEADINGS.get(match, match)}\n", style="bold dim")
        text.append(plain(entry.heading), style="bold")
        text.append(f"  [{plain(entry.dictionary)}]\n", style="dim")
        for number, line in enumerate(entry.sense_lines(), 1):
            text.append(f"  {number}. {plain(line)}\n")
    text.append("\nSources\n", style="bold dim")
    for name, dictionary in result.dictionaries.items():
        credit = f"[{name}] {dictionary.title}: {dictionary.credit}"
        text.append(f"  {plain(credit)}\n", style="dim")
    return text
