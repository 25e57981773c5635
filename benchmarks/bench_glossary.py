"""How fast the glossary screen opens with 10,000 terms, against the obvious alternative.

With 10,000 terms in a fresh READER_HOME, in the same run, headless (``run_test``):

1. opening the glossary screen: from ``push_screen`` until the newest terms are
   painted (and until all 10,000 are loaded and filterable), against a screen that fills a Textual ``DataTable``
   with every term before it paints — what "just show a table" gives. Target < 200 ms.
2. key to repaint moving through the table (``j``), and applying a status filter
   (``s``) to the 10,000 terms, against the same in that ``DataTable``.

Run: .venv/bin/python benchmarks/bench_glossary.py

Last run (2 cores, 2026-11-28): rows on screen 61 ms (first open 93 ms), all 10,000
terms loaded and filterable 201 ms; a DataTable filled first 1,596 ms (26x slower);
key to repaint 16.6 ms (DataTable 18.7 ms); status filter to repaint 22 ms.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from textual import events
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable
from ui_timing import repainted, time_keys

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

TERMS = 10_000
OPENS = 7
KEY_PRESSES = 100
SIZE = (160, 48)
SYLLABLES = (
    "가나다라마바사아자차카타파하강경공광국군권금기남대도동문민방법보부사산상서선성세소수시신안"
)


def fill_glossary(home: Path) -> None:
    from reader.core.models import Term
    from reader.service import ReaderService

    os.environ["READER_HOME"] = str(home)
    service = ReaderService()
    chooser = random.Random(6)
    with service.store.transaction():
        for number in range(TERMS):
            text = "".join(chooser.choice(SYLLABLES) for _ in range(chooser.randint(2, 4)))
            text = f"{text}{number}"
            service.store.insert_term(
                Term(
                    id=0,
                    lang="ko" if number % 3 else "en",
                    text=text,
                    lemma=text,
                    gloss=f"gloss number {number}",
                    note="a note",
                    status=str(1 + number % 5) if number % 4 else "known",
                    tags=["news", f"t{number % 7}"],
                    pattern=f"{text}/N",
                )
            )
    service.close()


class AllRowsScreen(Screen[None]):
    """The alternative: every term into a DataTable before the first paint."""

    def compose(self) -> ComposeResult:
        from reader.service import ReaderService

        table: DataTable[str] = DataTable(cursor_type="row")
        table.add_columns("st", "term", "lemma", "gloss", "lang")
        terms = ReaderService().list_terms()
        table.add_rows(
            [(term.status, term.text, term.lemma, term.gloss, term.lang) for term in terms]
        )
        yield table


async def open_ours() -> tuple[list[tuple[float, float]], float, float]:
    """Open times (rows on screen, every term loaded), then key-to-repaint and filter
    times on the opened screen."""
    from reader.service import ReaderService
    from reader.ui.app import ReaderApp
    from reader.ui.screens.glossary import GlossaryScreen
    from reader.ui.widgets.glossary_table import GlossaryTable

    app = ReaderApp(ReaderService())
    timings = []
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        for _ in range(OPENS):
            started = time.perf_counter()
            screen = GlossaryScreen()
            await app.push_screen(screen)
            table = screen.query_one(GlossaryTable)
            while not table.terms:
                await asyncio.sleep(0.001)
            await repainted(app)
            shown = time.perf_counter() - started
            while len(screen.all_terms) < TERMS:
                await asyncio.sleep(0.001)
            await repainted(app)
            timings.append((shown, time.perf_counter() - started))
            await app.workers.wait_for_complete()
            app.pop_screen()
            await pilot.pause()
        screen = GlossaryScreen()
        await app.push_screen(screen)
        table = screen.query_one(GlossaryTable)
        while len(table.terms) < TERMS:
            await asyncio.sleep(0.001)
        await app.workers.wait_for_complete()
        await pilot.pause()
        key = await time_keys(app, "j", lambda: table.cursor, KEY_PRESSES)
        started = time.perf_counter()
        app.post_message(events.Key("s", None))
        while screen.filter.status is None:
            await asyncio.sleep(0)
        await repainted(app)
        filtered = time.perf_counter() - started
    return timings, key, filtered


async def open_theirs() -> tuple[list[float], float]:
    class Alternative(App[None]):
        pass

    app = Alternative()
    timings = []
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(3):
            started = time.perf_counter()
            await app.push_screen(AllRowsScreen())
            await repainted(app)
            timings.append(time.perf_counter() - started)
            app.pop_screen()
            await pilot.pause()
        await app.push_screen(AllRowsScreen())
        table = app.screen.query_one(DataTable)
        table.focus()
        await pilot.pause()
        key = await time_keys(app, "down", lambda: table.cursor_row, KEY_PRESSES)
    return timings, key


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "home"
        started = time.perf_counter()
        fill_glossary(home)
        print(f"glossary: {TERMS:,} terms, built in {time.perf_counter() - started:.1f} s")
        ours, key, filtered = asyncio.run(open_ours())
        theirs, their_key = asyncio.run(open_theirs())
        shown = statistics.median(shown for shown, _ in ours[1:])
        loaded = statistics.median(loaded for _, loaded in ours[1:])
        alternative = statistics.median(theirs)
        print(
            f"open the glossary screen, rows on screen: {shown * 1000:5.0f} ms"
            f" (first open {ours[0][0] * 1000:.0f} ms; median of the next {OPENS - 1})"
            "   target < 200 ms"
        )
        print(f"   all {TERMS:,} terms loaded, filterable: {loaded * 1000:5.0f} ms")
        print(
            f"   every term into a DataTable first: {alternative * 1000:.0f} ms"
            f" ({alternative / shown:.1f}x the time to rows on screen)"
        )
        print(
            f"key to repaint (j):        {key * 1000:6.1f} ms"
            f"   (DataTable of {TERMS:,}: {their_key * 1000:.1f} ms)"
        )
        print(f"status filter over {TERMS:,} terms, to repaint: {filtered * 1000:.0f} ms")


if __name__ == "__main__":
    main()
