"""The TUI paints before any heavy library loads, and core never loads Textual or Rich."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
import textwrap

import reader.core

HEAVY = (
    "argostranslate",
    "ctranslate2",
    "torch",
    "kiwipiepy",
    "sentencepiece",
    "stanza",
    "feedparser",
    "httpx",
    "trafilatura",
)


def _run(code: str) -> str:
    process = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ.copy(),
    )
    assert process.returncode == 0, process.stderr
    return process.stdout.strip()


def test_importing_the_app_loads_no_heavy_library() -> None:
    loaded = _run(
        f"""
        import sys
        import reader.ui.app
        print(",".join(name for name in {HEAVY!r} if name in sys.modules))
        """
    )
    assert loaded == ""


def test_first_paint_loads_no_heavy_library() -> None:
    """Run the real app headless until the article list and preview show, in a fresh process."""
    loaded = _run(
        f"""
        import asyncio, sys
        from reader.service import ReaderService
        from reader.ui.app import ReaderApp
        from reader.ui.widgets.article_list import ArticleList

        async def main():
            app = ReaderApp(ReaderService())
            async with app.run_test(size=(120, 30)) as pilot:
                for _ in range(100):
                    await pilot.pause(0.02)
                    if app.screen.query_one(ArticleList).total:
                        break
                await pilot.pause()
                assert app.screen.query_one(ArticleList).total > 0
                # Checked at first paint: heavy modules may load later, in the background.
                print(",".join(name for name in {HEAVY!r} if name in sys.modules))
                app.exit()

        asyncio.run(main())
        """
    )
    assert loaded == ""


def test_core_modules_load_neither_textual_nor_rich() -> None:
    names = [f"reader.core.{module.name}" for module in pkgutil.iter_modules(reader.core.__path__)]
    assert names
    loaded = _run(
        f"""
        import importlib, sys
        for name in {names!r}:
            importlib.import_module(name)
        print(",".join(sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich")
                                  or m.startswith("reader.ui"))))
        """
    )
    assert loaded == ""


def test_first_korean_article_never_freezes_the_screen() -> None:
    """Loading kiwipiepy holds the GIL for seconds; the UI process must not load it."""
    result = _run(
        """
        import asyncio, sys, time
        from reader.core.models import EntryData
        from reader.service import ReaderService
        from reader.ui.app import ReaderApp
        from reader.ui.screens.article import ArticleScreen
        from reader.ui.widgets.article_list import ArticleList

        service = ReaderService()
        service.store.set_meta("demo_offered", "1")
        feed, _ = service.store.add_feed("https://k.example/feed.xml", "K")
        service.store.upsert_entries(feed.id, [EntryData(
            guid="k", title="한국어", language="ko",
            paragraphs=["오늘 학교에서 친구를 만났다. 우리는 함께 책을 읽었다."])])

        async def main():
            app = ReaderApp(service)
            async with app.run_test(size=(100, 30)) as pilot:
                while not app.screen.query_one(ArticleList).total:
                    await pilot.pause(0.01)
                await pilot.press("enter")
                screen = app.screen
                assert isinstance(screen, ArticleScreen)
                started = last = time.monotonic()
                longest = 0.0
                while not screen.total and time.monotonic() - started < 90:
                    await asyncio.sleep(0.01)
                    now = time.monotonic()
                    longest, last = max(longest, now - last), now
                print(screen.total, "kiwipiepy" in sys.modules, round(longest, 3))
                app.exit()

        asyncio.run(main())
        """
    )
    total, kiwi_loaded, longest_gap = result.split()
    assert int(total) == 2
    assert kiwi_loaded == "False"
    assert float(longest_gap) < 0.5


def test_korean_term_work_needs_no_preparation_by_the_ui() -> None:
    """The annotation form, key-term suggestions, occurrences and vocabulary indexing of
    Korean call the service directly (from worker threads, as the screens do): the
    service's analyser keeps kiwipiepy out of the app process by itself."""
    result = _run(
        """
        import asyncio, sys
        from reader.core.models import EntryData
        from reader.service import ReaderService
        from reader.ui.app import ReaderApp
        from reader.ui.dialogs.annotate import AnnotateDialog, Annotation
        from textual.widgets import Input

        service = ReaderService()
        service.store.set_meta("demo_offered", "1")
        feed, _ = service.store.add_feed("https://k.example/feed.xml", "K")
        service.store.upsert_entries(feed.id, [EntryData(
            guid="k", title="학교 이야기", language="ko",
            paragraphs=["오늘 학교에서 친구를 만났다. 우리는 학교 도서관에서 책을 읽었다."])])
        article_id = service.list_articles(limit=1)[0].id

        async def main():
            app = ReaderApp(service)
            async with app.run_test(size=(120, 40)) as pilot:
                saved = []
                app.push_screen(AnnotateDialog(Annotation(
                    text="학교에서", lang="ko", article_id=article_id)), saved.append)
                lemma = ""
                for _ in range(3000):
                    await pilot.pause(0.02)
                    lemma = app.screen.query_one("#annotate-lemma", Input).value
                    if lemma:
                        break
                await pilot.press(*"school", "enter")
                for _ in range(500):
                    if saved:
                        break
                    await pilot.pause(0.02)
                term = saved[0].term
                suggested = await asyncio.to_thread(service.suggest_terms, article_id)
                indexed = await asyncio.to_thread(service.index_vocabulary)
                found = await asyncio.to_thread(service.term_occurrences, term.id)
                print(lemma, term.lemma, bool(suggested), indexed, len(found),
                      "kiwipiepy" in sys.modules)
                app.exit()

        asyncio.run(main())
        """
    )
    lemma, stored_lemma, suggested, indexed, occurrences, kiwi_loaded = result.split()
    assert (lemma, stored_lemma) == ("학교", "학교")
    assert suggested == "True"
    assert int(indexed) >= 0
    assert int(occurrences) == 2
    assert kiwi_loaded == "False"
