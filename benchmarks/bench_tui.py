"""How fast the TUI is with a large library, against the obvious alternatives.

With 20,000 articles in a fresh READER_HOME, in the same run:

1. start to first paint (a fresh process: imports, theme, store, the first page of
   All unread on screen), against a minimal app that loads every row into an
   ``OptionList`` before painting — what "just show the list" gives;
2. key to repaint while moving through the article list (``j``), against moving
   through that ``OptionList`` of 20,000 options;
3. opening a 5,000-word article whose translation is already cached: until the text
   is on screen, and until every translated sentence is, against mounting one
   widget pair per paragraph (the obvious way to align paragraphs).

The tiny deterministic translation model from the test suite fills the cache, so
the figures measure the reader's side, not a model. Headless (``run_test``), so
terminal output time is not included.

Run: .venv/bin/python benchmarks/bench_tui.py

On the 2-core development machine (2026-11-28, other jobs running, load ~2-4):
first paint 438 ms (all rows in an OptionList: 1,773 ms); key to repaint 16.9 ms,
bound by the 60 fps refresh like the OptionList's 16.7 ms; the 5,000-word article
shows its text in 49 ms and all its cached translations in 106 ms the first time,
73 ms when opened again (a widget pair per paragraph: 297 ms). Under heavier load
(~6) the same run gave 626 ms, 16.6 ms and 58/141 ms.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.app import App, ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static
from ui_timing import repainted, time_keys

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

ARTICLES = 20_000
LONG_WORDS = 5_000
KEY_PRESSES = 200
SIZE = (160, 48)


def fill_library(home: Path) -> int:
    """20,000 short articles in one feed, plus one long Korean article; returns its id."""
    os.environ["READER_HOME"] = str(home)
    from reader.core.models import EntryData
    from reader.service import ReaderService

    service = ReaderService()
    service.store.set_meta("demo_offered", "1")
    feed, _ = service.store.add_feed("https://bench.example.org/feed.xml", "Bench feed")
    now = datetime(2026, 3, 1, tzinfo=UTC)
    batch = [
        EntryData(
            guid=f"e{number}",
            title=f"Article {number}: 학교와 친구, council and budget",
            paragraphs=["오늘 학교에서 친구를 만났다. 우리는 함께 책을 읽었다."],
            published=(now - timedelta(minutes=number)).isoformat(),
            language="ko",
        )
        for number in range(ARTICLES)
    ]
    for start in range(0, ARTICLES, 2_000):
        service.store.upsert_entries(feed.id, batch[start : start + 2_000])
    sentence = "오늘 학교에서 친구를 만났다. 고양이는 사과를 좋아하지 않는다. "
    paragraph = (sentence * 5).strip()  # 50 words
    long_entry = EntryData(
        guid="long",
        title="A long article",
        paragraphs=[paragraph] * (LONG_WORDS // 50),
        published=(now + timedelta(days=1)).isoformat(),
        language="ko",
    )
    service.store.upsert_entries(feed.id, [long_entry])
    long_id = service.store.article_id_by_guid(feed.id, "long")
    assert long_id is not None
    service.close()
    return long_id


def install_tiny_models(home: Path) -> None:
    from tests.support.tiny_argos import build_tiny_packages

    from reader.core.packages import install_file
    from reader.paths import get_paths

    packages = build_tiny_packages(home / "tiny-packages")
    models = get_paths().effective_models_dir()
    models.mkdir(parents=True, exist_ok=True)
    install_file(packages.ko_en, models)


FIRST_PAINT = """
import asyncio
from reader.service import ReaderService
from reader.ui.app import ReaderApp
from reader.ui.widgets.article_list import ArticleList

async def main():
    app = ReaderApp(ReaderService())
    async with app.run_test(size=(160, 48)) as pilot:
        while not app.screen.query_one(ArticleList).total:
            await asyncio.sleep(0.002)
        painted = asyncio.Event()
        app.screen.call_after_refresh(painted.set)
        await painted.wait()
        print("painted", flush=True)
        app.exit()

asyncio.run(main())
"""

FIRST_PAINT_ALL_ROWS = """
import asyncio
from textual.app import App
from textual.widgets import OptionList
from reader.service import ReaderService

class AllRows(App):
    def compose(self):
        rows = ReaderService().list_articles(unread=True)
        yield OptionList(*[f"{row.title}  {row.feed_title}" for row in rows])

async def main():
    app = AllRows()
    async with app.run_test(size=(160, 48)) as pilot:
        painted = asyncio.Event()
        app.screen.call_after_refresh(painted.set)
        await painted.wait()
        print("painted", flush=True)
        app.exit()

asyncio.run(main())
"""


def time_to_paint(code: str, runs: int = 5) -> float:
    """Median wall time from starting a Python process to its first painted screen."""
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(code)],
            stdout=subprocess.PIPE,
            text=True,
            env=os.environ.copy(),
        )
        assert process.stdout is not None
        for line in process.stdout:
            if line.strip() == "painted":
                timings.append(time.perf_counter() - started)
                break
        process.wait()
    return statistics.median(timings)


async def key_to_repaint() -> tuple[float, float]:
    """Median seconds from a ``j`` key event to the repainted screen, in the article list
    and in an OptionList holding all 20,000 rows."""
    from textual.widgets import OptionList

    from reader.service import ReaderService
    from reader.ui.app import ReaderApp
    from reader.ui.widgets.article_list import ArticleList

    app = ReaderApp(ReaderService())
    async with app.run_test(size=SIZE) as pilot:
        article_list = app.screen.query_one(ArticleList)
        while not article_list.total:
            await pilot.pause(0.01)
        await app.workers.wait_for_complete()
        await pilot.pause()
        ours = await time_keys(app, "j", lambda: article_list.cursor, KEY_PRESSES)

    rows = ReaderService().list_articles(unread=True)

    class AllRows(App[None]):
        def compose(self) -> ComposeResult:
            yield OptionList(*[f"{row.title}  {row.feed_title}" for row in rows])

    other = AllRows()
    async with other.run_test(size=SIZE) as pilot:
        options = other.query_one(OptionList)
        options.highlighted = 0
        await pilot.pause()
        theirs = await time_keys(other, "down", lambda: options.highlighted or 0, KEY_PRESSES)
    return ours, theirs


async def open_long_article(
    article_id: int,
) -> tuple[tuple[float, float], tuple[float, float], float]:
    """Seconds from Enter to the long article's text on screen and to it fully translated
    (from the translation cache), the first time and again; and seconds to mount and
    paint one widget pair per paragraph instead."""
    from reader.service import ReaderService
    from reader.ui.app import ReaderApp
    from reader.ui.screens.article import ArticleScreen
    from reader.ui.widgets.bilingual import BilingualView

    service = ReaderService()
    await _fill_translation_cache(service, article_id)
    service.split_sentences("준비.", "ko")
    app = ReaderApp(service)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        # The article screen is made on the first opening: open another article first.
        app.open_article(article_id - 1)
        await pilot.pause(0.5)
        app.pop_screen()
        await pilot.pause(0.5)
        text_times, translated_times = [], []
        for _ in range(5):
            started = time.perf_counter()
            app.open_article(article_id)
            screen = app.screen
            assert isinstance(screen, ArticleScreen)
            view = screen.query_one(BilingualView)
            while not (screen.article and screen.article.id == article_id and view.units):
                await asyncio.sleep(0.001)
            await repainted(app)
            text_times.append(time.perf_counter() - started)
            while not (screen.total and screen.done >= screen.total):
                await asyncio.sleep(0.001)
            await repainted(app)
            translated_times.append(time.perf_counter() - started)
            targets = [" ".join(t or "" for t in unit.targets) for unit in view.units]
            await pilot.pause(0.3)
            app.pop_screen()
            await pilot.pause(0.3)
        sources = service.article(article_id).paragraphs

    class WidgetPerParagraph(App[None]):
        CSS = ".pair { height: auto; } .pair Static { width: 1fr; margin-bottom: 1; }"

        def compose(self) -> ComposeResult:
            with VerticalScroll():
                for source, target in zip(sources, targets, strict=True):
                    with Horizontal(classes="pair"):
                        yield Static(source, markup=False)
                        yield Static(target, markup=False)

    other = WidgetPerParagraph()
    async with other.run_test(size=SIZE) as pilot:
        await pilot.pause()
        started = time.perf_counter()
        other.query_one(VerticalScroll).remove_children()
        await other.query_one(VerticalScroll).mount_all(
            [
                Horizontal(Static(s, markup=False), Static(t, markup=False), classes="pair")
                for s, t in zip(sources, targets, strict=True)
            ]
        )
        await repainted(other)
        mounted = time.perf_counter() - started
    first = (text_times[0], translated_times[0])
    again = (statistics.median(text_times[1:]), statistics.median(translated_times[1:]))
    return first, again, mounted


async def _fill_translation_cache(service: object, article_id: int) -> None:
    """Translate the long article once so that opening it reads from the cache."""
    from reader.service import ReaderService
    from reader.ui.translation import split_paragraphs

    assert isinstance(service, ReaderService)
    article = service.article(article_id)
    sentences = split_paragraphs(service, article.paragraphs, "ko")
    done = asyncio.Event()
    loop = asyncio.get_running_loop()

    def callback(event: object) -> None:
        from reader.core.translation_queue import JobFailed, JobProgress

        finished = isinstance(event, JobProgress) and event.done >= event.total
        if finished or isinstance(event, JobFailed):
            loop.call_soon_threadsafe(done.set)

    service.translation_queue.submit(sentences, "ko", "en", callback, article_id=article_id)
    await done.wait()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "home"
        started = time.perf_counter()
        long_id = fill_library(home)
        install_tiny_models(home)
        print(
            f"library: {ARTICLES:,} articles + one of {LONG_WORDS:,} words, "
            f"built in {time.perf_counter() - started:.1f} s"
        )

        ours = time_to_paint(FIRST_PAINT)
        theirs = time_to_paint(FIRST_PAINT_ALL_ROWS, runs=3)
        print(
            f"start to first paint:   {ours * 1000:7.0f} ms   "
            f"(every row into an OptionList: {theirs * 1000:.0f} ms, {theirs / ours:.1f}x slower)"
            "   target < 500 ms"
        )

        key, key_other = asyncio.run(key_to_repaint())
        print(
            f"list key to repaint:    {key * 1000:7.1f} ms   "
            f"(OptionList of {ARTICLES:,}: {key_other * 1000:.1f} ms, {key_other / key:.1f}x)"
            "   target < 30 ms"
        )

        first, again, mounted = asyncio.run(open_long_article(long_id))
        print(
            f"open {LONG_WORDS:,}-word article (translation cached), first time: "
            f"text {first[0] * 1000:.0f} ms, all translated {first[1] * 1000:.0f} ms; "
            f"again: text {again[0] * 1000:.0f} ms, all translated {again[1] * 1000:.0f} ms"
        )
        print(
            f"   a widget pair per paragraph instead: {mounted * 1000:.0f} ms "
            f"({mounted / first[1]:.1f}x the first full open)   target < 100 ms"
        )


if __name__ == "__main__":
    main()
