"""The TUI paints before any heavy library loads, and core never loads Textual or Rich."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path

import reader
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
                waited = time.monotonic()
                while not isinstance(app.screen, ArticleScreen) and time.monotonic() - waited < 30:
                    await pilot.pause(0.01)  # opening is a message the app handles
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


def _imports_of(path: Path, module: str) -> set[str]:
    """Every ``reader`` module a file imports, lazily, under TYPE_CHECKING or at the top."""
    import ast

    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([base] if base else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name == "reader" or name.startswith("reader.")}


def _reader_import_graph() -> dict[str, set[str]]:
    """Module -> the reader modules it imports (names that are not modules are dropped)."""
    root = Path(reader.__file__).parent
    modules: dict[str, Path] = {}
    for path in root.rglob("*.py"):
        parts = ["reader", *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return {name: _imports_of(path, name) & set(modules) for name, path in modules.items()}


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for imported in graph.get(todo.pop(), set()):
            if imported not in seen:
                seen.add(imported)
                todo.append(imported)
    return seen


def _under(names: set[str], *packages: str) -> set[str]:
    return {name for name in names if any(name == p or name.startswith(p + ".") for p in packages)}


def test_no_screen_dialog_or_widget_imports_the_app() -> None:
    """Screens reach the app through ReaderHost; importing it back made a 9-file cycle."""
    graph = _reader_import_graph()
    places = _under(set(graph), "reader.ui.screens", "reader.ui.dialogs", "reader.ui.widgets")
    assert len(places) > 15
    offenders = {
        name: sorted(_under(_reachable(graph, name), "reader.ui.app"))
        for name in sorted(places)
        if _under(_reachable(graph, name), "reader.ui.app")
    }
    assert offenders == {}


def test_widgets_import_no_service_screens_or_app() -> None:
    """Widgets draw what they are given: they never fetch it or drive screens."""
    graph = _reader_import_graph()
    widgets = _under(set(graph), "reader.ui.widgets")
    assert "reader.ui.widgets.bilingual" in widgets
    forbidden = ("reader.service", "reader.ui.screens", "reader.ui.dialogs", "reader.ui.app")
    offenders = {
        name: sorted(_under(_reachable(graph, name), *forbidden))
        for name in sorted(widgets)
        if _under(_reachable(graph, name), *forbidden)
    }
    assert offenders == {}


def test_the_ui_package_has_no_import_cycle_through_the_app() -> None:
    """The app imports the screens; nothing the app imports leads back to it."""
    graph = _reader_import_graph()
    assert "reader.ui.app" not in _reachable(graph, "reader.ui.app")


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


def test_steering_a_korean_article_analyses_it_in_the_helper(installed_tiny_models: Path) -> None:
    """The app's background translation is steered by the glossary, whose Korean
    sentences are analysed by the service's analyser: kiwipiepy stays out of the app."""
    from reader.core.models import EntryData
    from reader.service import ReaderService
    from tests.ui.test_translation_review import SURE, UNSURE

    service = ReaderService()
    service.store.set_meta("demo_offered", "1")
    service.add_term("친구", gloss="pal", lang="ko")
    feed, _ = service.store.add_feed("https://k.example/feed.xml", "K")
    service.store.upsert_entries(
        feed.id,
        # Two sentences: the paragraph's analysis (highlights) is not the sentence's.
        [EntryData(guid="k", title="친구", language="ko", paragraphs=[f"{SURE} {UNSURE}"])],
    )
    service.close()
    result = _run(
        """
        import asyncio, sys, time
        from reader.service import ReaderService
        from reader.ui.app import ReaderApp
        from reader.ui.screens.article import ArticleScreen
        from reader.ui.widgets.article_list import ArticleList
        from reader.ui.widgets.bilingual import BilingualView

        async def main():
            app = ReaderApp(ReaderService())
            async with app.run_test(size=(100, 30)) as pilot:
                while not app.screen.query_one(ArticleList).total:
                    await pilot.pause(0.01)
                await pilot.press("enter")
                started = time.monotonic()
                target = None
                while time.monotonic() - started < 90:
                    await pilot.pause(0.05)
                    screen = app.screen
                    if isinstance(screen, ArticleScreen) and screen.status == "translated":
                        target = screen.query_one(BilingualView).units[0].targets[0]
                        break
                print(repr(target), "kiwipiepy" in sys.modules)
                app.exit()

        asyncio.run(main())
        """
    )
    target, kiwi_loaded = result.rsplit(" ", 1)
    assert target == "'cat school pal book.'"
    assert kiwi_loaded == "False"
